import type { NodeLabel, SearchHit } from '@automovie/contracts';
import type { BrainContext } from './context.ts';

/** Reciprocal rank fusion constant: 60 is the value of the original paper and of most engines. */
const RRF_K = 60;

export type SearchMode = 'hybrid' | 'vector' | 'keyword';

/**
 * Semantic search over a project's index: the query is embedded (as a query, for providers that
 * tell queries from passages) and matched in the vector index, and matched as words by the
 * keyword index; hybrid fuses both rankings by reciprocal rank, so a hit found by both wins.
 */
export async function searchText(
  ctx: BrainContext,
  projectId: string,
  query: string,
  k: number,
  mode: SearchMode,
  labels?: readonly NodeLabel[],
  /** The query's embedding, when the caller already has it (batch search embeds all queries at once). */
  queryVector?: Float32Array,
): Promise<SearchHit[]> {
  const opts = labels === undefined ? {} : { labels };
  const wantVector = mode !== 'keyword';
  const wantKeyword = mode !== 'vector';
  const embedded = async () => queryVector ?? ((await ctx.embeddings.embed([query], { inputType: 'query' })).vectors[0] as Float32Array);
  const vectorHits = wantVector
    ? embedded().then((v) => ctx.store.vectorSearch(projectId, Array.from(v), mode === 'hybrid' ? k * 2 : k, opts))
    : Promise.resolve([]);
  // The embedded store's keyword search runs on this thread without yielding, while its vector
  // search runs in a worker: the keyword half starts once the vector half has been sent, so the
  // two overlap (a local embedding is ready within the microtasks before `setImmediate`).
  const keyword = () => ctx.store.keywordSearch(projectId, query, mode === 'hybrid' ? k * 2 : k, opts);
  const keywordHits = !wantKeyword
    ? Promise.resolve([])
    : wantVector
      ? new Promise<SearchHit[]>((resolve, reject) => {
          setImmediate(() => keyword().then(resolve, reject));
        })
      : keyword();
  const [v, w] = await Promise.all([vectorHits, keywordHits]);
  return combine(mode, v, w, k);
}

function combine(mode: SearchMode, vectorHits: SearchHit[], keywordHits: SearchHit[], k: number): SearchHit[] {
  if (mode === 'vector') return vectorHits.slice(0, k);
  if (mode === 'keyword') return keywordHits.slice(0, k);
  return fuse(vectorHits, keywordHits, k);
}

/** Reciprocal rank fusion of two best-first lists. */
export function fuse(vectorHits: readonly SearchHit[], keywordHits: readonly SearchHit[], k: number): SearchHit[] {
  const byId = new Map<string, SearchHit>();
  vectorHits.forEach((h, i) => {
    byId.set(h.id, { ...h, score: 1 / (RRF_K + i + 1), vectorScore: h.vectorScore ?? h.score });
  });
  keywordHits.forEach((h, i) => {
    const rank = i + 1;
    const prev = byId.get(h.id);
    if (prev) byId.set(h.id, { ...prev, score: prev.score + 1 / (RRF_K + rank), keywordRank: rank });
    else byId.set(h.id, { ...h, score: 1 / (RRF_K + rank), keywordRank: rank, vectorScore: undefined });
  });
  return [...byId.values()]
    .map((h) => (h.vectorScore === undefined ? (({ vectorScore: _v, ...rest }) => rest)(h) : h))
    .sort((a, b) => b.score - a.score)
    .slice(0, k);
}
