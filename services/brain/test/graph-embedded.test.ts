import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type TempDir, tempDir } from '@automovie/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EmbeddedGraphStore, type EmbeddedStoreOptions } from '../src/graph/embedded.ts';
import type { NodeInput } from '../src/graph/store.ts';
import type { VectorIndexState } from '../src/graph/vector-protocol.ts';
import { describeGraphStoreContract, randomVector, rng } from './graph-contract.ts';

async function embeddedFixture(options: Partial<EmbeddedStoreOptions> = {}) {
  const dir = await tempDir('automovie-graph-');
  const store = EmbeddedGraphStore.open({ dataDir: dir.path, ...options });
  return {
    store,
    cleanup: async () => {
      await store.close();
      await dir.remove();
    },
  };
}

describeGraphStoreContract('embedded, exact search', () => embeddedFixture());
// Every project with a vector goes through HNSW (plus its not-yet-inserted tail).
describeGraphStoreContract('embedded, HNSW search', () => embeddedFixture({ exactThreshold: 1 }));
// Keyword search from held postings in every project, reloaded after every write.
describeGraphStoreContract('embedded, keyword postings', () => embeddedFixture({ keywordIndexMinDocs: 0, keywordIndexQuietMs: 0 }));

/** Waits until the project's HNSW graph holds every vector (none pending). */
async function settled(store: EmbeddedGraphStore, projectId: string): Promise<VectorIndexState> {
  for (let i = 0; i < 2000; i++) {
    const state = await store.inspectVectorIndex(projectId);
    if (state && state.pending === 0) return state;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('the vector index did not settle');
}

function docs(from: number, to: number, next: () => number, dim: number): { inputs: NodeInput[]; vectors: Map<string, number[]> } {
  const inputs: NodeInput[] = [];
  const vectors = new Map<string, number[]>();
  for (let i = from; i < to; i++) {
    const v = randomVector(next, dim);
    vectors.set(`d${i}`, v);
    inputs.push({ id: `d${i}`, label: 'Document', properties: { i }, index: { text: `document number ${i}`, embedding: v } });
  }
  return { inputs, vectors };
}

function dot(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function bruteForce(vectors: Map<string, number[]>, q: readonly number[], k: number): string[] {
  return [...vectors]
    .map(([id, v]) => ({ id, s: dot(v, q) }))
    .sort((a, b) => b.s - a.s)
    .slice(0, k)
    .map((x) => x.id);
}

describe('embedded graph store: the HNSW index is derived from the database', () => {
  const DIM = 32;
  const options = { exactThreshold: 200 } satisfies Partial<EmbeddedStoreOptions>;
  let dir: TempDir;
  let store: EmbeddedGraphStore;
  let vectors: Map<string, number[]>;
  const indexFile = () => join(dir.path, 'vectors', 'p.hnsw');
  const metaFile = () => join(dir.path, 'vectors', 'p.meta.json');
  const reopen = () => {
    store = EmbeddedGraphStore.open({ dataDir: dir.path, ...options });
    return store;
  };

  /** Every stored vector finds its own document first. */
  async function expectAllFindThemselves(expected: Map<string, number[]>) {
    for (const [id, v] of expected) {
      const hits = await store.vectorSearch('p', v, 1);
      expect(hits[0]?.id, id).toBe(id);
    }
  }

  beforeEach(async () => {
    dir = await tempDir('automovie-graph-');
    reopen();
    await store.createProject({ id: 'p', name: 'P' });
    const batch = docs(0, 600, rng(7), DIM);
    vectors = batch.vectors;
    await store.putNodesAtomic('p', batch.inputs);
    const state = await settled(store, 'p');
    expect(state).toMatchObject({ mode: 'hnsw', size: 600, pending: 0 });
    await store.close();
    await stat(indexFile());
  });
  afterEach(async () => {
    await store.close();
    await dir.remove();
  });

  it('loads a valid index file as it is', async () => {
    reopen();
    expect(await store.inspectVectorIndex('p')).toMatchObject({
      mode: 'hnsw',
      source: 'file',
      size: 600,
      pending: 0,
      replayed: 0,
      pruned: 0,
    });
    await expectAllFindThemselves(vectors);
  });

  it('rebuilds the index when its file is deleted', async () => {
    await rm(indexFile());
    reopen();
    expect(await store.inspectVectorIndex('p')).toMatchObject({ source: 'rebuilt', rebuildReason: 'no index file', size: 600 });
    await expectAllFindThemselves(vectors);
    await settled(store, 'p');
    await store.close();
    await stat(indexFile());
    reopen();
    expect(await store.inspectVectorIndex('p')).toMatchObject({ source: 'file', size: 600 });
  });

  it('rebuilds the index when its file is corrupt', async () => {
    const bytes = await readFile(indexFile());
    for (let i = 0; i < bytes.length; i += 97) bytes[i] = (bytes[i]! + 1) % 256;
    await writeFile(indexFile(), bytes);
    reopen();
    expect(await store.inspectVectorIndex('p')).toMatchObject({
      source: 'rebuilt',
      rebuildReason: 'index file checksum mismatch',
      size: 600,
    });
    await expectAllFindThemselves(vectors);
  });

  it('rebuilds the index when its file or metadata is garbage', async () => {
    await writeFile(indexFile(), 'garbage, not an index');
    reopen();
    expect((await store.inspectVectorIndex('p'))?.source).toBe('rebuilt');
    await expectAllFindThemselves(vectors);
    await store.close();
    await writeFile(metaFile(), '{"not json');
    reopen();
    expect(await store.inspectVectorIndex('p')).toMatchObject({ source: 'rebuilt', rebuildReason: 'unreadable index metadata' });
    await expectAllFindThemselves(vectors);
  });

  it('rebuilds an index file that belongs to another database', async () => {
    const meta = JSON.parse(await readFile(metaFile(), 'utf8'));
    await writeFile(metaFile(), JSON.stringify({ ...meta, dbUid: 'someone-else' }));
    reopen();
    expect(await store.inspectVectorIndex('p')).toMatchObject({
      source: 'rebuilt',
      rebuildReason: 'index file of another database or project',
    });
  });

  it('replays what the file lacks after a crash: new vectors added, deleted and replaced ones dropped', async () => {
    reopen();
    const next = rng(99);
    const added = docs(600, 700, next, DIM);
    await store.putNodesAtomic('p', added.inputs);
    for (let i = 0; i < 50; i++) await store.deleteNode('p', `d${i}`);
    const replaced = new Map<string, number[]>();
    for (let i = 50; i < 70; i++) {
      const v = randomVector(next, DIM);
      replaced.set(`d${i}`, v);
      await store.updateNode('p', `d${i}`, { index: { embedding: v } });
    }
    // The process dies: the database has every commit, the index file has none of them.
    await store.closeWithoutPersisting();

    reopen();
    const state = await store.inspectVectorIndex('p');
    expect(state).toMatchObject({ source: 'file', replayed: 120, pruned: 70, size: 650 });
    const expected = new Map([...vectors].filter(([id]) => Number(id.slice(1)) >= 70));
    for (const [id, v] of [...added.vectors, ...replaced]) expected.set(id, v);
    await expectAllFindThemselves(expected);
    for (let i = 0; i < 50; i++) {
      const hits = await store.vectorSearch('p', vectors.get(`d${i}`)!, 5);
      expect(hits.map((h) => h.id)).not.toContain(`d${i}`);
    }
    for (const [id] of replaced) {
      const hit = (await store.vectorSearch('p', vectors.get(id)!, 1))[0]!;
      expect(hit.id === id ? hit.score : 0).toBeLessThan(0.99);
    }
    // Once settled and persisted, the file is whole again: nothing left to replay.
    await settled(store, 'p');
    await store.close();
    reopen();
    expect(await store.inspectVectorIndex('p')).toMatchObject({ source: 'file', replayed: 0, pruned: 0, size: 650 });
  });

  it('goes back to exact search (and drops the file) when a project shrinks below the threshold', async () => {
    reopen();
    for (let i = 0; i < 450; i++) await store.deleteNode('p', `d${i}`);
    await store.close();
    reopen();
    expect(await store.inspectVectorIndex('p')).toMatchObject({ mode: 'exact', size: 150 });
    await expect(stat(indexFile())).rejects.toThrow();
    await expectAllFindThemselves(new Map([...vectors].filter(([id]) => Number(id.slice(1)) >= 450)));
  });
});

describe('embedded graph store: keyword search in a big project', () => {
  it('does not match words that are in more than half of the documents, unless they are all the query has', async () => {
    const dir = await tempDir('automovie-graph-');
    const store = EmbeddedGraphStore.open({ dataDir: dir.path });
    try {
      await store.createProject({ id: 'p', name: 'P' });
      const inputs: NodeInput[] = [];
      for (let i = 0; i < 1200; i++) inputs.push({ id: `d${i}`, label: 'Document', index: { text: `the common filler number${i}` } });
      for (let i = 0; i < 3; i++) inputs.push({ id: `v${i}`, label: 'Document', index: { text: `the vault ${i}` } });
      await store.putNodesAtomic('p', inputs);
      // "the" is in every document: "the vault" finds the vault documents only (BM25 gave "the" no weight anyway).
      expect((await store.keywordSearch('p', 'The vault', 10)).map((h) => h.id).sort()).toEqual(['v0', 'v1', 'v2']);
      expect(await store.keywordSearch('p', 'the common', 10)).toHaveLength(10);
      expect((await store.keywordSearch('p', 'number7 the common', 10))[0]?.id).toBe('d7');
    } finally {
      await store.close();
      await dir.remove();
    }
  });
});

describe('embedded graph store: keyword search from held postings', () => {
  const WORDS = 'mara leo detective lighthouse opens hides the revolver harbor garage storm night walking walked'.split(' ');

  async function bigProject(options: Partial<EmbeddedStoreOptions>, docs: number, extra: NodeInput[] = []) {
    const dir = await tempDir('automovie-graph-');
    const store = EmbeddedGraphStore.open({ dataDir: dir.path, ...options });
    await store.createProject({ id: 'p', name: 'P' });
    const next = rng(7);
    const inputs: NodeInput[] = [...extra];
    for (let i = 0; i < docs; i++) {
      // Zipf-like: a few words in most documents, the rest in some.
      const words = Array.from({ length: 4 + Math.floor(next() * 8) }, () => WORDS[Math.floor(WORDS.length * next() ** 3)]);
      inputs.push({ id: `d${i}`, label: 'Document', index: { text: words.join(' ') } });
    }
    for (let i = 0; i < inputs.length; i += 1000) await store.putNodesAtomic('p', inputs.slice(i, i + 1000));
    return { store, cleanup: () => store.close().then(() => dir.remove()) };
  }

  it('ranks exactly as FTS5 bm25 does, before and after deletes and updates', async () => {
    const queries = [
      'detective lighthouse',
      'the walking storm',
      'Mara hides the revolver at night',
      'garage',
      'walked walking harbor leo',
    ];
    const direct = await bigProject({}, 3000);
    const held = await bigProject({ keywordIndexMinDocs: 0, keywordIndexQuietMs: 0 }, 3000);
    try {
      const compare = async () => {
        for (const q of queries) {
          const a = await direct.store.keywordSearch('p', q, 25);
          const b = await held.store.keywordSearch('p', q, 25);
          // Same scores in the same order (weights are held as float32; ties may list their documents in another order).
          expect(
            b.map((h) => h.score.toFixed(3)),
            q,
          ).toEqual(a.map((h) => h.score.toFixed(3)));
          expect(b.length, q).toBe(25);
        }
      };
      await compare();
      for (const s of [direct.store, held.store]) {
        for (let i = 0; i < 300; i += 3) await s.deleteNode('p', `d${i}`);
        await s.putNodesAtomic('p', [{ id: 'd1', label: 'Document', index: { text: 'detective detective lighthouse' } }]);
      }
      await compare();
    } finally {
      await direct.cleanup();
      await held.cleanup();
    }
  });

  it("finds a rare word's document among 10,000 documents of common words", async () => {
    const rare = { id: 'needle', label: 'Document' as const, index: { text: 'the detective finds a zeppelin in the harbor' } };
    const { store, cleanup } = await bigProject({ keywordIndexQuietMs: 0 }, 10_000, [rare]);
    try {
      for (const q of ['zeppelin', 'the zeppelin detective', 'Mara hides the zeppelin in the lighthouse garage at night']) {
        expect((await store.keywordSearch('p', q, 10))[0]?.id, q).toBe('needle');
      }
      // Another form of the word (FTS5 stems both).
      expect((await store.keywordSearch('p', 'zeppelins', 10)).map((h) => h.id)).toEqual(['needle']);
    } finally {
      await cleanup();
    }
  });
});

describe('embedded graph store: vector search admission', () => {
  it('refuses searches past the queue limit at once, retryable, and serves the ones admitted', async () => {
    const { store, cleanup } = await embeddedFixture({ maxQueuedVectorSearches: 2 });
    try {
      await store.createProject({ id: 'p', name: 'P' });
      const next = rng(3);
      await store.putNodesAtomic(
        'p',
        Array.from({ length: 50 }, (_, i) => ({ id: `v${i}`, label: 'Document' as const, index: { embedding: randomVector(next, 16) } })),
      );
      const results = await Promise.allSettled(Array.from({ length: 10 }, () => store.vectorSearch('p', randomVector(next, 16), 5)));
      const served = results.filter((r) => r.status === 'fulfilled');
      const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
      expect(served).toHaveLength(2);
      for (const r of served) expect(r.value).toHaveLength(5);
      expect(refused).toHaveLength(8);
      for (const err of refused) expect(err).toMatchObject({ code: 'BRAIN_VECTOR_INDEX_UNAVAILABLE', retryable: true });
      // Once the queue has drained, searches are admitted again.
      expect(await store.vectorSearch('p', randomVector(next, 16), 5)).toHaveLength(5);
    } finally {
      await cleanup();
    }
  });
});

describe('embedded graph store: HNSW recall', () => {
  it('finds ≥ 95% of the true 10 nearest of 5,000 random vectors (dimension 256)', async () => {
    const dir = await tempDir('automovie-graph-');
    const store = EmbeddedGraphStore.open({ dataDir: dir.path, exactThreshold: 1000 });
    try {
      await store.createProject({ id: 'p', name: 'P' });
      const next = rng(1234);
      const all = new Map<string, number[]>();
      for (let b = 0; b < 5; b++) {
        const batch = docs(b * 1000, (b + 1) * 1000, next, 256);
        for (const [id, v] of batch.vectors) all.set(id, v);
        await store.putNodesAtomic('p', batch.inputs);
      }
      const state = await settled(store, 'p');
      expect(state).toMatchObject({ mode: 'hnsw', size: 5000, pending: 0 });
      let found = 0;
      const queries = 100;
      for (let i = 0; i < queries; i++) {
        const q = randomVector(next, 256);
        const truth = new Set(bruteForce(all, q, 10));
        const hits = await store.vectorSearch('p', q, 10);
        found += hits.filter((h) => truth.has(h.id)).length;
      }
      const recall = found / (queries * 10);
      expect(recall).toBeGreaterThanOrEqual(0.95);
    } finally {
      await store.close();
      await dir.remove();
    }
  }, 120_000);

  it('filters by a rare label among many vectors exactly', async () => {
    const dir = await tempDir('automovie-graph-');
    const store = EmbeddedGraphStore.open({ dataDir: dir.path, exactThreshold: 100 });
    try {
      await store.createProject({ id: 'p', name: 'P' });
      const next = rng(5);
      const batch = docs(0, 1000, next, 16);
      const workflows = new Map<string, number[]>();
      for (let i = 0; i < 10; i++) {
        const v = randomVector(next, 16);
        workflows.set(`w${i}`, v);
        batch.inputs.push({ id: `w${i}`, label: 'Workflow', properties: { kind: i % 2 ? 'odd' : 'even' }, index: { embedding: v } });
      }
      await store.putNodesAtomic('p', batch.inputs);
      await settled(store, 'p');
      for (let i = 0; i < 20; i++) {
        const q = randomVector(next, 16);
        const hits = await store.vectorSearch('p', q, 3, { labels: ['Workflow'] });
        expect(hits.map((h) => h.id)).toEqual(bruteForce(workflows, q, 3));
        const even = await store.vectorSearch('p', q, 10, { labels: ['Workflow'], where: [{ property: 'kind', op: 'eq', value: 'even' }] });
        expect(even.map((h) => h.id)).toEqual(bruteForce(new Map([...workflows].filter(([id]) => Number(id.slice(1)) % 2 === 0)), q, 10));
      }
    } finally {
      await store.close();
      await dir.remove();
    }
  });
});
