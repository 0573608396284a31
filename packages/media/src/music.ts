import { z } from 'zod';
import { parseMediaInput } from './errors.ts';
import { type Composition, compose } from './music-compose.ts';
import { resolveMood } from './music-moods.ts';
import { renderComposition } from './music-render.ts';

export type { Composition, MusicSection } from './music-compose.ts';
export { MUSIC_MOODS, type MusicMood, resolveMood } from './music-moods.ts';

const MusicInputSchema = z.object({
  mood: z.string().max(300),
  durationS: z.number().positive().max(3600),
  tempoBpm: z.number().min(30).max(240).optional(),
  seed: z.number().int(),
});
type MusicInput = { mood: string; durationS: number; tempoBpm?: number; seed: number };

/**
 * The plan of the bed `synthesizeMusic` renders for the same input: key, tempo, metre and the
 * form (sections with their chords, voices and energy), plus every note. Free words map onto the
 * known moods (`resolveMood`).
 */
export function composeMusic(input: MusicInput): Composition {
  const spec = parseMediaInput(MusicInputSchema, input, 'music input');
  return compose(resolveMood(spec.mood), spec.durationS, spec.seed, spec.tempoBpm);
}

/**
 * A music bed for a mood, composed for its length and rendered in-process (no ffmpeg): a seeded
 * key, tempo and metre; an intro that builds in, 4-bar phrases over the mood's A and B
 * progressions whose voices (pad, bass, arpeggio, melody, drone, percussion) enter and leave
 * with an energy curve, a cadence and a final tonic chord that fades out on the last sample.
 * WAV, 44.1 kHz stereo 16-bit, exactly `durationS` long (to the sample), normalised to the
 * mood's loudness (-16 to -18 LUFS) with peaks under -1 dBFS. The same input gives the same bytes.
 */
export async function synthesizeMusic(input: MusicInput, opts: { signal?: AbortSignal } = {}): Promise<Uint8Array> {
  return renderComposition(composeMusic(input), opts);
}
