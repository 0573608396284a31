import { z } from 'zod';

/**
 * The film's domain shapes, shared by the brain's drafting engine (the outputs of the built-in
 * prompt templates), the LLM path (the same schemas as structured output) and the story,
 * character and visual services that store them as graph nodes.
 */

const name = z.string().min(1).max(120);
const shortText = z.string().min(1).max(2000);
const longText = z.string().min(1).max(20_000);
/** `#rrggbb` colours. */
export const HexColorSchema = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour is #rrggbb');

// ── story ──────────────────────────────────────────────────────────────────────────────────
export const StoryStructureSchema = z.enum(['three_act', 'save_the_cat', 'heros_journey']);
export type StoryStructure = z.infer<typeof StoryStructureSchema>;

export const BeatSchema = z.object({
  act: z.number().int().min(1).max(5),
  order: z.number().int().min(1),
  name: name.describe('The beat in the named structure: "Catalyst", "Midpoint"…'),
  summary: shortText,
});
export type Beat = z.infer<typeof BeatSchema>;

export const OutlineOptionSchema = z.object({
  title: name,
  logline: z.string().min(1).max(400),
  synopsis: longText,
  structure: StoryStructureSchema,
  tone: z.string().min(1).max(120).describe('One phrase: "wry, tender", "tense, nocturnal"…'),
  genre: z.string().min(1).max(60),
  beats: z.array(BeatSchema).min(3).max(40),
});
export type OutlineOption = z.infer<typeof OutlineOptionSchema>;

/** Output of the `story.outlines` template: 2–3 options to choose from. */
export const StoryOutlinesSchema = z.object({ options: z.array(OutlineOptionSchema).min(2).max(3) });
export type StoryOutlines = z.infer<typeof StoryOutlinesSchema>;

// ── characters ─────────────────────────────────────────────────────────────────────────────
export const CharacterRoleSchema = z.enum(['protagonist', 'antagonist', 'deuteragonist', 'supporting', 'minor']);
export const SilhouetteSchema = z.enum(['tall', 'short', 'broad', 'slim', 'average']);

/** How a character sounds: enough for espeak-ng offline and to pick a provider voice online. */
export const VoiceSpecSchema = z.object({
  gender: z.enum(['female', 'male', 'neutral']),
  /** espeak-ng pitch 0–99 (50 = default). */
  pitch: z.number().int().min(0).max(99),
  /** Words per minute (espeak-ng `-s`), 80–260. */
  rate: z.number().int().min(80).max(260),
  /** espeak-ng voice variant name (`f3`, `m2`, `klatt4`…); distinct per character. */
  variant: z.string().regex(/^[a-z0-9_]{1,20}$/),
  /** A provider's voice id (ElevenLabs) when one was chosen. */
  providerVoiceId: z.string().max(100).optional(),
  description: z.string().max(300).optional(),
});
export type VoiceSpec = z.infer<typeof VoiceSpecSchema>;

/** The visual identity a renderer keeps constant across frames. */
export const VisualIdentitySchema = z.object({
  palette: z
    .array(HexColorSchema)
    .min(2)
    .max(5)
    .describe('Colours by role: [0] outfit, [1] accent, [2] hair, [3] skin, [4] trousers (missing roles are derived).'),
  silhouette: SilhouetteSchema,
  hair: z.enum(['none', 'short', 'long', 'curly', 'bun', 'ponytail', 'hat']),
  accessory: z.enum(['none', 'glasses', 'scarf', 'bag', 'cane', 'badge']),
});
export type VisualIdentity = z.infer<typeof VisualIdentitySchema>;

export const CharacterProfileSchema = z.object({
  name,
  role: CharacterRoleSchema,
  age: z.number().int().min(1).max(130).optional(),
  bio: longText,
  traits: z.array(z.string().min(1).max(60)).min(1).max(12),
  visualDescription: shortText,
  identity: VisualIdentitySchema,
  voice: VoiceSpecSchema,
});
export type CharacterProfile = z.infer<typeof CharacterProfileSchema>;

/** Output of the `character.bible` template. */
export const CharacterBibleSchema = z.object({
  characters: z.array(CharacterProfileSchema).min(1).max(20),
  relationships: z
    .array(z.object({ from: name, to: name, kind: z.string().min(1).max(60), description: z.string().max(500).optional() }))
    .max(100),
});
export type CharacterBible = z.infer<typeof CharacterBibleSchema>;

