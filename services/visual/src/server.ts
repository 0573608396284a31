import { visualCatalog } from '@automovie/contracts';
import { buildService, createLogger, FleetClients, type Service } from '@automovie/service-kit';
import type { Logger } from 'pino';
import type { VisualConfig } from './config.ts';
import { visualTools } from './tools/index.ts';

export const VISUAL_VERSION = '0.1.0';

/** Extra parts a test may pass in. */
export interface BuildOptions {
  logger?: Logger;
}

/** Builds the visual service: shot planning through the brain, frames through gpu-tasks, acting for each caller. */
export async function buildServer(config: VisualConfig, opts: BuildOptions = {}): Promise<Service> {
  const name = visualCatalog.service;
  const logger = opts.logger ?? createLogger({ service: name, version: VISUAL_VERSION, level: config.LOG_LEVEL });
  const clients = new FleetClients({
    service: name,
    secret: config.AUTOMOVIE_JWT_SECRET,
    env: config,
    timeoutMs: config.VISUAL_BRAIN_TIMEOUT_MS,
    logger,
  });
  return buildService({
    name,
    version: VISUAL_VERSION,
    config,
    logger,
    tools: visualTools({ config, clients }),
    instructions: visualCatalog.description,
    async onStop() {
      await clients.close();
    },
  });
}

export { loadVisualConfig, type VisualConfig } from './config.ts';
export { buildComposition, buildFrame, type FrameRequest } from './frames.ts';
