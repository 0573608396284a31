import { z } from 'zod';
import { VoiceSpecSchema } from '../film.ts';
import {
  AssetKindSchema,
  AssetSchema,
  BlockoutElementSchema,
  CompositionSchema,
  GenerationKindSchema,
  GenerationMetaSchema,
  PromptExecutionSchema,
  PromptTemplateSchema,
  ProviderChoiceSchema,
  ProviderStatusSchema,
  SeedSchema,
  TemplateNameSchema,
  TemplateVariableSchema,
  TimingSchema,
  UsageRowSchema,
} from '../generation.ts';
import { IdSchema, JsonValueSchema, ProjectIdSchema } from '../graph.ts';
import { defineTool } from '../tool.ts';

/** The brain's generation gateway: every AI call of the fleet goes through these tools. */

const meta = GenerationMetaSchema.shape;
const assetOut = z.object({ asset: AssetSchema, ...meta });
const choice = ProviderChoiceSchema.shape;
const jsonSchema = z.record(z.string(), JsonValueSchema);
const prompt = z.string().min(1).max(20_000);
const durationS = (max: number) => z.number().min(0.1).max(max);

// ── text ───────────────────────────────────────────────────────────────────────────────────
export const ChatMessageSchema = z.object({
  role: z.enum(['system', 'user', 'assistant']),
  content: z.string().min(1).max(200_000),
});

export const generate_text = defineTool({
  name: 'generate_text',
  description:
    'Chat completion through the text provider chain; with `jsonSchema`, structured output validated against it (retried once with the validation error, then refused).',
  input: z.object({
    projectId: ProjectIdSchema,
    messages: z.array(ChatMessageSchema).min(1).max(200),
    jsonSchema: jsonSchema.optional().describe('JSON Schema the answer must satisfy; the answer is then returned parsed in `json`.'),
    temperature: z.number().min(0).max(2).optional(),
    maxTokens: z.number().int().min(1).max(64_000).optional(),
    seed: SeedSchema.optional(),
    ...choice,
  }),
  output: z.object({
    text: z.string(),
    json: JsonValueSchema.optional(),
    inputTokens: z.number().int().nonnegative(),
    outputTokens: z.number().int().nonnegative(),
    ...meta,
  }),
  scope: 'generate',
});

export const execute_prompt = defineTool({
  name: 'execute_prompt',
  description:
    "Runs a named, versioned prompt template (the project's own, else the built-in): variables validated and interpolated, the output validated against the template's schema.",
  input: z.object({
    projectId: ProjectIdSchema,
    template: TemplateNameSchema,
    version: z.number().int().positive().optional().describe('Default: the newest.'),
    variables: z.record(z.string(), JsonValueSchema).default({}),
    seed: SeedSchema.optional(),
    ...choice,
  }),
  output: z.object({
    template: TemplateNameSchema,
    version: z.number().int().positive(),
    text: z.string(),
    output: JsonValueSchema.describe('Parsed and validated output (the text itself for free-text templates).'),
    ...meta,
  }),
  scope: 'generate',
});

export const upsert_prompt_template = defineTool({
  name: 'upsert_prompt_template',
  description: 'Saves a new version of a prompt template in a project (earlier versions are kept and still executable).',
  input: z.object({
    projectId: ProjectIdSchema,
    name: TemplateNameSchema,
    description: z.string().max(2000).optional(),
    system: z.string().max(50_000).optional(),
    body: z.string().min(1).max(100_000),
    variables: z.array(TemplateVariableSchema).max(50).default([]),
    outputSchema: jsonSchema.optional(),
    routing: ProviderChoiceSchema.optional(),
  }),
  output: z.object({ template: PromptTemplateSchema }),
  scope: 'prompts.write',
});

export const list_prompt_templates = defineTool({
  name: 'list_prompt_templates',
  description: "The built-in templates and the project's own, newest version of each (or every version of one name).",
  input: z.object({ projectId: ProjectIdSchema, name: TemplateNameSchema.optional().describe('Every version of this template.') }),
  output: z.object({ templates: z.array(PromptTemplateSchema) }),
  scope: 'prompts.read',
  readOnly: true,
});

