import type { EventPublisher } from '@automovie/service-kit';
import type { Logger } from 'pino';
import type { AssetService } from '../assets/service.ts';
import type { AuditLog } from '../audit.ts';
import type { BrainConfig } from '../config.ts';
import type { GraphStore } from '../graph/store.ts';
import { BUILTIN_TEMPLATE_DEFS } from './drafting/index.ts';
import { createGeneration, type Generation } from './index.ts';
import type { Provider } from './provider.ts';
import { createOfflineMediaProviders } from './providers/offline-media.ts';
import { createOfflineModerationProvider } from './providers/offline-moderation.ts';
import { createOfflineTextProvider } from './providers/offline-text.ts';
import { createOfflineVisionProvider } from './providers/offline-vision.ts';
import { createRealProviders } from './providers/real.ts';
import { secretValuesOf } from './redact.ts';

export interface GenerationSetup {
  store: GraphStore;
  assets: AssetService;
  audit: AuditLog;
  events: EventPublisher | undefined;
  logger: Logger;
  /** Providers besides the configured ones (benchmarks and tests); they join their kind's chain after the real ones. Default none. */
  extraProviders?: readonly Provider[];
}

/** The brain's gateway: the real providers whose keys are configured, then the offline ones that need nothing. */
export function setupGeneration(config: BrainConfig, s: GenerationSetup): Generation {
  const providers: Provider[] = [
    ...createRealProviders(config, { logger: s.logger }),
    ...(s.extraProviders ?? []),
    createOfflineTextProvider(),
    createOfflineVisionProvider(),
    createOfflineModerationProvider(),
    ...createOfflineMediaProviders(),
  ];
  return createGeneration({
    config,
    store: s.store,
    assets: s.assets,
    audit: s.audit,
    ...(s.events ? { events: s.events } : {}),
    logger: s.logger,
    providers,
    builtins: BUILTIN_TEMPLATE_DEFS,
    secrets: secretValuesOf(config),
  });
}
