import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { GenerationKind, UsageRow } from '@automovie/contracts';
import Database from 'better-sqlite3';

/** One metered generation call (a tool call's execution), as get_usage sums them. */
export interface UsageEntry {
  id: string;
  projectId: string;
  at: string;
  kind: GenerationKind;
  tool: string;
  provider: string;
  model: string;
  status: 'succeeded' | 'failed' | 'cached';
  costUsd: number;
  latencyMs: number;
  attempts: number;
  template?: string;
}

/** A stored result: the answer itself (text kinds) or where the asset is (media kinds). */
export interface CacheEntry {
  key: string;
  kind: GenerationKind;
  provider: string;
  model: string;
  payload: unknown;
  /** What the original call cost (the hit costs nothing). */
  costUsd: number;
  createdAt: string;
}

export interface GenerationDbOptions {
  /** Most cache entries kept; the least recently used go first. Default 100,000. */
  cacheMaxEntries?: number;
}

/**
 * The gateway's own SQLite file (`generation.db` in the data dir): metering rows and the cache
 * index, so get_usage, budgets and cache hits survive a restart. Separate from the graph so
 * metering works the same with the Neo4j backend, and so paid-call rows cannot be edited through
 * graph tools. One brain process owns the file (as it owns the embedded graph): the running spend
 * totals kept in memory assume no other writer.
 */
export class GenerationDb {
  readonly #db: Database.Database;
  readonly #cacheMax: number;
  readonly #insertUsage: Database.Statement;
  readonly #spent: Database.Statement;
  readonly #getCache: Database.Statement;
  readonly #touchCache: Database.Statement;
  readonly #putCache: Database.Statement;
  readonly #delCache: Database.Statement;
  #putsSincePrune = 0;
  /** Running totals per project: the budget check runs before every attempt and must not scan the project's rows. */
  readonly #spentCache = new Map<string, number>();

  constructor(file: string, opts: GenerationDbOptions = {}) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.#db = new Database(file);
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma('synchronous = NORMAL');
    this.#cacheMax = opts.cacheMaxEntries ?? 100_000;
    this.#db.exec(`
      CREATE TABLE IF NOT EXISTS usage (
        id TEXT PRIMARY KEY,
        project_id TEXT NOT NULL,
        at TEXT NOT NULL,
        kind TEXT NOT NULL,
        tool TEXT NOT NULL,
        provider TEXT NOT NULL,
        model TEXT NOT NULL,
        status TEXT NOT NULL,
        cost_usd REAL NOT NULL,
        latency_ms REAL NOT NULL,
        attempts INTEGER NOT NULL,
        template TEXT
      );
      CREATE INDEX IF NOT EXISTS usage_project_at ON usage (project_id, at);
      CREATE TABLE IF NOT EXISTS cache (
        key TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        provider TEXT NOT NULL,
        model TEXT NOT NULL,
        payload TEXT NOT NULL,
        cost_usd REAL NOT NULL,
        created_at TEXT NOT NULL,
        used_at INTEGER NOT NULL
      );
      CREATE INDEX IF NOT EXISTS cache_used ON cache (used_at);
    `);
    this.#insertUsage = this.#db.prepare(
      `INSERT INTO usage (id, project_id, at, kind, tool, provider, model, status, cost_usd, latency_ms, attempts, template)
       VALUES (@id, @projectId, @at, @kind, @tool, @provider, @model, @status, @costUsd, @latencyMs, @attempts, @template)`,
    );
    this.#spent = this.#db.prepare('SELECT COALESCE(SUM(cost_usd), 0) AS spent FROM usage WHERE project_id = ?');
    this.#getCache = this.#db.prepare(
      'SELECT key, kind, provider, model, payload, cost_usd AS costUsd, created_at AS createdAt, used_at AS usedAt FROM cache WHERE key = ?',
    );
    this.#touchCache = this.#db.prepare('UPDATE cache SET used_at = ? WHERE key = ?');
    this.#putCache = this.#db.prepare(
      `INSERT OR REPLACE INTO cache (key, kind, provider, model, payload, cost_usd, created_at, used_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#delCache = this.#db.prepare('DELETE FROM cache WHERE key = ?');
  }

