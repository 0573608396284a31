import type { Database as Db, Statement } from 'better-sqlite3';
import { ftsTable } from './sqlite-schema.ts';
import { TopK } from './vector-set.ts';

/** FTS5's bm25 constants (fts5_aux.c): the cached path scores exactly as `bm25()` does. */
const K1 = 1.2;
const B = 0.75;
/** Distinct words whose FTS5 form (stem) is remembered. */
const MAX_STEMS = 20_000;
/** Below this many documents every word is searched, however common (it is cheap). */
const PRUNE_MIN_DOCS = 1000;

export interface KeywordIndexOptions {
  /** Projects with fewer documents are searched by FTS5 directly. Default 5,000. */
  minDocs?: number;
  /** Postings (document, term) held in memory across projects. Default 8,000,000 (≈ 64 MB). */
  maxPostings?: number;
  /** A project written to this recently is searched by FTS5 rather than reloaded. Default 1,000 ms. */
  quietMs?: number;
}

export const KEYWORD_INDEX_DEFAULTS = { minDocs: 5000, maxPostings: 8_000_000, quietMs: 1000 } as const;

/** One term of one project: the documents holding it (as ordinals) and their bm25 term weight. */
interface Posting {
  ords: Int32Array;
  /** tf·(k1+1) / (tf + k1·(1 − b + b·dl/avgdl)): everything of bm25 but the idf. */
  weights: Float32Array;
}

interface ProjectCache {
  version: number;
  /** FTS5 rowids (node pks), ascending: a document's ordinal is its position here. */
  ids: Float64Array;
  lengths: Uint32Array;
  avgdl: number;
  /** Scratch accumulator, one slot per document. */
  acc: Float64Array;
  touched: Int32Array;
  terms: Map<string, Posting>;
  postings: number;
}

/** A ranked FTS5 row: what `SELECT rowid, bm25(...)` gives (bm25 is negative: lower is better). */
export interface RankedRow {
  pk: number;
  bm: number;
}

/**
 * Keyword ranking without FTS5 scoring every match. FTS5's bm25 visits every document that holds
 * any query word (an OR query), about 1 µs each: 40–80 ms when the words are a film's own names
 * and places, each in thousands of its documents. This keeps, per project, the postings of the
 * terms searched (document ordinals and the bm25 term weight, read once from FTS5's own index
 * through fts5vocab) and scores a query term-at-a-time into a dense accumulator: the same bm25,
 * in a fraction of a millisecond.
 *
 * The postings are valid for one version of the project's FTS5 table (every write bumps it). A
 * stale project is reloaded on its next search, unless it was written to in the last `quietMs`:
 * during a stream of writes each search would reload, so those go to FTS5 as before.
 */
export class KeywordIndex {
  private readonly db: Db;
  private readonly minDocs: number;
  private readonly maxPostings: number;
  private readonly quietMs: number;
  /** Most recently used last. */
  private readonly projects = new Map<number, ProjectCache>();
  private readonly versions = new Map<number, { version: number; at: number }>();
  private readonly stems = new Map<string, string | null>();
  private readonly dfs = new Map<number, { version: number; dfs: Map<string, number> }>();
  private readonly statements = new Map<string, Statement>();
  private postings = 0;
  private tokenizerReady = false;

  constructor(db: Db, options: KeywordIndexOptions = {}) {
    this.db = db;
    this.minDocs = options.minDocs ?? KEYWORD_INDEX_DEFAULTS.minDocs;
    this.maxPostings = options.maxPostings ?? KEYWORD_INDEX_DEFAULTS.maxPostings;
    this.quietMs = options.quietMs ?? KEYWORD_INDEX_DEFAULTS.quietMs;
  }

  /** The project's FTS5 write counter (bumped by `touched`). */
  version(projectPk: number): number {
    return this.versions.get(projectPk)?.version ?? 0;
  }

  /** Records a write to the project's FTS5 table (inside or outside a transaction: either way its postings are stale). */
  touched(projectPk: number): void {
    const v = this.versions.get(projectPk);
    this.versions.set(projectPk, { version: (v?.version ?? 0) + 1, at: performance.now() });
  }

  /** Forgets a deleted project. */
  drop(projectPk: number): void {
    this.evict(projectPk);
    this.versions.delete(projectPk);
    this.dfs.delete(projectPk);
    for (const sql of this.statements.keys()) if (sql.includes(`${ftsTable(projectPk)}_`)) this.statements.delete(sql);
    this.db.exec(`DROP TABLE IF EXISTS temp.${ftsTable(projectPk)}_inst`);
    this.db.exec(`DROP TABLE IF EXISTS temp.${ftsTable(projectPk)}_vocab`);
  }

