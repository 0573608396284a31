import { characterCatalog } from '@automovie/contracts';
import { buildService, createLogger, FleetClients, type Service } from '@automovie/service-kit';
import type { Logger } from 'pino';
import type { CharacterConfig } from './config.ts';
import { characterTools } from './tools/index.ts';

export const CHARACTER_VERSION = '0.1.0';

/** Extra parts a test may pass in. */
export interface BuildOptions {
  logger?: Logger;
}

/** Builds the character service: its tools over the brain, acting for each caller. */
export async function buildServer(config: CharacterConfig, opts: BuildOptions = {}): Promise<Service> {
  const name = characterCatalog.service;
  const logger = opts.logger ?? createLogger({ service: name, version: CHARACTER_VERSION, level: config.LOG_LEVEL });
  const clients = new FleetClients({
    service: name,
    secret: config.AUTOMOVIE_JWT_SECRET,
    env: config,
    timeoutMs: config.CHARACTER_BRAIN_TIMEOUT_MS,
    logger,
  });
  return buildService({
    name,
    version: CHARACTER_VERSION,
    config,
    logger,
    tools: characterTools({ config, clients }),
    instructions: characterCatalog.description,
    async onStop() {
      await clients.close();
    },
  });
}

export { CAST_STATE_ID, referenceRequest } from './cast.ts';
export { type CharacterConfig, loadCharacterConfig } from './config.ts';
export { checkConsistency } from './consistency.ts';