// ── screenplay ─────────────────────────────────────────────────────────────────────────────
export const IntExtSchema = z.enum(['INT', 'EXT', 'INT/EXT']);
export const TimeOfDaySchema = z.enum(['DAY', 'NIGHT', 'DAWN', 'DUSK', 'MORNING', 'EVENING', 'CONTINUOUS', 'LATER']);
export type TimeOfDay = z.infer<typeof TimeOfDaySchema>;

export const SceneElementSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('action'),
    text: longText,
    /** Final Draft paragraph type kept for FDX round trips (`Shot`, `General`); plain action when absent. */
    fdxType: z.enum(['Shot', 'General']).optional(),
  }),
  z.object({
    type: z.literal('dialogue'),
    character: name.describe('The speaker as written in the script (upper case in Fountain).'),
    text: longText,
    parenthetical: z.string().min(1).max(200).optional(),
    extension: z.enum(['V.O.', 'O.S.', "CONT'D", 'O.C.']).optional(),
    /** Spoken at the same time as the previous dialogue (dual dialogue). */
    dual: z.boolean().optional(),
    /** Further parenthesised parts of the cue as written, besides `extension`: `(ON PHONE)`, `(CONT'D)`. */
    cueExtras: z.string().min(1).max(120).optional(),
  }),
  z.object({ type: z.literal('transition'), text: z.string().min(1).max(100) }),
  z.object({
    type: z.literal('note'),
    text: z.string().min(1).max(5000),
    /** What the note was in the source: a `[[note]]` (default), a `#` section, a `=` synopsis or `/* boneyard *\/` text. */
    kind: z.enum(['note', 'section', 'synopsis', 'boneyard']).optional(),
    /** Depth of a section (`#` = 1, `##` = 2…). */
    depth: z.number().int().min(1).max(6).optional(),
  }),
  z.object({ type: z.literal('lyric'), text: z.string().min(1).max(5000) }),
  z.object({ type: z.literal('centered'), text: z.string().min(1).max(5000) }),
  z.object({ type: z.literal('page_break') }),
]);
export type SceneElement = z.infer<typeof SceneElementSchema>;

export const ScreenplaySceneSchema = z.object({
  number: z.number().int().min(1),
  heading: z.string().min(1).max(300).describe('The full slug line: "INT. KITCHEN - NIGHT".'),
  /** The scene number as the script wrote it (`#12A#` in Fountain, `Number` in FDX), when it had one. */
  numberLabel: z.string().min(1).max(20).optional(),
  intExt: IntExtSchema,
  location: name,
  timeOfDay: TimeOfDaySchema,
  summary: z.string().max(2000),
  elements: z.array(SceneElementSchema).max(2000),
});
export type ScreenplayScene = z.infer<typeof ScreenplaySceneSchema>;

/** Output of the `screenplay.scenes` template. */
export const ScreenplaySchema = z.object({
  title: z.string().min(1).max(200),
  titlePage: z.record(z.string().min(1).max(40), z.string().max(2000)).default({}),
  /** What comes before the first scene heading (`FADE IN:`, sections, an opening note), in order. */
  preamble: z.array(SceneElementSchema).max(2000).optional(),
  scenes: z.array(ScreenplaySceneSchema).min(1).max(500),
});
export type Screenplay = z.infer<typeof ScreenplaySchema>;

// ── shots ──────────────────────────────────────────────────────────────────────────────────
export const ShotTypeSchema = z.enum([
  'extreme_wide',
  'wide',
  'full',
  'medium',
  'medium_close',
  'close_up',
  'extreme_close_up',
  'over_the_shoulder',
  'two_shot',
  'insert',
  'pov',
]);
export type ShotType = z.infer<typeof ShotTypeSchema>;
export const CameraAngleSchema = z.enum(['eye_level', 'high', 'low', 'overhead', 'dutch']);
export const CameraMovementSchema = z.enum(['static', 'push_in', 'pull_out', 'pan_left', 'pan_right', 'tilt_up', 'tilt_down', 'tracking']);
export type CameraMovement = z.infer<typeof CameraMovementSchema>;