  /**
   * The words worth searching: without those in more than half of the project's documents, unless
   * all are. FTS5's bm25 gives such a word an IDF of ~0 (it clamps the negative value to 1e-6), so
   * it changes no score; but matching it makes FTS5 score nearly every document: "the vault" would
   * cost as much as "the". Only documents matching nothing but common words drop out.
   */
  significant(projectPk: number, words: readonly string[], docCount: number): string[] {
    if (words.length < 2 || docCount < PRUNE_MIN_DOCS) return [...words];
    const kept = words.filter((w) => {
      const stem = this.stem(w);
      return stem === null || this.df(projectPk, stem) * 2 <= docCount;
    });
    return kept.length > 0 ? kept : [...words];
  }

  /**
   * The `ask` best documents for `words` (FTS5 phrases joined by OR, as `toFtsQuery` builds them),
   * best first, scored as FTS5's bm25 would. Null when FTS5 should answer instead: a small or busy
   * project, or a word FTS5 reads as other than one token.
   */
  search(projectPk: number, words: readonly string[], ask: number, docCount: number): RankedRow[] | null {
    if (docCount < this.minDocs || words.length === 0) return null;
    const stems: string[] = [];
    for (const w of words) {
      const s = this.stem(w);
      if (s === null) return null;
      stems.push(s);
    }
    const cache = this.project(projectPk);
    if (!cache) return null;
    const n = cache.ids.length;
    const { acc, touched } = cache;
    let count = 0;
    for (const stem of stems) {
      const { ords, weights } = this.posting(projectPk, cache, stem);
      const df = ords.length;
      if (df === 0) continue;
      let idf = Math.log((n - df + 0.5) / (df + 0.5));
      if (idf <= 0) idf = 1e-6;
      for (let j = 0; j < ords.length; j++) {
        const o = ords[j]!;
        if (acc[o] === 0) touched[count++] = o;
        acc[o] = acc[o]! + idf * weights[j]!;
      }
    }
    const top = new TopK(ask);
    for (let j = 0; j < count; j++) {
      const o = touched[j]!;
      const s = acc[o]!;
      acc[o] = 0;
      if (s > top.floor) top.push(o, s);
    }
    return top
      .sorted()
      .map((h) => ({ pk: cache.ids[h.label]!, bm: -h.score }))
      .sort((a, b) => a.bm - b.bm || a.pk - b.pk);
  }

  /** The project's cache if current (loading it when it is not and the project is quiet). */
  private project(projectPk: number): ProjectCache | null {
    const v = this.versions.get(projectPk);
    const version = v?.version ?? 0;
    let cache = this.projects.get(projectPk);
    if (cache && cache.version !== version) {
      if (v && performance.now() - v.at < this.quietMs) return null;
      this.evict(projectPk);
      cache = undefined;
    }
    if (!cache) {
      cache = this.load(projectPk, version);
      this.projects.set(projectPk, cache);
    } else {
      this.projects.delete(projectPk);
      this.projects.set(projectPk, cache);
    }
    return cache;
  }

  private load(projectPk: number, version: number): ProjectCache {
    const rows = this.prepare(`SELECT id, sz FROM ${ftsTable(projectPk)}_docsize ORDER BY id`)
      .raw()
      .all() as Array<[number, Buffer]>;
    const ids = new Float64Array(rows.length);
    const lengths = new Uint32Array(rows.length);
    let total = 0;
    rows.forEach(([id, sz], i) => {
      ids[i] = id;
      const len = readVarint(sz);
      lengths[i] = len;
      total += len;
    });
    const n = Math.max(1, rows.length);
    return {
      version,
      ids,
      lengths,
      avgdl: total / n,
      acc: new Float64Array(rows.length),
      touched: new Int32Array(rows.length),
      terms: new Map(),
      postings: 0,
    };
  }

