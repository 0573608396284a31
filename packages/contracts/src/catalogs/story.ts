import { z } from 'zod';
import { BeatSchema, ScreenplaySchema, StoryRecordSchema, StoryStructureSchema } from '../film.ts';
import { SeedSchema } from '../generation.ts';
import { IdSchema, ProjectIdSchema } from '../graph.ts';
import { defineCatalog, defineTool } from '../tool.ts';
import { commonTools } from './common.ts';

/**
 * story: ideas into outlines, outlines into screenplays, and screenplays in and out of Fountain,
 * Final Draft (FDX) and plain text. Everything lands in the project's graph (Story, Beat, Scene,
 * Line, Location nodes), so every tool works from `projectId` alone and re-running with unchanged
 * inputs reuses what is stored.
 */

/** Largest screenplay text import_screenplay takes inline (2 MB). */
export const SCREENPLAY_MAX_CHARS = 2_000_000;

export const OutlineSummarySchema = z.object({
  index: z.number().int().nonnegative(),
  title: z.string(),
  logline: z.string(),
  structure: StoryStructureSchema,
  genre: z.string(),
  tone: z.string(),
  beats: z.number().int().nonnegative().describe('How many beats the outline has.'),
});
export type OutlineSummary = z.infer<typeof OutlineSummarySchema>;

export const ImportFormatSchema = z.enum(['fountain', 'fdx', 'text', 'auto']);
export const ExportFormatSchema = z.enum(['fountain', 'fdx']);

export const develop_story = defineTool({
  name: 'develop_story',
  description:
    'Develops an idea into 2–3 outline options (logline, synopsis, beat sheet in a named structure) and stores them on the Story node. Same idea, options and seed → the stored options, without generating again.',
  input: z.object({
    projectId: ProjectIdSchema,
    idea: z.string().trim().min(3).max(5000),
    structure: StoryStructureSchema.optional(),
    genre: z.string().min(1).max(60).optional(),
    targetDurationS: z.number().min(10).max(7200).default(60).describe('Target running time in seconds.'),
    optionCount: z.number().int().min(2).max(3).default(3),
    seed: SeedSchema.optional(),
  }),
  output: z.object({
    storyId: IdSchema,
    options: z.array(OutlineSummarySchema),
    reused: z.boolean().describe('The stored options were returned; nothing was generated.'),
  }),
  scope: 'story.write',
});

export const choose_outline = defineTool({
  name: 'choose_outline',
  description: "Chooses one of the outline options: writes its Beat nodes and sets the project's logline and genre.",
  input: z.object({ projectId: ProjectIdSchema, optionIndex: z.number().int().min(0).max(2) }),
  output: z.object({ outline: OutlineSummarySchema.extend({ synopsis: z.string() }), beats: z.array(BeatSchema) }),
  scope: 'story.write',
});

export const refine_story = defineTool({
  name: 'refine_story',
  description:
    'Applies a note to the chosen outline ("make the ending bittersweet"); the refined outline replaces it and its beats are rewritten.',
  input: z.object({ projectId: ProjectIdSchema, note: z.string().trim().min(1).max(5000), seed: SeedSchema.optional() }),
  output: z.object({ outline: OutlineSummarySchema.extend({ synopsis: z.string() }), beats: z.array(BeatSchema) }),
  scope: 'story.write',
});

export const get_story = defineTool({
  name: 'get_story',
  description: "The project's Story: the idea, the outline options and the chosen (possibly refined) outline.",
  input: z.object({ projectId: ProjectIdSchema }),
  output: z.object({ story: StoryRecordSchema }),
  scope: 'story.read',
  readOnly: true,
});