export const list_prompt_executions = defineTool({
  name: 'list_prompt_executions',
  description: 'Recorded generation calls of a project, newest first: inputs, provider, model, latency, cost, status.',
  input: z.object({
    projectId: ProjectIdSchema,
    template: TemplateNameSchema.optional(),
    kind: GenerationKindSchema.optional(),
    limit: z.number().int().min(1).max(500).default(50),
    before: z.iso.datetime().optional().describe('Page: only executions older than this.'),
  }),
  output: z.object({ executions: z.array(PromptExecutionSchema) }),
  scope: 'prompts.read',
  readOnly: true,
});

// ── media ──────────────────────────────────────────────────────────────────────────────────
export const generate_image = defineTool({
  name: 'generate_image',
  description:
    'Text-to-image, or image-to-image with reference images (character consistency). Offline: a storyboard frame drawn from `composition`.',
  input: z.object({
    projectId: ProjectIdSchema,
    prompt,
    negativePrompt: z.string().max(2000).optional(),
    width: z.number().int().min(64).max(4096).default(1280),
    height: z.number().int().min(64).max(4096).default(720),
    composition: CompositionSchema.optional(),
    referenceAssetIds: z.array(IdSchema).max(8).default([]).describe('Image assets to keep identities from.'),
    seed: SeedSchema.optional(),
    ...choice,
  }),
  output: assetOut,
  scope: 'generate',
});

export const generate_video = defineTool({
  name: 'generate_video',
  description: 'Text- or image-to-video. Offline: a camera move (push-in, pan…) over the image.',
  input: z.object({
    projectId: ProjectIdSchema,
    prompt,
    imageAssetId: IdSchema.optional().describe('Start from this image (required offline).'),
    durationS: durationS(60).default(4),
    movement: z.enum(['static', 'push_in', 'pull_out', 'pan_left', 'pan_right', 'tilt_up', 'tilt_down', 'tracking']).default('push_in'),
    width: z.number().int().min(64).max(3840).default(1280),
    height: z.number().int().min(64).max(2160).default(720),
    fps: z.number().int().min(1).max(60).default(24),
    seed: SeedSchema.optional(),
    ...choice,
  }),
  output: assetOut,
  scope: 'generate',
});

export const generate_speech = defineTool({
  name: 'generate_speech',
  description: 'Text to speech in a voice; returns the audio asset and word timings measured from it.',
  input: z.object({
    projectId: ProjectIdSchema,
    text: z.string().min(1).max(5000),
    voice: VoiceSpecSchema,
    seed: SeedSchema.optional(),
    ...choice,
  }),
  output: z.object({
    asset: AssetSchema,
    durationS: z.number().nonnegative(),
    timings: z.array(TimingSchema).describe('Per word, in seconds from the start of the audio.'),
    ...meta,
  }),
  scope: 'generate',
});

export const generate_music = defineTool({
  name: 'generate_music',
  description: 'A music bed for a mood and length.',
  input: z.object({
    projectId: ProjectIdSchema,
    mood: z.string().min(1).max(100).describe('tense, tender, playful, melancholic, triumphant, eerie…'),
    durationS: durationS(600),
    prompt: z.string().max(2000).optional(),
    tempoBpm: z.number().int().min(40).max(220).optional(),
    seed: SeedSchema.optional(),
    ...choice,
  }),
  output: z.object({ asset: AssetSchema, durationS: z.number().nonnegative(), ...meta }),
  scope: 'generate',
});

export const generate_sound_effect = defineTool({
  name: 'generate_sound_effect',
  description: 'A sound effect or ambience from a description.',
  input: z.object({
    projectId: ProjectIdSchema,
    description: z.string().min(1).max(1000),
    durationS: durationS(60),
    seed: SeedSchema.optional(),
    ...choice,
  }),
  output: z.object({ asset: AssetSchema, durationS: z.number().nonnegative(), ...meta }),
  scope: 'generate',
});

