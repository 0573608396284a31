import { type Task, type TaskKind, TaskKindSchema, type TaskState } from '@automovie/contracts';
import { Job, type JobState, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { kindOfTaskId, queueName, type TaskKeys, taskKeys } from './task-ids.ts';

/** A task's error as stored and reported. */
export interface TaskError {
  code: string;
  message: string;
  retryable: boolean;
}

/** What a job carries: the work and who asked for it (a user id, never a token). */
export interface TaskJobData {
  projectId: string;
  kind: TaskKind;
  payload: Record<string, unknown>;
  priority: number;
  /** The user the work is done for (brain calls act on their behalf); absent when a service asked. */
  userId?: string;
  /** The caller's principal subject, for events and audit. */
  actor: string;
  idempotencyKey?: string;
  fingerprint?: string;
  /** Set by the submitter, to tell whether an add created the job or found it. */
  nonce: string;
  /** Set by cancel_task; an attempt that starts with it set stops at once. */
  cancelRequested?: boolean;
  /** The last attempt's error, written before the attempt fails. */
  lastError?: TaskError;
}

/** A dead letter: a task that failed for good, with what is needed to run it again. */
export interface DeadLetter {
  taskId: string;
  kind: TaskKind;
  projectId: string;
  attempts: number;
  maxAttempts: number;
  error: TaskError;
  deadAt: number;
  createdAt: number;
  startedAt?: number;
  data: TaskJobData;
}

export type TaskJob = Job<TaskJobData, Record<string, unknown>, string>;

/** The BullMQ states whose job counts are read (gpu-tasks adds no parent/child flows). */
const COUNTED_STATES = ['waiting', 'prioritized', 'active', 'delayed', 'completed', 'failed'] as const;

/** The states {@link TaskStore.jobCounts} reports, each job in exactly one. */
export const QUEUE_STATES = [...COUNTED_STATES, 'paused'] as const;

/** Job counts of one kind: per state, plus the tasks dead-lettered beside the queue. */
export type JobCounts = Record<(typeof QUEUE_STATES)[number] | 'dead_lettered', number>;

const ERROR_PREFIX = /^([A-Z][A-Z0-9_]*): ([\s\S]*)$/;

/** The error behind a failed job: the structured one its worker recorded, else its failure message. */
export function errorOfJob(job: TaskJob): TaskError | undefined {
  if (job.data.lastError) return job.data.lastError;
  if (!job.failedReason) return undefined;
  const m = ERROR_PREFIX.exec(job.failedReason);
  if (m) return { code: m[1] as string, message: m[2] as string, retryable: false };
  // Failures BullMQ decides alone (a task retaken from dead workers too often).
  const code = /stalled/i.test(job.failedReason) ? 'GPU_TASKS_STALLED' : 'INTERNAL';
  return { code, message: job.failedReason, retryable: false };
}

const iso = (ms: number | undefined) => (ms === undefined || ms === 0 ? undefined : new Date(ms).toISOString());

/**
 * The queues of every kind and gpu-tasks' records beside them (dead letters, cancellations,
 * per-project index), on one Redis connection shared by the API and the workers' bookkeeping.
 */
export class TaskStore {
  readonly prefix: string;
  readonly keys: TaskKeys;
  readonly redis: Redis;
  readonly #queues = new Map<TaskKind, Queue<TaskJobData, Record<string, unknown>, string>>();

  constructor(redis: Redis, prefix: string) {
    this.redis = redis;
    this.prefix = prefix;
    this.keys = taskKeys(prefix);
  }

  queue(kind: TaskKind): Queue<TaskJobData, Record<string, unknown>, string> {
    let q = this.#queues.get(kind);
    if (q === undefined) {
      q = new Queue<TaskJobData, Record<string, unknown>, string>(queueName(kind), { connection: this.redis, prefix: this.prefix });
      // Connection errors surface on the shared connection (logged there); a Queue must not throw them unhandled.
      q.on('error', () => {});
      this.#queues.set(kind, q);
    }
    return q;
  }

  /** Every kind's queue (created on first use), for the dashboard and stats. */
  allQueues(): Queue<TaskJobData, Record<string, unknown>, string>[] {
    return TaskKindSchema.options.map((k) => this.queue(k));
  }

  async job(taskId: string): Promise<TaskJob | undefined> {
    const kind = kindOfTaskId(taskId);
    if (kind === undefined) return undefined;
    return ((await Job.fromId(this.queue(kind), taskId)) as TaskJob | undefined) ?? undefined;
  }

  /** The task as callers see it, from its job and the records beside it. */
  async view(job: TaskJob, known?: JobState | 'unknown'): Promise<Task> {
    const id = job.id as string;
    const [state, cancelRequested, dead] = await Promise.all([
      known ?? job.getState(),
      this.redis.exists(this.keys.cancel(id)),
      this.redis.hexists(this.keys.deadLetters, id),
    ]);
    const error = errorOfJob(job);
    let taskState: TaskState;
    if (state === 'completed') taskState = 'completed';
    else if (state === 'failed') {
      if (error?.code === 'GPU_TASKS_CANCELLED') taskState = 'cancelled';
      else taskState = dead === 1 ? 'dead' : 'failed';
    } else if (state === 'active') taskState = cancelRequested === 1 ? 'cancelled' : 'running';
    else taskState = cancelRequested === 1 ? 'cancelled' : 'queued';
    return viewOfData(id, job.data, {
      state: taskState,
      progress: job.progress,
      attempts: job.attemptsStarted ?? job.attemptsMade,
      maxAttempts: job.opts.attempts ?? 1,
      result: taskState === 'completed' ? job.returnvalue : undefined,
      error,
      createdAt: job.timestamp,
      startedAt: job.processedOn,
      finishedAt: job.finishedOn,
    });
  }

  /** A task by id: its job, else the record of a task cancelled before it ran; undefined if unknown. */
  async find(taskId: string): Promise<Task | undefined> {
    const job = await this.job(taskId);
    if (job) return this.view(job);
    const tomb = await this.redis.get(this.keys.cancelled(taskId));
    if (tomb !== null) return JSON.parse(tomb) as Task;
    const dead = await this.deadLetter(taskId);
    return dead ? viewOfDeadLetter(dead) : undefined;
  }

  async deadLetter(taskId: string): Promise<DeadLetter | undefined> {
    const raw = await this.redis.hget(this.keys.deadLetters, taskId);
    return raw === null ? undefined : (JSON.parse(raw) as DeadLetter);
  }

  async addDeadLetter(d: DeadLetter): Promise<void> {
    await this.redis
      .multi()
      .hset(this.keys.deadLetters, d.taskId, JSON.stringify(d))
      .zadd(this.keys.deadLetterIndex(d.kind), d.deadAt, d.taskId)
      .exec();
  }

  /** Removes a dead letter; resolves with whether there was one. */
  async removeDeadLetter(taskId: string): Promise<boolean> {
    const kind = kindOfTaskId(taskId);
    if (kind === undefined) return false;
    const res = await this.redis.multi().hdel(this.keys.deadLetters, taskId).zrem(this.keys.deadLetterIndex(kind), taskId).exec();
    return res?.[0]?.[1] === 1;
  }

  /** Newest dead letters of one kind or of all, up to `limit`. */
  async deadLetters(kind: TaskKind | undefined, limit: number): Promise<DeadLetter[]> {
    const kinds = kind === undefined ? TaskKindSchema.options : [kind];
    const perKind = await Promise.all(
      kinds.map(async (k) => {
        const ids = await this.redis.zrevrange(this.keys.deadLetterIndex(k), 0, limit - 1);
        return ids;
      }),
    );
    const ids = perKind.flat();
    if (ids.length === 0) return [];
    const raws = await this.redis.hmget(this.keys.deadLetters, ...ids);
    return raws
      .filter((r): r is string => r !== null)
      .map((r) => JSON.parse(r) as DeadLetter)
      .sort((a, b) => b.deadAt - a.deadAt)
      .slice(0, limit);
  }

  async deadLetterCount(kind: TaskKind): Promise<number> {
    return this.redis.zcard(this.keys.deadLetterIndex(kind));
  }

  /**
   * How many of a kind's jobs are in each state, and how many of its tasks are dead-lettered.
   * BullMQ leaves the jobs of a paused queue in its waiting and prioritized sets; they are
   * reported as `paused` instead, since no worker takes them (and scaling on them would be waste).
   */
  async jobCounts(kind: TaskKind): Promise<JobCounts> {
    const q = this.queue(kind);
    const [c, paused, dead] = await Promise.all([q.getJobCounts(...COUNTED_STATES), q.isPaused(), this.deadLetterCount(kind)]);
    const counts = { paused: 0, dead_lettered: dead } as JobCounts;
    for (const state of COUNTED_STATES) counts[state] = c[state] ?? 0;
    if (paused) {
      counts.paused = counts.waiting + counts.prioritized;
      counts.waiting = 0;
      counts.prioritized = 0;
    }
    return counts;
  }

  async close(): Promise<void> {
    await Promise.all([...this.#queues.values()].map((q) => q.close().catch(() => {})));
  }
}

interface ViewParts {
  state: TaskState;
  progress: unknown;
  attempts: number;
  maxAttempts: number;
  result: unknown;
  error: TaskError | undefined;
  createdAt: number;
  startedAt: number | undefined;
  finishedAt: number | undefined;
}

function isProgress(p: unknown): p is Task['progress'] {
  return typeof p === 'object' && p !== null && typeof (p as { progress?: unknown }).progress === 'number';
}

export function viewOfData(id: string, data: TaskJobData, v: ViewParts): Task {
  const task: Task = {
    id,
    projectId: data.projectId,
    kind: data.kind,
    state: v.state,
    priority: data.priority,
    attempts: v.attempts,
    maxAttempts: Math.max(1, v.maxAttempts),
    createdAt: iso(v.createdAt) ?? new Date().toISOString(),
  };
  if (isProgress(v.progress)) task.progress = v.progress;
  if (data.idempotencyKey !== undefined) task.idempotencyKey = data.idempotencyKey;
  if (v.result !== undefined && v.result !== null && typeof v.result === 'object') task.result = v.result as Record<string, unknown>;
  // A queued task keeps its last attempt's error until it runs again, so callers see why it is retrying.
  if (v.error !== undefined && v.state !== 'completed') task.error = v.error;
  const started = iso(v.startedAt);
  if (started) task.startedAt = started;
  const finished = iso(v.finishedAt);
  if (finished && (v.state === 'completed' || v.state === 'failed' || v.state === 'dead' || v.state === 'cancelled'))
    task.finishedAt = finished;
  return task;
}

export function viewOfDeadLetter(d: DeadLetter): Task {
  return viewOfData(d.taskId, d.data, {
    state: 'dead',
    progress: undefined,
    attempts: d.attempts,
    maxAttempts: d.maxAttempts,
    result: undefined,
    error: d.error,
    createdAt: d.createdAt,
    startedAt: d.startedAt,
    finishedAt: d.deadAt,
  });
}
