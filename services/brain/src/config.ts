import { FLEET } from '@automovie/contracts';
import { baseConfigSchema, loadConfig } from '@automovie/service-kit';
import { z } from 'zod';
import type { EmbeddingConfig } from './embeddings/index.ts';
import { generationConfigShape } from './generation/config.ts';

const optionalInt = z.coerce.number().int().positive().optional();
const optionalText = z.string().min(1).optional();
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

export const brainConfigSchema = baseConfigSchema
  .extend({
    PORT: baseConfigSchema.shape.PORT.default(FLEET.brain.port),
    // The generation gateway's chains, deadlines, retries, breakers, rate limits, cache and prices (generation/config.ts).
    ...generationConfigShape,
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
    // real AI providers (each enabled by its key or URL; see src/generation/providers/real.ts)
    /** Enables the `openrouter` text/vision providers. */
    OPENROUTER_API_KEY: optionalText,
    /** Default https://openrouter.ai/api/v1. */
    OPENROUTER_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
    /** Default google/gemini-2.5-flash. */
    OPENROUTER_MODEL: optionalText,
    /** The `openrouter-backup` chain entry. Default openai/gpt-4o-mini; `none` turns it off. */
    OPENROUTER_BACKUP_MODEL: optionalText,
    /** describe_image model. Default: OPENROUTER_MODEL. */
    OPENROUTER_VISION_MODEL: optionalText,
    /** Enables the `openai-compatible` text provider (OpenAI, Ollama, vLLM, LM Studio…); needs OPENAI_COMPAT_MODEL. */
    OPENAI_COMPAT_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
    /** Optional: Ollama and a local vLLM need none. */
    OPENAI_COMPAT_API_KEY: optionalText,
    OPENAI_COMPAT_MODEL: optionalText,
    /** A vision-capable model on the same endpoint (llava, gpt-4o…). Unset: no vision there. */
    OPENAI_COMPAT_VISION_MODEL: optionalText,
    /** Structured output as json_schema (default) or json_object (schema in the prompt). */
    OPENAI_COMPAT_JSON_MODE: z.enum(['json_schema', 'json_object']).optional(),
    /** Enables the `fal` image, video and 3D providers. */
    FAL_KEY: optionalText,
    /** Tests only: an origin replacing fal's hosts. */
    FAL_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
    FAL_IMAGE_MODEL: optionalText,
    FAL_IMAGE_TO_IMAGE_MODEL: optionalText,
    FAL_VIDEO_MODEL: optionalText,
    FAL_TEXT_TO_VIDEO_MODEL: optionalText,
    FAL_3D_MODEL: optionalText,
    /** Enables the `elevenlabs` speech, music and sound-effect providers. */
    ELEVENLABS_API_KEY: optionalText,
    /** Default https://api.elevenlabs.io (tests: a loopback server). */
    ELEVENLABS_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
    /** Text-to-speech model. Default eleven_multilingual_v2. */
    ELEVENLABS_MODEL: optionalText,
    /** Voices picked per character by gender: `id:female,id:male,…`. Default: ElevenLabs' premade voices. */
    ELEVENLABS_VOICES: z
      .string()
      .regex(
        /^\s*[A-Za-z0-9]{8,64}:(female|male|neutral)\s*(,\s*[A-Za-z0-9]{8,64}:(female|male|neutral)\s*)*$/,
        'a list of <voiceId>:<female|male|neutral>',
      )
      .optional(),
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
    /** How often blobs no Asset node references are deleted, in seconds; 0 turns collection off. Default 21600 (6 h). */
    ASSET_GC_INTERVAL_S: z.coerce.number().int().min(0).max(2_000_000).default(21_600),
    /** Blobs (and upload temp files) younger than this are never collected, in seconds. Default 3600. */
    ASSET_GC_MIN_AGE_S: z.coerce.number().int().min(60).default(3600),
  })
  .superRefine((c, ctx) => {
    if (c.GRAPH_BACKEND === 'neo4j' && c.NEO4J_URI === undefined) {
      ctx.addIssue({ code: 'custom', path: ['NEO4J_URI'], message: 'required when GRAPH_BACKEND is neo4j' });
    }
    if (c.GRAPH_BACKEND === 'neo4j' && c.NEO4J_PASSWORD === undefined) {
      ctx.addIssue({ code: 'custom', path: ['NEO4J_PASSWORD'], message: 'required when GRAPH_BACKEND is neo4j' });
    }
    if (c.OPENAI_COMPAT_BASE_URL !== undefined && c.OPENAI_COMPAT_MODEL === undefined) {
      ctx.addIssue({ code: 'custom', path: ['OPENAI_COMPAT_MODEL'], message: 'required when OPENAI_COMPAT_BASE_URL is set' });
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
