import type { Timeline } from '@automovie/contracts';
import { describe, expect, it } from 'vitest';
import { timelineAudioKey as audioSide } from '../../audio/src/timeline-key.ts';
import { timelineAudioKey } from '../src/timeline-key.ts';

const timeline: Timeline = {
  durationS: 4,
  fps: 24,
  shots: [{ shotId: 'shot-1-1', sceneNumber: 1, startS: 0, durationS: 4, frameAssetId: 'f1', movement: 'static', transition: 'cut' }],
  lines: [{ lineId: 'line-1-1', character: 'A', text: 'Hi.', startS: 0.15, durationS: 0.5, audioAssetId: 'a1' }],
  scenes: [{ sceneNumber: 1, startS: 0, durationS: 4, mood: 'tense' }],
};

describe('timelineAudioKey', () => {
  it('is computed identically by the audio service (which stores it with the mix) and the video service (which checks it)', () => {
    expect(timelineAudioKey(timeline)).toBe(audioSide(timeline));
  });

  it('ignores the picture (a new frame keeps the mix) and follows the sound (a moved line does not)', () => {
    const key = timelineAudioKey(timeline);
    expect(timelineAudioKey({ ...timeline, shots: [{ ...timeline.shots[0]!, frameAssetId: 'f2', movement: 'push_in' }] })).toBe(key);
    expect(timelineAudioKey({ ...timeline, lines: [{ ...timeline.lines[0]!, startS: 0.2 }] })).not.toBe(key);
    expect(timelineAudioKey({ ...timeline, scenes: [{ ...timeline.scenes[0]!, durationS: 4.5 }], durationS: 4.5 })).not.toBe(key);
  });
});
