/**
 * Embedded graph store benchmark: `node services/brain/bench/graph.bench.ts [options]`.
 *
 * 1. Bulk store: putNodesAtomic in batches of 1,000 documents (≈60 words of text and a
 *    dimension-256 vector each; making them is not timed), at 10k and 100k documents per project:
 *    µs per document until acknowledged (committed) — wall time, and the main thread's CPU time,
 *    which does not depend on what else the machine runs — and until the HNSW graph holds them
 *    all (the worker thread inserts them meanwhile, on the other core).
 * 2. Semantic search: p50/p95 latency of vectorSearch(k=10) and recall@10 against brute force,
 *    on embedding-like vectors (a 32-dimensional latent space projected to 256, plus noise) and,
 *    at 10k, on uniformly random vectors (the worst case for any graph index).
 * 3. Neighbours: p50/p95 of getNeighbors at depth 1, 2 and 3 on a graph of 1M edges.
 * Figures are printed; nothing is asserted (ARCHITECTURE.md §10).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { EmbeddedGraphStore, type EmbeddedStoreOptions } from '../src/graph/embedded.ts';
import type { NodeInput } from '../src/graph/store.ts';

const { values: opts } = parseArgs({
  options: {
    docs: { type: 'string', default: '10000,100000' },
    edges: { type: 'string', default: '1000000' },
    queries: { type: 'string', default: '300' },
    dim: { type: 'string', default: '256' },
    random: { type: 'boolean', default: true },
    'ef-search': { type: 'string' },
    help: { type: 'boolean', default: false },
  },
  allowNegative: true,
});
if (opts.help) {
  process.stdout.write(`node services/brain/bench/graph.bench.ts [options]
  --docs N,N       documents per run of the store/search benchmark (10000,100000)
  --edges N        edges of the neighbours benchmark, 0 to skip (1000000)
  --queries N      search queries per run (300)
  --dim N          vector dimension (256)
  --no-random      skip the uniformly random vectors run
  --ef-search N    HNSW efSearch (store default)
`);
  process.exit(0);
}

const DIM = Number(opts.dim);
const QUERIES = Number(opts.queries);
const storeOptions: Partial<EmbeddedStoreOptions> = opts['ef-search'] ? { efSearch: Number(opts['ef-search']) } : {};
const out = (line: string) => process.stdout.write(`${line}\n`);

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

function gaussian(next: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(next() || 1e-12)) * Math.cos(2 * Math.PI * next());
}

type Kind = 'embedding-like' | 'random';

/** A generator of unit vectors: embedding-like (low intrinsic dimension) or uniformly random. */
function vectors(kind: Kind, seed: number): () => number[] {
  const g = gaussian(rng(seed));
  const LATENT = 32;
  const w = Float64Array.from({ length: DIM * LATENT }, g);
  return () => {
    const v = new Array<number>(DIM);
    if (kind === 'random') {
      for (let i = 0; i < DIM; i++) v[i] = g();
    } else {
      const z = Array.from({ length: LATENT }, g);
      for (let i = 0; i < DIM; i++) {
        let s = 0;
        for (let j = 0; j < LATENT; j++) s += w[i * LATENT + j]! * z[j]!;
        v[i] = s + 0.3 * Math.sqrt(LATENT) * g();
      }
    }
    const n = Math.hypot(...v);
    for (let i = 0; i < DIM; i++) v[i]! /= n;
    return v;
  };
}

