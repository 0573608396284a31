import { z } from 'zod';
import { SeedSchema } from '../generation.ts';
import { IdSchema, ProjectIdSchema } from '../graph.ts';
import { defineCatalog, defineTool } from '../tool.ts';
import { commonTools } from './common.ts';

/**
 * audio: every dialogue line voiced in its character's voice (timings measured from the audio),
 * subtitles aligned to those timings, a music bed and ambience per scene, and the final mix.
 * Every tool works from the project's graph alone and reuses what it made when its inputs did not
 * change (a key over the inputs is stored beside each output).
 */

export const SubtitleCueSchema = z.object({
  lineId: IdSchema,
  startS: z.number().nonnegative(),
  endS: z.number().nonnegative(),
  text: z.string(),
});
export type SubtitleCue = z.infer<typeof SubtitleCueSchema>;

export const voice_dialogue = defineTool({
  name: 'voice_dialogue',
  description:
    "Voices every dialogue line with its character's voice (one gpu-tasks synthesize_lines task for the lines whose text, voice or seed changed; the rest keep their audio). Stores audioAssetId, durationS, measured word timings and audioKey on each Line node.",
  input: z.object({
    projectId: ProjectIdSchema,
    seed: SeedSchema.optional(),
  }),
  output: z.object({
    lines: z.number().int().nonnegative().describe('Dialogue lines in the project.'),
    synthesized: z.number().int().nonnegative(),
    reused: z.number().int().nonnegative(),
    totalSpeechS: z.number().nonnegative(),
    taskId: IdSchema.optional().describe('The synthesize_lines task, when one was needed.'),
    fallbackVoices: z.array(z.string()).describe('Speakers with no Character node, voiced with a voice derived from their name.'),
  }),
  scope: 'audio.write',
});

export const make_subtitles = defineTool({
  name: 'make_subtitles',
  description:
    "SubRip and/or WebVTT subtitles from the timeline and each line's measured word timings: cues of at most 2 lines × 42 characters, split at word boundaries, every cue inside its line's measured speech. Stored as document assets.",
  input: z.object({
    projectId: ProjectIdSchema,
    format: z.enum(['srt', 'vtt', 'both']).default('both'),
  }),
  output: z.object({
    cues: z.array(SubtitleCueSchema),
    srt: z.string().optional(),
    vtt: z.string().optional(),
    assetIds: z.object({ srt: IdSchema.optional(), vtt: IdSchema.optional() }),
  }),
  scope: 'audio.write',
});

export const SceneScoreSchema = z.object({
  sceneNumber: z.number().int().min(1),
  mood: z.string(),
  durationS: z.number().nonnegative(),
  musicAssetId: IdSchema,
  ambience: z.string().describe('What the ambience was generated from (rain, street, room tone…).'),
  ambienceAssetId: IdSchema,
  reused: z.boolean(),
});
export type SceneScore = z.infer<typeof SceneScoreSchema>;

export const score_scene = defineTool({
  name: 'score_scene',
  description:
    "A music bed (by the scene's mood, as long as the scene on the timeline) and an ambience (from the location: rain, street, room tone…) for one scene or every scene. Unchanged scenes keep theirs.",
  input: z.object({
    projectId: ProjectIdSchema,
    sceneNumber: z.number().int().min(1).optional().describe('Default: every scene on the timeline.'),
    seed: SeedSchema.optional(),
  }),
  output: z.object({
    scenes: z.array(SceneScoreSchema),
    generated: z.number().int().nonnegative(),
    reused: z.number().int().nonnegative(),
  }),
  scope: 'audio.write',
});

export const mix = defineTool({
  name: 'mix',
  description:
    "The soundtrack: every voiced line at its timeline start over each scene's music and ambience, ducked under dialogue and loudness-normalised, as long as the timeline. Stored as an audio asset (Workflow record `mix`); unchanged inputs return the stored mix.",
  input: z.object({
    projectId: ProjectIdSchema,
    /** Integrated loudness target. Default -16 LUFS. */
    targetLufs: z.number().min(-36).max(-8).default(-16),
  }),
  output: z.object({
    assetId: IdSchema,
    durationS: z.number().nonnegative(),
    loudnessLufs: z.number(),
    reused: z.boolean(),
  }),
  scope: 'audio.write',
});

export const audioCatalog = defineCatalog(
  'audio',
  'Dialogue voices with measured timings, subtitles (SRT, WebVTT), music and ambience per scene, and the mix.',
  {
    ...commonTools,
    voice_dialogue,
    make_subtitles,
    score_scene,
    mix,
  },
);