  recordUsage(e: UsageEntry): void {
    this.#insertUsage.run({ ...e, template: e.template ?? null });
    const total = this.#spentCache.get(e.projectId);
    if (total !== undefined) this.#spentCache.set(e.projectId, total + e.costUsd);
  }

  /** Everything the project has been charged, all time. */
  spentUsd(projectId: string): number {
    let total = this.#spentCache.get(projectId);
    if (total === undefined) {
      total = (this.#spent.get(projectId) as { spent: number }).spent;
      this.#spentCache.set(projectId, total);
    }
    return total;
  }

  /** Calls, cost and latency percentiles per kind, provider and model, in [since, until). */
  usage(projectId: string, opts: { since?: string; until?: string } = {}): UsageRow[] {
    const rows = this.#db
      .prepare(
        `SELECT kind, provider, model, status, cost_usd AS costUsd, latency_ms AS latencyMs FROM usage
         WHERE project_id = ? AND at >= ? AND at < ? ORDER BY kind, provider, model, latency_ms`,
      )
      .all(projectId, opts.since ?? '', opts.until ?? '\uffff') as Array<{
      kind: GenerationKind;
      provider: string;
      model: string;
      status: string;
      costUsd: number;
      latencyMs: number;
    }>;
    const groups = new Map<string, { row: UsageRow; latencies: number[] }>();
    for (const r of rows) {
      const k = `${r.kind}\u0000${r.provider}\u0000${r.model}`;
      let g = groups.get(k);
      if (g === undefined) {
        g = {
          row: {
            kind: r.kind,
            provider: r.provider,
            model: r.model,
            calls: 0,
            cachedCalls: 0,
            failedCalls: 0,
            costUsd: 0,
            latencyP50Ms: 0,
            latencyP95Ms: 0,
          },
          latencies: [],
        };
        groups.set(k, g);
      }
      g.row.calls++;
      if (r.status === 'cached') g.row.cachedCalls++;
      if (r.status === 'failed') g.row.failedCalls++;
      g.row.costUsd += r.costUsd;
      g.latencies.push(r.latencyMs);
    }
    return [...groups.values()].map(({ row, latencies }) => ({
      ...row,
      costUsd: Math.round(row.costUsd * 1e8) / 1e8,
      latencyP50Ms: percentile(latencies, 0.5),
      latencyP95Ms: percentile(latencies, 0.95),
    }));
  }

  getCache(key: string): CacheEntry | undefined {
    const row = this.#getCache.get(key) as (Omit<CacheEntry, 'payload'> & { payload: string; usedAt: number }) | undefined;
    if (row === undefined) return undefined;
    const { usedAt, ...entry } = row;
    // Recency only orders eviction: a minute's precision is plenty and spares a write on most hits.
    const now = Date.now();
    if (now - usedAt > 60_000) this.#touchCache.run(now, key);
    return { ...entry, payload: JSON.parse(entry.payload) };
  }

  putCache(e: CacheEntry): void {
    this.#putCache.run(e.key, e.kind, e.provider, e.model, JSON.stringify(e.payload), e.costUsd, e.createdAt, Date.now());
    // Pruning scans an index; doing it every few hundred puts keeps puts cheap and the table near its bound.
    if (++this.#putsSincePrune >= 256) {
      this.#putsSincePrune = 0;
      this.pruneCache();
    }
  }

  deleteCache(key: string): void {
    this.#delCache.run(key);
  }

  /** Drops the least recently used entries beyond the bound. */
  pruneCache(): void {
    const { n } = this.#db.prepare('SELECT COUNT(*) AS n FROM cache').get() as { n: number };
    if (n <= this.#cacheMax) return;
    this.#db.prepare('DELETE FROM cache WHERE key IN (SELECT key FROM cache ORDER BY used_at LIMIT ?)').run(n - this.#cacheMax);
  }

  close(): void {
    this.#db.close();
  }
}

/** Nearest-rank percentile of sorted values (0 when empty). */
function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return Math.round((sorted[i] as number) * 100) / 100;
}
