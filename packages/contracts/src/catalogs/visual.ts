import { z } from 'zod';
import { CameraAngleSchema, CameraMovementSchema, HexColorSchema, ShotRecordSchema, ShotTypeSchema } from '../film.ts';
import { SeedSchema } from '../generation.ts';
import { IdSchema, ProjectIdSchema } from '../graph.ts';
import { defineCatalog, defineTool } from '../tool.ts';
import { commonTools } from './common.ts';

/**
 * visual: the shot list (per scene: framing, angle, movement, lens, duration, who is in frame)
 * and the storyboard (one frame per shot, drawn with each character's reference image), with
 * style presets. Frames are keyed by what they are drawn from, so an edit re-renders only the
 * frames it touches.
 */

export const StylePresetSchema = z.object({
  name: z.string().regex(/^[a-z][a-z0-9_]*$/),
  description: z.string(),
  /** Backdrop colours for the frame's composition, most prominent first. */
  palette: z.array(HexColorSchema).min(2).max(5),
  /** Appended to every image prompt. */
  promptSuffix: z.string(),
});
export type StylePreset = z.infer<typeof StylePresetSchema>;

/** The built-in style presets, the first being the default. */
export const STYLE_PRESETS = [
  {
    name: 'pencil',
    description: 'Graphite storyboard sketch on warm paper: clear staging, little colour.',
    palette: ['#f3efe6', '#d9d2c3', '#8a8377', '#3b3833'],
    promptSuffix: 'pencil storyboard sketch, graphite linework on warm paper, loose hatching, clear staging',
  },
  {
    name: 'noir',
    description: 'High-contrast black and white with hard shadows and wet streets.',
    palette: ['#0d0d0f', '#2b2b30', '#6b6b72', '#d8d8dc'],
    promptSuffix: 'film noir, high-contrast black and white, hard key light, deep shadows, venetian-blind light',
  },
  {
    name: 'pastel',
    description: 'Soft pastel washes and gentle light: warm, storybook-like.',
    palette: ['#f7d6d0', '#cfe3d8', '#d6dcf5', '#f6eac2', '#b9a7c9'],
    promptSuffix: 'soft pastel illustration, watercolour washes, gentle diffuse light, storybook',
  },
  {
    name: 'comic',
    description: 'Bold inks and flat saturated colour, halftone shading.',
    palette: ['#f4d03f', '#e74c3c', '#2e86c1', '#1b1b1b', '#fdfefe'],
    promptSuffix: 'comic book panel, bold ink outlines, flat saturated colours, halftone shading',
  },
  {
    name: 'blueprint',
    description: 'White line drawing on blueprint blue: staging and camera geometry first.',
    palette: ['#1d4e89', '#2f6db3', '#a9c6e8', '#f4f8fc'],
    promptSuffix: 'technical blueprint drawing, white linework on cyanotype blue, grid, camera geometry',
  },
] as const satisfies readonly StylePreset[];
export type StylePresetName = (typeof STYLE_PRESETS)[number]['name'];
export const StylePresetNameSchema = z.enum(STYLE_PRESETS.map((p) => p.name) as [StylePresetName, ...StylePresetName[]]);
export const DEFAULT_STYLE_PRESET: StylePresetName = 'pencil';

/** A shot as stored: its node id and its record. */
export const ShotViewSchema = ShotRecordSchema.extend({ id: IdSchema });
export type ShotView = z.infer<typeof ShotViewSchema>;

/** The fields `update_shot` may change. */
export const ShotPatchSchema = z
  .object({
    description: z.string().min(1).max(2000),
    type: ShotTypeSchema,
    angle: CameraAngleSchema,
    movement: CameraMovementSchema,
    lensMm: z.number().int().min(8).max(300),
    durationS: z.number().min(0.5).max(120),
    characters: z.array(z.string().min(1).max(120)).max(10).describe('Who is in frame, by name or character id.'),
  })
  .partial()
  .strict()
  .refine((p) => Object.keys(p).length > 0, 'the patch changes nothing: give at least one field');
export type ShotPatch = z.infer<typeof ShotPatchSchema>;

