import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromZodError, isAutomovieError, type Progress, type TaskKind, TaskPayloads } from '@automovie/contracts';
import type { McpClient } from '@automovie/mcp-ws';
import type { EventPublisher, FleetClients } from '@automovie/service-kit';
import { UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { z } from 'zod';
import { BACKOFF_TYPE, jitteredBackoff } from './backoff.ts';
import type { TaskError, TaskJob, TaskJobData, TaskStore } from './store.ts';
import { kindOfTaskId, queueName } from './task-ids.ts';
import type { TaskHandler, TaskRun } from './workers/types.ts';

/** The abort reason a cancellation carries to the worker running the task. */
export const CANCEL_REASON = 'GPU_TASKS_CANCELLED';

/** Options of {@link WorkerPool}. */
export interface WorkerPoolOptions {
  store: TaskStore;
  /** A Redis connection for workers (maxRetriesPerRequest: null); duplicated for blocking reads and pub/sub. */
  connection: Redis;
  handlers: Partial<{ [K in TaskKind]: TaskHandler<K> }>;
  concurrency: (kind: TaskKind) => number;
  clients: FleetClients;
  events: EventPublisher;
  logger: Logger;
  backoff: { baseMs: number; maxMs: number };
  lockMs: number;
  stalledIntervalMs: number;
  maxStalled: number;
  retention: { ageS: number; count: number };
}

/** What an attempt's failure becomes: its code and whether another attempt could succeed. */
export function classifyError(err: unknown): TaskError & { status: number } {
  if (err instanceof z.ZodError) {
    const e = fromZodError(err, 'payload');
    return { code: e.code, message: e.message, retryable: false, status: e.status };
  }
  if (isAutomovieError(err)) return { code: err.code, message: err.message, retryable: err.retryable, status: err.status };
  // Unknown errors in media and network work are mostly transient (a reset socket, a killed ffmpeg): retried.
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'INTERNAL', message, retryable: true, status: 500 };
}

/**
 * One BullMQ worker per kind with its own concurrency. Each attempt publishes task.* events,
 * checks for a cancellation, runs the kind's handler and, on its last failure, writes a dead
 * letter (server-side failures) before BullMQ marks the job failed. Caller errors (4xx) are not
 * retried and not dead-lettered: replaying the same input would fail the same way.
 */
export class WorkerPool {
  readonly #o: WorkerPoolOptions;
  readonly #workers = new Map<TaskKind, Worker<TaskJobData, Record<string, unknown>, string>>();
  #subscriber: Redis | undefined;
  #closing: Promise<void> | undefined;

  constructor(opts: WorkerPoolOptions) {
    this.#o = opts;
  }

