import { storyCatalog } from '@automovie/contracts';
import { buildService, createLogger, FleetClients, type Service } from '@automovie/service-kit';
import type { Logger } from 'pino';
import type { StoryConfig } from './config.ts';
import type { StoryContext } from './context.ts';
import { storyTools } from './tools/index.ts';

export const STORY_VERSION = '0.1.0';

/** Extra parts a test may pass in. */
export interface BuildOptions {
  logger?: Logger;
}

/** Builds the story service: its tools act on the brain for the calling user. */
export async function buildServer(config: StoryConfig, opts: BuildOptions = {}): Promise<Service> {
  const name = storyCatalog.service;
  const logger = opts.logger ?? createLogger({ service: name, version: STORY_VERSION, level: config.LOG_LEVEL });
  const clients = new FleetClients({
    service: name,
    secret: config.AUTOMOVIE_JWT_SECRET,
    env: config,
    timeoutMs: config.STORY_BRAIN_TIMEOUT_MS,
    logger,
  });
  const ctx: StoryContext = { clients, logger, writeParallelism: config.STORY_WRITE_PARALLELISM };
  return buildService({
    name,
    version: STORY_VERSION,
    config,
    logger,
    tools: storyTools(ctx),
    instructions: storyCatalog.description,
    async onStop() {
      await clients.close();
    },
  });
}

export { loadStoryConfig, type StoryConfig } from './config.ts';
export { detectFormat, exportFile, parseScreenplay, writeScreenplay } from './formats.ts';
