import { EventEmitter } from 'node:events';
import type { Run } from '@automovie/contracts';
import type { Redis } from 'ioredis';
import { OrchestratorError } from '../errors.ts';
import { ACTIVE_STATES } from './state-machine.ts';

/** A run as stored: the public run plus what the executor needs to continue it. */
export interface StoredRun extends Run {
  /** The LangGraph thread the run's checkpoints are under: the run id, then `<id>:g<n>` after each retry_step. */
  thread: string;
  generation: number;
  /** A choice answered by resume_run, handed to the graph when the run continues. */
  pendingResume?: { step: string; optionIndex: number };
  /** The step retry_step asked to run afresh (its cached output is not reused). */
  force?: string;
  /** Choices carried into a retried run's new thread (those made before the retried step). */
  carriedChoices?: Record<string, number>;
}

/**
 * Writes a run only if nobody wrote it since it was read (optimistic concurrency on `rev`), and
 * keeps the set of active runs (queued or running) in step with the run's state.
 */
const CAS = `
local rev = redis.call('HGET', KEYS[1], 'rev')
if rev ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'doc', ARGV[2], 'rev', tostring(tonumber(ARGV[1]) + 1))
if ARGV[4] == '1' then redis.call('SADD', KEYS[2], ARGV[3]) else redis.call('SREM', KEYS[2], ARGV[3]) end
return 1
`;

