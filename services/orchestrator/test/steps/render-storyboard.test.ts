import { describe, expect, it } from 'vitest';
import { renderStoryboardInput, summarizeRenderStoryboard } from '../../src/steps/render-storyboard.ts';
import { OUTPUTS, runView } from './run-view.ts';

describe('render_storyboard step', () => {
  it('goes stale when a shot or the cast changes', () => {
    const outputs = { cast_characters: OUTPUTS.cast_characters, plan_shots: OUTPUTS.plan_shots };
    expect(renderStoryboardInput(runView({ outputs }))).toEqual({ shotsKey: 'shots-1', castKey: 'cast-1' });
    const edited = { ...outputs, plan_shots: { ...OUTPUTS.plan_shots, shotsKey: 'shots-2' } };
    expect(renderStoryboardInput(runView({ outputs: edited })).shotsKey).toBe('shots-2');
    // How many scenes plan_shots planned this time does not make frames stale.
    const replanned = { ...outputs, plan_shots: { ...OUTPUTS.plan_shots, scenesPlanned: 0 } };
    expect(renderStoryboardInput(runView({ outputs: replanned }))).toEqual(renderStoryboardInput(runView({ outputs })));
  });

  it('summarizes what was drawn and reused', () => {
    expect(summarizeRenderStoryboard({ ...OUTPUTS.render_storyboard, rendered: 1, reused: 14 })).toBe('15 frames: 1 drawn, 14 reused');
  });
});