const WORDS = Array.from({ length: 5000 }, (_, i) => `w${i.toString(36)}`);
function text(next: () => number): string {
  const words: string[] = [];
  for (let i = 0; i < 60; i++) words.push(WORDS[Math.floor(WORDS.length * next() ** 3)]!); // Zipf-ish
  return words.join(' ');
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

function fmt(ms: number): string {
  return ms < 10 ? ms.toFixed(2) : ms.toFixed(0);
}

async function settled(store: EmbeddedGraphStore, projectId: string): Promise<void> {
  for (;;) {
    const s = await store.inspectVectorIndex(projectId);
    if (!s || s.pending === 0) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function storeAndSearch(n: number, kind: Kind): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'automovie-bench-'));
  const store = EmbeddedGraphStore.open({ dataDir: dir, ...storeOptions });
  try {
    await store.createProject({ id: 'bench', name: 'bench' });
    // Queries come from the same distribution as the documents (as with one embedding model).
    const nextVector = vectors(kind, 42);
    const nextText = rng(7);
    const data = new Float32Array(n * DIM);
    const BATCH = 1000;
    let storeMs = 0;
    let storeCpuUs = 0;
    const t0 = performance.now();
    for (let from = 0; from < n; from += BATCH) {
      const batch: NodeInput[] = [];
      for (let i = from; i < Math.min(n, from + BATCH); i++) {
        const v = nextVector();
        data.set(v, i * DIM);
        batch.push({ id: `d${i}`, label: 'Document', properties: { i, title: `Doc ${i}` }, index: { text: text(nextText), embedding: v } });
      }
      const t = performance.now();
      const cpu = process.threadCpuUsage();
      await store.putNodesAtomic('bench', batch);
      const used = process.threadCpuUsage(cpu);
      storeCpuUs += used.user + used.system;
      storeMs += performance.now() - t;
    }
    const tSettle = performance.now();
    await settled(store, 'bench');
    const settleMs = performance.now() - tSettle;
    const wallMs = performance.now() - t0;
    out(
      `  store ${n} docs (${kind}): ${((storeMs * 1000) / n).toFixed(1)} µs/doc acknowledged (${Math.round(n / (storeMs / 1000))} docs/s, ` +
        `${(storeCpuUs / n).toFixed(1)} µs/doc of main-thread CPU); ` +
        `HNSW caught up ${fmt(settleMs)} ms after the last batch (${((wallMs * 1000) / n).toFixed(0)} µs/doc end to end, generation included)`,
    );

    // The true neighbours first: scanning every vector between two timed searches would evict the
    // index from the CPU caches and time that instead.
    const queries = Array.from({ length: QUERIES }, nextVector);
    const truths = queries.map((query) => {
      const scores = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        let s = 0;
        const o = i * DIM;
        for (let j = 0; j < DIM; j++) s += data[o + j]! * query[j]!;
        scores[i] = s;
      }
      return new Set(
        Array.from(scores.keys())
          .sort((a, b) => scores[b]! - scores[a]!)
          .slice(0, 10)
          .map((i) => `d${i}`),
      );
    });
    for (const query of queries.slice(0, 20)) await store.vectorSearch('bench', query, 10); // warm-up
    const latencies: number[] = [];
    let found = 0;
    for (let q = 0; q < QUERIES; q++) {
      const t = performance.now();
      const hits = await store.vectorSearch('bench', queries[q]!, 10);
      latencies.push(performance.now() - t);
      found += hits.filter((h) => truths[q]!.has(h.id)).length;
    }
    latencies.sort((a, b) => a - b);
    out(
      `  search ${n} (${kind}): p50 ${fmt(percentile(latencies, 0.5))} ms, p95 ${fmt(percentile(latencies, 0.95))} ms, ` +
        `recall@10 ${(found / (QUERIES * 10)).toFixed(3)}`,
    );

    const nextWords = rng(99);
    const keywordCases: Array<[string, () => string]> = [
      ['two words of the vocabulary', () => `${WORDS[Math.floor(5000 * nextWords())]} ${WORDS[Math.floor(500 * nextWords())]}`],
      ['the commonest word + one of the vocabulary', () => `${WORDS[0]} ${WORDS[Math.floor(5000 * nextWords())]}`],
    ];
    for (const [name, query] of keywordCases) {
      const kw: number[] = [];
      for (let q = 0; q < 100; q++) {
        const text = query();
        const t = performance.now();
        await store.keywordSearch('bench', text, 10);
        kw.push(performance.now() - t);
      }
      kw.sort((a, b) => a - b);
      out(`  keyword search ${n} (${name}): p50 ${fmt(percentile(kw, 0.5))} ms, p95 ${fmt(percentile(kw, 0.95))} ms`);
    }
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function neighbors(edges: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'automovie-bench-'));
  const store = EmbeddedGraphStore.open({ dataDir: dir });
  try {
    await store.createProject({ id: 'g', name: 'graph' });
    const nodes = Math.max(10, Math.round(edges / 10));
    const labels = ['Scene', 'Shot', 'Character', 'Location'] as const;
    let t = performance.now();
    for (let from = 0; from < nodes; from += 1000) {
      const batch: NodeInput[] = [];
      for (let i = from; i < Math.min(nodes, from + 1000); i++) batch.push({ id: `n${i}`, label: labels[i % 4]!, properties: { i } });
      await store.putNodesAtomic('g', batch);
    }
    const nodesMs = performance.now() - t;
    const next = rng(3);
    const types = ['HAS_SHOT', 'FEATURES', 'SET_IN', 'RELATES_TO'];
    t = performance.now();
    for (let e = 0; e < edges; e++) {
      await store.createRelationship('g', {
        from: `n${Math.floor(next() * nodes)}`,
        to: `n${Math.floor(next() * nodes)}`,
        type: types[e % types.length]!,
      });
    }
    const edgesMs = performance.now() - t;
    out(
      `  graph: ${nodes} nodes (${((nodesMs * 1000) / nodes).toFixed(1)} µs each), ${edges} edges ` +
        `(${((edgesMs * 1000) / edges).toFixed(1)} µs each, one transaction per createRelationship)`,
    );
    const cases: Array<[string, Parameters<EmbeddedGraphStore['getNeighbors']>[2]]> = [
      ['depth 1, both', { depth: 1 }],
      ['depth 1, out, one type', { depth: 1, direction: 'out', types: ['HAS_SHOT'] }],
      ['depth 2, both, limit 100', { depth: 2 }],
      ['depth 3, both, limit 100', { depth: 3 }],
      ['depth 3, out, labels Shot, limit 100', { depth: 3, direction: 'out', labels: ['Shot'] }],
      ['depth 3, both, limit 1000', { depth: 3, limit: 1000 }],
    ];
    for (const [name, options] of cases) {
      const lat: number[] = [];
      let returned = 0;
      for (let q = 0; q < 500; q++) {
        const start = `n${Math.floor(next() * nodes)}`;
        const s = performance.now();
        const res = await store.getNeighbors('g', start, options);
        lat.push(performance.now() - s);
        returned += res.nodes.length;
      }
      lat.sort((a, b) => a - b);
      out(
        `  neighbors ${name}: p50 ${fmt(percentile(lat, 0.5))} ms, p95 ${fmt(percentile(lat, 0.95))} ms (${(returned / 500).toFixed(0)} nodes on average)`,
      );
    }
    const paths: number[] = [];
    for (let q = 0; q < 200; q++) {
      const s = performance.now();
      await store.findPath('g', `n${Math.floor(next() * nodes)}`, `n${Math.floor(next() * nodes)}`, { maxDepth: 4 });
      paths.push(performance.now() - s);
    }
    paths.sort((a, b) => a - b);
    out(`  findPath maxDepth 4: p50 ${fmt(percentile(paths, 0.5))} ms, p95 ${fmt(percentile(paths, 0.95))} ms`);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

out(`embedded graph store benchmark — dimension ${DIM}, ${QUERIES} queries per run`);
for (const n of opts.docs
  .split(',')
  .map(Number)
  .filter((x) => x > 0)) {
  await storeAndSearch(n, 'embedding-like');
  if (opts.random && n <= 10_000) await storeAndSearch(n, 'random');
}
if (Number(opts.edges) > 0) await neighbors(Number(opts.edges));
