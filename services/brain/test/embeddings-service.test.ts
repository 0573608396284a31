import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type EmbeddingCacheEntry, type EmbeddingCacheStore, embeddingCacheKey, VectorLru } from '../src/embeddings/cache.ts';
import { LOCAL_EMBEDDING_MODEL, LocalEmbeddingProvider } from '../src/embeddings/local.ts';
import type { EmbeddingProvider, EmbeddingProviderName, EmbedOptions } from '../src/embeddings/provider.ts';
import { EmbeddingService } from '../src/embeddings/service.ts';
import { captureLogger, caught, type FixtureServer, startFixtureServer } from './embeddings-fixture-server.ts';

/** A paid provider stand-in: records what it is asked, answers with local vectors. */
class CountingProvider implements EmbeddingProvider {
  readonly name: EmbeddingProviderName;
  readonly model: string;
  readonly dimension = 32;
  readonly inputTypeSensitive: boolean;
  readonly calls: { texts: string[]; inputType: string | undefined }[] = [];
  readonly #inner = new LocalEmbeddingProvider({ dimension: 32 });

  constructor(name: EmbeddingProviderName = 'jina', opts: { model?: string; inputTypeSensitive?: boolean } = {}) {
    this.name = name;
    this.model = opts.model ?? 'fake-model-1';
    this.inputTypeSensitive = opts.inputTypeSensitive ?? true;
  }

