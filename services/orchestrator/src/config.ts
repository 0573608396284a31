import { FLEET } from '@automovie/contracts';
import { baseConfigSchema, loadConfig } from '@automovie/service-kit';
import { z } from 'zod';

export const orchestratorConfigSchema = baseConfigSchema.extend({
  PORT: baseConfigSchema.shape.PORT.default(FLEET.orchestrator.port),
  /** Runs, checkpoints, the step cache and run.* events all live here. */
  REDIS_URL: z.url({ protocol: /^rediss?$/ }),
  /**
   * `production` (default): the film pipeline of ARCHITECTURE.md §5 (src/pipeline.ts).
   * `diagnostic`: the operator diagnostic pipeline (src/diagnostic.ts) — timed steps that count
   * their executions in Redis, to check a deployment's durability without the domain services.
   */
  ORCHESTRATOR_PIPELINE: z.enum(['production', 'diagnostic']).default('production'),
  /** How long each diagnostic step works. Default 300 ms. */
  DIAGNOSTIC_STEP_MS: z.coerce.number().int().min(0).max(600_000).default(300),
  /** Runs one orchestrator executes at once. Default 4. */
  RUN_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(4),
  /** How long a run's lease lasts without renewal; a crashed replica's runs resume after it. Default 10000 ms. */
  RUN_LEASE_MS: z.coerce.number().int().min(300).max(600_000).default(10_000),
  /** How often runs without a live lease are looked for. Default 1000 ms. */
  RUN_SWEEP_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
  /** How long a step's output is kept for reuse. Default 7 days. */
  STEP_CACHE_TTL_S: z.coerce
    .number()
    .int()
    .min(1)
    .max(365 * 86_400)
    .default(7 * 86_400),
  /** Prefix of the orchestrator's Redis keys (checkpoints use `<prefix>lg:`). Default `orch:`. */
  ORCHESTRATOR_KEY_PREFIX: z
    .string()
    .regex(/^[\w:.-]{1,64}$/, 'letters, digits and _ : . - only (max 64)')
    .default('orch:'),
});

export type OrchestratorConfig = z.infer<typeof orchestratorConfigSchema> & {
  /** `AUTOMOVIE_<SERVICE>_URL` overrides of where the fleet's services are. */
  fleetUrls: Readonly<Record<string, string>>;
};

/** The orchestrator's configuration from `env` (the only place that reads the environment). */
export function loadOrchestratorConfig(env: Record<string, string | undefined>): Readonly<OrchestratorConfig> {
  const base = loadConfig(orchestratorConfigSchema, env);
  const fleetUrls: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (/^AUTOMOVIE_[A-Z0-9_]+_URL$/.test(k) && v) fleetUrls[k] = v;
  return Object.freeze({ ...base, fleetUrls: Object.freeze(fleetUrls) });
}
