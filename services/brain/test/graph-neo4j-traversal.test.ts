import { describe, expect, it } from 'vitest';
import { type TraversalEdge, traverse } from '../src/graph/neo4j-traversal.ts';

/**
 * The contract's small graph (graph-contract.ts), in creation order:
 * story -HAS_SCENE-> s1 -HAS_SHOT-> sh1 -HAS_SHOT-> sh2, hero -FEATURES-> story,
 * story -SET_IN-> loc, s1 -SET_IN-> loc; lonely has no relationship.
 */
const LABELS: Record<string, string> = {
  story: 'Story',
  s1: 'Scene',
  sh1: 'Shot',
  sh2: 'Shot',
  hero: 'Character',
  loc: 'Location',
  lonely: 'Character',
};
const EDGES: Array<[string, string, string]> = [
  ['story', 's1', 'HAS_SCENE'],
  ['s1', 'sh1', 'HAS_SHOT'],
  ['sh1', 'sh2', 'HAS_SHOT'],
  ['hero', 'story', 'FEATURES'],
  ['story', 'loc', 'SET_IN'],
  ['s1', 'loc', 'SET_IN'],
];

interface Edge extends TraversalEdge {
  type: string;
}

/**
 * What the backend's edgesOf queries return for a level, over `edges`: per frontier node, the
 * outgoing then (for both) the incoming relationships, each in creation order, a self-loop once.
 */
function expander(
  edges: Array<[string, string, string]>,
  labels: Record<string, string>,
  direction: 'out' | 'in' | 'both',
  types?: string[],
) {
  const levels: string[][] = [];
  const expand = async (frontier: readonly string[]) => {
    levels.push([...frontier]);
    const byNode = new Map<string, Edge[]>();
    for (const d of direction === 'both' ? (['out', 'in'] as const) : [direction]) {
      edges.forEach(([from, to, type], seq) => {
        if (types && !types.includes(type)) return;
        const u = d === 'out' ? from : to;
        const other = d === 'out' ? to : from;
        if (!frontier.includes(u)) return;
        if (d === 'in' && direction === 'both' && from === to) return;
        const list = byNode.get(u) ?? [];
        list.push({ u, id: `e${seq}`, from, to, type, other, otherLabel: labels[other]! });
        byNode.set(u, list);
      });
    }
    return byNode;
  };
  return { expand, levels };
}

async function neighbors(
  start: string,
  opts: { depth?: number; direction?: 'out' | 'in' | 'both'; types?: string[]; labels?: string[]; limit?: number } = {},
  edges = EDGES,
  labels = LABELS,
) {
  const { expand, levels } = expander(edges, labels, opts.direction ?? 'both', opts.types);
  const found = await traverse(start, { depth: opts.depth ?? 1, labels: opts.labels, limit: opts.limit ?? 100 }, expand);
  return { ids: found.nodeIds, rels: found.edges.map((e) => `${e.from}>${e.to}`), levels };
}

const sorted = (xs: string[]) => [...xs].sort();

describe('neighbours traversal (the contract’s cases)', () => {
  it('follows direction, depth and relation types, nearest first', async () => {
    expect(sorted((await neighbors('story')).ids)).toEqual(['hero', 'loc', 's1']);
    expect(sorted((await neighbors('story', { direction: 'out' })).ids)).toEqual(['loc', 's1']);
    expect((await neighbors('story', { direction: 'in' })).ids).toEqual(['hero']);
    expect((await neighbors('story', { types: ['HAS_SCENE'] })).ids).toEqual(['s1']);
    expect(sorted((await neighbors('story', { depth: 2, direction: 'out' })).ids)).toEqual(['loc', 's1', 'sh1']);
    const d3 = await neighbors('story', { depth: 3, direction: 'out', types: ['HAS_SCENE', 'HAS_SHOT'] });
    expect(d3.ids).toEqual(['s1', 'sh1', 'sh2']);
    expect(d3.rels).toEqual(['story>s1', 's1>sh1', 'sh1>sh2']);
    expect((await neighbors('sh2', { direction: 'out' })).ids).toEqual([]);
    expect((await neighbors('lonely', { depth: 3 })).ids).toEqual([]);
  });

  it('filters returned nodes by label, passing through others, and stops at the limit', async () => {
    const shots = await neighbors('story', { depth: 3, direction: 'out', labels: ['Shot'] });
    expect(shots.ids).toEqual(['sh1', 'sh2']);
    expect(sorted(shots.rels)).toEqual(['s1>sh1', 'sh1>sh2', 'story>s1']);
    expect((await neighbors('story', { depth: 3, limit: 1 })).ids).toHaveLength(1);
    expect((await neighbors('story', { depth: 3, limit: 2 })).ids).toHaveLength(2);
    const all = await neighbors('story', { depth: 3 });
    expect(sorted(all.ids)).toEqual(['hero', 'loc', 's1', 'sh1', 'sh2']);
    expect(all.rels).toHaveLength(6);
  });

  it('reads no further level once the limit is reached', async () => {
    const one = await neighbors('story', { depth: 3, limit: 1 });
    expect(one.levels).toEqual([['story']]);
    // Out before in, each in creation order: s1 (HAS_SCENE, first edge) comes first.
    expect(one.ids).toEqual(['s1']);
    expect(one.rels).toEqual(['story>s1']);
  });

  it('returns outgoing before incoming relationships, and a self-loop once', async () => {
    const edges: Array<[string, string, string]> = [
      ['a', 'b', 'RELATES_TO'],
      ['b', 'a', 'RELATES_TO'],
      ['a', 'a', 'SELF'],
    ];
    const labels = { a: 'Character', b: 'Character' };
    const around = await neighbors('a', {}, edges, labels);
    expect(around.ids).toEqual(['b']);
    expect(around.rels).toEqual(['a>b', 'a>a', 'b>a']);
  });

  it('never returns the start node, even through a cycle', async () => {
    const found = await neighbors('s1', { depth: 3 });
    expect(found.ids).not.toContain('s1');
    expect(new Set(found.ids).size).toBe(found.ids.length);
  });
});
