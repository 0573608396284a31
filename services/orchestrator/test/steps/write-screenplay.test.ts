import { describe, expect, it } from 'vitest';
import { summarizeWriteScreenplay, writeScreenplayInput } from '../../src/steps/write-screenplay.ts';
import { OUTPUTS, runView } from './run-view.ts';

describe('write_screenplay step', () => {
  it('is made from the cast, the chosen outline and the target length', () => {
    const run = runView({ outputs: { cast_characters: OUTPUTS.cast_characters } });
    expect(writeScreenplayInput(run)).toEqual({ castKey: 'cast-1', optionIndex: 0, targetDurationS: 60 });
    const recast = { ...OUTPUTS.cast_characters, castKey: 'cast-2' };
    expect(writeScreenplayInput(runView({ outputs: { cast_characters: recast } })).castKey).toBe('cast-2');
  });

  it('summarizes the screenplay', () => {
    expect(summarizeWriteScreenplay(OUTPUTS.write_screenplay)).toBe('3 scenes, 10 lines, 2 locations, ~64 s');
    expect(summarizeWriteScreenplay({ ...OUTPUTS.write_screenplay, reused: true })).toMatch(/\(reused\)$/);
  });
});