const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`;
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

type Scripted = Redis & {
  runCas(run: string, active: string, rev: string, doc: string, id: string, isActive: string): Promise<number>;
  leaseRenew(key: string, owner: string, ms: number): Promise<number>;
  leaseRelease(key: string, owner: string): Promise<number>;
};

/**
 * Runs in Redis: a hash per run (`doc` JSON, `rev`), a sorted set of each project's runs by
 * creation time, a set of active runs, one lease key per executing run, and the step cache.
 * Emits `change` with the run after every write this process makes.
 */
export class RunStore extends EventEmitter<{ change: [StoredRun] }> {
  readonly #redis: Scripted;
  readonly #p: string;
  /** The last revision this process read or wrote, so an uncontended update is one round trip. */
  readonly #known = new Map<string, { rev: string; run: StoredRun }>();

  constructor(redis: Redis, prefix: string) {
    super();
    this.setMaxListeners(0);
    this.#redis = redis as Scripted;
    this.#p = prefix;
    redis.defineCommand('runCas', { numberOfKeys: 2, lua: CAS });
    redis.defineCommand('leaseRenew', { numberOfKeys: 1, lua: RENEW });
    redis.defineCommand('leaseRelease', { numberOfKeys: 1, lua: RELEASE });
  }

  #runKey(id: string): string {
    return `${this.#p}run:${id}`;
  }
  #projectKey(projectId: string): string {
    return `${this.#p}project-runs:${projectId}`;
  }
  #activeKey(): string {
    return `${this.#p}active-runs`;
  }
  #leaseKey(id: string): string {
    return `${this.#p}lease:${id}`;
  }
  #cacheKey(key: string): string {
    return `${this.#p}step-cache:${key}`;
  }

  async create(run: StoredRun): Promise<void> {
    const doc = JSON.stringify(run);
    const tx = this.#redis
      .multi()
      .hset(this.#runKey(run.id), { doc, rev: '1' })
      .zadd(this.#projectKey(run.projectId), Date.parse(run.createdAt), run.id);
    if (ACTIVE_STATES.includes(run.state)) tx.sadd(this.#activeKey(), run.id);
    await tx.exec();
    this.#known.set(run.id, { rev: '1', run });
    this.emit('change', run);
  }

  async #read(id: string): Promise<{ rev: string; run: StoredRun } | undefined> {
    const [doc, rev] = await this.#redis.hmget(this.#runKey(id), 'doc', 'rev');
    if (doc === null || doc === undefined || rev === null || rev === undefined) return undefined;
    const entry = { rev, run: JSON.parse(doc) as StoredRun };
    this.#known.set(id, entry);
    return entry;
  }

  async get(id: string): Promise<StoredRun | undefined> {
    return (await this.#read(id))?.run;
  }

  /** The run, or ORCHESTRATOR_RUN_NOT_FOUND. */
  async require(id: string): Promise<StoredRun> {
    const run = await this.get(id);
    if (run === undefined) throw new OrchestratorError('ORCHESTRATOR_RUN_NOT_FOUND', `Run ${id} not found`, { data: { runId: id } });
    return run;
  }

  /**
   * Applies `change` to the current run and writes it if nobody wrote in between, else reads again
   * and re-applies. `change` returns the new run, or undefined to leave it as it is; it may throw
   * (an invalid transition) and nothing is written.
   */
  async update(id: string, change: (run: StoredRun) => StoredRun | undefined): Promise<StoredRun> {
    let entry = this.#known.get(id) ?? (await this.#read(id));
    for (let attempt = 0; attempt < 20; attempt++) {
      if (entry === undefined) throw new OrchestratorError('ORCHESTRATOR_RUN_NOT_FOUND', `Run ${id} not found`, { data: { runId: id } });
      const next = change(structuredClone(entry.run));
      if (next === undefined) return entry.run;
      next.updatedAt = new Date().toISOString();
      const active = ACTIVE_STATES.includes(next.state) ? '1' : '0';
      const ok = await this.#redis.runCas(this.#runKey(id), this.#activeKey(), entry.rev, JSON.stringify(next), id, active);
      if (ok === 1) {
        this.#known.set(id, { rev: String(Number(entry.rev) + 1), run: next });
        this.emit('change', next);
        return next;
      }
      entry = await this.#read(id);
    }
    throw new OrchestratorError('ORCHESTRATOR_CONFLICT', `Run ${id} kept changing while it was being updated; try again`, {
      data: { runId: id },
    });
  }

  /** Forgets the cached revision of a run this process no longer works on. */
  forget(id: string): void {
    this.#known.delete(id);
  }

  async listByProject(projectId: string, opts: { limit: number; state?: Run['state'] }): Promise<StoredRun[]> {
    const out: StoredRun[] = [];
    // Newest first, in pages, until `limit` runs in the asked state are found.
    for (let start = 0; out.length < opts.limit; start += 200) {
      const ids = await this.#redis.zrevrange(this.#projectKey(projectId), start, start + 199);
      if (ids.length === 0) break;
      const pipe = this.#redis.pipeline();
      for (const id of ids) pipe.hget(this.#runKey(id), 'doc');
      const docs = (await pipe.exec()) ?? [];
      for (const [err, doc] of docs) {
        if (err || typeof doc !== 'string') continue;
        const run = JSON.parse(doc) as StoredRun;
        if (opts.state === undefined || run.state === opts.state) out.push(run);
        if (out.length >= opts.limit) break;
      }
      if (ids.length < 200) break;
    }
    return out;
  }

  /** Runs that want an executor (queued or running). */
  activeIds(): Promise<string[]> {
    return this.#redis.smembers(this.#activeKey());
  }

  async acquireLease(id: string, owner: string, ms: number): Promise<boolean> {
    return (await this.#redis.set(this.#leaseKey(id), owner, 'PX', ms, 'NX')) === 'OK';
  }

  async renewLease(id: string, owner: string, ms: number): Promise<boolean> {
    return (await this.#redis.leaseRenew(this.#leaseKey(id), owner, ms)) === 1;
  }

  async releaseLease(id: string, owner: string): Promise<void> {
    await this.#redis.leaseRelease(this.#leaseKey(id), owner);
  }

  async cacheGet(key: string): Promise<unknown> {
    const v = await this.#redis.get(this.#cacheKey(key));
    return v === null ? undefined : JSON.parse(v);
  }

  async cacheSet(key: string, json: string, ttlS: number): Promise<void> {
    await this.#redis.set(this.#cacheKey(key), json, 'EX', ttlS);
  }
}
