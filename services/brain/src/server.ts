import { join } from 'node:path';
import { brainCatalog } from '@automovie/contracts';
import { buildService, createLogger, EventPublisher, type ReadinessCheck, type Service } from '@automovie/service-kit';
import type { Logger } from 'pino';
import { LocalAssetBlobStore } from './assets/blob-store.ts';
import { assetRoutes } from './assets/routes.ts';
import { AssetService } from './assets/service.ts';
import { AssetSigner } from './assets/signing.ts';
import { AuditLog } from './audit.ts';
import { type BrainConfig, embeddingConfig } from './config.ts';
import type { BrainContext } from './context.ts';
import { EmbeddingService } from './embeddings/index.ts';
import type { Provider } from './generation/provider.ts';
import { setupGeneration } from './generation/setup.ts';
import { openEmbeddedGraphStore } from './graph/embedded.ts';
import type { GraphStore } from './graph/store.ts';
import { brainTools } from './tools/index.ts';

/** The brain's HTTP server (Fastify), as service-kit builds it. */
type HttpApp = Service['app'];

export const BRAIN_VERSION = '0.1.0';

async function openStore(config: BrainConfig, logger: Logger, vectorDimension: number): Promise<GraphStore> {
  if (config.GRAPH_BACKEND === 'neo4j') {
    // Loaded only when chosen, so the embedded default never loads the Neo4j driver.
    const { openNeo4jStore } = await import('./graph/neo4j.ts');
    return openNeo4jStore({
      uri: config.NEO4J_URI as string,
      user: config.NEO4J_USER,
      password: config.NEO4J_PASSWORD as string,
      ...(config.NEO4J_DATABASE ? { database: config.NEO4J_DATABASE } : {}),
      // The vector index is created for the dimension of the default embedding provider.
      vectorDimension,
      logger,
    });
  }
  return openEmbeddedGraphStore({
    dataDir: join(config.AUTOMOVIE_DATA_DIR, 'graph'),
    logger,
    ...(config.VECTOR_EXACT_THRESHOLD ? { exactThreshold: config.VECTOR_EXACT_THRESHOLD } : {}),
    ...(config.VECTOR_HNSW_M ? { hnswM: config.VECTOR_HNSW_M } : {}),
    ...(config.VECTOR_EF_CONSTRUCTION ? { efConstruction: config.VECTOR_EF_CONSTRUCTION } : {}),
    ...(config.VECTOR_EF_SEARCH ? { efSearch: config.VECTOR_EF_SEARCH } : {}),
  });
}

/**
 * Where the brain is reached, for the signed asset URLs: BRAIN_PUBLIC_URL, else this process's own
 * address (known once listening: PORT may be 0).
 */
function publicBaseUrl(config: BrainConfig, app: () => HttpApp | undefined): string {
  if (config.BRAIN_PUBLIC_URL !== undefined) return config.BRAIN_PUBLIC_URL;
  const addr = app()?.server.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : config.PORT;
  const host = config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST === '::' ? '::1' : config.HOST;
  return `http://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}`;
}

export interface BuildOptions {
  /** Default: the fleet's logger at LOG_LEVEL. */
  logger?: Logger;
  /** Generation providers besides the configured ones (benchmarks, tests). Default none. */
  providers?: readonly Provider[];
}

/** Builds the brain: the knowledge graph, embeddings and search, behind MCP. */
export async function buildServer(config: BrainConfig, opts: BuildOptions = {}): Promise<Service> {
  // The fleet's logger (secrets redacted), made here rather than by buildService because the store and the embeddings log too.
  const logger = opts.logger ?? createLogger({ service: brainCatalog.service, version: BRAIN_VERSION, level: config.LOG_LEVEL });
  const embeddings = new EmbeddingService(embeddingConfig(config), { logger });
  const store = await openStore(config, logger, embeddings.provider().dimension);
  const audit = new AuditLog(join(config.AUTOMOVIE_DATA_DIR, 'audit.db'));
  const events = config.REDIS_URL === undefined ? undefined : new EventPublisher({ redisUrl: config.REDIS_URL, source: 'brain', logger });
  if (events === undefined) logger.warn('REDIS_URL is not set: domain events are not published');
  let app: HttpApp | undefined;
  const assets = new AssetService({
    store,
    embeddings,
    blobs: new LocalAssetBlobStore(config.ASSET_DIR ?? join(config.AUTOMOVIE_DATA_DIR, 'assets')),
    signer: new AssetSigner(config.ASSET_URL_SECRET ?? config.AUTOMOVIE_JWT_SECRET),
    baseUrl: () => publicBaseUrl(config, () => app),
    maxUploadBytes: config.ASSET_MAX_UPLOAD_BYTES,
    logger,
  });
  const generation = setupGeneration(config, {
    store,
    assets,
    audit,
    events,
    logger,
    ...(opts.providers ? { extraProviders: opts.providers } : {}),
  });
  const ctx: BrainContext = { store, embeddings, audit, assets, generation, events, logger };

  // Orphan blobs (of deleted projects and nodes) are collected in the background; one run at a time.
  let gcRunning = false;
  const gcTimer =
    config.ASSET_GC_INTERVAL_S > 0
      ? setInterval(() => {
          if (gcRunning) return;
          gcRunning = true;
          assets
            .collectGarbage({ minAgeMs: config.ASSET_GC_MIN_AGE_S * 1000 })
            .catch((err: unknown) => logger.error({ err }, 'asset garbage collection failed'))
            .finally(() => {
              gcRunning = false;
            });
        }, config.ASSET_GC_INTERVAL_S * 1000)
      : undefined;
  gcTimer?.unref();

  const readiness: ReadinessCheck[] = [];
  if (events) readiness.push({ name: 'redis', check: () => events.ping() });

  return buildService({
    name: brainCatalog.service,
    version: BRAIN_VERSION,
    config,
    logger,
    tools: brainTools(ctx),
    readiness,
    instructions: brainCatalog.description,
    async routes(a) {
      app = a;
      await assetRoutes(ctx)(a);
    },
    async onStop() {
      clearInterval(gcTimer);
      await store.close();
      audit.close();
      generation.close();
      await events?.close();
    },
  });
}

export { type BrainConfig, loadBrainConfig } from './config.ts';
