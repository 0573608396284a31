import { randomUUID } from 'node:crypto';
import { orchestratorCatalog } from '@automovie/contracts';
import { buildService, createLogger, EventPublisher, FleetClients, type Service } from '@automovie/service-kit';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { OrchestratorConfig } from './config.ts';
import { diagnosticPipeline } from './diagnostic.ts';
import { Engine } from './engine/engine.ts';
import { productionPipeline } from './pipeline.ts';
import type { StepDef } from './steps/types.ts';
import { orchestratorTools } from './tools/index.ts';

export const ORCHESTRATOR_VERSION = '0.1.0';

/** What a step factory gets to build the pipeline with. */
export interface PipelineDeps {
  redis: Redis;
  config: Readonly<OrchestratorConfig>;
}

export interface BuildOptions {
  /** The pipeline. Default: ORCHESTRATOR_PIPELINE's — the production pipeline, or the operator diagnostic. */
  steps?: readonly StepDef[] | ((deps: PipelineDeps) => readonly StepDef[]);
  /** Root logger. Default: the fleet's pino logger at LOG_LEVEL. */
  logger?: Logger;
}

export interface OrchestratorService extends Service {
  readonly engine: Engine;
}

function defaultPipeline(deps: PipelineDeps): readonly StepDef[] {
  const { config, redis } = deps;
  if (config.ORCHESTRATOR_PIPELINE === 'diagnostic') {
    return diagnosticPipeline({ redis, prefix: config.ORCHESTRATOR_KEY_PREFIX, stepMs: config.DIAGNOSTIC_STEP_MS });
  }
  return productionPipeline();
}

/** Builds the orchestrator: production runs as LangGraph graphs with checkpoints in Redis, behind MCP. */
export async function buildServer(config: Readonly<OrchestratorConfig>, opts: BuildOptions = {}): Promise<OrchestratorService> {
  const logger =
    opts.logger ?? createLogger({ service: orchestratorCatalog.service, version: ORCHESTRATOR_VERSION, level: config.LOG_LEVEL });
  // Commands wait through a Redis restart instead of failing: a run's lease, not a command's
  // timeout, decides when another replica takes over.
  const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null, lazyConnect: false });
  redis.on('error', (err) => logger.debug({ err: err.message }, 'redis connection error'));
  const events = new EventPublisher({ redisUrl: config.REDIS_URL, source: orchestratorCatalog.service, logger });
  const clients = new FleetClients({
    service: orchestratorCatalog.service,
    secret: config.AUTOMOVIE_JWT_SECRET,
    env: config.fleetUrls,
    logger,
  });
  const deps: PipelineDeps = { redis, config };
  const steps = typeof opts.steps === 'function' ? opts.steps(deps) : (opts.steps ?? defaultPipeline(deps));
  const engine = new Engine({
    redis,
    prefix: config.ORCHESTRATOR_KEY_PREFIX,
    steps,
    clients,
    events,
    logger,
    // The lease owner: a restarted process is a new owner, so its old leases must expire first.
    instanceId: randomUUID(),
    concurrency: config.RUN_CONCURRENCY,
    leaseMs: config.RUN_LEASE_MS,
    sweepMs: config.RUN_SWEEP_MS,
    cacheTtlS: config.STEP_CACHE_TTL_S,
  });
  const service = await buildService({
    name: orchestratorCatalog.service,
    version: ORCHESTRATOR_VERSION,
    config,
    logger,
    tools: orchestratorTools({ engine, clients }),
    readiness: [{ name: 'redis', check: () => events.ping() }],
    instructions: orchestratorCatalog.description,
    async onStop() {
      await clients.close();
      await events.close();
      await redis.quit().catch(() => redis.disconnect());
    },
  }).catch(async (err) => {
    redis.disconnect();
    await events.close();
    throw err;
  });
  logger.info({ pipeline: opts.steps ? 'custom' : config.ORCHESTRATOR_PIPELINE, steps: steps.map((s) => s.name) }, 'pipeline');
  return {
    ...service,
    engine,
    async start() {
      const bound = await service.start();
      engine.start();
      return bound;
    },
    async stop() {
      // Runs first: they stop where they are (state unchanged, leases released) for the next start to continue.
      await engine.stop();
      await service.stop();
    },
  };
}

export { RedisSaver, type RedisSaverOptions } from './checkpoint/redis-saver.ts';
export { loadOrchestratorConfig, type OrchestratorConfig } from './config.ts';
export { diagnosticCounterKey, diagnosticPipeline } from './diagnostic.ts';
export type { ChoiceStepDef, RunView, StepContext, StepDef, WorkStepDef } from './steps/types.ts';
export { choiceStep, workStep } from './steps/types.ts';
