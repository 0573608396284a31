import { type TaskKind, TaskKindSchema } from '@automovie/contracts';
import type { ServiceMetrics } from '@automovie/service-kit';
import type { Logger } from 'pino';
import { type JobCounts, QUEUE_STATES } from './store.ts';

/** The gauge the Prometheus adapter turns into the workers' scaling metric (k8s/examples/prometheus-adapter.yaml). */
export const JOBS_METRIC = 'automovie_gpu_tasks_jobs';

/** Every `state` label value of {@link JOBS_METRIC}. */
export const JOB_METRIC_STATES = [...QUEUE_STATES, 'dead_lettered'] as const;

/** Options of {@link registerJobsMetric}. */
export interface JobsMetricOptions {
  metrics: ServiceMetrics;
  /** Reads one kind's counts (TaskStore.jobCounts). */
  read: (kind: TaskKind) => Promise<JobCounts>;
  logger: Logger;
  /** Longest a scrape waits for the counts before it serves the last ones. Default 2000 ms. */
  timeoutMs?: number;
  /** Kinds reported. Default every task kind. */
  kinds?: readonly TaskKind[];
}

/**
 * Registers `automovie_gpu_tasks_jobs{kind,state}`, read from the queues at scrape time. A scrape
 * waits at most `timeoutMs`: past that (Redis slow or away) it serves the last counts read and
 * logs a warning. At most one read is out at a time; scrapes meanwhile wait on it rather than
 * pile more commands onto a struggling Redis, and its counts are kept whenever it completes.
 */
export function registerJobsMetric(opts: JobsMetricOptions): void {
  const kinds = opts.kinds ?? TaskKindSchema.options;
  const timeoutMs = opts.timeoutMs ?? 2000;
  const { logger } = opts;
  let reading: Promise<void> | undefined;
  opts.metrics.registerGauge({
    name: JOBS_METRIC,
    help: 'gpu-tasks jobs per kind and state (BullMQ job counts of the kind queue; dead_lettered from the dead-letter store)',
    labelNames: ['kind', 'state'],
    async collect(gauge) {
      reading ??= Promise.all(kinds.map(async (kind) => [kind, await opts.read(kind)] as const))
        .then(
          (all) => {
            for (const [kind, counts] of all) for (const state of JOB_METRIC_STATES) gauge.set({ kind, state }, counts[state]);
          },
          (err: unknown) => {
            logger.warn(
              { err: err instanceof Error ? err.message : String(err) },
              'job counts could not be read; /metrics serves the last ones',
            );
          },
        )
        .finally(() => {
          reading = undefined;
        });
      let timer: NodeJS.Timeout | undefined;
      const inTime = await Promise.race([
        reading.then(() => true),
        new Promise<false>((resolve) => {
          timer = setTimeout(() => resolve(false), timeoutMs);
        }),
      ]);
      clearTimeout(timer);
      if (!inTime) logger.warn({ timeoutMs }, 'job counts not read in time; /metrics serves the last ones');
    },
  });
}
