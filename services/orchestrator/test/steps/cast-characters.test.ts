import { describe, expect, it } from 'vitest';
import { castCharactersInput, summarizeCastCharacters } from '../../src/steps/cast-characters.ts';
import { OUTPUTS, runView } from './run-view.ts';

describe('cast_characters step', () => {
  it('goes stale when the outlines or the chosen one change', () => {
    const base = runView({ outputs: { develop_story: OUTPUTS.develop_story } });
    const input = castCharactersInput(base);
    expect(input.optionIndex).toBe(0);
    expect(input.outlines).toMatch(/^[0-9a-f]{20}$/);
    expect(castCharactersInput({ ...base, choices: { choose_outline: 1 } })).toEqual({ ...input, optionIndex: 1 });
    const other = { ...OUTPUTS.develop_story, options: OUTPUTS.develop_story.options.slice(1) };
    expect(castCharactersInput(runView({ outputs: { develop_story: other } })).outlines).not.toBe(input.outlines);
    // Whether develop_story reused its options does not matter: the same options, the same cast.
    const reused = { ...OUTPUTS.develop_story, reused: true };
    expect(castCharactersInput(runView({ outputs: { develop_story: reused } }))).toEqual(input);
  });

  it('summarizes the cast', () => {
    expect(summarizeCastCharacters(OUTPUTS.cast_characters)).toBe(
      '"The Keeper": 1 characters: Ada (protagonist); references 1 drawn, 0 reused',
    );
  });
});
