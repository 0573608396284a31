import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type OpenAIEmbeddingOptions, OpenAIEmbeddingProvider } from '../src/embeddings/openai.ts';
import { captureLogger, caught, expectedVector, type FixtureServer, loadFixture, startFixtureServer } from './embeddings-fixture-server.ts';

const KEY = 'sk-proj-F1xtur3K3yThatMustNeverLeak0123456789abcdefABCDEF';
const TEXTS = ['EXT. ROOFTOP - DUSK', 'Leo paces by the edge, phone to his ear.', 'The city lights flicker on below him.'];

function decode(b64: string): Float32Array {
  const bytes = Buffer.from(b64, 'base64');
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
}

function expectUnitClose(actual: Float32Array, raw: ArrayLike<number>): void {
  const n = Math.hypot(...Array.from(raw));
  expect(actual).toHaveLength(raw.length);
  expect(Math.hypot(...actual)).toBeCloseTo(1, 5);
  for (let d = 0; d < raw.length; d++) expect(actual[d]).toBeCloseTo(raw[d]! / n, 6);
}

describe('OpenAI adapter via the openai SDK (recorded responses on loopback)', () => {
  let server: FixtureServer;
  let sleeps: number[];

  beforeEach(async () => {
    server = await startFixtureServer();
    sleeps = [];
  });
  afterEach(() => server.close());

  const openai = (opts: Partial<OpenAIEmbeddingOptions> = {}) =>
    new OpenAIEmbeddingProvider({
      apiKey: KEY,
      baseURL: `${server.origin}/v1`,
      dimension: 64,
      maxRetries: 2,
      baseDelayMs: 100,
      random: () => 0,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      ...opts,
    });

  it('POSTs /embeddings with the bearer key, model and dimensions, and decodes the base64 reply', async () => {
    server.reply({ fixture: 'openai-ok-base64' });
    const provider = openai();
    expect(provider).toMatchObject({ name: 'openai', model: 'text-embedding-3-small', dimension: 64, inputTypeSensitive: false });
    const vectors = await provider.embed(TEXTS);

    expect(server.requests).toHaveLength(1);
    const [req] = server.requests;
    expect(req!.method).toBe('POST');
    expect(req!.path).toBe('/v1/embeddings');
    expect(req!.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(req!.headers['content-type']).toBe('application/json');
    // The SDK's own retries are off: every attempt is ours.
    expect(req!.headers['x-stainless-retry-count']).toBe('0');
    expect(req!.body).toEqual({ model: 'text-embedding-3-small', input: TEXTS, dimensions: 64, encoding_format: 'base64' });
    // No organization/project header was picked up from the environment.
    expect(req!.headers['openai-organization']).toBeUndefined();
    expect(req!.headers['openai-project']).toBeUndefined();

    const recorded = (loadFixture('openai-ok-base64').body as { data: { embedding: string }[] }).data;
    for (const [i, v] of vectors.entries()) expectUnitClose(v, decode(recorded[i]!.embedding));
  });

  it('talks to an OpenAI-compatible server: base URL with a path, float vectors, no dimensions parameter', async () => {
    server.reply({ fixture: 'openai-compatible-ok-float' });
    const provider = openai({
      baseURL: `${server.origin}/ollama/v1/`,
      model: 'nomic-embed-text',
      sendDimensions: false,
      encodingFormat: 'float',
    });
    const vectors = await provider.embed(TEXTS);
    expect(server.requests[0]!.path).toBe('/ollama/v1/embeddings');
    expect(server.requests[0]!.body).toEqual({ model: 'nomic-embed-text', input: TEXTS, encoding_format: 'float' });
    const recorded = (loadFixture('openai-compatible-ok-float').body as { data: { embedding: number[] }[] }).data;
    for (const [i, v] of vectors.entries()) expectUnitClose(v, recorded[i]!.embedding);
  });

  it('splits big calls into requests of at most maxItemsPerRequest, in order', async () => {
    const texts = Array.from({ length: 5 }, (_, i) => `Take ${i + 1}: she laughs at the wrong moment.`);
    server.reply({ generateFrom: 'openai-ok-base64' }, { generateFrom: 'openai-ok-base64' }, { generateFrom: 'openai-ok-base64' });
    const vectors = await openai({ maxItemsPerRequest: 2, concurrency: 2 }).embed(texts);
    expect(server.requests.map((r) => (r.body.input as string[]).length).sort()).toEqual([1, 2, 2]);
    expect(server.requests).toHaveLength(3);
    for (const [i, v] of vectors.entries()) expectUnitClose(v, expectedVector(texts[i]!, 64));
  });

  it('honours Retry-After on a 429, then succeeds', async () => {
    server.reply({ fixture: 'openai-429' }, { fixture: 'openai-ok-base64' });
    expect(await openai().embed(TEXTS)).toHaveLength(3);
    expect(server.requests).toHaveLength(2);
    expect(sleeps).toEqual([2000]);
  });

  it('reports a persistent 429 as BRAIN_EMBEDDING_RATE_LIMITED with the request id', async () => {
    server.reply({ fixture: 'openai-429' }, { fixture: 'openai-429' }, { fixture: 'openai-429' });
    const err = await caught(() => openai().embed(TEXTS));
    expect(server.requests).toHaveLength(3);
    expect(err).toMatchObject({
      code: 'BRAIN_EMBEDDING_RATE_LIMITED',
      retryable: true,
      data: { provider: 'openai', upstreamStatus: 429, attempts: 3, retryAfterMs: 2000, requestId: 'req_7b1f6c0e4d9a4f3e8c2b5a6d7e8f9a0b' },
    });
    expect(err.message).toContain('Rate limit reached for text-embedding-3-small');
  });

  it('retries a 500 with backoff and a dropped connection, then succeeds', async () => {
    server.reply({ fixture: 'openai-500' }, { destroy: true }, { fixture: 'openai-ok-base64' });
    expect(await openai().embed(TEXTS)).toHaveLength(3);
    expect(server.requests).toHaveLength(3);
    expect(sleeps).toEqual([50, 100]);
  });

  it('fails with a retryable BRAIN_EMBEDDING_PROVIDER_ERROR once the 500s outlast the retries', async () => {
    server.reply({ fixture: 'openai-500' }, { fixture: 'openai-500' }, { fixture: 'openai-500' });
    const err = await caught(() => openai().embed(TEXTS));
    expect(server.requests).toHaveLength(3);
    expect(err).toMatchObject({ code: 'BRAIN_EMBEDDING_PROVIDER_ERROR', retryable: true, data: { upstreamStatus: 500, attempts: 3 } });
    expect(err.message).toContain('The server had an error while processing your request');
  });

  it('never retries a 400 (context too long): non-retryable, with OpenAI’s explanation', async () => {
    server.reply({ fixture: 'openai-400-context-length' });
    const err = await caught(() => openai().embed(TEXTS));
    expect(server.requests).toHaveLength(1);
    expect(err).toMatchObject({ code: 'BRAIN_EMBEDDING_PROVIDER_ERROR', retryable: false, data: { upstreamStatus: 400, attempts: 1 } });
    expect(err.message).toContain('maximum context length is 8192 tokens');
  });

  it('never retries a 401, and keeps the key out of the error even when the provider echoes it', async () => {
    const { logger, lines } = captureLogger();
    server.reply({ fixture: 'openai-500' }, { fixture: 'openai-401' });
    const provider = openai({ logger });
    const err = await caught(() => provider.embed(TEXTS));
    expect(server.requests).toHaveLength(2); // the 500 is retried, the 401 is not
    expect(err).toMatchObject({ code: 'BRAIN_EMBEDDING_PROVIDER_ERROR', retryable: false, data: { upstreamStatus: 401, attempts: 2 } });
    expect(err.message).toContain('Incorrect API key provided: [REDACTED]');
    expect(lines).toHaveLength(1);
    const everything = [
      inspect(err, { depth: null, showHidden: true }),
      JSON.stringify(err),
      JSON.stringify(err.toWire()),
      ...lines,
      inspect(provider, { depth: null, showHidden: true }),
    ].join('\n');
    expect(everything).not.toContain(KEY);
    expect(everything).not.toContain(KEY.slice(8, 30));
  });

  it('times out a slow response per request with BRAIN_EMBEDDING_TIMEOUT', async () => {
    server.reply({ fixture: 'openai-ok-base64', delayMs: 2_000 }, { fixture: 'openai-ok-base64', delayMs: 2_000 });
    const started = performance.now();
    const err = await caught(() => openai({ timeoutMs: 100, maxRetries: 1 }).embed(TEXTS));
    expect(performance.now() - started).toBeLessThan(1_500);
    expect(server.requests).toHaveLength(2);
    expect(err).toMatchObject({ code: 'BRAIN_EMBEDDING_TIMEOUT', retryable: true, data: { attempts: 2 } });
  });

  it.each([
    ['openai-nan', 'data[0]: embedding[5] is NaN, not a finite number'],
    ['openai-wrong-dimension', 'data[0]: embedding has 32 dimensions, expected 64'],
    ['openai-missing-data', '"data" is missing'],
  ])('rejects a malformed reply (%s) with BRAIN_EMBEDDING_BAD_RESPONSE, without retrying', async (fixture, reason) => {
    server.reply({ fixture });
    const err = await caught(() => openai().embed(TEXTS));
    expect(server.requests).toHaveLength(1);
    expect(err).toMatchObject({ code: 'BRAIN_EMBEDDING_BAD_RESPONSE', retryable: false, data: { provider: 'openai' } });
    expect(err.message).toContain(reason);
  });

  it('stops when the caller aborts, with the caller’s reason', async () => {
    server.reply({ fixture: 'openai-ok-base64', delayMs: 5_000 });
    const controller = new AbortController();
    const pending = openai().embed(TEXTS, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('tool call cancelled')), 50);
    await expect(pending).rejects.toThrow('tool call cancelled');
    expect(server.requests).toHaveLength(1);
  });
});
