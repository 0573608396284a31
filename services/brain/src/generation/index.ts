import { join } from 'node:path';
import type { BuiltinTemplateName } from '@automovie/contracts';
import type { EventPublisher } from '@automovie/service-kit';
import type { Logger } from 'pino';
import type { AuditLog } from '../audit.ts';
import type { GraphStore } from '../graph/store.ts';
import { buildChains } from './chains.ts';
import { type GenerationConfig, pricesOf, routerOptionsOf } from './config.ts';
import { GenerationDb } from './db.ts';
import { type AssetSink, Gateway } from './gateway.ts';
import type { Provider } from './provider.ts';
import { Redactor } from './redact.ts';
import { Router } from './router.ts';
import { SchemaValidator } from './structured.ts';
import { type BuiltinTemplateDef, TemplateService } from './templates.ts';

export {
  type AnswerCall,
  type AnswerKind,
  type AssetSink,
  Gateway,
  type GenerationCall,
  type MediaKind,
  type MediaOutcome,
  type Outcome,
} from './gateway.ts';
export { Router } from './router.ts';
export { parseJsonAnswer, SchemaValidator, structuredOutput } from './structured.ts';
export { TemplateService } from './templates.ts';

/** The generation gateway as the tools use it. */
export interface Generation {
  gateway: Gateway;
  router: Router;
  templates: TemplateService;
  validator: SchemaValidator;
  db: GenerationDb;
  close(): void;
}

export interface GenerationDeps {
  config: GenerationConfig & { AUTOMOVIE_DATA_DIR: string };
  store: GraphStore;
  assets: AssetSink;
  audit?: AuditLog;
  events?: EventPublisher;
  logger: Logger;
  /** Every configured provider (real ones and offline ones); chains are built from them by config. */
  providers: readonly Provider[];
  builtins: Readonly<Record<BuiltinTemplateName, BuiltinTemplateDef>>;
  /** Credential values to blank out of provider messages. */
  secrets: readonly string[];
  /** Default `<AUTOMOVIE_DATA_DIR>/generation.db`. */
  dbFile?: string;
}

/** Builds the gateway: chains from the providers and config, the router, the metering/cache database, templates. */
export function createGeneration(d: GenerationDeps): Generation {
  const logger = d.logger.child({ component: 'generation' });
  const redactor = new Redactor(d.secrets);
  const router = new Router(buildChains(d.providers, d.config, logger), { ...routerOptionsOf(d.config), logger, redactor });
  const db = new GenerationDb(d.dbFile ?? join(d.config.AUTOMOVIE_DATA_DIR, 'generation.db'), {
    ...(d.config.GENERATION_CACHE_MAX_ENTRIES === undefined ? {} : { cacheMaxEntries: d.config.GENERATION_CACHE_MAX_ENTRIES }),
  });
  const validator = new SchemaValidator();
  const gateway = new Gateway({
    store: d.store,
    assets: d.assets,
    db,
    router,
    logger,
    ...(d.audit ? { audit: d.audit } : {}),
    ...(d.events ? { events: d.events } : {}),
    prices: pricesOf(d.config),
    cache: d.config.GENERATION_CACHE ?? true,
  });
  return { gateway, router, templates: new TemplateService(d.store, d.builtins, validator), validator, db, close: () => db.close() };
}