export const write_screenplay = defineTool({
  name: 'write_screenplay',
  description:
    'Writes the screenplay of the chosen outline for the cast characters: Scene, Location and Line nodes with their relations. Unchanged outline, cast and options → nothing is rewritten.',
  input: z.object({
    projectId: ProjectIdSchema,
    targetDurationS: z.number().min(10).max(7200).optional().describe("Default: the story's target."),
    seed: SeedSchema.optional(),
  }),
  output: z.object({
    scenes: z.number().int().nonnegative(),
    lines: z.number().int().nonnegative(),
    locations: z.number().int().nonnegative(),
    estimatedDurationS: z.number().nonnegative(),
    reused: z.boolean(),
  }),
  scope: 'story.write',
});

export const get_screenplay = defineTool({
  name: 'get_screenplay',
  description: "The project's screenplay, rebuilt from its Scene nodes (and the title page and preamble stored beside them).",
  input: z.object({ projectId: ProjectIdSchema }),
  output: z.object({ screenplay: ScreenplaySchema }),
  scope: 'story.read',
  readOnly: true,
});

export const import_screenplay = defineTool({
  name: 'import_screenplay',
  description:
    "Imports a screenplay (Fountain, Final Draft FDX or plain text; `auto` detects) from `content` or a stored asset, replacing the project's screenplay. Speakers not yet cast become Character nodes with minimal profiles.",
  input: z.object({
    projectId: ProjectIdSchema,
    format: ImportFormatSchema.default('auto'),
    content: z.string().max(SCREENPLAY_MAX_CHARS).optional().describe('The file text (≤ 2 MB). Give this or assetId.'),
    assetId: IdSchema.optional().describe('A stored document asset holding the file. Give this or content.'),
  }),
  output: z.object({
    title: z.string(),
    format: z.enum(['fountain', 'fdx', 'text']),
    scenes: z.number().int().nonnegative(),
    characters: z.number().int().nonnegative(),
    locations: z.number().int().nonnegative(),
    lines: z.number().int().nonnegative(),
    createdCharacters: z.array(z.string()).describe('Names of the Character nodes the import created.'),
    warnings: z.array(z.string()),
  }),
  scope: 'story.write',
});

export const export_screenplay = defineTool({
  name: 'export_screenplay',
  description: "Writes the project's screenplay as Fountain or Final Draft FDX and stores the file as a document asset.",
  input: z.object({ projectId: ProjectIdSchema, format: ExportFormatSchema }),
  output: z.object({ filename: z.string(), mime: z.string(), content: z.string(), assetId: IdSchema }),
  scope: 'story.write',
});

export const DialogueStatsSchema = z.object({
  character: z.string(),
  characterId: z.string().optional(),
  lines: z.number().int().nonnegative(),
  words: z.number().int().nonnegative(),
  /** Measured durations of voiced lines where present, else words at 2.5 words per second. */
  estimatedSpeakingS: z.number().nonnegative(),
  /** Lines whose duration was measured from their audio. */
  measuredLines: z.number().int().nonnegative(),
  /** Share of all spoken words, 0–1. */
  share: z.number().min(0).max(1),
});

export const analyze_dialogue = defineTool({
  name: 'analyze_dialogue',
  description:
    'Lines, words and speaking time per character (measured from voiced lines when present, else 2.5 words per second), and totals.',
  input: z.object({ projectId: ProjectIdSchema }),
  output: z.object({
    characters: z.array(DialogueStatsSchema),
    totals: z.object({
      lines: z.number().int().nonnegative(),
      words: z.number().int().nonnegative(),
      estimatedSpeakingS: z.number().nonnegative(),
    }),
  }),
  scope: 'story.read',
  readOnly: true,
});

export const storyCatalog = defineCatalog(
  'story',
  'Story development and the screenplay: outlines and beat sheets, screenplay writing, Fountain / Final Draft FDX / plain-text import and export, dialogue analysis.',
  {
    ...commonTools,
    develop_story,
    choose_outline,
    refine_story,
    get_story,
    write_screenplay,
    get_screenplay,
    import_screenplay,
    export_screenplay,
    analyze_dialogue,
  },
);
