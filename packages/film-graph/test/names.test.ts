import { describe, expect, it } from 'vitest';
import { editDistance, firstName, mentionForms, mentions, nearMiss, normalizeCue, resolveName } from '../src/index.ts';

const named = [
  { id: 'char-mara-quinn', name: 'Mara Quinn' },
  { id: 'char-eli-navarro', name: 'Eli Navarro' },
];

describe('names', () => {
  it('resolves cues, first names, last names and ids; refuses ambiguity', () => {
    expect(resolveName('MARA (V.O.)', named)?.id).toBe('char-mara-quinn');
    expect(resolveName('Quinn', named)?.id).toBe('char-mara-quinn');
    expect(resolveName('eli navarro', named)?.id).toBe('char-eli-navarro');
    expect(resolveName('char-eli-navarro', named)?.id).toBe('char-eli-navarro');
    expect(resolveName('MARA', [...named, { id: 'x', name: 'Mara Bell' }])).toBeUndefined();
    expect(resolveName('STRANGER', named)).toBeUndefined();
  });

  it('finds near-miss spellings, not distant or exact ones', () => {
    expect(editDistance('MARAH', 'MARA')).toBe(1);
    expect(editDistance('MRAA', 'MARA')).toBe(1);
    expect(nearMiss('MARAH', named)?.id).toBe('char-mara-quinn');
    expect(nearMiss('ELLI', named)?.id).toBe('char-eli-navarro');
    expect(nearMiss('MARA', named)).toBeUndefined();
    expect(nearMiss('BARTHOLOMEW', named)).toBeUndefined();
  });

  it('locates mentions, preferring the full name', () => {
    const ms = mentions('Mara Quinn looks at Eli. Mara waits.', named);
    expect(ms.map((m) => [m.at, m.character.id])).toEqual([
      [0, 'char-mara-quinn'],
      [20, 'char-eli-navarro'],
      [25, 'char-mara-quinn'],
    ]);
  });
});

describe('name forms', () => {
  it('drops titles and cue extensions', () => {
    expect(firstName('Detective Ruth Okafor')).toBe('Ruth');
    expect(normalizeCue('Mara (V.O.)')).toBe('MARA');
    expect(normalizeCue("mara (cont'd) ^")).toBe('MARA');
    expect(mentionForms('Detective Ruth Okafor')).toEqual(['Detective Ruth Okafor', 'Ruth', 'Okafor']);
  });

  it("does not take a possessive cue for the character it names (MARA'S MOTHER is not Mara)", () => {
    expect(resolveName("MARA'S MOTHER", named)).toBeUndefined();
    expect(resolveName('YOUNG MARA', named)?.id).toBe('char-mara-quinn');
  });
});
