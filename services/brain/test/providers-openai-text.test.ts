import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  isStrictCompatible,
  OpenAIChatBackend,
  type OpenAIChatOptions,
  OpenAIModerationProvider,
  OpenAITextProvider,
  OpenAIVisionProvider,
} from '../src/generation/providers/openai-text.ts';
import { TEXT_PRICES, UNKNOWN_TEXT_PRICE } from '../src/generation/providers/prices.ts';
import { callContext, type FixtureServer, failure, fixtureFile, startFixtureServer } from './providers-fixture-server.ts';

const KEY = 'sk-or-v1-F1xtur3K3yThatMustNeverLeak0123456789abcdefABCDEF0123456789';
const MESSAGES = [
  { role: 'system' as const, content: 'You are a screenwriter.' },
  { role: 'user' as const, content: 'Open the scene on the rooftop.' },
];
const SCHEMA = {
  type: 'object',
  properties: { title: { type: 'string' }, logline: { type: 'string' }, beats: { type: 'array', items: { type: 'string' } } },
  required: ['title', 'logline', 'beats'],
  additionalProperties: false,
};

describe('OpenAI-compatible text adapter (openai SDK, recorded OpenRouter/Ollama/OpenAI replies on loopback)', () => {
  let server: FixtureServer;
  beforeEach(async () => {
    server = await startFixtureServer();
  });
  afterEach(() => server.close());

  const backend = (opts: Partial<OpenAIChatOptions> = {}) =>
    new OpenAIChatBackend({
      name: 'openrouter',
      apiKey: KEY,
      baseURL: `${server.origin}/api/v1`,
      model: 'google/gemini-2.5-flash',
      openRouter: true,
      headers: { 'X-Title': 'Automovie' },
      ...opts,
    });
  const text = (opts: Partial<OpenAIChatOptions> = {}) => new OpenAITextProvider(backend(opts));

  it('sends one chat completion with key, model, seed and sampling options, and returns text, usage and the reported cost', async () => {
    server.reply({ fixture: 'openrouter-chat-ok' });
    const provider = text();
    expect(provider).toMatchObject({ kind: 'text', name: 'openrouter', offline: false, defaultModel: 'google/gemini-2.5-flash' });
    const { ctx } = callContext({ model: 'google/gemini-2.5-flash', seed: 7 });
    const result = await provider.run({ messages: MESSAGES, temperature: 0.4, maxTokens: 800 }, ctx);

    expect(server.requests).toHaveLength(1);
    const [req] = server.requests;
    expect(req!.method).toBe('POST');
    expect(req!.path).toBe('/api/v1/chat/completions');
    expect(req!.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(req!.headers['x-title']).toBe('Automovie');
    // One attempt: the SDK's retries are off.
    expect(req!.headers['x-stainless-retry-count']).toBe('0');
    expect(req!.body).toEqual({
      model: 'google/gemini-2.5-flash',
      messages: MESSAGES,
      temperature: 0.4,
      max_tokens: 800,
      seed: 7,
      usage: { include: true },
    });

    expect(result.text).toContain('EXT. ROOFTOP - DUSK');
    expect(result).toMatchObject({ inputTokens: 412, outputTokens: 138 });
    // OpenRouter's usage.cost is what was charged; it beats the price table.
    expect(provider.costUsd({ messages: MESSAGES }, result, 'google/gemini-2.5-flash')).toBe(0.0004686);
    // A copy of the result (no reported cost attached) is metered from the price table.
    const table = (412 * 0.3 + 138 * 2.5) / 1_000_000;
    expect(provider.costUsd({ messages: MESSAGES }, { ...result }, 'google/gemini-2.5-flash')).toBeCloseTo(table, 12);
  });

  it('asks for structured output with json_schema (strict when the schema allows it) and routes only to upstreams that support it', async () => {
    server.reply({ fixture: 'openrouter-chat-json-ok' }, { fixture: 'openrouter-chat-json-ok' });
    const provider = text();
    const { ctx } = callContext({ model: 'google/gemini-2.5-flash' });
    const result = await provider.run({ messages: MESSAGES, jsonSchema: SCHEMA }, ctx);
    expect(JSON.parse(result.text)).toMatchObject({ title: 'The Letter' });
    expect(server.requests[0]!.body.response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'output', schema: SCHEMA, strict: true },
    });
    expect(server.requests[0]!.body.provider).toEqual({ require_parameters: true });

    const loose = { type: 'object', properties: { title: { type: 'string' } } };
    await provider.run({ messages: MESSAGES, jsonSchema: loose }, ctx);
    expect(server.requests[1]!.body.response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'output', schema: loose, strict: false },
    });
  });

  it('unwraps JSON a model fenced in Markdown', async () => {
    server.reply({ fixture: 'openrouter-chat-json-fenced' });
    const { ctx } = callContext();
    const result = await text().run({ messages: MESSAGES, jsonSchema: SCHEMA }, ctx);
    expect(JSON.parse(result.text)).toMatchObject({ beats: ['Leo delivers', 'The letter bears his name', 'He reads it on the roof'] });
  });

  it('json_object mode puts the schema in a system message instead', async () => {
    server.reply({ fixture: 'openrouter-chat-json-ok' });
    const { ctx } = callContext();
    await text({ jsonMode: 'json_object', openRouter: false }).run({ messages: MESSAGES, jsonSchema: SCHEMA }, ctx);
    const body = server.requests[0]!.body as { response_format: unknown; messages: { role: string; content: string }[] };
    expect(body.response_format).toEqual({ type: 'json_object' });
    expect(body.messages[0]!.role).toBe('system');
    expect(body.messages[0]!.content).toContain(JSON.stringify(SCHEMA));
    expect(body.messages.slice(1)).toEqual(MESSAGES);
  });

  it('talks to a keyless OpenAI-compatible server (Ollama): no Authorization header, self-hosted pricing', async () => {
    server.reply({ fixture: 'ollama-chat-ok' });
    const provider = text({
      name: 'openai-compatible',
      apiKey: undefined,
      baseURL: `${server.origin}/v1/`,
      model: 'llama3.2',
      openRouter: false,
      pricing: 'self-hosted',
      headers: {},
    });
    const { ctx } = callContext({ model: 'llama3.2' });
    const result = await provider.run({ messages: MESSAGES }, ctx);
    expect(server.requests[0]!.path).toBe('/v1/chat/completions');
    expect(server.requests[0]!.headers.authorization).toBeUndefined();
    expect(server.requests[0]!.body.usage).toBeUndefined();
    expect(result).toMatchObject({ inputTokens: 86, outputTokens: 24 });
    expect(result.text).toContain('INT. KITCHEN - NIGHT');
    expect(provider.costUsd({ messages: MESSAGES }, result, 'llama3.2')).toBe(0);
  });

  it('estimates cost from the price table, and conservatively for unknown models', () => {
    const provider = text();
    const known = provider.estimateCostUsd({ messages: MESSAGES, maxTokens: 1000 }, 'google/gemini-2.5-flash');
    expect(known).toBeGreaterThan((1000 * TEXT_PRICES['google/gemini-2.5-flash']!.output) / 1_000_000);
    expect(known).toBeLessThan(0.01);
    const unknown = provider.estimateCostUsd({ messages: MESSAGES, maxTokens: 1000 }, 'someone/new-model');
    expect(unknown).toBeGreaterThanOrEqual((1000 * UNKNOWN_TEXT_PRICE.output) / 1_000_000);
  });

  it('maps a 429 with Retry-After to rate_limited with retryAfterMs', async () => {
    server.reply({ fixture: 'openrouter-429' });
    const { ctx } = callContext();
    const err = await failure(() => text().run({ messages: MESSAGES }, ctx));
    expect(server.requests).toHaveLength(1);
    expect(err).toMatchObject({ provider: 'openrouter', failure: 'rate_limited', status: 429, retryAfterMs: 3000, retryable: true });
    expect(err.message).toContain('Rate limit exceeded');
  });

  it.each([
    ['openrouter-500', 500],
    ['openrouter-502', 502],
    ['openrouter-503', 503],
  ])('maps %s to unavailable, after one attempt', async (fixture, status) => {
    server.reply({ fixture });
    const { ctx } = callContext();
    const err = await failure(() => text().run({ messages: MESSAGES }, ctx));
    expect(server.requests).toHaveLength(1);
    expect(err).toMatchObject({ failure: 'unavailable', status, retryable: true });
  });

  it('maps a dropped connection to unavailable', async () => {
    server.reply({ destroy: true });
    const { ctx } = callContext();
    const err = await failure(() => text().run({ messages: MESSAGES }, ctx));
    expect(err).toMatchObject({ failure: 'unavailable', status: undefined });
  });

  it('maps an upstream error inside a 200 (OpenRouter finish_reason "error") by its code', async () => {
    server.reply({ fixture: 'openrouter-choice-error' });
    const { ctx } = callContext();
    const err = await failure(() => text().run({ messages: MESSAGES }, ctx));
    expect(err).toMatchObject({ failure: 'unavailable', status: 502 });
    expect(err.message).toContain('Resource exhausted');
  });

  it('gives up with timeout when the gateway aborts a hanging call', async () => {
    server.reply({ hang: true });
    const { ctx } = callContext({ timeoutMs: 150 });
    const started = performance.now();
    const err = await failure(() => text().run({ messages: MESSAGES }, ctx));
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(err).toMatchObject({ failure: 'timeout', retryable: true });
  });

  it.each([
    ['openrouter-malformed', 'unreadable reply'],
    ['openrouter-missing-choices', '"choices" is missing'],
    ['openrouter-html', 'not a JSON object'],
  ])('maps a malformed 2xx (%s) to bad_response', async (fixture, reason) => {
    server.reply({ fixture });
    const { ctx } = callContext();
    const err = await failure(() => text().run({ messages: MESSAGES }, ctx));
    expect(err).toMatchObject({ failure: 'bad_response', retryable: true });
    expect(err.message).toContain(reason);
  });

  it('maps structured output cut off at the token limit to bad_response', async () => {
    server.reply({ fixture: 'openrouter-chat-json-truncated' });
    const { ctx } = callContext();
    const err = await failure(() => text().run({ messages: MESSAGES, jsonSchema: SCHEMA }, ctx));
    expect(err).toMatchObject({ failure: 'bad_response' });
    expect(err.message).toContain('cut off at the token limit');
  });

  it.each([
    ['openrouter-400', 'rejected', 400],
    ['openrouter-402', 'rejected', 402],
    ['openrouter-401', 'auth', 401],
  ])('maps %s to %s, not retryable', async (fixture, kind, status) => {
    server.reply({ fixture });
    const { ctx } = callContext();
    const err = await failure(() => text().run({ messages: MESSAGES }, ctx));
    expect(err).toMatchObject({ failure: kind, status, retryable: false });
  });

  it('maps a content-filtered answer to rejected', async () => {
    server.reply({ fixture: 'openrouter-content-filter' });
    const { ctx } = callContext();
    expect(await failure(() => text().run({ messages: MESSAGES }, ctx))).toMatchObject({ failure: 'rejected' });
  });

  it('describe_image: the image travels as a data URL in one user message', async () => {
    server.reply({ fixture: 'openrouter-vision-ok' });
    const png = new Uint8Array(fixtureFile('media/frame.png'));
    const provider = new OpenAIVisionProvider(backend(), 'google/gemini-2.5-flash');
    const { ctx } = callContext({ model: 'google/gemini-2.5-flash' });
    const result = await provider.run({ image: { assetId: 'a_frame', mime: 'image/png', bytes: png }, question: 'Who is in frame?' }, ctx);
    const body = server.requests[0]!.body as {
      messages: { role: string; content: { type: string; text?: string; image_url?: { url: string } }[] }[];
    };
    expect(body.messages).toHaveLength(1);
    expect(body.messages[0]!.content[0]).toEqual({ type: 'text', text: 'Who is in frame?' });
    expect(body.messages[0]!.content[1]!.image_url!.url).toBe(`data:image/png;base64,${Buffer.from(png).toString('base64')}`);
    expect(result.text).toContain('rooftop at dusk');
    expect(result).toMatchObject({ inputTokens: 1311, outputTokens: 52 });
    expect(provider.costUsd({ image: { assetId: 'a', mime: 'image/png', bytes: png } }, result, 'google/gemini-2.5-flash')).toBe(0.0005233);
    expect(provider.estimateCostUsd({ image: { assetId: 'a', mime: 'image/png', bytes: png } }, 'google/gemini-2.5-flash')).toBeGreaterThan(
      0,
    );
  });

  it('describe_image refuses a file that is not an image without calling out', async () => {
    const provider = new OpenAIVisionProvider(backend());
    const { ctx } = callContext();
    const err = await failure(() => provider.run({ image: { assetId: 'a', mime: 'application/pdf', bytes: new Uint8Array(8) } }, ctx));
    expect(err).toMatchObject({ failure: 'rejected' });
    expect(server.requests).toHaveLength(0);
  });

  it('moderation: OpenAI /moderations scores, free of charge', async () => {
    server.reply({ fixture: 'openai-moderation-ok' }, { fixture: 'openai-moderation-missing-results' });
    const provider = new OpenAIModerationProvider(
      backend({ name: 'openai', baseURL: `${server.origin}/v1`, model: 'omni-moderation-latest', openRouter: false }),
    );
    const { ctx } = callContext({ model: 'omni-moderation-latest' });
    const result = await provider.run({ text: 'He draws the knife.' }, ctx);
    expect(server.requests[0]!.path).toBe('/v1/moderations');
    expect(server.requests[0]!.body).toEqual({ model: 'omni-moderation-latest', input: 'He draws the knife.' });
    expect(result.flagged).toBe(true);
    expect(result.categories.violence).toBeCloseTo(0.8716, 6);
    expect(Object.keys(result.categories)).toHaveLength(13);
    expect(provider.costUsd({ text: 'x' }, result, 'omni-moderation-latest')).toBe(0);
    expect(await failure(() => provider.run({ text: 'x' }, ctx))).toMatchObject({ failure: 'bad_response' });
  });

  it('keeps the key out of every error, log line and result, even when the provider echoes it', async () => {
    server.reply({ fixture: 'openrouter-401' }, { fixture: 'openrouter-chat-ok' });
    const provider = text();
    const { ctx, logs } = callContext();
    const err = await failure(() => provider.run({ messages: MESSAGES }, ctx));
    expect(err.message).toContain('Incorrect API key provided: [REDACTED]');
    const result = await provider.run({ messages: MESSAGES }, ctx);
    expect(logs.lines().length).toBeGreaterThanOrEqual(2);
    const everything = [
      inspect(err, { depth: null, showHidden: true }),
      JSON.stringify(err),
      logs.text,
      JSON.stringify(result),
      inspect(provider, { depth: 4 }),
    ].join('\n');
    expect(everything).not.toContain(KEY);
    expect(everything).not.toContain(KEY.slice(10, 40));
  });

  it('tells which schemas OpenAI strict mode accepts', () => {
    expect(isStrictCompatible(SCHEMA)).toBe(true);
    expect(isStrictCompatible({ type: 'object', properties: { a: { type: 'string' } }, required: ['a'] })).toBe(false);
    expect(
      isStrictCompatible({
        type: 'object',
        properties: { a: { type: 'string' }, b: { type: 'string' } },
        required: ['a'],
        additionalProperties: false,
      }),
    ).toBe(false);
    expect(
      isStrictCompatible({
        type: 'object',
        properties: { xs: { type: 'array', items: { type: 'object', properties: { n: { type: 'number' } }, required: ['n'] } } },
        required: ['xs'],
        additionalProperties: false,
      }),
    ).toBe(false);
  });
});