export const ShotPlanSchema = z.object({
  sceneNumber: z.number().int().min(1),
  order: z.number().int().min(1).describe('Order within the scene.'),
  type: ShotTypeSchema,
  angle: CameraAngleSchema,
  movement: CameraMovementSchema,
  lensMm: z.number().int().min(8).max(300),
  durationS: z.number().min(0.5).max(120),
  description: shortText,
  characters: z.array(name).max(10).describe('Who is in frame, by name.'),
  /** Indexes into the scene's elements of the dialogue this shot covers. */
  elementIndexes: z.array(z.number().int().min(0)).max(200).default([]),
});
export type ShotPlan = z.infer<typeof ShotPlanSchema>;

/** Output of the `shots.plan` template (for one or more scenes). */
export const ShotListSchema = z.object({ shots: z.array(ShotPlanSchema).min(1).max(2000) });
export type ShotList = z.infer<typeof ShotListSchema>;

/** Output of the `image.prompts` template: one text-to-image prompt per shot. */
export const ImagePromptsSchema = z.object({
  prompts: z
    .array(
      z.object({
        sceneNumber: z.number().int().min(1),
        order: z.number().int().min(1),
        prompt: shortText,
        negativePrompt: z.string().max(1000).optional(),
      }),
    )
    .min(1)
    .max(2000),
});
export type ImagePrompts = z.infer<typeof ImagePromptsSchema>;

/** The built-in prompt templates every project has (version 1), and the schema of their output. */
export const BUILTIN_TEMPLATES = {
  'story.outlines': StoryOutlinesSchema,
  'story.refine': OutlineOptionSchema,
  'character.bible': CharacterBibleSchema,
  'screenplay.scenes': ScreenplaySchema,
  'shots.plan': ShotListSchema,
  'image.prompts': ImagePromptsSchema,
} as const;
export type BuiltinTemplateName = keyof typeof BUILTIN_TEMPLATES;
export const BuiltinTemplateNameSchema = z.enum(Object.keys(BUILTIN_TEMPLATES) as [BuiltinTemplateName, ...BuiltinTemplateName[]]);

/** The variables each built-in template takes (what story, character and visual services send). */
export const BUILTIN_TEMPLATE_VARIABLES = {
  'story.outlines': z.object({
    idea: z.string().min(3).max(5000),
    structure: StoryStructureSchema.optional(),
    genre: z.string().max(60).optional(),
    targetDurationS: z.number().min(10).max(7200).default(60),
    optionCount: z.number().int().min(2).max(3).default(3),
  }),
  'story.refine': z.object({ outline: OutlineOptionSchema, note: z.string().min(1).max(5000) }),
  'character.bible': z.object({
    idea: z.string().min(3).max(5000),
    outline: OutlineOptionSchema,
    maxCharacters: z.number().int().min(1).max(20).default(4),
  }),
  'screenplay.scenes': z.object({
    outline: OutlineOptionSchema,
    characters: z.array(CharacterProfileSchema).min(1).max(20),
    targetDurationS: z.number().min(10).max(7200).default(60),
  }),
  'shots.plan': z.object({
    scenes: z.array(ScreenplaySceneSchema).min(1).max(500),
    characters: z.array(CharacterProfileSchema).max(20),
    style: z.string().max(200).optional(),
  }),
  'image.prompts': z.object({
    shots: z.array(ShotPlanSchema).min(1).max(2000),
    scenes: z.array(ScreenplaySceneSchema).min(1).max(500),
    characters: z.array(CharacterProfileSchema).max(20),
    style: z.string().max(200).optional(),
  }),
} as const satisfies Record<BuiltinTemplateName, z.ZodType>;
export type BuiltinTemplateVariables<N extends BuiltinTemplateName> = z.input<(typeof BUILTIN_TEMPLATE_VARIABLES)[N]>;

// ── graph records ──────────────────────────────────────────────────────────────────────────
/**
 * The properties of the film's nodes in the brain's graph, as the story, character, visual, audio,
 * video and export services write and read them. Ids are deterministic per project ({@link filmIds})
 * so steps are idempotent: writing the same scene twice updates one node.
 */

