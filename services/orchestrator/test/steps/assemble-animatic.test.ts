import { describe, expect, it } from 'vitest';
import { assembleAnimaticInput, summarizeAssembleAnimatic } from '../../src/steps/assemble-animatic.ts';
import { OUTPUTS, runView } from './run-view.ts';

describe('assemble_animatic step', () => {
  it('is made from the timeline and the mix', () => {
    expect(assembleAnimaticInput(runView({ outputs: OUTPUTS }))).toEqual({ timelineKey: 'tl-1', mixAssetId: 'mix-1', burnSubtitles: true });
    // Music generated again with the same result does not re-render the animatic.
    const rescored = { ...OUTPUTS, score: { ...OUTPUTS.score, music: { generated: 0, reused: 3 } } };
    expect(assembleAnimaticInput(runView({ outputs: rescored }))).toEqual(assembleAnimaticInput(runView({ outputs: OUTPUTS })));
  });

  it('summarizes the render', () => {
    expect(summarizeAssembleAnimatic(OUTPUTS.assemble_animatic)).toBe('animatic 65.3 s with sound (rendered)');
    expect(summarizeAssembleAnimatic({ ...OUTPUTS.assemble_animatic, rebuilt: false, hasAudio: false })).toBe(
      'animatic 65.3 s, silent (reused)',
    );
  });
});
