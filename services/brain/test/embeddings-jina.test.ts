import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type JinaEmbeddingOptions, JinaEmbeddingProvider } from '../src/embeddings/jina.ts';
import { captureLogger, caught, expectedVector, type FixtureServer, loadFixture, startFixtureServer } from './embeddings-fixture-server.ts';

const KEY = 'jina_f1x7ur3k3y0000000000000000000000000000secret';
const TEXTS = ['INT. DINER - NIGHT', 'Mara orders coffee and watches the door.', 'A stranger sits down opposite her.'];

function unit(values: number[]): Float32Array {
  const n = Math.hypot(...values);
  return Float32Array.from(values, (x) => x / n);
}

describe('Jina adapter (recorded responses on loopback)', () => {
  let server: FixtureServer;
  let sleeps: number[];

  beforeEach(async () => {
    server = await startFixtureServer();
    sleeps = [];
  });
  afterEach(() => server.close());

  const jina = (opts: Partial<JinaEmbeddingOptions> = {}) =>
    new JinaEmbeddingProvider({
      apiKey: KEY,
      baseURL: `${server.origin}/v1`,
      dimension: 128,
      maxRetries: 2,
      baseDelayMs: 100,
      random: () => 0,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      ...opts,
    });

  it('POSTs the v4 request with the bearer key and returns the recorded vectors, normalised, in order', async () => {
    server.reply({ fixture: 'jina-ok' });
    const provider = jina();
    expect(provider).toMatchObject({ name: 'jina', model: 'jina-embeddings-v4', dimension: 128, inputTypeSensitive: true });
    const vectors = await provider.embed(TEXTS);

    expect(server.requests).toHaveLength(1);
    const [req] = server.requests;
    expect(req!.method).toBe('POST');
    expect(req!.path).toBe('/v1/embeddings');
    expect(req!.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(req!.headers['content-type']).toBe('application/json');
    expect(req!.body).toEqual({
      model: 'jina-embeddings-v4',
      task: 'retrieval.passage',
      dimensions: 128,
      embedding_type: 'float',
      truncate: true,
      input: TEXTS,
    });

    const recorded = (loadFixture('jina-ok').body as { data: { embedding: number[] }[] }).data;
    expect(vectors).toHaveLength(3);
    vectors.forEach((v, i) => {
      expect(v).toBeInstanceOf(Float32Array);
      expect(Math.hypot(...v)).toBeCloseTo(1, 5);
      const want = unit(recorded[i]!.embedding);
      for (let d = 0; d < 128; d++) expect(v[d]).toBeCloseTo(want[d]!, 6);
    });
  });

  it('places vectors by their index when the reply lists them out of order', async () => {
    server.reply({ fixture: 'jina-ok' }, { fixture: 'jina-ok-reordered' });
    const inOrder = await jina().embed(TEXTS);
    const reordered = await jina().embed(TEXTS);
    expect(reordered).toEqual(inOrder);
  });

  it('asks for retrieval.query when embedding a search query', async () => {
    server.reply({ fixture: 'jina-ok' });
    await jina().embed(TEXTS, { inputType: 'query' });
    expect(server.requests[0]!.body.task).toBe('retrieval.query');
  });

  it('splits big calls by item count, keeping order, and reports each batch', async () => {
    const texts = Array.from({ length: 7 }, (_, i) => `Shot ${i}: the camera pans across the harbour.`);
    server.reply(...Array.from({ length: 3 }, () => ({ generateFrom: 'jina-ok' })));
    const batches: [number, number][] = [];
    const vectors = await jina({ maxItemsPerRequest: 3, concurrency: 1 }).embed(texts, {
      onBatch: (offset, v) => batches.push([offset, v.length]),
    });
    expect(server.requests.map((r) => (r.body.input as string[]).length)).toEqual([3, 3, 1]);
    expect(server.requests.flatMap((r) => r.body.input as string[])).toEqual(texts);
    expect(batches).toEqual([
      [0, 3],
      [3, 3],
      [6, 1],
    ]);
    vectors.forEach((v, i) => {
      const want = expectedVector(texts[i]!, 128);
      for (let d = 0; d < 128; d++) expect(v[d]).toBeCloseTo(want[d]!, 5);
    });
  });

  it('splits by estimated tokens too, and runs batches concurrently without mixing them up', async () => {
    // ~300 ASCII chars ≈ 101 estimated tokens each; 250 per request → 2 texts per request.
    const texts = Array.from({ length: 6 }, (_, i) => `${i} ${'the lighthouse keeper climbs the stairs '.repeat(8)}`.slice(0, 300));
    server.reply(...Array.from({ length: 3 }, (_, i) => ({ generateFrom: 'jina-ok', delayMs: 30 - i * 10 })));
    const vectors = await jina({ maxTokensPerRequest: 250, concurrency: 3 }).embed(texts);
    expect(server.requests.map((r) => (r.body.input as string[]).length)).toEqual([2, 2, 2]);
    vectors.forEach((v, i) => {
      const want = jinaRoundTrip(texts[i]!);
      for (let d = 0; d < 128; d++) expect(v[d]).toBeCloseTo(want[d]!, 6);
    });
  });

  it('waits as long as Retry-After says on a 429, then succeeds', async () => {
    server.reply({ fixture: 'jina-429' }, { fixture: 'jina-ok' });
    const vectors = await jina().embed(TEXTS);
    expect(vectors).toHaveLength(3);
    expect(server.requests).toHaveLength(2);
    expect(sleeps).toEqual([1000]); // Retry-After: 1, larger than the 50 ms backoff step
  });

  it('gives up on a persistent 429 with BRAIN_EMBEDDING_RATE_LIMITED (retryable, 429, retryAfterMs)', async () => {
    server.reply({ fixture: 'jina-429' }, { fixture: 'jina-429' }, { fixture: 'jina-429' });
    const err = await caught(() => jina().embed(TEXTS));
    expect(server.requests).toHaveLength(3);
    expect(err).toMatchObject({
      code: 'BRAIN_EMBEDDING_RATE_LIMITED',
      status: 429,
      retryable: true,
      data: { provider: 'jina', model: 'jina-embeddings-v4', upstreamStatus: 429, attempts: 3, retryAfterMs: 1000 },
    });
    expect(err.message).toContain('Rate limit exceeded');
  });

  it('does not wait out a Retry-After longer than maxRetryAfterMs', async () => {
    server.reply({ fixture: 'jina-429' });
    const err = await caught(() => jina({ maxRetryAfterMs: 500 }).embed(TEXTS));
    expect(server.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
    expect(err).toMatchObject({ code: 'BRAIN_EMBEDDING_RATE_LIMITED', data: { retryAfterMs: 1000, attempts: 1 } });
  });

  it('retries 5xx (JSON or a CDN HTML page) with exponential backoff, then succeeds', async () => {
    server.reply({ fixture: 'jina-500' }, { fixture: 'jina-502-html' }, { fixture: 'jina-ok' });
    const vectors = await jina().embed(TEXTS);
    expect(vectors).toHaveLength(3);
    expect(server.requests).toHaveLength(3);
    expect(sleeps).toEqual([50, 100]); // base 100 ms doubling; jitter 0 → half of each step
  });

  it('applies jitter between half and the whole backoff step', async () => {
    server.reply({ fixture: 'jina-500' }, { fixture: 'jina-500' }, { fixture: 'jina-ok' });
    await jina({ random: () => 0.999 }).embed(TEXTS);
    expect(sleeps[0]).toBeGreaterThan(99);
    expect(sleeps[0]).toBeLessThanOrEqual(100);
    expect(sleeps[1]).toBeGreaterThan(199);
    expect(sleeps[1]).toBeLessThanOrEqual(200);
  });

  it('fails with a retryable BRAIN_EMBEDDING_PROVIDER_ERROR after the last 5xx', async () => {
    server.reply({ fixture: 'jina-500' }, { fixture: 'jina-502-html' }, { fixture: 'jina-500' });
    const err = await caught(() => jina().embed(TEXTS));
    expect(server.requests).toHaveLength(3);
    expect(err).toMatchObject({
      code: 'BRAIN_EMBEDDING_PROVIDER_ERROR',
      status: 502,
      retryable: true,
      data: { upstreamStatus: 500, attempts: 3 },
    });
    expect(err.message).toMatch(/HTTP 500 \(3 attempts\): \[RID: [0-9a-f]+\] Internal Server Error/);
  });

  it('never retries a 401 or 422: a non-retryable BRAIN_EMBEDDING_PROVIDER_ERROR with the provider’s reason', async () => {
    server.reply({ fixture: 'jina-401' });
    const unauthorized = await caught(() => jina().embed(TEXTS));
    expect(server.requests).toHaveLength(1);
    expect(unauthorized).toMatchObject({
      code: 'BRAIN_EMBEDDING_PROVIDER_ERROR',
      retryable: false,
      data: { upstreamStatus: 401, attempts: 1 },
    });
    expect(unauthorized.message).toContain('Invalid API key');

    server.reply({ fixture: 'jina-422' });
    const invalid = await caught(() => jina().embed(TEXTS));
    expect(server.requests).toHaveLength(2);
    expect(invalid).toMatchObject({ code: 'BRAIN_EMBEDDING_PROVIDER_ERROR', retryable: false, data: { upstreamStatus: 422 } });
    expect(invalid.message).toContain("Input should be 'retrieval.query'");
    expect(sleeps).toEqual([]);
  });

  it('retries a dropped connection, and reports a retryable error naming the host when it persists', async () => {
    server.reply({ destroy: true }, { fixture: 'jina-ok' });
    expect(await jina().embed(TEXTS)).toHaveLength(3);
    expect(server.requests).toHaveLength(2);

    server.reply({ destroy: true }, { destroy: true }, { destroy: true });
    const err = await caught(() => jina().embed(TEXTS));
    expect(err).toMatchObject({ code: 'BRAIN_EMBEDDING_PROVIDER_ERROR', retryable: true, data: { attempts: 3 } });
    expect(err.message).toContain(`cannot reach ${server.origin}`);
  });

  it('times out a slow response per request, retries it, then fails with BRAIN_EMBEDDING_TIMEOUT', async () => {
    server.reply({ fixture: 'jina-ok', delayMs: 2_000 }, { fixture: 'jina-ok', delayMs: 2_000 });
    const started = performance.now();
    const err = await caught(() => jina({ timeoutMs: 100, maxRetries: 1 }).embed(TEXTS));
    expect(performance.now() - started).toBeLessThan(1_500);
    expect(server.requests).toHaveLength(2);
    expect(err).toMatchObject({ code: 'BRAIN_EMBEDDING_TIMEOUT', status: 504, retryable: true, data: { attempts: 2 } });
    expect(err.message).toContain('no response within 100 ms');
  });

  it.each([
    ['jina-missing-embedding', 'data[0].embedding is missing'],
    ['jina-wrong-count', '2 embeddings for 3 texts'],
    ['jina-wrong-dimension', 'data[0]: embedding has 64 dimensions, expected 128'],
    ['jina-null-component', 'data[1]: embedding[17] is null, not a finite number'],
    ['jina-duplicate-index', 'data[2].index 1 appears twice'],
    ['jina-truncated', 'body is not JSON'],
  ])('rejects a malformed body (%s) with BRAIN_EMBEDDING_BAD_RESPONSE, without retrying', async (fixture, reason) => {
    server.reply({ fixture });
    const err = await caught(() => jina().embed(TEXTS));
    expect(server.requests).toHaveLength(1);
    expect(err).toMatchObject({ code: 'BRAIN_EMBEDDING_BAD_RESPONSE', status: 502, retryable: false });
    expect(err.message).toContain(reason);
  });

  it('stops at once when the caller aborts, with the caller’s reason and no retry', async () => {
    server.reply({ fixture: 'jina-ok', delayMs: 5_000 });
    const controller = new AbortController();
    const pending = jina().embed(TEXTS, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('client cancelled the tool call')), 50);
    await expect(pending).rejects.toThrow('client cancelled the tool call');
    expect(server.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('stops during a real backoff sleep when the caller aborts', async () => {
    server.reply({ fixture: 'jina-500' });
    const controller = new AbortController();
    const provider = new JinaEmbeddingProvider({ apiKey: KEY, baseURL: `${server.origin}/v1`, dimension: 128, baseDelayMs: 10_000 });
    const started = performance.now();
    const pending = provider.embed(TEXTS, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('shutting down')), 100);
    await expect(pending).rejects.toThrow('shutting down');
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(server.requests).toHaveLength(1);
  });

  it('keeps the key out of errors and logs, whatever goes wrong', async () => {
    const { logger, lines } = captureLogger();
    server.reply(
      { fixture: 'jina-500' },
      { destroy: true },
      { fixture: 'jina-401' },
      { fixture: 'jina-429' },
      { fixture: 'jina-truncated' },
    );
    const provider = jina({ logger, maxRetries: 2 });
    // 500 → retry → dropped → retry → 401 (stop); then 429 → retry → truncated body (stop).
    const errors = [await caught(() => provider.embed(TEXTS)), await caught(() => provider.embed(TEXTS))];
    expect(errors.map((e) => e.code)).toEqual(['BRAIN_EMBEDDING_PROVIDER_ERROR', 'BRAIN_EMBEDDING_BAD_RESPONSE']);
    expect(server.requests).toHaveLength(5);
    expect(lines.length).toBeGreaterThan(0); // the retries were logged
    const everything = [
      ...errors.map((e) => inspect(e, { depth: null, showHidden: true })),
      ...errors.map((e) => JSON.stringify(e)),
      ...lines,
      inspect(provider, { depth: null, showHidden: true }),
    ].join('\n');
    expect(everything).not.toContain(KEY);
    expect(everything).not.toContain(KEY.slice(5, 25));
  });

  it('refuses to start without a key or with a non-http base URL', () => {
    expect(() => new JinaEmbeddingProvider({ apiKey: '' })).toThrow('jina.apiKey');
    expect(() => new JinaEmbeddingProvider({ apiKey: KEY, baseURL: 'ftp://example.com' })).toThrow('jina.baseURL');
  });
});

/** What the adapter returns for a generated reply: the local vector ×2.5 through JSON, renormalised. */
function jinaRoundTrip(text: string): Float32Array {
  const scaled = Array.from(expectedVector(text, 128).map((x) => x * 2.5));
  return unit(JSON.parse(JSON.stringify(scaled)) as number[]);
}
