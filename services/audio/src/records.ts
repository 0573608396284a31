import { mixRecordId } from '@automovie/film-graph';
import { z } from 'zod';

/** Workflow record ids the audio service keeps its outputs under. */
export const audioRecordIds = {
  score: (sceneNumber: number) => `score-${sceneNumber}`,
  mix: mixRecordId,
} as const;

export const ScoreRecordSchema = z.object({
  key: z.string(),
  sceneNumber: z.number().int(),
  mood: z.string(),
  durationS: z.number(),
  musicAssetId: z.string(),
  ambience: z.string(),
  ambienceAssetId: z.string(),
});
export type ScoreRecord = z.infer<typeof ScoreRecordSchema>;
