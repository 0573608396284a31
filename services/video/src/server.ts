import { videoCatalog } from '@automovie/contracts';
import { buildService, createLogger, FleetClients, type Service } from '@automovie/service-kit';
import type { Logger } from 'pino';
import type { VideoConfig } from './config.ts';
import { videoTools } from './tools/index.ts';

export const VIDEO_VERSION = '0.1.0';

/** Extra parts a test may pass in. */
export interface BuildOptions {
  logger?: Logger;
}

/** Builds the video service: its tools over the brain, gpu-tasks and audio, acting for each caller. */
export async function buildServer(config: VideoConfig, opts: BuildOptions = {}): Promise<Service> {
  const name = videoCatalog.service;
  const logger = opts.logger ?? createLogger({ service: name, version: VIDEO_VERSION, level: config.LOG_LEVEL });
  const clients = new FleetClients({
    service: name,
    secret: config.AUTOMOVIE_JWT_SECRET,
    env: config,
    timeoutMs: config.VIDEO_CALL_TIMEOUT_MS,
    logger,
  });
  return buildService({
    name,
    version: VIDEO_VERSION,
    config,
    logger,
    tools: videoTools({ config, clients }),
    instructions: videoCatalog.description,
    async onStop() {
      await clients.close();
    },
  });
}

export { loadVideoConfig, type VideoConfig } from './config.ts';
export { sceneMood } from './mood.ts';
export { type BuiltTimeline, buildTimeline, LEAD_S, LINE_GAP_S, TAIL_S, type TimelineInput } from './timeline.ts';
