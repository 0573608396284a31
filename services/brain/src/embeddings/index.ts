export { type EmbeddingCacheEntry, type EmbeddingCacheStore, embeddingCacheKey, type LruOptions, VectorLru } from './cache.ts';
export type { EmbeddingErrorCode, EmbeddingErrorData } from './errors.ts';
export { JINA_DEFAULTS, type JinaEmbeddingOptions, JinaEmbeddingProvider } from './jina.ts';
export { LOCAL_DEFAULT_DIMENSION, LOCAL_EMBEDDING_MODEL, type LocalEmbeddingOptions, LocalEmbeddingProvider } from './local.ts';
export { OPENAI_DEFAULTS, type OpenAIEmbeddingOptions, OpenAIEmbeddingProvider } from './openai.ts';
export {
  EMBEDDING_PROVIDER_NAMES,
  type EmbeddingInputType,
  type EmbeddingProvider,
  type EmbeddingProviderName,
  type EmbedOptions,
} from './provider.ts';
export type { RemoteProviderOptions } from './remote.ts';
export {
  type EmbeddingConfig,
  EmbeddingService,
  type EmbeddingServiceDeps,
  type EmbedResult,
  embeddingConfigSchema,
  type ProviderInfo,
  type ServiceEmbedOptions,
} from './service.ts';
export { cosine } from './vector.ts';
