import { AutomovieError, type FieldIssue, fromZodError, MAX_EMBED_TEXT_CHARS } from '@automovie/contracts';
import type { Logger } from 'pino';
import { z } from 'zod';
import { type EmbeddingCacheEntry, type EmbeddingCacheStore, embeddingCacheKey, VectorLru } from './cache.ts';
import { embeddingError } from './errors.ts';
import { JinaEmbeddingProvider } from './jina.ts';
import { LOCAL_MAX_DIMENSION, LOCAL_MIN_DIMENSION, LocalEmbeddingProvider } from './local.ts';
import { OpenAIEmbeddingProvider } from './openai.ts';
import type { EmbeddingInputType, EmbeddingProvider, EmbeddingProviderName } from './provider.ts';

const ProviderNameSchema = z.enum(['local', 'jina', 'openai']);
const posInt = z.number().int().positive();

const remoteFields = {
  /** Unset or empty: the provider is not available. */
  apiKey: z.string().optional(),
  baseURL: z.url({ protocol: /^https?$/ }).optional(),
  model: z.string().min(1).optional(),
  dimension: posInt.max(8192).optional(),
  timeoutMs: posInt.optional(),
  maxRetries: z.number().int().min(0).max(10).optional(),
  maxItemsPerRequest: posInt.max(2048).optional(),
  maxTokensPerRequest: posInt.optional(),
  concurrency: posInt.max(16).optional(),
};

/** The embedding layer's configuration; the brain's config.ts maps the environment to it. */
export const embeddingConfigSchema = z
  .object({
    /** Default provider. Default: `jina` when a Jina key is set, else `local` (`openai` only when named). */
    provider: ProviderNameSchema.optional(),
    local: z
      .object({ dimension: z.number().int().min(LOCAL_MIN_DIMENSION).max(LOCAL_MAX_DIMENSION).optional() })
      .strict()
      .default({}),
    jina: z.object(remoteFields).strict().default({}),
    openai: z
      .object({ ...remoteFields, sendDimensions: z.boolean().optional(), encodingFormat: z.enum(['base64', 'float']).optional() })
      .strict()
      .default({}),
    cache: z
      .object({
        /** In-memory LRU size. Default 50,000 vectors. */
        maxEntries: z.number().int().min(0).optional(),
        /** In-memory LRU bytes. Default 128 MiB. */
        maxBytes: posInt.optional(),
        /**
         * Cache the local provider too. A hit costs ~1.7 µs against ~8–12 µs to recompute 200 chars, but
         * local vectors would take LRU room from paid ones, and recomputing is already cheap. Default false.
         */
        local: z.boolean().optional(),
      })
      .strict()
      .default({}),
  })
  .strict();
export type EmbeddingConfig = z.input<typeof embeddingConfigSchema>;

export interface EmbeddingServiceDeps {
  logger?: Logger;
  /** The persistent cache layer (the graph store's); default none. */
  store?: EmbeddingCacheStore;
  /** Replaces the providers the config would build (tests, or a custom provider). */
  providers?: Partial<Record<EmbeddingProviderName, EmbeddingProvider>>;
  /** The fetch the Jina and OpenAI adapters use. Default: the global fetch. */
  fetch?: typeof fetch;
}

export interface ServiceEmbedOptions {
  /** Default: the configured provider. */
  provider?: EmbeddingProviderName;
  /** Default `passage`; semantic search embeds its query with `query`. */
  inputType?: EmbeddingInputType;
  signal?: AbortSignal;
}

export interface EmbedResult {
  /** One L2-normalised vector per input text, in order (copies: callers may change them). */
  vectors: Float32Array[];
  /** How many of the texts were answered from the cache (memory or persistent) rather than the provider. */
  cachedCount: number;
  provider: EmbeddingProviderName;
  model: string;
  dimension: number;
}

export interface ProviderInfo {
  name: EmbeddingProviderName;
  model: string;
  dimension: number;
  default: boolean;
}

function badTexts(issues: FieldIssue[]): AutomovieError {
  const head = issues
    .slice(0, 5)
    .map((i) => `${i.path}: ${i.message}`)
    .join('; ');
  const more = issues.length > 5 ? ` (and ${issues.length - 5} more)` : '';
  return new AutomovieError('INVALID_INPUT', `Invalid input: ${head}${more}`, { data: { issues } });
}

