import { mixRecordId } from '@automovie/film-graph';
import { z } from 'zod';

/** Workflow record ids: the audio service's mix (read here) and the animatics (one per format). */
export const recordIds = {
  mix: mixRecordId,
  animatic: (format: string) => `animatic-${format}`,
} as const;

export const AnimaticRecordSchema = z.object({
  key: z.string(),
  assetId: z.string(),
  durationS: z.number(),
  hasAudio: z.boolean(),
  taskId: z.string().optional(),
});
export type AnimaticRecord = z.infer<typeof AnimaticRecordSchema>;
