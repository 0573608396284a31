import { canonicalSetDressing, SET_DRESSING_KINDS, SET_DRESSING_WORDS } from '@automovie/contracts';
import { describe, expect, it } from 'vitest';
import { locationElements } from '../src/graph-io.ts';
import { DRAFTING_TEXTURES } from './drafting-textures.ts';

const NONE = new Set<string>();

/** The phrase's words and two- and three-word runs, to trace each element back to what the phrase says. */
function phrases(text: string): string[] {
  const w = text.toLowerCase().match(/[a-z]+/g) ?? [];
  return w.flatMap((_, i) => [w[i], w.slice(i, i + 2).join(' '), w.slice(i, i + 3).join(' ')]) as string[];
}

describe('locationElements', () => {
  it('reads only vocabulary set dressing from every drafting texture, each traced to a word of the phrase', () => {
    let nonEmpty = 0;
    for (const texture of DRAFTING_TEXTURES) {
      const found = locationElements([texture], NONE, 'EXT');
      if (found.length > 0) nonEmpty++;
      const said = new Set(phrases(texture).map((p) => SET_DRESSING_WORDS.get(p)));
      for (const element of found) {
        expect(SET_DRESSING_KINDS.has(element), `${element} (from "${texture}")`).toBe(true);
        expect(said.has(element), `${element} is named in "${texture}"`).toBe(true);
      }
    }
    // The vocabulary is not so narrow that the textures dress nothing.
    expect(nonEmpty).toBeGreaterThan(DRAFTING_TEXTURES.length / 3);
  });

  it('never turns sounds, verbs, materials or weather in the textures into props', () => {
    const junk = `draught breathe breathes floorboards gutter wind glass against dust light mist leaves hull water stone
      footstep footsteps silence traffic puddles steam smoke sand snow frost horizon air clouds stars`.split(/\s+/);
    const all = DRAFTING_TEXTURES.flatMap((t) => locationElements([t], NONE, 'EXT'));
    for (const word of junk) expect(all).not.toContain(word);
  });

  it('reads what each texture shows', () => {
    const cases: Array<[string, string[]]> = [
      ['curtains breathe in a draught', ['curtain']],
      ['the clock in the hall ticks', ['clock']],
      ['floorboards creak', []],
      ['candles gutter', ['candle']],
      ['torches gutter in iron rings', ['torch']],
      ['a logbook lies open on the desk', ['book', 'desk']],
      ['waves boom against the rocks below', ['rock']],
      ['wind hums against the glass', []],
      ['a bell waits on the front desk', ['bell', 'desk']],
      ['the carpet swallows every footstep', ['rug']],
      ['a bus idles by the kerb', ['bus', 'street']],
      ['the oven door clanks', ['stove']],
      ['a screen door bangs', ['door']],
      ['water drips from a fire escape', ['ladder']],
      ['moss hangs like curtains', ['plant']],
      ['a crow watches from a headstone', ['gravestone']],
      ['portraits watch from the walls', ['painting']],
      ['the neon sign buzzes through the curtains', ['sign', 'curtain']],
      ['a TV murmurs above the bottles', ['tv', 'bottle']],
      ['glass cases glow', ['cabinet']],
      ['crates tower in shadow', ['crate']],
      ['the water lies flat as glass', []],
      ['family photos line the hall', ['photo']],
      ['a lamp pools light on the bed', ['lamp', 'bed']],
      ['the fire pops', ['fire']],
      ['ladders lean on the trees', ['ladder', 'tree']],
    ];
    for (const [text, want] of cases) expect(locationElements([text], NONE, 'EXT'), text).toEqual(want);
  });

  it('orders by frequency, excludes character names and caps the list', () => {
    const actions = [
      'A lamp by the door. Rose sets the cup on the table.',
      'Rose opens the door. The door sticks. A rose in a vase on the table.',
    ];
    expect(locationElements(actions, new Set(['rose']))).toEqual(['door', 'table', 'lamp', 'cup', 'vase']);
    const crowded =
      'a chair, a bed, a sofa, a desk, a lamp, a rug, a clock, a mirror, a piano, a stove, a sink, a fridge, a kettle, a radio';
    expect(locationElements([crowded], NONE)).toHaveLength(12);
  });

  it('keeps outdoor things out of an interior, and not out of an exterior', () => {
    const actions = ['Traffic murmurs through the window. The city glows beyond the trees. A radio plays.'];
    expect(locationElements(actions, NONE, 'INT')).toEqual(['window', 'radio']);
    expect(locationElements(actions, NONE, 'EXT')).toEqual(['window', 'building', 'tree', 'radio']);
  });

  it('ignores costume colours and character introductions in drafted action', () => {
    const action =
      'The carpet swallows every footstep. MARA (77), in a forest green trench coat, and GRETA WINSLOW (44), in a bottle green jacket, work in silence.';
    expect(locationElements([action], new Set(['mara', 'greta', 'winslow']), 'INT')).toEqual(['rug']);
  });

  it('canonicalises element names the renderer gets from users', () => {
    expect(canonicalSetDressing('Curtains')).toBe('curtain');
    expect(canonicalSetDressing('old leather couch')).toBe('sofa');
    expect(canonicalSetDressing('Kitchen table')).toBe('table');
    expect(canonicalSetDressing('TV')).toBe('tv');
    expect(canonicalSetDressing('television')).toBe('tv');
    expect(canonicalSetDressing('draught')).toBeUndefined();
  });
});
