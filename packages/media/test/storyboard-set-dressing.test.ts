import { SET_DRESSING_KINDS, type SetDressingKind } from '@automovie/contracts';
import { describe, expect, it } from 'vitest';
import { storyboardSvg } from '../src/index.ts';
import { DRAWN_SHAPES, elementShape } from '../src/storyboard/backdrop.ts';
import { assertWellFormed, composition, MARA } from './storyboard-helpers.ts';

const OUTDOOR = new Set<SetDressingKind>(['vehicle', 'structure', 'nature', 'terrain']);
// Drawn as layers across the whole frame (sky, ground, water, road), not as a piece in a slot.
const LAYERS = new Set(['sea', 'mountain', 'street']);

function frame(elements: string[], intExt: 'INT' | 'EXT', over: Parameters<typeof composition>[0] = {}): string {
  const svg = storyboardSvg({
    prompt: 'p',
    composition: composition({
      shotType: 'wide',
      figures: [MARA],
      location: { name: 'Set', intExt, timeOfDay: 'NIGHT', elements },
      ...over,
    }),
    width: 640,
    height: 360,
    seed: 3,
  });
  assertWellFormed(svg);
  return svg;
}

const labels = (svg: string) => [...svg.matchAll(/class="crate-label"[^>]*>([^<]*)</g)].map((m) => m[1]);

describe('set dressing on the storyboard', () => {
  it('draws every vocabulary element: its own shape where it has one, a labelled box otherwise, never nothing', () => {
    const boxed: string[] = [];
    for (const [element, kind] of SET_DRESSING_KINDS) {
      const intExt = OUTDOOR.has(kind) ? 'EXT' : 'INT';
      const shape = elementShape(element, intExt === 'INT');
      const svg = frame([element], intExt);
      if (LAYERS.has(shape)) {
        expect(labels(svg), element).toEqual([]);
        continue;
      }
      expect(svg, element).toContain(`data-element="${shape}"`);
      if (DRAWN_SHAPES.has(shape)) expect(labels(svg), `${element} has a shape, not a box`).toEqual([]);
      else {
        const [label, ...more] = labels(svg);
        expect(more, element).toEqual([]);
        expect(element.startsWith((label ?? '').replace('…', '')), `${element} labelled ${label}`).toBe(true);
        boxed.push(element);
      }
    }
    // Most of the vocabulary has a drawing of its own.
    expect(boxed.length).toBeLessThan(SET_DRESSING_KINDS.size / 3);
  });

  it('draws the drafting engine’s most frequent set dressing with shapes, inside and out', () => {
    const common = 'curtain clock window door candle shelf lamp table chair bed counter stairs bell machine radio cup book rug'.split(' ');
    for (const part of [common.slice(0, 9), common.slice(9)]) {
      const inside = frame(part, 'INT');
      expect(labels(inside)).toEqual([]);
      for (const e of part) expect(inside).toContain(`data-element="${e}"`);
    }
    const outside = frame('tree car boat bus flag fountain tent rock lighthouse gravestone'.split(' '), 'EXT');
    expect(labels(outside)).toEqual([]);
    // Fire is a fireplace indoors and a campfire outdoors.
    expect(frame(['fire'], 'INT')).toContain('data-element="fireplace"');
    expect(frame(['fire'], 'EXT')).toContain('data-element="campfire"');
  });

  it('reads names as canonical elements and keeps a caller’s unknown element as a labelled box', () => {
    const svg = frame(['Curtains', 'old leather couch', 'TV', 'warp core'], 'INT');
    for (const shape of ['curtain', 'sofa', 'tv']) expect(svg).toContain(`data-element="${shape}"`);
    expect(labels(svg)).toEqual(['warp core']);
  });

  it('draws props on a set with the insert shots’ shapes, and inserts find props through the vocabulary', () => {
    expect(labels(frame(['letter', 'key', 'phone', 'bottle', 'map'], 'INT'))).toEqual([]);
    const insert = (prompt: string) =>
      storyboardSvg({
        prompt,
        composition: composition({ shotType: 'insert', location: { name: 'Desk', intExt: 'INT', timeOfDay: 'DAY', elements: [] } }),
        width: 320,
        height: 180,
        seed: 1,
      });
    expect(labels(insert('INSERT: the envelope on the table'))).toEqual([]);
    expect(labels(insert('INSERT: the treasure map'))).toEqual([]);
    expect(labels(insert('INSERT: a coil of rope'))).toEqual(['rope']);
  });
});
