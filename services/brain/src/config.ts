import { FLEET } from '@automovie/contracts';
import { baseConfigSchema, loadConfig } from '@automovie/service-kit';
import { z } from 'zod';
import type { EmbeddingConfig } from './embeddings/index.ts';

const optionalInt = z.coerce.number().int().positive().optional();
const optionalText = z.string().min(1).optional();
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

export const brainConfigSchema = baseConfigSchema
  .extend({
    PORT: baseConfigSchema.shape.PORT.default(FLEET.brain.port),
    /** Where domain events go (a Redis Stream). Unset: events are not published (logged once at start). */
    REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
    /** `embedded` (SQLite + HNSW in AUTOMOVIE_DATA_DIR; default) or `neo4j`. */
    GRAPH_BACKEND: z.enum(['embedded', 'neo4j']).default('embedded'),
    NEO4J_URI: z
      .string()
      .regex(/^(neo4j|bolt)(\+s|\+ssc)?:\/\//, 'a neo4j:// or bolt:// URI')
      .optional(),
    NEO4J_USER: z.string().min(1).default('neo4j'),
    NEO4J_PASSWORD: optionalText,
    NEO4J_DATABASE: optionalText,
    /** Projects with fewer vectors are searched exactly. Default 2000. */
    VECTOR_EXACT_THRESHOLD: optionalInt,
    VECTOR_HNSW_M: optionalInt,
    VECTOR_EF_CONSTRUCTION: optionalInt,
    VECTOR_EF_SEARCH: optionalInt,
    EMBEDDING_PROVIDER: z.enum(['local', 'jina', 'openai']).optional(),
    EMBEDDING_LOCAL_DIMENSION: optionalInt,
    EMBEDDING_TIMEOUT_MS: optionalInt,
    EMBEDDING_MAX_RETRIES: z.coerce.number().int().min(0).max(10).optional(),
    EMBEDDING_CACHE_MAX_ENTRIES: z.coerce.number().int().min(0).optional(),
    EMBEDDING_CACHE_MAX_MB: optionalInt,
    EMBEDDING_CACHE_LOCAL: bool.optional(),
    JINA_API_KEY: optionalText,
    JINA_BASE_URL: z.url().optional(),
    JINA_EMBEDDING_MODEL: optionalText,
    JINA_EMBEDDING_DIMENSION: optionalInt,
    OPENAI_API_KEY: optionalText,
    OPENAI_EMBEDDING_BASE_URL: z.url().optional(),
    OPENAI_EMBEDDING_MODEL: optionalText,
    OPENAI_EMBEDDING_DIMENSION: optionalInt,
    OPENAI_EMBEDDING_SEND_DIMENSIONS: bool.optional(),
    OPENAI_EMBEDDING_ENCODING: z.enum(['base64', 'float']).optional(),
    /** Base of the signed asset URLs the brain hands out (e.g. https://brain.example.com). Default: http://<HOST>:<listening port>. */
    BRAIN_PUBLIC_URL: z
      .url({ protocol: /^https?$/ })
      .transform((u) => u.replace(/\/+$/, ''))
      .optional(),
    /** Key material of signed asset URLs and asset seals (≥ 32 characters). Default: derived from AUTOMOVIE_JWT_SECRET. */
    ASSET_URL_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    /** Where asset blobs live. Default: <AUTOMOVIE_DATA_DIR>/assets. */
    ASSET_DIR: optionalText,
    /** Largest upload an upload URL may allow. Default 2 GiB. */
    ASSET_MAX_UPLOAD_BYTES: z.coerce
      .number()
      .int()
      .positive()
      .max(2 * 1024 ** 3)
      .default(2 * 1024 ** 3),
  })
  .superRefine((c, ctx) => {
    if (c.GRAPH_BACKEND === 'neo4j' && c.NEO4J_URI === undefined) {
      ctx.addIssue({ code: 'custom', path: ['NEO4J_URI'], message: 'required when GRAPH_BACKEND is neo4j' });
    }
    if (c.GRAPH_BACKEND === 'neo4j' && c.NEO4J_PASSWORD === undefined) {
      ctx.addIssue({ code: 'custom', path: ['NEO4J_PASSWORD'], message: 'required when GRAPH_BACKEND is neo4j' });
    }
  });
export type BrainConfig = z.infer<typeof brainConfigSchema>;

/** The brain's configuration from `env` (the only place that reads the environment). */
export function loadBrainConfig(env: Record<string, string | undefined>): Readonly<BrainConfig> {
  return loadConfig(brainConfigSchema, env);
}

function defined<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The embedding layer's configuration, from the brain's. */
export function embeddingConfig(c: BrainConfig): EmbeddingConfig {
  const remote = { timeoutMs: c.EMBEDDING_TIMEOUT_MS, maxRetries: c.EMBEDDING_MAX_RETRIES };
  return defined({
    provider: c.EMBEDDING_PROVIDER,
    local: defined({ dimension: c.EMBEDDING_LOCAL_DIMENSION }),
    jina: defined({
      apiKey: c.JINA_API_KEY,
      baseURL: c.JINA_BASE_URL,
      model: c.JINA_EMBEDDING_MODEL,
      dimension: c.JINA_EMBEDDING_DIMENSION,
      ...remote,
    }),
    openai: defined({
      apiKey: c.OPENAI_API_KEY,
      baseURL: c.OPENAI_EMBEDDING_BASE_URL,
      model: c.OPENAI_EMBEDDING_MODEL,
      dimension: c.OPENAI_EMBEDDING_DIMENSION,
      sendDimensions: c.OPENAI_EMBEDDING_SEND_DIMENSIONS,
      encodingFormat: c.OPENAI_EMBEDDING_ENCODING,
      ...remote,
    }),
    cache: defined({
      maxEntries: c.EMBEDDING_CACHE_MAX_ENTRIES,
      maxBytes: c.EMBEDDING_CACHE_MAX_MB === undefined ? undefined : c.EMBEDDING_CACHE_MAX_MB * 1024 * 1024,
      local: c.EMBEDDING_CACHE_LOCAL,
    }),
  }) as EmbeddingConfig;
}
