import type { SceneRecord } from '@automovie/contracts';
import { describe, expect, it } from 'vitest';
import { sceneMood } from '../src/mood.ts';

const scene = (
  summary: string,
  actions: string[] = [],
  parentheticals: string[] = [],
): Pick<SceneRecord, 'summary' | 'elements' | 'heading'> => ({
  heading: 'INT. ROOM - DAY',
  summary,
  elements: [
    ...actions.map((text) => ({ type: 'action' as const, text })),
    ...parentheticals.map((parenthetical) => ({ type: 'dialogue' as const, character: 'A', text: 'x', parenthetical })),
  ],
});

describe('sceneMood', () => {
  it('reads the mood the summary names', () => {
    expect(sceneMood(scene('A tense chase through the market.'))).toBe('tense');
    expect(sceneMood(scene('Two old friends share a tender, quiet evening.'))).toBe('tender');
    expect(sceneMood(scene('A ghostly light flickers in the empty hall.'))).toBe('eerie');
  });

  it('lets the action and parentheticals outvote a passing word in the summary', () => {
    expect(
      sceneMood(
        scene(
          'They meet again at the station.',
          ['Rain streaks the glass. She is alone.', 'Her grief is plain.', 'A lonely train departs.'],
          ['sad'],
        ),
      ),
    ).toBe('melancholic');
  });

  it('weighs the summary twice, ties going to the mood named first', () => {
    expect(sceneMood(scene('A playful game.', ['A tense pause.']))).toBe('playful');
    expect(sceneMood(scene('', ['A tense pause.', 'A playful grin.']))).toBe('tense');
  });

  it('is neutral when no word names a mood', () => {
    expect(sceneMood(scene('He opens the cupboard.', ['It is empty.']))).toBe('neutral');
  });
});