export const generate_3d_model = defineTool({
  name: 'generate_3d_model',
  description: 'A 3D model (glTF binary). Offline: a procedural blockout of the described elements.',
  input: z.object({
    projectId: ProjectIdSchema,
    description: z.string().min(1).max(5000),
    elements: z.array(BlockoutElementSchema).max(200).default([]),
    imageAssetId: IdSchema.optional(),
    seed: SeedSchema.optional(),
    ...choice,
  }),
  output: assetOut,
  scope: 'generate',
});

export const describe_image = defineTool({
  name: 'describe_image',
  description: 'Describes an image asset (or answers a question about it).',
  input: z.object({ projectId: ProjectIdSchema, assetId: IdSchema, question: z.string().max(2000).optional(), ...choice }),
  output: z.object({ description: z.string(), ...meta }),
  scope: 'generate',
});

export const moderate_content = defineTool({
  name: 'moderate_content',
  description: 'Checks text against content policy categories; flagged when any category is over its threshold.',
  input: z.object({ projectId: ProjectIdSchema, text: z.string().min(1).max(100_000), ...choice }),
  output: z.object({
    flagged: z.boolean(),
    categories: z.record(z.string(), z.number().min(0).max(1)),
    ...meta,
  }),
  scope: 'generate',
});

// ── providers, usage and assets ────────────────────────────────────────────────────────────
export const list_providers = defineTool({
  name: 'list_providers',
  description: 'Every provider of every kind, in chain order: configured, healthy, circuit breaker state.',
  input: z.object({ kind: GenerationKindSchema.optional() }),
  output: z.object({ providers: z.array(ProviderStatusSchema) }),
  readOnly: true,
});

export const get_usage = defineTool({
  name: 'get_usage',
  description: "A project's generation calls, cost and latency per kind, provider and model, and what is left of its budget.",
  input: z.object({
    projectId: ProjectIdSchema,
    since: z.iso.datetime().optional(),
    until: z.iso.datetime().optional(),
  }),
  output: z.object({
    rows: z.array(UsageRowSchema),
    totalCostUsd: z.number().nonnegative(),
    totalCalls: z.number().int().nonnegative(),
    budgetUsd: z.number().nonnegative().optional(),
    remainingUsd: z.number().optional(),
  }),
  scope: 'graph.read',
  readOnly: true,
});

export const get_asset = defineTool({
  name: 'get_asset',
  description: "An asset's metadata and a signed, expiring download URL served by the brain.",
  input: z.object({
    projectId: ProjectIdSchema,
    assetId: IdSchema,
    ttlS: z
      .number()
      .int()
      .min(10)
      .max(7 * 86_400)
      .default(3600),
  }),
  output: z.object({ asset: AssetSchema, url: z.url(), expiresAt: z.iso.datetime() }),
  scope: 'graph.read',
  readOnly: true,
});

export const create_asset_upload = defineTool({
  name: 'create_asset_upload',
  description:
    'A signed, expiring URL to PUT a file to (rendered videos, exports, imports); the PUT answers with the stored Asset (content-addressed, deduplicated).',
  input: z.object({
    projectId: ProjectIdSchema,
    kind: AssetKindSchema,
    mime: z.string().regex(/^[a-z]+\/[a-z0-9.+-]+$/, 'a MIME type like video/mp4'),
    filename: z
      .string()
      .min(1)
      .max(255)
      .regex(/^[^/\\]+$/, 'a file name, without directories')
      .optional(),
    maxBytes: z
      .number()
      .int()
      .min(1)
      .max(2 * 1024 ** 3)
      .default(512 * 1024 ** 2),
    ttlS: z.number().int().min(10).max(86_400).default(900),
    /** Recorded on the Asset: which service/provider made the file. */
    provider: z.string().min(1).max(60).default('upload'),
  }),
  output: z.object({ url: z.url(), expiresAt: z.iso.datetime() }),
  scope: 'assets.write',
});

export const generationTools = {
  generate_text,
  execute_prompt,
  upsert_prompt_template,
  list_prompt_templates,
  list_prompt_executions,
  generate_image,
  generate_video,
  generate_speech,
  generate_music,
  generate_sound_effect,
  generate_3d_model,
  describe_image,
  moderate_content,
  list_providers,
  get_usage,
  get_asset,
  create_asset_upload,
} as const;
