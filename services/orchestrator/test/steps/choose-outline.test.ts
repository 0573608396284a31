import { describe, expect, it } from 'vitest';
import { chooseOutlineStep, chosenOutline, outlineOptions } from '../../src/steps/choose-outline.ts';
import { OUTPUTS, runView } from './run-view.ts';

describe('choose_outline step', () => {
  it('offers each outline develop_story made', () => {
    const options = outlineOptions(runView({ outputs: { develop_story: OUTPUTS.develop_story } }));
    expect(options).toEqual([
      { title: 'The Keeper', summary: 'A keeper… (drama, warm; three_act, 8 beats)' },
      { title: 'Last Light', summary: 'A storm… (thriller, tense; save_the_cat, 15 beats)' },
    ]);
    expect(chooseOutlineStep.kind).toBe('choice');
  });

  it('fails clearly when develop_story has not run', () => {
    expect(() => outlineOptions(runView())).toThrow(/develop_story is missing/);
  });

  it('reads the choice, the first option when none was made', () => {
    expect(chosenOutline(runView())).toBe(0);
    expect(chosenOutline(runView({ choices: { choose_outline: 1 } }))).toBe(1);
  });
});