const shotSummary = z.object({
  id: IdSchema,
  sceneNumber: z.number().int(),
  order: z.number().int(),
  type: ShotTypeSchema,
  durationS: z.number(),
  characters: z.array(z.string()),
});

export const list_style_presets = defineTool({
  name: 'list_style_presets',
  description: 'The storyboard style presets: name, description, palette (the frames’ backdrop colours) and the prompt suffix.',
  input: z.object({}),
  output: z.object({ presets: z.array(StylePresetSchema), defaultPreset: StylePresetNameSchema }),
  readOnly: true,
});

export const plan_shots = defineTool({
  name: 'plan_shots',
  description:
    'Plans the shots of every scene (type, angle, movement, lens, duration, description, who is in frame) and an image prompt for each, as Shot nodes. Idempotent per scene: a scene whose text, cast and style did not change keeps its shots, edits included; shots of changed or removed scenes are replaced.',
  input: z.object({
    projectId: ProjectIdSchema,
    style: StylePresetNameSchema.default(DEFAULT_STYLE_PRESET),
    seed: SeedSchema.optional(),
  }),
  output: z.object({
    shots: z.array(shotSummary),
    totalDurationS: z.number().nonnegative(),
    /** Scenes planned by this call (the others kept their shots). */
    scenesPlanned: z.number().int().nonnegative(),
    removed: z.number().int().nonnegative().describe('Stale shots deleted.'),
  }),
});

export const get_shot_list = defineTool({
  name: 'get_shot_list',
  description: 'Every shot in film order, with its image prompt and storyboard frame.',
  input: z.object({ projectId: ProjectIdSchema }),
  output: z.object({ shots: z.array(ShotViewSchema), style: StylePresetNameSchema, totalDurationS: z.number().nonnegative() }),
  readOnly: true,
});

export const update_shot = defineTool({
  name: 'update_shot',
  description:
    'Edits one shot (description, framing, camera, duration, who is in frame) and rewrites its image prompt; its frame becomes stale, so the next render_storyboard redraws that frame alone.',
  input: z.object({ projectId: ProjectIdSchema, shotId: IdSchema, patch: ShotPatchSchema }),
  output: z.object({ shot: ShotViewSchema }),
});

export const render_storyboard = defineTool({
  name: 'render_storyboard',
  description:
    "Draws a storyboard frame per shot through gpu-tasks (one render_frames task), with each in-frame character's reference image. A frame whose inputs (prompt, staging, references, size, seed, style) did not change is reused, not sent.",
  input: z.object({
    projectId: ProjectIdSchema,
    width: z.number().int().min(64).max(4096).default(1280),
    height: z.number().int().min(64).max(4096).default(720),
    seed: SeedSchema.optional().describe('Base seed of the frames (each shot derives its own). Default 0.'),
  }),
  output: z.object({
    frames: z.array(z.object({ shotId: IdSchema, assetId: IdSchema, reused: z.boolean() })),
    rendered: z.number().int().nonnegative(),
    reused: z.number().int().nonnegative(),
    taskId: IdSchema.optional().describe('The render_frames task, when anything was rendered.'),
  }),
});

export const regenerate_frame = defineTool({
  name: 'regenerate_frame',
  description: "Redraws one shot's frame with a new seed (kept for later renders), leaving every other frame as it is.",
  input: z.object({
    projectId: ProjectIdSchema,
    shotId: IdSchema,
    seed: SeedSchema.optional().describe('Default: a fresh random seed.'),
    width: z.number().int().min(64).max(4096).optional().describe('Default: the size of the last render_storyboard (1280).'),
    height: z.number().int().min(64).max(4096).optional().describe('Default: the size of the last render_storyboard (720).'),
  }),
  output: z.object({ shotId: IdSchema, assetId: IdSchema, seed: z.number().int() }),
});

export const visualCatalog = defineCatalog('visual', 'Shot planning, style presets and storyboard frames with character references.', {
  ...commonTools,
  list_style_presets,
  plan_shots,
  get_shot_list,
  update_shot,
  render_storyboard,
  regenerate_frame,
});
