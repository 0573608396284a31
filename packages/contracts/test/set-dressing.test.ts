import { describe, expect, it } from 'vitest';
import { canonicalSetDressing, SET_DRESSING_KINDS, SET_DRESSING_WORDS, setDressingIn, setDressingKind } from '../src/set-dressing.ts';

describe('set dressing vocabulary', () => {
  it('is broad, and every word leads to a canonical element that names itself', () => {
    expect(SET_DRESSING_KINDS.size).toBeGreaterThan(100);
    expect(SET_DRESSING_WORDS.size).toBeGreaterThan(600);
    for (const [word, element] of SET_DRESSING_WORDS) {
      expect(SET_DRESSING_KINDS.has(element), `${word} → ${element}`).toBe(true);
      expect(word).toMatch(/^[a-z]+( [a-z]+)*$/);
    }
    for (const element of SET_DRESSING_KINDS.keys()) expect(canonicalSetDressing(element)).toBe(element);
  });

  it('reads plurals, synonyms, compounds and head nouns', () => {
    expect(canonicalSetDressing('curtains')).toBe('curtain');
    expect(canonicalSetDressing('couch')).toBe('sofa');
    expect(canonicalSetDressing('Television')).toBe('tv');
    expect(canonicalSetDressing('shelves')).toBe('shelf');
    expect(canonicalSetDressing('the kitchen table')).toBe('table');
    expect(canonicalSetDressing('screen door')).toBe('door');
    expect(canonicalSetDressing('oven door')).toBe('stove');
    expect(canonicalSetDressing('breathe')).toBeUndefined();
    expect(setDressingKind('couch')).toBe('furniture');
    expect(setDressingKind('sea')).toBe('terrain');
    expect(setDressingKind('draught')).toBeUndefined();
  });

  it('extracts only things, not the verbs and materials around them', () => {
    expect(setDressingIn('curtains breathe in a draught')).toEqual(['curtain']);
    expect(setDressingIn('A crow watches from a headstone.')).toEqual(['gravestone']);
    expect(setDressingIn('She checks her watch. The phone rings.')).toEqual(['watch', 'phone']);
    expect(setDressingIn('The boat rocks. Waves break on the rocks.')).toEqual(['boat', 'rock']);
    expect(setDressingIn('stone sweats with cold; the stone bench is wet')).toEqual(['bench']);
    expect(setDressingIn('He wears a forest green coat and a canvas bag.')).toEqual(['bag']);
    expect(setDressingIn('Moss hangs like curtains over the tree.')).toEqual(['plant', 'tree']);
  });

  it('ranks by frequency then first appearance, dedupes, caps and excludes', () => {
    expect(setDressingIn(['a lamp, a door', 'the door, the doors, a chair'])).toEqual(['door', 'lamp', 'chair']);
    expect(setDressingIn('a lamp, a door, a chair', { limit: 2 })).toEqual(['lamp', 'door']);
    expect(setDressingIn('Bell rings the bell.', { exclude: new Set(['bell']) })).toEqual([]);
    expect(setDressingIn('')).toEqual([]);
  });
});
