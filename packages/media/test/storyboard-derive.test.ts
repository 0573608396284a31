import { describe, expect, it } from 'vitest';
import { deriveComposition, identityForName } from '../src/index.ts';

describe('deriveComposition', () => {
  it('reads shot, angle, movement, place, time, elements and people from the prompt', () => {
    const c = deriveComposition(
      'EXT. HARBOUR - DAWN. Establishing shot, high angle: Ines walks along the sea past a lamp and a tree. Slow pan right.',
    );
    expect(c).toMatchObject({ shotType: 'extreme_wide', angle: 'high', movement: 'pan_right' });
    // Elements are canonical set dressing: the harbour and the sea are both the sea.
    expect(c.location).toEqual({ name: 'HARBOUR', intExt: 'EXT', timeOfDay: 'DAWN', elements: ['sea', 'lamp', 'tree'] });
    expect(c.figures.map((f) => f.name)).toEqual(['Ines']);
  });

  it('finds the speaker, a place without a slug line, and defaults by cast size', () => {
    const c = deriveComposition('Rhea tells Amos the truth in the old kitchen at night, by the window.');
    expect(c.shotType).toBe('two_shot');
    expect(c.location).toMatchObject({ name: 'old kitchen', intExt: 'INT', timeOfDay: 'NIGHT' });
    expect(c.figures.map((f) => [f.name, f.speaking ?? false])).toEqual([
      ['Rhea', true],
      ['Amos', false],
    ]);
    expect(deriveComposition('A woman waits on the street.').figures.map((f) => f.name)).toEqual(['Woman']);
    expect(deriveComposition('An empty road under the mountains.')).toMatchObject({
      shotType: 'wide',
      figures: [],
      location: { intExt: 'EXT' },
    });
  });

  it('reads only set dressing from prose, canonical, and infers INT/EXT from its kinds', () => {
    expect(deriveComposition('Mara stands by the curtains; they breathe in a draught.').location.elements).toEqual(['curtain']);
    expect(deriveComposition('A couch, a television and the bookshelves.').location).toMatchObject({
      intExt: 'INT',
      elements: ['sofa', 'tv', 'shelf'],
    });
    expect(deriveComposition('A boat and two tents by the rocks.').location).toMatchObject({
      intExt: 'EXT',
      elements: ['boat', 'tent', 'rock'],
    });
    // A capitalised set-dressing word opening a sentence is not a character.
    expect(deriveComposition('Curtains stir. Mara waits.').figures.map((f) => f.name)).toEqual(['Mara']);
  });

  it('gives a name the same identity every time, and different names different looks', () => {
    expect(identityForName('Mara')).toEqual(identityForName(' mara '));
    const looks = new Set(['Mara', 'Jon', 'Ines', 'Theo', 'Vera', 'Amos'].map((n) => JSON.stringify(identityForName(n))));
    expect(looks.size).toBe(6);
  });
});