  /** Documents holding the term (FTS5's count, cached for the project's current version). */
  private df(projectPk: number, stem: string): number {
    const version = this.version(projectPk);
    let known = this.dfs.get(projectPk);
    if (!known || known.version !== version) {
      known = { version, dfs: new Map() };
      this.dfs.set(projectPk, known);
    }
    const cached = known.dfs.get(stem);
    if (cached !== undefined) return cached;
    const fts = ftsTable(projectPk);
    this.db.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS temp.${fts}_vocab USING fts5vocab(main, ${fts}, row)`);
    const row = this.prepare(`SELECT doc FROM temp.${fts}_vocab WHERE term = ?`).get(stem) as { doc: number } | undefined;
    const df = row?.doc ?? 0;
    if (known.dfs.size >= MAX_STEMS) known.dfs.clear();
    known.dfs.set(stem, df);
    return df;
  }

  private posting(projectPk: number, cache: ProjectCache, stem: string): Posting {
    const known = cache.terms.get(stem);
    if (known) return known;
    const fts = ftsTable(projectPk);
    this.db.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS temp.${fts}_inst USING fts5vocab(main, ${fts}, instance)`);
    // One row per occurrence, in document order: runs of one document are its term frequency.
    const docs = this.prepare(`SELECT doc FROM temp.${fts}_inst WHERE term = ?`).pluck().all(stem) as number[];
    let distinct = 0;
    for (let i = 0; i < docs.length; i++) if (i === 0 || docs[i] !== docs[i - 1]) distinct++;
    const ords = new Int32Array(distinct);
    const weights = new Float32Array(distinct);
    const { ids, lengths, avgdl } = cache;
    let at = 0;
    let o = 0;
    for (let i = 0; i < docs.length; ) {
      const doc = docs[i]!;
      let tf = 0;
      while (i < docs.length && docs[i] === doc) {
        tf++;
        i++;
      }
      at = lowerBound(ids, doc, at);
      if (at >= ids.length || ids[at] !== doc) continue; // not in docsize: cannot happen in one read, skipped to be safe
      ords[o] = at;
      weights[o] = (tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * lengths[at]!) / avgdl));
      o++;
    }
    const p: Posting = { ords: ords.subarray(0, o), weights: weights.subarray(0, o) };
    cache.terms.set(stem, p);
    cache.postings += o;
    this.postings += o;
    this.trim();
    return p;
  }

  /** Drops least recently used projects while over the postings budget (the current one last). */
  private trim(): void {
    for (const pk of this.projects.keys()) {
      if (this.postings <= this.maxPostings) return;
      if (this.projects.size === 1) {
        // One project over the budget on its own: start its terms afresh.
        const only = this.projects.get(pk)!;
        this.postings -= only.postings;
        only.postings = 0;
        only.terms.clear();
        return;
      }
      this.evict(pk);
    }
  }

  private evict(projectPk: number): void {
    const cache = this.projects.get(projectPk);
    if (!cache) return;
    this.postings -= cache.postings;
    this.projects.delete(projectPk);
  }

  /**
   * The term FTS5 indexes `word` as (after unicode61 folding and the porter stemmer), read from a
   * one-row FTS5 table with the same tokenizer: null when it is not exactly one token.
   */
  private stem(word: string): string | null {
    const known = this.stems.get(word);
    if (known !== undefined) return known;
    if (!this.tokenizerReady) {
      this.db.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS temp.kw_tokenizer USING fts5(text, tokenize = 'porter unicode61 remove_diacritics 2');
        CREATE VIRTUAL TABLE IF NOT EXISTS temp.kw_tokenizer_terms USING fts5vocab(temp, kw_tokenizer, instance);`);
      this.tokenizerReady = true;
    }
    this.prepare('INSERT INTO temp.kw_tokenizer (rowid, text) VALUES (1, ?)').run(word);
    const terms = this.prepare('SELECT term FROM temp.kw_tokenizer_terms').pluck().all() as string[];
    this.prepare('DELETE FROM temp.kw_tokenizer').run();
    const stem = terms.length === 1 ? terms[0]! : null;
    if (this.stems.size >= MAX_STEMS) this.stems.clear();
    this.stems.set(word, stem);
    return stem;
  }

  private prepare(sql: string): Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }
}

/** First index of `sorted` at or after `from` whose value is ≥ `x`. */
function lowerBound(sorted: Float64Array, x: number, from: number): number {
  let lo = from;
  let hi = sorted.length;
  // Postings are ascending, so the next document is usually close: gallop first.
  let step = 1;
  while (lo + step < hi && sorted[lo + step]! < x) {
    lo += step;
    step *= 2;
  }
  hi = Math.min(hi, lo + step + 1);
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** An SQLite varint (FTS5's docsize blob: the first column's token count). */
function readVarint(buf: Buffer): number {
  let v = 0;
  for (let i = 0; i < buf.length && i < 9; i++) {
    const b = buf[i]!;
    if (i === 8) return v * 256 + b;
    v = v * 128 + (b & 0x7f);
    if ((b & 0x80) === 0) return v;
  }
  return v;
}
