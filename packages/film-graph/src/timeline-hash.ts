import type { Timeline } from '@automovie/contracts';
import { hashOf } from './hash.ts';

/**
 * Hash of what the soundtrack depends on in a timeline: when each line plays (and its audio) and
 * where each scene starts and ends. The audio service stores it with the mix and the video service
 * compares it to refuse a stale mix, so both must compute it with this one function.
 */
export function timelineAudioKey(t: Timeline): string {
  return hashOf({
    durationS: t.durationS,
    lines: t.lines.map((l) => [l.lineId, l.startS, l.durationS, l.audioAssetId ?? null]),
    scenes: t.scenes.map((s) => [s.sceneNumber, s.startS, s.durationS]),
  });
}
