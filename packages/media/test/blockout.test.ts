import { NodeIO } from '@gltf-transform/core';
import { validateBytes } from 'gltf-validator';
import { describe, expect, it } from 'vitest';
import { buildBlockoutGlb, deriveBlockoutElements } from '../src/index.ts';

async function nodesOf(glb: Uint8Array) {
  const doc = await new NodeIO().readBinary(glb);
  return doc.getRoot().listNodes();
}

describe('buildBlockoutGlb', () => {
  it('writes a valid GLB with a ground and one node per element, shaped, sized and coloured', async () => {
    const glb = await buildBlockoutGlb({
      description: 'a kitchen',
      elements: [
        { name: 'table', shape: 'box', size: [1.6, 0.75, 0.9], position: [0, 0, 0], color: '#aa5533' },
        { name: 'lamp', shape: 'cylinder' },
        { name: 'globe', shape: 'sphere', size: [0.5, 0.5, 0.5] },
        { name: 'rug', shape: 'plane' },
        { name: 'back wall', shape: 'box' },
      ],
      seed: 3,
    });
    const report = await validateBytes(glb);
    expect(report.issues.numErrors, JSON.stringify(report.issues.messages.slice(0, 5))).toBe(0);
    const nodes = await nodesOf(glb);
    expect(nodes.map((n) => n.getName())).toEqual(['ground', 'table', 'lamp', 'globe', 'rug', 'back wall']);
    const table = nodes[1]!;
    expect(table.getTranslation()).toEqual([0, 0, 0]);
    const prim = table.getMesh()!.listPrimitives()[0]!;
    const pos = prim.getAttribute('POSITION')!;
    expect(pos.getMax([0, 0, 0]).map((v) => Math.round(v * 100) / 100)).toEqual([0.8, 0.75, 0.45]);
    const [r, g, b] = prim.getMaterial()!.getBaseColorFactor();
    expect(r).toBeGreaterThan(g!);
    expect(g).toBeGreaterThan(b!);
    // Elements without positions do not overlap.
    const spots = nodes.slice(2).map((n) => n.getTranslation().join(','));
    expect(new Set(spots).size).toBe(spots.length);
  });

  it('derives elements from the description when none are given, deterministically', async () => {
    expect(deriveBlockoutElements('A small kitchen: a table, two chairs, a door and a window.').map((e) => e.name)).toEqual([
      'table',
      'chair',
      'chair_2',
      'door',
      'window',
    ]);
    const input = { description: 'A forest clearing with trees, a rock and a bench', elements: [], seed: 9 };
    const [a, b] = await Promise.all([buildBlockoutGlb(input), buildBlockoutGlb(input)]);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    expect((await validateBytes(a)).issues.numErrors).toBe(0);
    expect((await nodesOf(a)).map((n) => n.getName())).toEqual(['ground', 'tree', 'tree_2', 'rock', 'bench']);
    const fallback = await buildBlockoutGlb({ description: 'somewhere', elements: [], seed: 1 });
    expect((await nodesOf(fallback)).length).toBeGreaterThan(1);
  });

  it('rejects bad elements with the field named', async () => {
    await expect(buildBlockoutGlb({ description: '', elements: [{ name: 'x', shape: 'cone' as 'box' }], seed: 1 })).rejects.toThrow(
      /elements\[0\]\.shape/,
    );
  });
});
