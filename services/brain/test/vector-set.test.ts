import { describe, expect, it } from 'vitest';
import { NATIVE_SEARCH_MIN, VectorSet } from '../src/graph/vector-set.ts';

const DIM = 32;

/** A deterministic generator, so a failure can be replayed. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function unitVector(rand: () => number): Float32Array {
  const v = new Float32Array(DIM);
  let sum = 0;
  for (let i = 0; i < DIM; i++) {
    v[i] = rand() - 0.5;
    sum += v[i]! * v[i]!;
  }
  const inv = 1 / Math.sqrt(sum);
  for (let i = 0; i < DIM; i++) v[i]! *= inv;
  return v;
}

/** Exact top k by a plain dot product over what the test knows is live. */
function bruteForce(live: Map<number, Float32Array>, q: Float32Array, k: number): number[] {
  return [...live.entries()]
    .map(([label, v]) => ({ label, score: v.reduce((acc, x, i) => acc + x * q[i]!, 0) }))
    .sort((a, b) => b.score - a.score || a.label - b.label)
    .slice(0, k)
    .map((s) => s.label);
}

describe('VectorSet', () => {
  it('answers exactly through the native copy while vectors come and go (adds, overwrites, deletes of the last and others, across chunks)', () => {
    const rand = prng(7);
    // Small chunks, so the copy spans several and deletes empty some of them.
    const set = new VectorSet(DIM, 64, 700);
    const live = new Map<number, Float32Array>();
    let next = 1;
    const check = () => {
      for (let i = 0; i < 5; i++) {
        const q = unitVector(rand);
        const want = bruteForce(live, q, 10);
        // Unfiltered: the native copy once big enough; filtered on the only code: the JavaScript loop.
        expect(set.search(q, 10).map((s) => s.label)).toEqual(want);
        expect(set.search(q, 10, new Set([3])).map((s) => s.label)).toEqual(want);
      }
    };
    for (let round = 0; round < 6; round++) {
      // Grow past the native threshold and through a couple of capacity doublings.
      for (let i = 0; i < NATIVE_SEARCH_MIN; i++) {
        const v = unitVector(rand);
        set.add(next, v, 3);
        live.set(next, v);
        next++;
      }
      // Overwrite some vectors in place.
      for (const label of [...live.keys()].filter((_, i) => i % 97 === 0)) {
        const v = unitVector(rand);
        set.add(label, v, 3);
        live.set(label, v);
      }
      // Delete the newest (the last slot), the oldest, and a spread in between.
      const labels = [...live.keys()];
      const doomed = new Set([labels[labels.length - 1]!, labels[labels.length - 2]!, labels[0]!, ...labels.filter((_, i) => i % 3 === 1)]);
      for (const label of doomed) {
        expect(set.delete(label)).toBe(true);
        live.delete(label);
      }
      expect(set.size).toBe(live.size);
      check();
    }
    // Down to a handful: k larger than the set returns all of them.
    for (const label of [...live.keys()].slice(5)) {
      set.delete(label);
      live.delete(label);
    }
    const q = unitVector(rand);
    expect(set.search(q, 10).map((s) => s.label)).toEqual(bruteForce(live, q, 10));
    expect(set.search(q, 10)).toHaveLength(5);
  });

  it('scores are cosine similarities, best first', () => {
    const rand = prng(11);
    const set = new VectorSet(DIM);
    const vectors: Float32Array[] = [];
    for (let i = 0; i < NATIVE_SEARCH_MIN + 10; i++) {
      const v = unitVector(rand);
      vectors.push(v);
      set.add(i, v, 0);
    }
    const hits = set.search(vectors[42]!, 3);
    expect(hits[0]!.label).toBe(42);
    expect(hits[0]!.score).toBeCloseTo(1, 5);
    expect(hits[1]!.score).toBeLessThan(hits[0]!.score);
    const dot = vectors[hits[1]!.label]!.reduce((acc, x, i) => acc + x * vectors[42]![i]!, 0);
    expect(hits[1]!.score).toBeCloseTo(dot, 5);
  });
});
