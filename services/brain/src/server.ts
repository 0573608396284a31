import { brainCatalog } from '@automovie/contracts';
import { buildService, type Service } from '@automovie/service-kit';
import type { Logger } from 'pino';
import type { BrainConfig } from './config.ts';

export const BRAIN_VERSION = '0.1.0';

/** Builds the brain service; tools arrive with the knowledge-graph and generation issues. */
export async function buildServer(config: BrainConfig, opts: { logger?: Logger } = {}): Promise<Service> {
  return buildService({
    name: brainCatalog.service,
    version: BRAIN_VERSION,
    config,
    tools: [],
    instructions: brainCatalog.description,
    ...(opts.logger ? { logger: opts.logger } : {}),
  });
}