  async embed(texts: readonly string[], opts: EmbedOptions = {}): Promise<Float32Array[]> {
    this.calls.push({ texts: [...texts], inputType: opts.inputType });
    // A query vector differs from a passage vector, as with Jina's task adapters.
    return Promise.all(texts.map(async (t) => this.#inner.embedOne(opts.inputType === 'query' ? `query: ${t}` : t)));
  }
}

class MemoryStore implements EmbeddingCacheStore {
  readonly rows = new Map<string, EmbeddingCacheEntry>();
  reads = 0;
  failReads = false;
  failWrites = false;
  async getMany(keys: readonly string[]): Promise<Map<string, Float32Array>> {
    this.reads++;
    if (this.failReads) throw new Error('database is locked');
    const out = new Map<string, Float32Array>();
    for (const k of keys) {
      const row = this.rows.get(k);
      if (row) out.set(k, row.vector);
    }
    return out;
  }
  async setMany(entries: readonly EmbeddingCacheEntry[]): Promise<void> {
    if (this.failWrites) throw new Error('disk full');
    for (const e of entries) this.rows.set(e.key, e);
  }
}

const SCENE = ['The train pulls out of the station.', 'Anna waves from the platform.', 'Steam hides her face.'];

describe('EmbeddingService: choosing the provider', () => {
  it('defaults to local, to jina when a Jina key is set, and to openai only when named', () => {
    expect(new EmbeddingService().defaultProvider).toBe('local');
    expect(new EmbeddingService({ jina: { apiKey: 'jina_k' } }).defaultProvider).toBe('jina');
    expect(new EmbeddingService({ jina: { apiKey: '' } }).defaultProvider).toBe('local');
    expect(new EmbeddingService({ openai: { apiKey: 'sk-k' } }).defaultProvider).toBe('local');
    expect(new EmbeddingService({ provider: 'openai', openai: { apiKey: 'sk-k' }, jina: { apiKey: 'jina_k' } }).defaultProvider).toBe(
      'openai',
    );
    expect(new EmbeddingService({ provider: 'local', jina: { apiKey: 'jina_k' } }).defaultProvider).toBe('local');
  });

  it('lists the providers it can use, with their models and dimensions', () => {
    const service = new EmbeddingService({ jina: { apiKey: 'jina_k', dimension: 512 }, local: { dimension: 128 } });
    expect(service.providers()).toEqual([
      { name: 'local', model: LOCAL_EMBEDDING_MODEL, dimension: 128, default: false },
      { name: 'jina', model: 'jina-embeddings-v4', dimension: 512, default: true },
    ]);
  });

  it('refuses a named provider without its key, naming the env variable', () => {
    expect(() => new EmbeddingService({ provider: 'jina' })).toThrow(
      expect.objectContaining({ code: 'INVALID_CONFIG', message: expect.stringContaining('JINA_API_KEY') }),
    );
    expect(() => new EmbeddingService({ provider: 'openai', jina: { apiKey: 'jina_k' } })).toThrow(
      expect.objectContaining({ code: 'INVALID_CONFIG', message: expect.stringContaining('OPENAI_API_KEY') }),
    );
  });

  it('rejects bad config with INVALID_CONFIG naming each field', () => {
    const err = (() => {
      try {
        new EmbeddingService({ local: { dimension: 3 }, jina: { apiKey: 'k', baseURL: 'not a url' }, cache: { maxEntries: -1 } });
      } catch (e) {
        return e as Error & { code: string };
      }
      throw new Error('no error');
    })();
    expect(err.code).toBe('INVALID_CONFIG');
    expect(err.message).toContain('local.dimension');
    expect(err.message).toContain('jina.baseURL');
    expect(err.message).toContain('cache.maxEntries');
    expect(() => new EmbeddingService({ jina: { apiKey: 'k', bogus: 1 } } as never)).toThrow(/jina/);
  });

  it('answers BRAIN_EMBEDDING_PROVIDER_NOT_CONFIGURED when a call names a provider without a key', async () => {
    const err = await caught(() => new EmbeddingService().embed(SCENE, { provider: 'openai' }));
    expect(err).toMatchObject({ code: 'BRAIN_EMBEDDING_PROVIDER_NOT_CONFIGURED', status: 400, retryable: false });
    expect(err.message).toContain("'openai' is not configured");
    expect(err.message).toContain('available: local');
  });
});

describe('EmbeddingService: embedding', () => {
  it('embeds with the local provider by default and says so', async () => {
    const result = await new EmbeddingService().embed(SCENE);
    expect(result).toMatchObject({ cachedCount: 0, provider: 'local', model: LOCAL_EMBEDDING_MODEL, dimension: 256 });
    expect(result.vectors).toHaveLength(3);
    expect(result.vectors[1]).toEqual(new LocalEmbeddingProvider().embedOne(SCENE[1]!));
  });

  it('validates texts, naming the index and the rule, before calling any provider', async () => {
    const fake = new CountingProvider('local');
    const service = new EmbeddingService({}, { providers: { local: fake } });
    const err = await caught(() => service.embed(['ok', '', 'x'.repeat(32_001), 7 as unknown as string]));
    expect(err.code).toBe('INVALID_INPUT');
    expect(err.message).toContain('texts[1]: must not be empty');
    expect(err.message).toContain('texts[2]: must be at most 32000 characters, got 32001');
    expect(err.message).toContain('texts[3]: must be a string, got number');
    expect(fake.calls).toEqual([]);
    expect(await service.embed([])).toMatchObject({ vectors: [], cachedCount: 0 });
    expect(fake.calls).toEqual([]);
  });

  it('embeds identical texts of one call once, and returns them in the caller’s order', async () => {
    const fake = new CountingProvider('local');
    const service = new EmbeddingService({}, { providers: { local: fake } });
    const texts = ['B', 'A', 'B', 'C', 'A'];
    const { vectors } = await service.embed(texts);
    expect(fake.calls.map((c) => c.texts)).toEqual([['B', 'A', 'C']]);
    expect(vectors[0]).toEqual(vectors[2]);
    expect(vectors[1]).toEqual(vectors[4]);
    expect(vectors[0]).not.toEqual(vectors[1]);
    vectors[0]![0] = 42; // copies: changing one does not change its duplicate
    expect(vectors[2]![0]).not.toBe(42);
  });

  it('caches paid vectors by content: a repeat call costs nothing and counts as cached', async () => {
    const fake = new CountingProvider('jina');
    const service = new EmbeddingService({ provider: 'jina' }, { providers: { jina: fake } });
    const first = await service.embed(SCENE);
    expect(first).toMatchObject({ cachedCount: 0, provider: 'jina', model: 'fake-model-1', dimension: 32 });
    first.vectors[0]![0] = 99; // the caller's copy, not the cache's

    const again = await service.embed([SCENE[2]!, 'A new line of dialogue.', SCENE[0]!, SCENE[0]!]);
    expect(fake.calls.map((c) => c.texts)).toEqual([SCENE, ['A new line of dialogue.']]);
    expect(again.cachedCount).toBe(3);
    expect(again.vectors[2]![0]).not.toBe(99);
    expect(again.vectors[0]).toEqual((await service.embed([SCENE[2]!])).vectors[0]);
  });

  it('keeps query and passage vectors apart for providers where they differ, and shares them where not', async () => {
    const sensitive = new CountingProvider('jina', { inputTypeSensitive: true });
    const s1 = new EmbeddingService({ provider: 'jina' }, { providers: { jina: sensitive } });
    const passage = await s1.embed(['red door']);
    const query = await s1.embed(['red door'], { inputType: 'query' });
    expect(query.cachedCount).toBe(0);
    expect(sensitive.calls.map((c) => c.inputType)).toEqual(['passage', 'query']);
    expect(query.vectors[0]).not.toEqual(passage.vectors[0]);

    const insensitive = new CountingProvider('openai', { inputTypeSensitive: false });
    const s2 = new EmbeddingService({ provider: 'openai', openai: { apiKey: 'sk-k' } }, { providers: { openai: insensitive } });
    await s2.embed(['red door']);
    expect((await s2.embed(['red door'], { inputType: 'query' })).cachedCount).toBe(1);
    expect(insensitive.calls).toHaveLength(1);
  });

  it('does not cache the local provider unless asked (recomputing is cheap; paid vectors keep the room)', async () => {
    const plain = new EmbeddingService();
    await plain.embed(SCENE);
    expect((await plain.embed(SCENE)).cachedCount).toBe(0);
    const cached = new EmbeddingService({ cache: { local: true } });
    await cached.embed(SCENE);
    const hit = await cached.embed(SCENE);
    expect(hit.cachedCount).toBe(3);
    expect(hit.vectors[0]).toEqual(new LocalEmbeddingProvider().embedOne(SCENE[0]!));
  });

  it('reads and writes the persistent layer: a fresh service (a restart) finds what was paid for', async () => {
    const store = new MemoryStore();
    const first = new CountingProvider('jina');
    await new EmbeddingService({ provider: 'jina' }, { providers: { jina: first }, store }).embed(SCENE);
    expect(store.rows.size).toBe(3);
    const row = [...store.rows.values()][0]!;
    expect(row).toMatchObject({ provider: 'jina', model: 'fake-model-1', dimension: 32 });
    expect(row.key).toBe(embeddingCacheKey('jina', 'fake-model-1', 32, 'passage', SCENE[0]!));

    const second = new CountingProvider('jina');
    const restarted = new EmbeddingService({ provider: 'jina' }, { providers: { jina: second }, store });
    const result = await restarted.embed([...SCENE, 'Fade out.']);
    expect(result.cachedCount).toBe(3);
    expect(second.calls.map((c) => c.texts)).toEqual([['Fade out.']]);
    // Now in memory too: no store read needed for those.
    const reads = store.reads;
    expect((await restarted.embed(SCENE)).cachedCount).toBe(3);
    expect(store.reads).toBe(reads);
  });

  it('ignores stored vectors of the wrong dimension', async () => {
    const store = new MemoryStore();
    const key = embeddingCacheKey('jina', 'fake-model-1', 32, 'passage', 'Fade in.');
    store.rows.set(key, { key, provider: 'jina', model: 'fake-model-1', dimension: 32, vector: new Float32Array(16).fill(0.25) });
    const fake = new CountingProvider('jina');
    const result = await new EmbeddingService({ provider: 'jina' }, { providers: { jina: fake }, store }).embed(['Fade in.']);
    expect(result.cachedCount).toBe(0);
    expect(result.vectors[0]).toHaveLength(32);
    expect(fake.calls).toHaveLength(1);
  });

  it('survives a failing persistent layer: logged, treated as a miss, the embedding still succeeds', async () => {
    const { logger, lines } = captureLogger();
    const store = new MemoryStore();
    store.failReads = true;
    store.failWrites = true;
    const fake = new CountingProvider('jina');
    const result = await new EmbeddingService({ provider: 'jina' }, { providers: { jina: fake }, store, logger }).embed(SCENE);
    expect(result.vectors).toHaveLength(3);
    expect(lines.join('\n')).toContain('database is locked');
    expect(lines.join('\n')).toContain('disk full');
  });
});

describe('EmbeddingService with the real Jina adapter on loopback', () => {
  let server: FixtureServer;
  beforeEach(async () => {
    server = await startFixtureServer();
  });
  afterEach(() => server.close());

  it('keeps the batches paid for before a failure, so the retry only pays for the rest', async () => {
    const store = new MemoryStore();
    const service = new EmbeddingService(
      {
        jina: {
          apiKey: 'jina_test_key_123456789',
          baseURL: `${server.origin}/v1`,
          dimension: 128,
          maxItemsPerRequest: 2,
          concurrency: 1,
          maxRetries: 0,
        },
      },
      { store },
    );
    const texts = ['Shot 1: wide.', 'Shot 2: close-up.', 'Shot 3: over the shoulder.', 'Shot 4: insert.'];
    server.reply({ generateFrom: 'jina-ok' }, { fixture: 'jina-401' });
    const err = await caught(() => service.embed(texts));
    expect(err.code).toBe('BRAIN_EMBEDDING_PROVIDER_ERROR');
    expect(store.rows.size).toBe(2);

    server.reply({ generateFrom: 'jina-ok' });
    const result = await service.embed(texts);
    expect(server.requests.map((r) => r.body.input)).toEqual([texts.slice(0, 2), texts.slice(2), texts.slice(2)]);
    expect(result).toMatchObject({ cachedCount: 2, provider: 'jina', model: 'jina-embeddings-v4', dimension: 128 });
    for (const v of result.vectors) expect(Math.hypot(...v)).toBeCloseTo(1, 5);
  });
});

describe('cache pieces', () => {
  it('keys are sha256 hex of provider, model, dimension, input type and text, NUL-separated', () => {
    const key = embeddingCacheKey('openai', 'text-embedding-3-small', 1536, '', 'Hello');
    expect(key).toBe(createHash('sha256').update('openai\0text-embedding-3-small\x001536\0\0Hello').digest('hex'));
    const variants = [
      embeddingCacheKey('jina', 'text-embedding-3-small', 1536, '', 'Hello'),
      embeddingCacheKey('openai', 'text-embedding-3-large', 1536, '', 'Hello'),
      embeddingCacheKey('openai', 'text-embedding-3-small', 512, '', 'Hello'),
      embeddingCacheKey('openai', 'text-embedding-3-small', 1536, 'query', 'Hello'),
      embeddingCacheKey('openai', 'text-embedding-3-small', 1536, '', 'Hello '),
    ];
    expect(new Set([key, ...variants]).size).toBe(6);
  });

  it('the LRU evicts the least recently used entry past maxEntries', () => {
    const lru = new VectorLru({ maxEntries: 2 });
    const v = (x: number) => new Float32Array([x]);
    lru.set('a', v(1));
    lru.set('b', v(2));
    expect(lru.get('a')).toEqual(v(1)); // a is now the most recent
    lru.set('c', v(3));
    expect(lru.get('b')).toBeUndefined();
    expect(lru.get('a')).toEqual(v(1));
    expect(lru.get('c')).toEqual(v(3));
    expect(lru.size).toBe(2);
  });

  it('the LRU is also bounded by bytes', () => {
    const lru = new VectorLru({ maxEntries: 1000, maxBytes: 3 * (4096 + 288) });
    for (let i = 0; i < 10; i++) lru.set(`k${i}`, new Float32Array(1024));
    expect(lru.size).toBe(3);
    expect(lru.bytes).toBeLessThanOrEqual(3 * (4096 + 288));
    expect(lru.get('k9')).toBeDefined();
    expect(lru.get('k6')).toBeUndefined();
    lru.set('k9', new Float32Array(1024)); // replacing does not double-count
    expect(lru.size).toBe(3);
    expect(lru.bytes).toBe(3 * (4096 + 288));
  });
});
