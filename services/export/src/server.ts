import { exportCatalog } from '@automovie/contracts';
import { buildService, createLogger, FleetClients, type Service } from '@automovie/service-kit';
import type { Logger } from 'pino';
import type { ExportConfig } from './config.ts';
import { Exporter } from './exporter.ts';
import { exportTools } from './tools/index.ts';

export const EXPORT_VERSION = '0.1.0';

/** Extra parts a test may pass in. */
export interface BuildOptions {
  logger?: Logger;
}

/**
 * Builds the export service: export_project (booklet, screenplay files, bundle, animatic, ZIP) and
 * get_export (signed links), acting for the calling user towards the brain, story and video.
 */
export async function buildServer(config: ExportConfig, opts: BuildOptions = {}): Promise<Service> {
  const name = exportCatalog.service;
  const logger = opts.logger ?? createLogger({ service: name, version: EXPORT_VERSION, level: config.LOG_LEVEL });
  const clients = new FleetClients({
    service: name,
    secret: config.AUTOMOVIE_JWT_SECRET,
    env: config,
    timeoutMs: config.EXPORT_CALL_TIMEOUT_MS,
    logger,
  });
  const exporter = new Exporter({ config, clients, logger });
  return buildService({
    name,
    version: EXPORT_VERSION,
    config,
    logger,
    tools: exportTools({ exporter, clients }),
    instructions: exportCatalog.description,
    async onStop() {
      await clients.close();
    },
  });
}

export { type ExportConfig, loadExportConfig } from './config.ts';
