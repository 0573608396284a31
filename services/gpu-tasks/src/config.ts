import { FLEET, type TaskKind, TaskKindSchema } from '@automovie/contracts';
import { baseConfigSchema, loadConfig } from '@automovie/service-kit';
import { z } from 'zod';

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const concurrency = (fallback: number) => z.coerce.number().int().min(0).max(1000).default(fallback);
const ms = (min: number, max: number, fallback: number) => z.coerce.number().int().min(min).max(max).default(fallback);

/** Per-kind worker concurrency defaults: brain-bound kinds wait on the network, ffmpeg kinds use whole cores. */
export const DEFAULT_CONCURRENCY: Record<TaskKind, number> = {
  render_frames: 4,
  synthesize_lines: 4,
  render_video: 1,
  transcode: 1,
  build_3d: 2,
  noop: 16,
};

/** Per-kind default attempts (a task may ask for others with `maxAttempts`). */
export const DEFAULT_ATTEMPTS: Record<TaskKind, number> = {
  render_frames: 5,
  synthesize_lines: 5,
  render_video: 3,
  transcode: 3,
  build_3d: 5,
  noop: 3,
};

/** `GPU_TASKS_CONCURRENCY_RENDER_FRAMES` for `render_frames`. */
export function concurrencyVar(kind: TaskKind): string {
  return `GPU_TASKS_CONCURRENCY_${kind.toUpperCase()}`;
}

export const gpuTasksConfigSchema = baseConfigSchema.extend({
  PORT: baseConfigSchema.shape.PORT.default(FLEET['gpu-tasks'].port),
  /** The Redis holding the queues (persistence on in production). Required. */
  REDIS_URL: z.url({ protocol: /^rediss?$/ }),
  /** Key prefix of every queue; tests give each run its own. Default `automovie`. */
  GPU_TASKS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and - (no colons)')
    .default('automovie'),
  /** Run workers in this process. Default true; false makes an API-only replica. */
  WORKERS_ENABLED: bool.default(true),
  /** Serve the MCP tools. Default true; false makes a worker-only replica (health and dashboard still served). */
  API_ENABLED: bool.default(true),
  ...Object.fromEntries(TaskKindSchema.options.map((k) => [concurrencyVar(k), concurrency(DEFAULT_CONCURRENCY[k])])),
  /** First retry delay; each further one doubles, with ±50 % jitter. Default 2000 ms. */
  GPU_TASKS_BACKOFF_MS: ms(1, 3_600_000, 2000),
  /** Longest delay between attempts. Default 300000 ms. */
  GPU_TASKS_BACKOFF_MAX_MS: ms(1, 86_400_000, 300_000),
  /** A worker's hold on a running task; a worker silent for this long (crashed) loses it. Default 30000 ms. */
  GPU_TASKS_LOCK_MS: ms(500, 600_000, 30_000),
  /** How often workers look for tasks whose worker died. Default 15000 ms. */
  GPU_TASKS_STALLED_INTERVAL_MS: ms(200, 600_000, 15_000),
  /** How many times a task may be retaken from a dead worker before it is dead-lettered. Default 2. */
  GPU_TASKS_MAX_STALLED: z.coerce.number().int().min(0).max(100).default(2),
  /** How long finished tasks (and so their idempotency keys) are kept. Default 7 days. */
  GPU_TASKS_RETENTION_S: z.coerce
    .number()
    .int()
    .min(1)
    .max(365 * 86_400)
    .default(7 * 86_400),
  /** Most finished tasks kept per kind (the oldest go first). Default 100000. */
  GPU_TASKS_RETENTION_COUNT: z.coerce.number().int().min(1).max(10_000_000).default(100_000),
  /** Timeout of each brain call a worker makes. Default 120000 ms. */
  GPU_TASKS_BRAIN_TIMEOUT_MS: ms(100, 3_600_000, 120_000),
  /** Check that the project exists and the caller may use it (through the brain) before accepting a task. Default true. */
  GPU_TASKS_CHECK_PROJECTS: bool.default(true),
  /** How long a successful project check is remembered per caller. Default 60000 ms. */
  GPU_TASKS_PROJECT_CACHE_MS: ms(0, 3_600_000, 60_000),
  /** Frames or lines a worker generates at once within one task. Default 4. */
  GPU_TASKS_ITEM_PARALLELISM: z.coerce.number().int().min(1).max(64).default(4),
  /** Longest a /metrics scrape waits for the job counts before serving the last ones read. Default 2000 ms. */
  GPU_TASKS_METRICS_TIMEOUT_MS: ms(10, 60_000, 2000),
  /** Bearer token for the dashboard at /admin/queues. Unset: the dashboard answers loopback clients only. */
  GPU_TASKS_BOARD_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** Brain URL override (default ws://127.0.0.1:4100/mcp). */
  AUTOMOVIE_BRAIN_URL: z.url({ protocol: /^wss?$/ }).optional(),
});
export type GpuTasksConfig = z.infer<typeof gpuTasksConfigSchema> & Record<`GPU_TASKS_CONCURRENCY_${string}`, number>;

/** The service's configuration from `env` (the only place that reads the environment). */
export function loadGpuTasksConfig(env: Record<string, string | undefined>): Readonly<GpuTasksConfig> {
  return loadConfig(gpuTasksConfigSchema, env) as Readonly<GpuTasksConfig>;
}

/** The configured worker concurrency of a kind. */
export function concurrencyOf(config: GpuTasksConfig, kind: TaskKind): number {
  return config[concurrencyVar(kind) as `GPU_TASKS_CONCURRENCY_${string}`] ?? DEFAULT_CONCURRENCY[kind];
}
