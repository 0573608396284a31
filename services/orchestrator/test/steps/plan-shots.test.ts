import { describe, expect, it } from 'vitest';
import { planShotsInput, summarizePlanShots } from '../../src/steps/plan-shots.ts';
import { stylePresetFor } from '../../src/steps/shared.ts';
import { OUTPUTS, runView } from './run-view.ts';

describe('plan_shots step', () => {
  const outputs = { cast_characters: OUTPUTS.cast_characters, write_screenplay: OUTPUTS.write_screenplay };

  it('is made from the screenplay, the cast and the style preset', () => {
    expect(planShotsInput(runView({ outputs }))).toEqual({ screenplayKey: 'sp-1', castKey: 'cast-1', style: 'pencil' });
    const noir = runView({ outputs, options: { autopilot: true, targetDurationS: 60, style: 'Noir, rainy streets' } });
    expect(planShotsInput(noir).style).toBe('noir');
  });

  it('maps free-text styles to presets', () => {
    expect(stylePresetFor(undefined)).toBe('pencil');
    expect(stylePresetFor('comic book')).toBe('comic');
    expect(stylePresetFor('1970s film stock')).toBe('pencil');
    expect(stylePresetFor('pastels')).toBe('pencil');
  });

  it('summarizes the plan', () => {
    expect(summarizePlanShots(OUTPUTS.plan_shots)).toBe('15 shots, 62 s planned (pencil); 3 scenes planned, 0 stale shots removed');
  });
});
