import { audioCatalog } from '@automovie/contracts';
import { buildService, createLogger, FleetClients, type Service } from '@automovie/service-kit';
import type { Logger } from 'pino';
import type { AudioConfig } from './config.ts';
import { audioTools } from './tools/index.ts';

export const AUDIO_VERSION = '0.1.0';

/** Extra parts a test may pass in. */
export interface BuildOptions {
  logger?: Logger;
}

/** Builds the audio service: its tools over the brain and gpu-tasks, acting for each caller. */
export async function buildServer(config: AudioConfig, opts: BuildOptions = {}): Promise<Service> {
  const name = audioCatalog.service;
  const logger = opts.logger ?? createLogger({ service: name, version: AUDIO_VERSION, level: config.LOG_LEVEL });
  const clients = new FleetClients({
    service: name,
    secret: config.AUTOMOVIE_JWT_SECRET,
    env: config,
    timeoutMs: config.AUDIO_CALL_TIMEOUT_MS,
    logger,
  });
  return buildService({
    name,
    version: AUDIO_VERSION,
    config,
    logger,
    tools: audioTools({ config, clients }),
    instructions: audioCatalog.description,
    async onStop() {
      await clients.close();
    },
  });
}

export { type AudioConfig, loadAudioConfig } from './config.ts';
export { buildCues, type CueLimits, type LineCue, lineCues, speechSpan, type TimedLine, wrapWords } from './cues.ts';
export { integratedLoudness } from './loudness.ts';
