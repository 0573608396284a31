import { describe, expect, it } from 'vitest';
import { scoreInput, summarizeScore } from '../../src/steps/score.ts';
import { OUTPUTS, runView } from './run-view.ts';

describe('score step', () => {
  it('goes stale when shots, frames or voices change', () => {
    const input = scoreInput(runView({ outputs: OUTPUTS }));
    expect(input).toEqual({ shotsKey: 'shots-1', framesKey: 'frames-1', voicesKey: 'voices-1' });
    const redrawn = { ...OUTPUTS, render_storyboard: { ...OUTPUTS.render_storyboard, framesKey: 'frames-2' } };
    expect(scoreInput(runView({ outputs: redrawn }))).not.toEqual(input);
  });

  it('summarizes the timeline, music, mix and subtitles', () => {
    expect(summarizeScore(OUTPUTS.score)).toBe(
      'timeline 65.3 s (3 scenes, 15 shots, 10 lines); music 3 made, 0 reused; mix -15.8 LUFS; 10 subtitle cues',
    );
  });
});
