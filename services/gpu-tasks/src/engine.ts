import { randomUUID } from 'node:crypto';
import {
  fromZodError,
  MAX_TASK_PAYLOAD_BYTES,
  type Principal,
  type Progress,
  type Task,
  type TaskKind,
  TaskKindSchema,
  TaskPayloads,
  type TaskState,
} from '@automovie/contracts';
import type { EventPublisher } from '@automovie/service-kit';
import { QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { BACKOFF_TYPE } from './backoff.ts';
import { GpuTasksError } from './errors.ts';
import { type TaskJob, type TaskJobData, type TaskStore, viewOfData, viewOfDeadLetter } from './store.ts';
import { kindOfTaskId, newTaskId, payloadFingerprint, queueName } from './task-ids.ts';

const FINAL: ReadonlySet<TaskState> = new Set(['completed', 'failed', 'cancelled', 'dead']);

/** Options of {@link TaskService}. */
export interface TaskServiceOptions {
  store: TaskStore;
  events: EventPublisher;
  logger: Logger;
  /** A connection QueueEvents may duplicate for its blocking reads. */
  connection: Redis;
  attempts: (kind: TaskKind) => number;
  retention: { ageS: number; count: number };
  /** Kinds this build has a worker for; others are refused at submit rather than left queued forever. */
  runnableKinds: ReadonlySet<TaskKind>;
  /** This replica's worker concurrency per kind (0 when it runs none), reported by stats. */
  concurrency: (kind: TaskKind) => number;
}

export interface SubmitRequest {
  projectId: string;
  kind: TaskKind;
  payload: Record<string, unknown>;
  priority: number;
  idempotencyKey?: string;
  maxAttempts?: number;
}

export interface KindStats {
  kind: TaskKind;
  waiting: number;
  active: number;
  delayed: number;
  completed: number;
  failed: number;
  deadLettered: number;
  concurrency: number;
}

/** Bounded wait helper: resolves after `ms` or when `signal` aborts. */
function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * The task API over the queues: submit (validated, idempotent), read, wait with progress,
 * cancel, list, stats, dead letters and their replay. Workers live elsewhere (runner.ts); this
 * side only enqueues and reads, so an API-only replica runs it alone.
 */
export class TaskService {
  readonly #o: TaskServiceOptions;
  readonly #queueEvents = new Map<TaskKind, QueueEvents>();
  /** Per task id, the callbacks of callers waiting on it. */
  readonly #waiters = new Map<string, Set<(event: string, progress?: unknown) => void>>();

  constructor(opts: TaskServiceOptions) {
    this.#o = opts;
  }

  get store(): TaskStore {
    return this.#o.store;
  }

  /** Validates and queues a task; the same (project, kind, idempotency key) returns the existing task. */
  async submit(req: SubmitRequest, principal: Principal): Promise<{ task: Task; deduplicated: boolean }> {
    const { store, events } = this.#o;
    if (!this.#o.runnableKinds.has(req.kind)) {
      throw new GpuTasksError(
        'GPU_TASKS_KIND_UNAVAILABLE',
        `Tasks of kind ${req.kind} cannot run yet: this build of gpu-tasks has no worker for it`,
        {
          kind: req.kind,
          runnable: [...this.#o.runnableKinds],
        },
      );
    }
    const bytes = Buffer.byteLength(JSON.stringify(req.payload));
    if (bytes > MAX_TASK_PAYLOAD_BYTES) {
      throw new GpuTasksError(
        'GPU_TASKS_PAYLOAD_TOO_LARGE',
        `Invalid input to submit_task: payload is ${bytes} bytes serialised; the limit is ${MAX_TASK_PAYLOAD_BYTES}`,
        { bytes, limit: MAX_TASK_PAYLOAD_BYTES },
      );
    }
    const parsed = TaskPayloads[req.kind].payload.safeParse(req.payload);
    if (!parsed.success) {
      const e = fromZodError(parsed.error, `payload of a ${req.kind} task`);
      const issues = (e.data as { issues: { path: string; message: string }[] }).issues.map((i) => ({
        path: i.path === '(root)' ? 'payload' : `payload.${i.path}`,
        message: i.message,
      }));
      throw new GpuTasksError(
        'GPU_TASKS_INVALID_PAYLOAD',
        `Invalid payload of a ${req.kind} task: ${issues
          .slice(0, 5)
          .map((i) => `${i.path}: ${i.message}`)
          .join('; ')}${issues.length > 5 ? ` (and ${issues.length - 5} more)` : ''}`,
        { kind: req.kind, issues },
      );
    }
    const payload = parsed.data as Record<string, unknown>;
    const id = newTaskId(req.kind, req.projectId, req.idempotencyKey);
    const data: TaskJobData = {
      projectId: req.projectId,
      kind: req.kind,
      payload,
      priority: req.priority,
      actor: principal.sub,
      nonce: randomUUID(),
      ...(principal.userId === undefined ? {} : { userId: principal.userId }),
      ...(req.idempotencyKey === undefined ? {} : { idempotencyKey: req.idempotencyKey, fingerprint: payloadFingerprint(payload) }),
    };
    const maxAttempts = req.maxAttempts ?? this.#o.attempts(req.kind);
    const [job] = await Promise.all([
      store.queue(req.kind).add(req.kind, data, {
        jobId: id,
        priority: req.priority,
        attempts: maxAttempts,
        backoff: { type: BACKOFF_TYPE },
        removeOnComplete: { age: this.#o.retention.ageS, count: this.#o.retention.count },
        removeOnFail: { age: this.#o.retention.ageS, count: this.#o.retention.count },
      }),
      store.redis.zadd(store.keys.project(req.projectId), 'NX', Date.now(), id),
    ]);
    if (req.idempotencyKey !== undefined) {
      const existing = await store.job(id);
      if (existing && existing.data.nonce !== data.nonce) {
        if (existing.data.fingerprint !== data.fingerprint) {
          throw new GpuTasksError(
            'GPU_TASKS_IDEMPOTENCY_CONFLICT',
            `Idempotency key ${JSON.stringify(req.idempotencyKey)} was already used in project ${req.projectId} for a ${req.kind} task with a different payload (task ${id})`,
            { taskId: id },
          );
        }
        return { task: await store.view(existing), deduplicated: true };
      }
      // The key's earlier task was cancelled before it ran (its job removed): this is a new run, unmarked.
      await store.redis.del(store.keys.cancel(id), store.keys.cancelled(id));
    }
    await events.publish(
      'task.queued',
      { taskId: id, kind: req.kind, priority: req.priority, replay: false },
      { projectId: req.projectId, actor: principal.sub },
    );
    const task = viewOfData(id, data, {
      state: 'queued',
      progress: undefined,
      attempts: 0,
      maxAttempts,
      result: undefined,
      error: undefined,
      createdAt: job.timestamp,
      startedAt: undefined,
      finishedAt: undefined,
    });
    return { task, deduplicated: false };
  }

  /** A task by id, or GPU_TASKS_NOT_FOUND. */
  async get(taskId: string): Promise<Task> {
    const task = await this.#o.store.find(taskId);
    if (task === undefined) throw notFound(taskId);
    return task;
  }

  /**
   * Waits up to `waitMs` for a task to reach a final state, calling `onProgress` as it reports
   * progress; resolves with the task as it is then (finished or not).
   */
  async wait(taskId: string, waitMs: number, onProgress: (p: Progress) => void, signal?: AbortSignal): Promise<Task> {
    let task = await this.get(taskId);
    if (waitMs <= 0 || FINAL.has(task.state)) return task;
    const kind = task.kind;
    await this.#events(kind);
    const deadline = Date.now() + waitMs;
    let wake: (() => void) | undefined;
    const listener = (event: string, progress?: unknown) => {
      if (event === 'progress') {
        if (typeof progress === 'object' && progress !== null && typeof (progress as Progress).progress === 'number')
          onProgress(progress as Progress);
        return;
      }
      wake?.();
    };
    let set = this.#waiters.get(taskId);
    if (set === undefined) {
      set = new Set();
      this.#waiters.set(taskId, set);
    }
    set.add(listener);
    try {
      // Read again once listening, so an end that came between the first read and now is not missed.
      task = await this.get(taskId);
      if (task.progress) onProgress(task.progress);
      while (!FINAL.has(task.state) && Date.now() < deadline && !signal?.aborted) {
        const woke = new Promise<void>((r) => {
          wake = r;
        });
        // Events can be missed across a Redis restart; a slow poll covers that.
        await Promise.race([woke, pause(Math.min(1000, Math.max(0, deadline - Date.now())), signal)]);
        task = await this.get(taskId);
      }
      return task;
    } finally {
      set.delete(listener);
      if (set.size === 0) this.#waiters.delete(taskId);
    }
  }

  async #events(kind: TaskKind): Promise<QueueEvents> {
    let qe = this.#queueEvents.get(kind);
    if (qe === undefined) {
      qe = new QueueEvents(queueName(kind), { connection: this.#o.connection, prefix: this.#o.store.prefix });
      qe.on('error', (err) => this.#o.logger.debug({ err: err.message, kind }, 'queue events connection error'));
      const notify = (event: string) => (args: { jobId: string; data?: unknown }) => {
        const set = this.#waiters.get(args.jobId);
        if (set) for (const fn of set) fn(event, args.data);
      };
      qe.on('progress', notify('progress'));
      for (const ev of ['completed', 'failed', 'removed', 'active', 'waiting', 'delayed', 'retries-exhausted'] as const) {
        qe.on(ev as 'completed', notify(ev) as never);
      }
      this.#queueEvents.set(kind, qe);
      await qe.waitUntilReady();
    }
    return qe;
  }

  /**
   * Cancels a task: a queued one is removed at once; a running one is signalled (its worker
   * stops at the next checkpoint) and reported cancelled. Cancelling a cancelled task is a no-op.
   */
  async cancel(taskId: string, actor: string): Promise<Task> {
    const { store, events } = this.#o;
    const before = await this.get(taskId);
    if (before.state === 'cancelled') return before;
    if (before.state === 'completed' || before.state === 'failed' || before.state === 'dead') {
      throw new GpuTasksError(
        'GPU_TASKS_NOT_CANCELLABLE',
        `Task ${taskId} is already ${before.state}; only queued or running tasks can be cancelled`,
        {
          taskId,
          state: before.state,
        },
      );
    }
    // The mark comes first: a worker that takes the task from now on sees it and stops before working.
    await store.redis.set(store.keys.cancel(taskId), '1', 'EX', this.#o.retention.ageS);
    const job = await store.job(taskId);
    if (job === undefined) return this.get(taskId);
    await job.updateData({ ...job.data, cancelRequested: true }).catch(() => {});
    let removed = false;
    try {
      const state = await job.getState();
      if (state !== 'active' && state !== 'completed' && state !== 'failed') {
        await job.remove();
        removed = true;
      }
    } catch {
      // Locked: a worker took it meanwhile; the signal below reaches it.
    }
    if (removed) {
      const tomb: Task = { ...before, state: 'cancelled', finishedAt: new Date().toISOString() };
      await store.redis.set(store.keys.cancelled(taskId), JSON.stringify(tomb), 'EX', this.#o.retention.ageS);
      await events.publish('task.cancelled', { taskId, kind: before.kind, wasRunning: false }, { projectId: before.projectId, actor });
      return tomb;
    }
    await store.redis.publish(store.keys.cancelChannel, taskId);
    // Most workers stop within a checkpoint; give them a moment so the answer shows the end.
    const deadline = Date.now() + 3000;
    while (Date.now() < deadline && (await job.getState()) === 'active') await pause(25);
    return this.get(taskId);
  }

  /** A project's tasks, newest first, filtered by state and kind. */
  async list(projectId: string, filter: { state?: TaskState; kind?: TaskKind; limit: number }): Promise<Task[]> {
    const { store } = this.#o;
    const key = store.keys.project(projectId);
    const out: Task[] = [];
    const page = 200;
    const maxScanned = 5000;
    for (let start = 0; out.length < filter.limit && start < maxScanned; start += page) {
      const ids = await store.redis.zrevrange(key, start, start + page - 1);
      if (ids.length === 0) break;
      const wanted = filter.kind === undefined ? ids : ids.filter((id) => kindOfTaskId(id) === filter.kind);
      const tasks = await Promise.all(wanted.map((id) => store.find(id)));
      const gone = wanted.filter((_, i) => tasks[i] === undefined);
      if (gone.length > 0) {
        await store.redis.zrem(key, ...gone);
        start -= gone.length;
      }
      for (const t of tasks) {
        if (t === undefined || (filter.state !== undefined && t.state !== filter.state)) continue;
        out.push(t);
        if (out.length >= filter.limit) break;
      }
    }
    return out;
  }

  async stats(): Promise<KindStats[]> {
    const { store } = this.#o;
    return Promise.all(
      TaskKindSchema.options.map(async (kind) => {
        const [c, dead] = await Promise.all([
          store.queue(kind).getJobCounts('waiting', 'prioritized', 'waiting-children', 'active', 'delayed', 'completed', 'failed'),
          store.deadLetterCount(kind),
        ]);
        const n = (k: string) => c[k] ?? 0;
        return {
          kind,
          waiting: n('waiting') + n('prioritized') + n('waiting-children'),
          active: n('active'),
          delayed: n('delayed'),
          completed: n('completed'),
          failed: n('failed'),
          deadLettered: dead,
          concurrency: this.#o.concurrency(kind),
        };
      }),
    );
  }

  async deadLetters(kind: TaskKind | undefined, limit: number): Promise<Task[]> {
    return (await this.#o.store.deadLetters(kind, limit)).map(viewOfDeadLetter);
  }

  /** Queues a dead-lettered task again with fresh attempts: same id, same payload. */
  async replay(taskId: string, actor: string): Promise<Task> {
    const { store, events } = this.#o;
    const dead = await store.deadLetter(taskId);
    if (dead === undefined) {
      const exists = await store.find(taskId);
      if (exists === undefined) throw notFound(taskId);
      throw new GpuTasksError(
        'GPU_TASKS_NOT_DEAD',
        `Task ${taskId} is ${exists.state}, not dead-lettered; only dead letters can be replayed`,
        {
          taskId,
          state: exists.state,
        },
      );
    }
    const { lastError: _dropped, ...data } = dead.data;
    const job = await store.job(taskId);
    if (job) {
      await job.updateData(data as TaskJobData);
      await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
    } else {
      await store.queue(dead.kind).add(dead.kind, data as TaskJobData, {
        jobId: taskId,
        priority: data.priority,
        attempts: dead.maxAttempts,
        backoff: { type: BACKOFF_TYPE },
        removeOnComplete: { age: this.#o.retention.ageS, count: this.#o.retention.count },
        removeOnFail: { age: this.#o.retention.ageS, count: this.#o.retention.count },
      });
      await store.redis.zadd(store.keys.project(dead.projectId), 'NX', Date.now(), taskId);
    }
    await store.removeDeadLetter(taskId);
    await events.publish(
      'task.queued',
      { taskId, kind: dead.kind, priority: data.priority, replay: true },
      { projectId: dead.projectId, actor },
    );
    return this.get(taskId);
  }

  async close(): Promise<void> {
    await Promise.all([...this.#queueEvents.values()].map((q) => q.close().catch(() => {})));
  }
}

function notFound(taskId: string): GpuTasksError {
  return new GpuTasksError(
    'GPU_TASKS_NOT_FOUND',
    `Task ${taskId} not found (it never existed, or it finished longer ago than the retention period)`,
    {
      taskId,
    },
  );
}

export type { TaskJob };