/** Story node: the outline options and the chosen one. */
export const StoryRecordSchema = z.object({
  idea: z.string(),
  options: z.array(OutlineOptionSchema),
  chosenIndex: z.number().int().min(0).optional(),
  /** The chosen (and possibly refined) outline. */
  outline: OutlineOptionSchema.optional(),
  targetDurationS: z.number().positive(),
});
export type StoryRecord = z.infer<typeof StoryRecordSchema>;

/** Character node. */
export const CharacterRecordSchema = CharacterProfileSchema.extend({
  /** The character's reference image (an Asset id): passed to every frame for consistency. */
  referenceAssetId: z.string().optional(),
});
export type CharacterRecord = z.infer<typeof CharacterRecordSchema>;

/** Location node. */
export const LocationRecordSchema = z.object({
  name,
  intExt: IntExtSchema,
  timeOfDay: TimeOfDaySchema,
  description: z.string().max(2000).default(''),
  elements: z.array(z.string().min(1).max(60)).max(12).default([]),
});
export type LocationRecord = z.infer<typeof LocationRecordSchema>;

/** Scene node: the full scene (elements in order, for lossless screenplay export). */
export const SceneRecordSchema = ScreenplaySceneSchema;
export type SceneRecord = z.infer<typeof SceneRecordSchema>;

/** Line node: one dialogue element of a scene, with its voiced audio once synthesised. */
export const LineRecordSchema = z.object({
  sceneNumber: z.number().int().min(1),
  /** Index of the dialogue element in the scene's `elements`. */
  elementIndex: z.number().int().min(0),
  /** Order of the line in the whole film. */
  order: z.number().int().min(1),
  character: name,
  characterId: z.string().optional(),
  text: longText,
  parenthetical: z.string().optional(),
  audioAssetId: z.string().optional(),
  durationS: z.number().nonnegative().optional(),
  /** Word timings measured from the audio, seconds from the line's start. */
  timings: z.array(z.object({ text: z.string(), startS: z.number(), endS: z.number() })).optional(),
  /** Hash of what the audio was made from (text + voice + seed): unchanged → not re-synthesised. */
  audioKey: z.string().optional(),
});
export type LineRecord = z.infer<typeof LineRecordSchema>;

/** Shot node: the plan, its image prompt and its storyboard frame. */
export const ShotRecordSchema = ShotPlanSchema.extend({
  imagePrompt: z.string().optional(),
  frameAssetId: z.string().optional(),
  /** Hash of what the frame was rendered from: unchanged → not re-rendered. */
  frameKey: z.string().optional(),
  clipAssetId: z.string().optional(),
});
export type ShotRecord = z.infer<typeof ShotRecordSchema>;

/** The animatic's timeline: when each shot and line plays, from measured dialogue durations. */
export const TimelineSchema = z.object({
  durationS: z.number().nonnegative(),
  fps: z.number().int().positive(),
  shots: z.array(
    z.object({
      shotId: z.string(),
      sceneNumber: z.number().int(),
      startS: z.number().nonnegative(),
      durationS: z.number().positive(),
      frameAssetId: z.string().optional(),
      movement: CameraMovementSchema,
      transition: z.enum(['cut', 'fade', 'dissolve']),
    }),
  ),
  lines: z.array(
    z.object({
      lineId: z.string(),
      character: z.string(),
      text: z.string(),
      startS: z.number().nonnegative(),
      durationS: z.number().nonnegative(),
      audioAssetId: z.string().optional(),
    }),
  ),
  scenes: z.array(
    z.object({ sceneNumber: z.number().int(), startS: z.number().nonnegative(), durationS: z.number().nonnegative(), mood: z.string() }),
  ),
});
export type Timeline = z.infer<typeof TimelineSchema>;

function slug(text: string): string {
  const s = text
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return s === '' ? 'x' : s;
}

/** Deterministic node ids of the film's records within a project. */
export const filmIds = {
  story: () => 'story',
  beat: (order: number) => `beat-${order}`,
  character: (name: string) => `char-${slug(name)}`,
  location: (name: string) => `loc-${slug(name)}`,
  scene: (number: number) => `scene-${number}`,
  line: (sceneNumber: number, elementIndex: number) => `line-${sceneNumber}-${elementIndex}`,
  shot: (sceneNumber: number, order: number) => `shot-${sceneNumber}-${order}`,
  /** The timeline is a Workflow record (kind `timeline`). */
  timeline: () => 'timeline',
  slug,
} as const;
