import { z } from 'zod';
import {
  CameraAngleSchema,
  CameraMovementSchema,
  HexColorSchema,
  IntExtSchema,
  ShotTypeSchema,
  TimeOfDaySchema,
  VisualIdentitySchema,
} from './film.ts';
import { IdSchema, JsonValueSchema } from './graph.ts';

/** What the generation gateway produces, and how it accounts for it. */

export const GenerationKindSchema = z.enum([
  'text',
  'embeddings',
  'image',
  'video',
  'speech',
  'music',
  'sfx',
  'model3d',
  'vision',
  'moderation',
]);
export type GenerationKind = z.infer<typeof GenerationKindSchema>;

export const AssetKindSchema = z.enum(['image', 'audio', 'video', 'model3d', 'document', 'export']);
export type AssetKind = z.infer<typeof AssetKindSchema>;

/** An Asset node: a content-addressed file in the brain's asset store. */
export const AssetSchema = z.object({
  id: IdSchema,
  projectId: IdSchema,
  kind: AssetKindSchema,
  mime: z.string().min(3).max(100),
  bytes: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** `asset://<sha256>`: where the bytes are, independent of the store. */
  uri: z.string().min(1),
  /** Which provider made it (`offline-svg`, `fal`, `espeak-ng`, `upload`…). */
  provider: z.string().min(1).max(60),
  model: z.string().max(200).optional(),
  prompt: z.string().max(20_000).optional(),
  seed: z.number().int().optional(),
  costUsd: z.number().nonnegative(),
  filename: z.string().max(255).optional(),
  width: z.number().int().positive().optional(),
  height: z.number().int().positive().optional(),
  durationS: z.number().nonnegative().optional(),
  createdAt: z.iso.datetime(),
});
export type Asset = z.infer<typeof AssetSchema>;

/** Per-call accounting every generation tool returns. */
export const GenerationMetaSchema = z.object({
  provider: z.string(),
  model: z.string(),
  /** True when an identical earlier request's result was returned at no cost. */
  cached: z.boolean(),
  costUsd: z.number().nonnegative(),
  latencyMs: z.number().nonnegative(),
  /** The PromptExecution node recording this call. */
  executionId: IdSchema,
});
export type GenerationMeta = z.infer<typeof GenerationMetaSchema>;

/** Optional hint to force a provider of the kind's chain (`offline`, `openrouter`, `fal`…) and a model. */
export const ProviderChoiceSchema = z.object({
  provider: z.string().min(1).max(60).optional(),
  model: z.string().min(1).max(200).optional(),
});

export const SeedSchema = z
  .number()
  .int()
  .min(0)
  .max(2 ** 31 - 1)
  .describe('Same seed + same inputs = same output (and a cache hit).');

// ── images ─────────────────────────────────────────────────────────────────────────────────
/** A character as drawn: a stable identity the renderer keeps across frames. */
export const FigureSchema = z.object({
  characterId: IdSchema.optional(),
  name: z.string().min(1).max(120),
  identity: VisualIdentitySchema,
  /** Where in frame, 0 (left) – 1 (right). Default: spread evenly. */
  x: z.number().min(0).max(1).optional(),
  facing: z.enum(['left', 'right', 'camera', 'away']).optional(),
  speaking: z.boolean().optional(),
});
export type Figure = z.infer<typeof FigureSchema>;

/**
 * Structured staging of a storyboard frame. Real image models read `prompt`; the offline renderer
 * draws from this (framing by shot type, figures, backdrop, time of day, caption).
 */
export const CompositionSchema = z.object({
  shotType: ShotTypeSchema,
  angle: CameraAngleSchema.default('eye_level'),
  movement: CameraMovementSchema.optional(),
  figures: z.array(FigureSchema).max(8).default([]),
  location: z.object({
    name: z.string().min(1).max(120),
    intExt: IntExtSchema,
    timeOfDay: TimeOfDaySchema,
    /** Props and features to draw (`window`, `table`, `tree`…). */
    elements: z.array(z.string().min(1).max(60)).max(12).default([]),
  }),
  /** The caption strip: shot number and action, e.g. `3.2 — Mara opens the letter`. */
  caption: z.string().max(300).optional(),
  palette: z.array(HexColorSchema).max(5).optional().describe('Style preset colours for the backdrop.'),
});
export type Composition = z.infer<typeof CompositionSchema>;