  get kinds(): TaskKind[] {
    return [...this.#workers.keys()];
  }

  async start(): Promise<void> {
    const o = this.#o;
    for (const kind of Object.keys(TaskPayloads) as TaskKind[]) {
      const handler = o.handlers[kind];
      const concurrency = o.concurrency(kind);
      if (handler === undefined || concurrency === 0) continue;
      const worker = new Worker<TaskJobData, Record<string, unknown>, string>(
        queueName(kind),
        (job, _token, signal) => this.#process(kind, handler as TaskHandler<TaskKind>, job, signal as AbortSignal),
        {
          connection: o.connection,
          prefix: o.store.prefix,
          concurrency,
          lockDuration: o.lockMs,
          stalledInterval: o.stalledIntervalMs,
          maxStalledCount: o.maxStalled,
          removeOnComplete: { age: o.retention.ageS, count: o.retention.count },
          removeOnFail: { age: o.retention.ageS, count: o.retention.count },
          settings: { backoffStrategy: (attemptsMade: number) => jitteredBackoff(attemptsMade, o.backoff) },
        },
      );
      worker.on('error', (err) => o.logger.warn({ err: err.message, kind }, 'worker connection error'));
      worker.on('failed', (job, err) => {
        // BullMQ fails a job on its own when it was retaken from dead workers too often; that job never reached #process's catch.
        if (job && /stalled more than/i.test(err.message)) void this.#deadLetterStalled(job as TaskJob, err.message);
      });
      this.#workers.set(kind, worker);
    }
    if (this.#workers.size === 0) return;
    const sub = o.connection.duplicate();
    sub.on('error', (err) => o.logger.debug({ err: err.message }, 'cancel channel connection error'));
    sub.on('message', (_channel, taskId: string) => {
      const kind = kindOfTaskId(taskId);
      if (kind) this.#workers.get(kind)?.cancelJob(taskId, CANCEL_REASON);
    });
    await sub.subscribe(o.store.keys.cancelChannel);
    this.#subscriber = sub;
    await Promise.all([...this.#workers.values()].map((w) => w.waitUntilReady()));
    o.logger.info({ kinds: Object.fromEntries([...this.#workers].map(([k, w]) => [k, w.concurrency])) }, 'workers started');
  }

  async #process(kind: TaskKind, handler: TaskHandler<TaskKind>, job: TaskJob, signal: AbortSignal): Promise<Record<string, unknown>> {
    const o = this.#o;
    const taskId = job.id as string;
    const { projectId } = job.data;
    const meta = { projectId, actor: job.data.actor };
    const attempt = Math.max(1, job.attemptsStarted ?? job.attemptsMade + 1);
    const started = performance.now();
    // Not awaited: the event is not worth a round trip on the hot path (the publisher logs a loss).
    void o.events.publish('task.started', { taskId, kind, attempt }, meta);
    let workDir: string | undefined;
    try {
      // cancel_task marks the job data before it signals, so a task taken in between still stops here.
      if (job.data.cancelRequested) throw new UnrecoverableError(CANCEL_REASON);
      const spec = TaskPayloads[kind];
      const payload = spec.payload.parse(job.data.payload);
      const log = o.logger.child({ taskId, kind, attempt });
      const run: TaskRun<TaskKind> = {
        taskId,
        projectId,
        payload: payload as TaskRun<TaskKind>['payload'],
        attempt,
        signal,
        progress: async (p: Progress) => {
          await job.updateProgress(p);
          void o.events.publish('task.progress', { taskId, kind, progress: p }, meta);
        },
        brain: (): McpClient => (job.data.userId ? o.clients.forUser('brain', job.data.userId) : o.clients.asService('brain')),
        workDir: async () => {
          workDir ??= await mkdtemp(join(tmpdir(), `gpu-task-${kind}-`));
          return workDir;
        },
        log,
      };
      const raw = await handler(run);
      if (signal.aborted && signal.reason === CANCEL_REASON) throw new UnrecoverableError(CANCEL_REASON);
      const parsed = spec.result.safeParse(raw);
      if (!parsed.success) throw fromZodError(parsed.error, `result of ${kind}`, 'INVALID_OUTPUT');
      const result = parsed.data as Record<string, unknown>;
      void o.events.publish('task.completed', { taskId, kind, attempts: attempt, durationMs: performance.now() - started }, meta);
      // Only a task with history can have left a dead letter behind (a crash after writing it).
      if (attempt > 1 || job.attemptsMade > 0) void o.store.removeDeadLetter(taskId).catch(() => {});
      return result;
    } catch (err) {
      throw await this.#fail(kind, job, attempt, signal, err);
    } finally {
      if (workDir) await rm(workDir, { recursive: true, force: true }).catch(() => {});
    }
  }

  /** Records a failed attempt and returns what to throw so BullMQ retries it or not. */
  async #fail(kind: TaskKind, job: TaskJob, attempt: number, signal: AbortSignal, err: unknown): Promise<Error> {
    const o = this.#o;
    const taskId = job.id as string;
    const meta = { projectId: job.data.projectId, actor: job.data.actor };
    const cancelled =
      (signal.aborted && signal.reason === CANCEL_REASON) || (err instanceof UnrecoverableError && err.message === CANCEL_REASON);
    const e: TaskError & { status: number } = cancelled
      ? { code: 'GPU_TASKS_CANCELLED', message: 'Cancelled', retryable: false, status: 409 }
      : classifyError(err);
    const maxAttempts = job.opts.attempts ?? 1;
    const last = !e.retryable || job.attemptsMade + 1 >= maxAttempts;
    const lastError: TaskError = { code: e.code, message: e.message, retryable: e.retryable };
    await job.updateData({ ...job.data, lastError }).catch(() => {});
    if (cancelled) {
      void o.events.publish('task.cancelled', { taskId, kind, wasRunning: true }, meta);
    } else {
      void o.events.publish('task.failed', { taskId, kind, attempt, willRetry: !last, error: lastError }, meta);
      if (last && e.status >= 500) {
        await o.store.addDeadLetter({
          taskId,
          kind,
          projectId: job.data.projectId,
          attempts: attempt,
          maxAttempts,
          error: lastError,
          deadAt: Date.now(),
          createdAt: job.timestamp,
          ...(job.processedOn ? { startedAt: job.processedOn } : {}),
          data: { ...job.data, lastError },
        });
        void o.events.publish('task.dead_lettered', { taskId, kind, attempts: attempt, error: lastError }, meta);
        o.logger.warn({ taskId, kind, attempts: attempt, code: e.code, err: e.message }, 'task dead-lettered');
      } else if (!last) {
        o.logger.info({ taskId, kind, attempt, code: e.code, err: e.message }, 'task attempt failed; retrying');
      }
    }
    const message = `${e.code}: ${e.message}`;
    return last ? new UnrecoverableError(message) : new Error(message);
  }

  async #deadLetterStalled(job: TaskJob, reason: string): Promise<void> {
    const o = this.#o;
    const taskId = job.id as string;
    const kind = job.data.kind;
    const error: TaskError = { code: 'GPU_TASKS_STALLED', message: `Retaken from dead workers too often: ${reason}`, retryable: false };
    try {
      await o.store.addDeadLetter({
        taskId,
        kind,
        projectId: job.data.projectId,
        attempts: job.attemptsStarted ?? job.attemptsMade,
        maxAttempts: job.opts.attempts ?? 1,
        error,
        deadAt: Date.now(),
        createdAt: job.timestamp,
        data: { ...job.data, lastError: error },
      });
      await o.events.publish(
        'task.dead_lettered',
        { taskId, kind, attempts: job.attemptsStarted ?? 0, error },
        { projectId: job.data.projectId },
      );
    } catch (err) {
      o.logger.error({ err, taskId }, 'could not dead-letter a stalled task');
    }
  }

  /**
   * Stops taking tasks at once and lets running ones finish for up to `graceMs`; past that,
   * closes hard (the tasks still running are retaken by another worker once their lock lapses).
   */
  close(graceMs: number): Promise<void> {
    this.#closing ??= (async () => {
      const workers = [...this.#workers.values()];
      const graceful = Promise.all(workers.map((w) => w.close()));
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        graceful.then(() => false),
        new Promise<boolean>((r) => {
          timer = setTimeout(() => r(true), graceMs);
        }),
      ]);
      clearTimeout(timer);
      if (timedOut) {
        this.#o.logger.warn({ graceMs }, 'tasks still running after the grace period; closing workers hard');
        await Promise.all(workers.map((w) => w.close(true).catch(() => {})));
      }
      await this.#subscriber?.quit().catch(() => this.#subscriber?.disconnect());
    })();
    return this.#closing;
  }
}

export { BACKOFF_TYPE };