/**
 * Embeds texts with the configured provider, through a content-hash cache (memory LRU over an
 * optional persistent store), deduplicating identical texts within a call and batching provider
 * requests. There is deliberately no fallback between providers: vectors of two models live in
 * different spaces, and an index silently mixing them would return nonsense.
 */
export class EmbeddingService {
  readonly defaultProvider: EmbeddingProviderName;
  readonly #providers: Partial<Record<EmbeddingProviderName, EmbeddingProvider>>;
  readonly #lru: VectorLru;
  readonly #cacheLocal: boolean;
  readonly #store: EmbeddingCacheStore | undefined;
  readonly #logger: Logger | undefined;

  constructor(config: EmbeddingConfig = {}, deps: EmbeddingServiceDeps = {}) {
    const parsed = embeddingConfigSchema.safeParse(config);
    if (!parsed.success) throw fromZodError(parsed.error, 'embedding config', 'INVALID_CONFIG');
    const cfg = parsed.data;
    this.#logger = deps.logger;
    this.#store = deps.store;
    this.#lru = new VectorLru({
      ...(cfg.cache.maxEntries === undefined ? {} : { maxEntries: cfg.cache.maxEntries }),
      ...(cfg.cache.maxBytes === undefined ? {} : { maxBytes: cfg.cache.maxBytes }),
    });
    this.#cacheLocal = cfg.cache.local ?? false;

    const shared = { ...(deps.logger ? { logger: deps.logger } : {}), ...(deps.fetch ? { fetch: deps.fetch } : {}) };
    const providers: Partial<Record<EmbeddingProviderName, EmbeddingProvider>> = {
      local: new LocalEmbeddingProvider(cfg.local.dimension === undefined ? {} : { dimension: cfg.local.dimension }),
    };
    const { apiKey: jinaKey, ...jina } = cfg.jina;
    if (jinaKey) providers.jina = new JinaEmbeddingProvider({ ...jina, ...shared, apiKey: jinaKey });
    const { apiKey: openaiKey, ...openai } = cfg.openai;
    if (openaiKey) providers.openai = new OpenAIEmbeddingProvider({ ...openai, ...shared, apiKey: openaiKey });
    Object.assign(providers, deps.providers);
    this.#providers = providers;

    this.defaultProvider = cfg.provider ?? (providers.jina ? 'jina' : 'local');
    if (!providers[this.defaultProvider]) {
      const env = this.defaultProvider === 'jina' ? 'JINA_API_KEY' : 'OPENAI_API_KEY';
      throw new AutomovieError(
        'INVALID_CONFIG',
        `Invalid embedding config: provider: '${this.defaultProvider}' is chosen but has no API key (${this.defaultProvider}.apiKey, ${env})`,
      );
    }
  }

  /** The providers this brain can use, for list_providers. */
  providers(): ProviderInfo[] {
    return (Object.values(this.#providers) as EmbeddingProvider[]).map((p) => ({
      name: p.name,
      model: p.model,
      dimension: p.dimension,
      default: p.name === this.defaultProvider,
    }));
  }

  /** The provider `name` (default: the configured one), or BRAIN_EMBEDDING_PROVIDER_NOT_CONFIGURED. */
  provider(name: EmbeddingProviderName = this.defaultProvider): EmbeddingProvider {
    const p = this.#providers[name];
    if (!p) {
      const configured = Object.keys(this.#providers).join(', ');
      throw embeddingError(
        'BRAIN_EMBEDDING_PROVIDER_NOT_CONFIGURED',
        `Embedding provider '${name}' is not configured on this brain (available: ${configured})`,
        {
          provider: name,
        },
      );
    }
    return p;
  }

  async embed(texts: readonly string[], opts: ServiceEmbedOptions = {}): Promise<EmbedResult> {
    const provider = this.provider(opts.provider);
    const issues: FieldIssue[] = [];
    for (let i = 0; i < texts.length && issues.length < 20; i++) {
      const t = texts[i];
      if (typeof t !== 'string') issues.push({ path: `texts[${i}]`, message: `must be a string, got ${t === null ? 'null' : typeof t}` });
      else if (t.length === 0) issues.push({ path: `texts[${i}]`, message: 'must not be empty' });
      else if (t.length > MAX_EMBED_TEXT_CHARS)
        issues.push({ path: `texts[${i}]`, message: `must be at most ${MAX_EMBED_TEXT_CHARS} characters, got ${t.length}` });
    }
    if (issues.length > 0) throw badTexts(issues);
    opts.signal?.throwIfAborted();
    const meta = { provider: provider.name, model: provider.model, dimension: provider.dimension };
    if (texts.length === 0) return { vectors: [], cachedCount: 0, ...meta };

    // Identical texts are embedded once: slotOf[i] is the index of texts[i] in `unique`.
    const slotOf = new Int32Array(texts.length);
    const unique: string[] = [];
    const seen = new Map<string, number>();
    for (let i = 0; i < texts.length; i++) {
      const t = texts[i]!;
      let slot = seen.get(t);
      if (slot === undefined) {
        slot = unique.length;
        seen.set(t, slot);
        unique.push(t);
      }
      slotOf[i] = slot;
    }

    const vectors: Float32Array[] = new Array(unique.length);
    const fromCache = new Uint8Array(unique.length);
    const inputType = opts.inputType ?? 'passage';
    const embedOpts = { inputType, ...(opts.signal ? { signal: opts.signal } : {}) };

    if (provider.name === 'local' && !this.#cacheLocal) {
      const fresh = await provider.embed(unique, embedOpts);
      for (let i = 0; i < unique.length; i++) vectors[i] = fresh[i]!;
    } else {
      await this.#embedCached(provider, unique, vectors, fromCache, inputType, embedOpts);
    }

    const out: Float32Array[] = new Array(texts.length);
    let cachedCount = 0;
    for (let i = 0; i < texts.length; i++) {
      const slot = slotOf[i]!;
      out[i] = vectors[slot]!.slice();
      cachedCount += fromCache[slot]!;
    }
    return { vectors: out, cachedCount, ...meta };
  }

  async #embedCached(
    provider: EmbeddingProvider,
    unique: string[],
    vectors: Float32Array[],
    fromCache: Uint8Array,
    inputType: EmbeddingInputType,
    embedOpts: { inputType: EmbeddingInputType; signal?: AbortSignal },
  ): Promise<void> {
    const keyType = provider.inputTypeSensitive ? inputType : '';
    const keys = unique.map((t) => embeddingCacheKey(provider.name, provider.model, provider.dimension, keyType, t));
    let missing: number[] = [];
    for (let i = 0; i < unique.length; i++) {
      const hit = this.#lru.get(keys[i]!);
      if (hit) {
        vectors[i] = hit;
        fromCache[i] = 1;
      } else missing.push(i);
    }

    if (missing.length > 0 && this.#store) {
      let stored: Map<string, Float32Array> | undefined;
      try {
        stored = await this.#store.getMany(missing.map((i) => keys[i]!));
      } catch (err) {
        this.#logger?.warn({ err, provider: provider.name }, 'embedding cache store read failed; treating as misses');
      }
      if (stored && stored.size > 0) {
        missing = missing.filter((i) => {
          const v = stored.get(keys[i]!);
          if (!v || v.length !== provider.dimension) return true;
          vectors[i] = v;
          fromCache[i] = 1;
          this.#lru.set(keys[i]!, v);
          return false;
        });
      }
    }
    if (missing.length === 0) return;

    // Each provider request that succeeds is cached at once, so a call failing half-way has still
    // paid for (and kept) the batches that came back.
    const paid: EmbeddingCacheEntry[] = [];
    const keep = (j: number, vector: Float32Array) => {
      const i = missing[j]!;
      if (vectors[i] !== undefined) return;
      vectors[i] = vector;
      this.#lru.set(keys[i]!, vector);
      paid.push({ key: keys[i]!, provider: provider.name, model: provider.model, dimension: provider.dimension, vector });
    };
    try {
      const onBatch = (offset: number, batch: Float32Array[]) => {
        for (let j = 0; j < batch.length; j++) keep(offset + j, batch[j]!);
      };
      const fresh = await provider.embed(
        missing.map((i) => unique[i]!),
        { ...embedOpts, onBatch },
      );
      if (fresh.length !== missing.length) {
        throw embeddingError(
          'BRAIN_EMBEDDING_BAD_RESPONSE',
          `${provider.name} returned ${fresh.length} vectors for ${missing.length} texts`,
          {
            provider: provider.name,
            model: provider.model,
          },
        );
      }
      for (let j = 0; j < fresh.length; j++) keep(j, fresh[j]!);
    } finally {
      if (this.#store && paid.length > 0) {
        try {
          await this.#store.setMany(paid);
        } catch (err) {
          this.#logger?.warn({ err, provider: provider.name, count: paid.length }, 'embedding cache store write failed');
        }
      }
    }
  }
}
