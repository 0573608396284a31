import type { Timeline } from '@automovie/contracts';
import { hashOf } from './hash.ts';

/**
 * Hash of what the soundtrack depends on in a timeline: when each line plays (and its audio) and
 * where each scene starts and ends. Must stay identical to services/audio/src/timeline-key.ts,
 * which stores it with the mix: equal hashes mean the mix fits this timeline.
 */
export function timelineAudioKey(t: Timeline): string {
  return hashOf({
    durationS: t.durationS,
    lines: t.lines.map((l) => [l.lineId, l.startS, l.durationS, l.audioAssetId ?? null]),
    scenes: t.scenes.map((s) => [s.sceneNumber, s.startS, s.durationS]),
  });
}
