import { gpuTasksCatalog, type TaskKind } from '@automovie/contracts';
import { buildService, createLogger, EventPublisher, FleetClients, type Service } from '@automovie/service-kit';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { registerBoard } from './board.ts';
import { concurrencyOf, DEFAULT_ATTEMPTS, type GpuTasksConfig } from './config.ts';
import { TaskService } from './engine.ts';
import { registerJobsMetric } from './job-metrics.ts';
import { ProjectGate } from './project-gate.ts';
import { WorkerPool } from './runner.ts';
import { TaskStore } from './store.ts';
import { gpuTasksTools } from './tools/index.ts';
import { taskHandlers } from './workers/index.ts';

export const GPU_TASKS_VERSION = '0.1.0';

/** Extra parts a test or bench may pass in. */
export interface BuildOptions {
  logger?: Logger;
}

/**
 * Builds gpu-tasks: the task tools over one BullMQ queue per kind, the workers of every kind
 * (unless WORKERS_ENABLED=false), and the queue dashboard at /admin/queues. Stopping first stops
 * the workers taking tasks, drains calls, then lets running tasks finish within the grace period.
 */
export async function buildServer(config: GpuTasksConfig, opts: BuildOptions = {}): Promise<Service> {
  const name = gpuTasksCatalog.service;
  const logger = opts.logger ?? createLogger({ service: name, version: GPU_TASKS_VERSION, level: config.LOG_LEVEL });
  // Commands wait out a Redis restart rather than fail (BullMQ needs maxRetriesPerRequest: null for workers).
  const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null, enableReadyCheck: true });
  redis.on('error', (err) => logger.warn({ err: err.message }, 'redis connection error'));
  const store = new TaskStore(redis, config.GPU_TASKS_PREFIX);
  const events = new EventPublisher({ redisUrl: config.REDIS_URL, source: name, logger });
  const clients = new FleetClients({
    service: name,
    secret: config.AUTOMOVIE_JWT_SECRET,
    env: config,
    timeoutMs: config.GPU_TASKS_BRAIN_TIMEOUT_MS,
    logger,
  });
  const retention = { ageS: config.GPU_TASKS_RETENTION_S, count: config.GPU_TASKS_RETENTION_COUNT };
  const concurrency = (kind: TaskKind) => (config.WORKERS_ENABLED ? concurrencyOf(config, kind) : 0);
  const handlers = taskHandlers({ itemParallelism: config.GPU_TASKS_ITEM_PARALLELISM });
  const tasks = new TaskService({
    runnableKinds: new Set(Object.keys(handlers) as TaskKind[]),
    store,
    events,
    logger,
    connection: redis,
    attempts: (kind) => DEFAULT_ATTEMPTS[kind],
    retention,
    concurrency,
  });
  const gate = new ProjectGate({ clients, enabled: config.GPU_TASKS_CHECK_PROJECTS, cacheMs: config.GPU_TASKS_PROJECT_CACHE_MS });
  const workers = config.WORKERS_ENABLED
    ? new WorkerPool({
        store,
        connection: redis,
        handlers,
        concurrency,
        clients,
        events,
        logger,
        backoff: { baseMs: config.GPU_TASKS_BACKOFF_MS, maxMs: config.GPU_TASKS_BACKOFF_MAX_MS },
        lockMs: config.GPU_TASKS_LOCK_MS,
        stalledIntervalMs: config.GPU_TASKS_STALLED_INTERVAL_MS,
        maxStalled: config.GPU_TASKS_MAX_STALLED,
        retention,
      })
    : undefined;

  const service = await buildService({
    name,
    version: GPU_TASKS_VERSION,
    config,
    logger,
    tools: config.API_ENABLED ? gpuTasksTools({ tasks, gate }) : [],
    readiness: [{ name: 'redis', check: async () => void (await redis.ping()) }],
    instructions: gpuTasksCatalog.description,
    routes: (app) => registerBoard(app, store.allQueues(), config.GPU_TASKS_BOARD_TOKEN),
    async onStop() {
      await workers?.close(config.SHUTDOWN_GRACE_MS);
      await tasks.close();
      await store.close();
      await clients.close();
      await events.close();
      await redis.quit().catch(() => redis.disconnect());
    },
  });
  registerJobsMetric({
    metrics: service.metrics,
    read: (kind) => store.jobCounts(kind),
    logger,
    timeoutMs: config.GPU_TASKS_METRICS_TIMEOUT_MS,
  });
  const start = service.start.bind(service);
  const stop = service.stop.bind(service);
  let stopping: Promise<void> | undefined;
  return Object.assign(service, {
    async start() {
      await workers?.start();
      return start();
    },
    stop() {
      // Workers stop taking tasks at once, before the calls in flight drain; running tasks finish in onStop.
      stopping ??= (async () => {
        const closing = workers?.close(config.SHUTDOWN_GRACE_MS);
        await stop();
        await closing;
      })();
      return stopping;
    },
  });
}

export { type GpuTasksConfig, loadGpuTasksConfig } from './config.ts';
