import type { Timeline } from '@automovie/contracts';
import { describe, expect, it } from 'vitest';
import { timelineAudioKey } from '../src/index.ts';

const timeline: Timeline = {
  durationS: 4,
  fps: 24,
  shots: [{ shotId: 'shot-1-1', sceneNumber: 1, startS: 0, durationS: 4, frameAssetId: 'f1', movement: 'static', transition: 'cut' }],
  lines: [
    { lineId: 'line-1-1', character: 'A', text: 'Hi.', startS: 0.15, durationS: 0.5, audioAssetId: 'a1' },
    { lineId: 'line-1-2', character: 'B', text: 'Yo.', startS: 1, durationS: 0.5 },
  ],
  scenes: [{ sceneNumber: 1, startS: 0, durationS: 4, mood: 'tense' }],
};

describe('timelineAudioKey', () => {
  it('is the hash the audio and video services computed before it moved here (stored mixes stay valid)', () => {
    // Computed with services/audio/src/timeline-key.ts and services/video/src/timeline-key.ts (equal) before the move.
    expect(timelineAudioKey(timeline)).toBe('2feeac7ea8833498886724b31beca0041a0ec10b043f7dbaa00054d5cf2975bc');
  });

  it('ignores the picture (a new frame keeps the mix) and follows the sound (a moved line does not)', () => {
    const key = timelineAudioKey(timeline);
    expect(timelineAudioKey({ ...timeline, shots: [{ ...timeline.shots[0]!, frameAssetId: 'f2', movement: 'push_in' }] })).toBe(key);
    expect(timelineAudioKey({ ...timeline, lines: [{ ...timeline.lines[0]!, startS: 0.2 }, timeline.lines[1]!] })).not.toBe(key);
    expect(timelineAudioKey({ ...timeline, lines: [{ ...timeline.lines[0]!, audioAssetId: 'a2' }, timeline.lines[1]!] })).not.toBe(key);
    expect(timelineAudioKey({ ...timeline, scenes: [{ ...timeline.scenes[0]!, durationS: 4.5 }], durationS: 4.5 })).not.toBe(key);
  });
});