// ── speech ─────────────────────────────────────────────────────────────────────────────────
export const TimingSchema = z.object({
  text: z.string(),
  startS: z.number().nonnegative(),
  endS: z.number().nonnegative(),
});
export type Timing = z.infer<typeof TimingSchema>;

// ── 3D ─────────────────────────────────────────────────────────────────────────────────────
export const BlockoutElementSchema = z.object({
  name: z.string().min(1).max(60),
  shape: z.enum(['box', 'cylinder', 'plane', 'sphere']).default('box'),
  /** Metres: width, height, depth. */
  size: z.tuple([z.number().positive().max(1000), z.number().positive().max(1000), z.number().positive().max(1000)]).optional(),
  position: z.tuple([z.number().min(-1000).max(1000), z.number().min(-1000).max(1000), z.number().min(-1000).max(1000)]).optional(),
  color: HexColorSchema.optional(),
});
export type BlockoutElement = z.infer<typeof BlockoutElementSchema>;

// ── prompt templates ───────────────────────────────────────────────────────────────────────
export const TemplateNameSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/, 'template names are dotted lowercase: story.outlines')
  .max(100);

export const TemplateVariableSchema = z.object({
  name: z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'variable names are identifiers'),
  required: z.boolean().default(true),
  description: z.string().max(500).optional(),
  /** A JSON Schema the value must satisfy. Default: a string. */
  schema: z.record(z.string(), JsonValueSchema).optional(),
});
export type TemplateVariable = z.infer<typeof TemplateVariableSchema>;

export const PromptTemplateSchema = z.object({
  id: IdSchema,
  name: TemplateNameSchema,
  version: z.number().int().positive(),
  description: z.string().max(2000).optional(),
  /** Prompt text with `{{variable}}` slots for the variables; `system` likewise. */
  system: z.string().max(50_000).optional(),
  body: z.string().min(1).max(100_000),
  variables: z.array(TemplateVariableSchema).max(50),
  /** JSON Schema of the output; absent = free text. */
  outputSchema: z.record(z.string(), JsonValueSchema).optional(),
  /** Provider routing: a provider name of the text chain and a model, tried first. */
  routing: ProviderChoiceSchema.optional(),
  builtin: z.boolean(),
  createdAt: z.iso.datetime(),
});
export type PromptTemplate = z.infer<typeof PromptTemplateSchema>;

export const PromptExecutionSchema = z.object({
  id: IdSchema,
  projectId: IdSchema,
  kind: GenerationKindSchema,
  tool: z.string(),
  template: z.string().optional(),
  templateVersion: z.number().int().optional(),
  provider: z.string(),
  model: z.string(),
  status: z.enum(['succeeded', 'failed', 'cached']),
  inputs: z.record(z.string(), JsonValueSchema),
  /** Text output, or a summary for media (the asset id). */
  output: JsonValueSchema.optional(),
  assetId: IdSchema.optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
  latencyMs: z.number().nonnegative(),
  costUsd: z.number().nonnegative(),
  attempts: z.number().int().nonnegative(),
  createdAt: z.iso.datetime(),
});
export type PromptExecution = z.infer<typeof PromptExecutionSchema>;

// ── providers and usage ────────────────────────────────────────────────────────────────────
export const ProviderStatusSchema = z.object({
  kind: GenerationKindSchema,
  name: z.string(),
  /** Position in the kind's chain (0 = tried first). */
  order: z.number().int().nonnegative(),
  models: z.array(z.string()),
  offline: z.boolean().describe('Runs on this machine without network or keys.'),
  configured: z.boolean(),
  healthy: z.boolean(),
  breaker: z.enum(['closed', 'open', 'half_open']),
  recentFailures: z.number().int().nonnegative(),
});
export type ProviderStatus = z.infer<typeof ProviderStatusSchema>;

export const UsageRowSchema = z.object({
  kind: GenerationKindSchema,
  provider: z.string(),
  model: z.string(),
  calls: z.number().int().nonnegative(),
  cachedCalls: z.number().int().nonnegative(),
  failedCalls: z.number().int().nonnegative(),
  costUsd: z.number().nonnegative(),
  latencyP50Ms: z.number().nonnegative(),
  latencyP95Ms: z.number().nonnegative(),
});
export type UsageRow = z.infer<typeof UsageRowSchema>;
