import { LogCapture } from '@automovie/testing';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../src/generation/breaker.ts';
import { RateLimiter } from '../src/generation/rate-limit.ts';
import { Redactor } from '../src/generation/redact.ts';
import { BytesImageProvider, type GatewayFixture, gatewayFixture, ScriptedTextProvider, svc, textCall } from './generation-fixtures.ts';

async function failure(p: Promise<unknown>): Promise<{ code: string; message: string; data: Record<string, unknown> }> {
  try {
    await p;
  } catch (err) {
    const e = err as { code: string; message: string; data: Record<string, unknown> };
    return { code: e.code, message: e.message, data: e.data };
  }
  throw new Error('expected the call to fail');
}

describe('generation router: retries, fallback, breaker, rate limits', () => {
  let f: GatewayFixture;
  afterEach(async () => {
    await f?.close();
  });

  it('retries a 500 with backoff and then answers from the same provider', async () => {
    const a = new ScriptedTextProvider('alpha', [{ fail: 'unavailable', status: 500 }, { fail: 'unavailable', status: 502 }, 'ok']);
    const b = new ScriptedTextProvider('beta');
    f = await gatewayFixture({ text: [a, b] });
    const r = await f.gateway.answer(textCall(f.projectId, 'hello'));
    expect(r.provider).toBe('alpha');
    expect(r.attempts).toBe(3);
    expect(a.calls).toHaveLength(3);
    expect(b.calls).toHaveLength(0);
    // Backoff 5 ms then 10 ms, each with equal jitter at 0.5: 3.75 ms and 7.5 ms at least. Node
    // timers may fire up to ~1 ms early against the clock the calls are stamped with, hence the slack.
    const [c0, c1, c2] = a.calls.map((c) => c.at) as [number, number, number];
    expect(c1 - c0).toBeGreaterThanOrEqual(2.5);
    expect(c2 - c1).toBeGreaterThanOrEqual(6);
  });

  it('falls back to the next provider after the retries of a 500 run out', async () => {
    const a = new ScriptedTextProvider('alpha', [{ fail: 'unavailable', status: 500 }]);
    const b = new ScriptedTextProvider('beta');
    f = await gatewayFixture({ text: [a, b] }, { router: { maxRetries: 2 } });
    const r = await f.gateway.answer(textCall(f.projectId, 'hello'));
    expect(r.provider).toBe('beta');
    expect(a.calls).toHaveLength(3);
    expect(b.calls).toHaveLength(1);
    expect(r.attempts).toBe(4);
    expect(r.result.text).toContain('beta answers: hello');
  });

  it('times out a provider that does not answer, retries it, then falls back', async () => {
    const a = new ScriptedTextProvider('alpha', ['hang']);
    const b = new ScriptedTextProvider('beta');
    f = await gatewayFixture({ text: [a, b] }, { router: { timeoutsMs: { text: 40 }, maxRetries: 1 } });
    const started = performance.now();
    const r = await f.gateway.answer(textCall(f.projectId, 'hello'));
    expect(r.provider).toBe('beta');
    expect(a.calls).toHaveLength(2);
    expect(performance.now() - started).toBeGreaterThanOrEqual(80);
  });

  it('does not retry a rejected request (400) and moves on at once', async () => {
    const a = new ScriptedTextProvider('alpha', [{ fail: 'rejected', status: 400 }]);
    const b = new ScriptedTextProvider('beta');
    f = await gatewayFixture({ text: [a, b] });
    const r = await f.gateway.answer(textCall(f.projectId, 'hello'));
    expect(a.calls).toHaveLength(1);
    expect(r.provider).toBe('beta');
  });

  it('reports every provider when the whole chain fails, and records the failed execution', async () => {
    const a = new ScriptedTextProvider('alpha', [{ fail: 'unavailable', status: 503 }]);
    const b = new ScriptedTextProvider('beta', [{ fail: 'auth', status: 401 }]);
    f = await gatewayFixture({ text: [a, b] }, { router: { maxRetries: 1 } });
    const e = await failure(f.gateway.answer(textCall(f.projectId, 'hello')));
    expect(e.code).toBe('BRAIN_PROVIDER_FAILED');
    const failures = e.data.failures as Array<{ provider: string; failure: string; attempts: number }>;
    expect(failures.map((x) => [x.provider, x.failure, x.attempts])).toEqual([
      ['alpha', 'unavailable', 2],
      ['beta', 'auth', 1],
    ]);
    expect(e.data.executionId).toMatch(/^exec-/);
    const node = await f.store.getNode(f.projectId, e.data.executionId as string);
    expect(node.properties.status).toBe('failed');
    expect((node.properties.error as { code: string }).code).toBe('BRAIN_PROVIDER_FAILED');
    expect(f.db.usage(f.projectId)[0]).toMatchObject({ failedCalls: 1, calls: 1 });
  });

  it('opens the circuit after repeated failures: later calls skip the provider until the cooldown', async () => {
    let now = 1_000_000;
    const a = new ScriptedTextProvider('alpha', [{ fail: 'unavailable', status: 500 }]);
    const b = new ScriptedTextProvider('beta');
    f = await gatewayFixture(
      { text: [a, b] },
      { router: { maxRetries: 1, breakerThreshold: 4, breakerCooldownMs: 10_000, now: () => now } },
    );
    await f.gateway.answer(textCall(f.projectId, 'one'));
    await f.gateway.answer(textCall(f.projectId, 'two'));
    expect(a.calls).toHaveLength(4);
    expect(f.router.statuses('text').find((s) => s.name === 'alpha')).toMatchObject({ breaker: 'open', healthy: false, recentFailures: 4 });
    // Open: alpha is not called at all.
    const r3 = await f.gateway.answer(textCall(f.projectId, 'three'));
    expect(r3.provider).toBe('beta');
    expect(a.calls).toHaveLength(4);
    // After the cooldown one probe goes through; it succeeds and the circuit closes.
    now += 10_000;
    expect(f.router.statuses('text')[0]?.breaker).toBe('half_open');
    a.script = ['ok'];
    const r4 = await f.gateway.answer(textCall(f.projectId, 'four'));
    expect(r4.provider).toBe('alpha');
    expect(f.router.statuses('text')[0]).toMatchObject({ breaker: 'closed', healthy: true, recentFailures: 0 });
  });

  it('respects Retry-After on a 429 before retrying the same provider', async () => {
    const a = new ScriptedTextProvider('alpha', [{ fail: 'rate_limited', status: 429, retryAfterMs: 120 }, 'ok']);
    f = await gatewayFixture({ text: [a] });
    const r = await f.gateway.answer(textCall(f.projectId, 'hello'));
    expect(r.provider).toBe('alpha');
    expect(a.calls).toHaveLength(2);
    expect((a.calls[1]?.at ?? 0) - (a.calls[0]?.at ?? 0)).toBeGreaterThanOrEqual(115);
    // A 429 that was then answered does not count against the breaker.
    expect(f.router.statuses('text')[0]?.recentFailures).toBe(0);
  });

  it('moves on when a 429 asks to wait longer than allowed', async () => {
    const a = new ScriptedTextProvider('alpha', [{ fail: 'rate_limited', status: 429, retryAfterMs: 60_000 }]);
    const b = new ScriptedTextProvider('beta');
    f = await gatewayFixture({ text: [a, b] }, { router: { maxRetryAfterMs: 1000 } });
    const started = performance.now();
    const r = await f.gateway.answer(textCall(f.projectId, 'hello'));
    expect(r.provider).toBe('beta');
    expect(a.calls).toHaveLength(1);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('holds calls to the configured rate of a provider', async () => {
    const a = new ScriptedTextProvider('alpha', ['ok'], { priceUsd: 0 });
    // 600 a minute is one per 100 ms, in bursts of 100 (a sixth of the minute's allowance).
    f = await gatewayFixture({ text: [a] }, { router: { rateLimits: { alpha: 600 }, rateLimitMaxWaitMs: 5000 } });
    const started = performance.now();
    // Burst is 100 calls for 600/min; the 101st waits ~100 ms.
    for (let i = 0; i < 101; i++) await f.gateway.answer(textCall(f.projectId, `q${i}`));
    expect(performance.now() - started).toBeGreaterThanOrEqual(90);
    expect(a.calls).toHaveLength(101);
  });

  it('answers the same request twice at the cost of one; another seed is another request', async () => {
    const a = new ScriptedTextProvider('alpha', ['ok'], { priceUsd: 0.02 });
    f = await gatewayFixture({ text: [a] });
    const first = await f.gateway.answer(textCall(f.projectId, 'same'));
    const second = await f.gateway.answer(textCall(f.projectId, 'same'));
    expect(a.calls).toHaveLength(1);
    expect(first).toMatchObject({ cached: false, costUsd: 0.02 });
    expect(second).toMatchObject({ cached: true, costUsd: 0, provider: 'alpha', model: 'alpha-model', seed: first.seed });
    expect(second.result.text).toBe(first.result.text);
    expect(f.db.spentUsd(f.projectId)).toBeCloseTo(0.02, 10);
    const seeded = await f.gateway.answer(textCall(f.projectId, 'same', { seed: 7 }));
    expect(seeded.cached).toBe(false);
    expect(a.calls).toHaveLength(2);
    expect(a.calls[1]?.seed).toBe(7);
    expect(f.db.usage(f.projectId)).toEqual([
      expect.objectContaining({ provider: 'alpha', calls: 3, cachedCalls: 1, failedCalls: 0, costUsd: 0.04 }),
    ]);
  });

  it('pays once for identical requests in flight at the same time', async () => {
    const a = new ScriptedTextProvider('alpha', ['ok'], { priceUsd: 0.02, latencyMs: 30 });
    f = await gatewayFixture({ text: [a] });
    const rs = await Promise.all([1, 2, 3].map(() => f.gateway.answer(textCall(f.projectId, 'together'))));
    expect(a.calls).toHaveLength(1);
    expect(rs.filter((r) => r.cached)).toHaveLength(2);
  });

  it('derives the default seed from the request, so the same request draws the same seed', async () => {
    const a = new ScriptedTextProvider('alpha', ['ok'], { priceUsd: 0 });
    f = await gatewayFixture({ text: [a] }, { gateway: { cache: false } });
    const r1 = await f.gateway.answer(textCall(f.projectId, 'x'));
    const r2 = await f.gateway.answer(textCall(f.projectId, 'x'));
    const r3 = await f.gateway.answer(textCall(f.projectId, 'y'));
    expect(a.calls).toHaveLength(3);
    expect(r1.seed).toBe(r2.seed);
    expect(r3.seed).not.toBe(r1.seed);
  });

  it('refuses a call over budget before the provider is called', async () => {
    const a = new ScriptedTextProvider('alpha', ['ok'], { priceUsd: 0.4 });
    f = await gatewayFixture({ text: [a] }, { budgetUsd: 1 });
    await f.gateway.answer(textCall(f.projectId, 'one'));
    await f.gateway.answer(textCall(f.projectId, 'two'));
    const e = await failure(f.gateway.answer(textCall(f.projectId, 'three')));
    expect(e.code).toBe('BRAIN_BUDGET_EXCEEDED');
    expect(e.message).toMatch(/spent \$0\.8000 of its \$1\.0000 budgetUsd; this call to alpha alpha-model is estimated at \$0\.4000/);
    expect(e.data).toMatchObject({ budgetUsd: 1, spentUsd: 0.8, estimateUsd: 0.4 });
    expect(a.calls).toHaveLength(2);
    // A cached answer costs nothing and is still served.
    const again = await f.gateway.answer(textCall(f.projectId, 'one'));
    expect(again.cached).toBe(true);
    // Free (offline) providers are never refused.
    const free = new ScriptedTextProvider('offline', ['ok'], { priceUsd: 0, offline: true });
    await f.close();
    f = await gatewayFixture({ text: [free] }, { budgetUsd: 0 });
    expect((await f.gateway.answer(textCall(f.projectId, 'free'))).costUsd).toBe(0);
  });

  it('counts calls in flight against the budget', async () => {
    const a = new ScriptedTextProvider('alpha', ['ok'], { priceUsd: 0.6, latencyMs: 30 });
    f = await gatewayFixture({ text: [a] }, { budgetUsd: 1 });
    const results = await Promise.allSettled([f.gateway.answer(textCall(f.projectId, 'a')), f.gateway.answer(textCall(f.projectId, 'b'))]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(a.calls).toHaveLength(1);
  });

  it('meters with the configured price table when it has the model, else with the provider prices', async () => {
    const a = new ScriptedTextProvider('alpha', ['ok'], { priceUsd: 0.5 });
    f = await gatewayFixture(
      { text: [a] },
      { budgetUsd: 1, gateway: { prices: { alpha: { 'alpha-model': { inputPerMTokens: 1000, outputPerMTokens: 2000 } } } } },
    );
    // 10 input and 5 output tokens: 0.01 + 0.01 (the estimate with maxTokens 100 is about $0.2).
    const capped = textCall(f.projectId, 'priced', { request: { messages: [{ role: 'user', content: 'priced' }], maxTokens: 100 } });
    expect((await f.gateway.answer(capped)).costUsd).toBeCloseTo(0.02, 10);
    // The estimate also comes from the table: 1 input token and 4000 output tokens (no maxTokens) is $8.001, over the $1 budget.
    const e = await failure(f.gateway.answer(textCall(f.projectId, 'long')));
    expect(e.data).toMatchObject({ estimateUsd: expect.closeTo(8.001, 6) });
    expect(a.calls).toHaveLength(1);
  });

  it('forces a provider when asked, routes by model, and refuses unknown names', async () => {
    const a = new ScriptedTextProvider('alpha', ['ok'], { models: ['a-small', 'a-large'] });
    const b = new ScriptedTextProvider('beta', ['ok'], { offline: true });
    f = await gatewayFixture({ text: [a, b] });
    expect((await f.gateway.answer(textCall(f.projectId, 'q', { choice: { provider: 'beta' } }))).provider).toBe('beta');
    expect((await f.gateway.answer(textCall(f.projectId, 'q2', { choice: { provider: 'offline' } }))).provider).toBe('beta');
    const big = await f.gateway.answer(textCall(f.projectId, 'q3', { choice: { model: 'a-large' } }));
    expect(big).toMatchObject({ provider: 'alpha', model: 'a-large' });
    expect(a.calls.at(-1)?.model).toBe('a-large');
    const pref = await f.gateway.answer(textCall(f.projectId, 'q4', { prefer: { provider: 'beta' } }));
    expect(pref.provider).toBe('beta');
    const e = await failure(f.gateway.answer(textCall(f.projectId, 'q5', { choice: { provider: 'gamma' } })));
    expect(e.code).toBe('BRAIN_NO_PROVIDER');
    expect(e.message).toContain('provider: gamma is not in the text chain (alpha, beta)');
  });

  it('keeps provider keys out of errors, recorded executions and logs', async () => {
    const key = 'sk-live-0123456789abcdef';
    const a = new ScriptedTextProvider('alpha', [
      { fail: 'auth', status: 401, message: `invalid key ${key} for https://api.example/v1?key=${key}` },
    ]);
    const logs = new LogCapture();
    const logger = pino({ level: 'debug' }, logs);
    f = await gatewayFixture({ text: [a] }, { router: { redactor: new Redactor([key]), logger }, gateway: { logger } });
    const e = await failure(f.gateway.answer(textCall(f.projectId, 'hello')));
    expect(JSON.stringify(e)).not.toContain(key);
    expect(e.message).toContain('[REDACTED]');
    const node = await f.store.getNode(f.projectId, e.data.executionId as string);
    expect(JSON.stringify(node)).not.toContain(key);
    expect(logs.text).toContain('provider call failed');
    expect(logs.text).not.toContain(key);
  });

  it('stores media as assets, caches them, and copies a cached asset into another project at no cost', async () => {
    const img = new BytesImageProvider(0.05);
    f = await gatewayFixture({ image: [img] });
    const call = {
      kind: 'image' as const,
      tool: 'generate_image',
      projectId: f.projectId,
      principal: svc,
      request: { prompt: 'a lighthouse', width: 64, height: 64, references: [] },
      inputs: { prompt: 'a lighthouse' },
      prompt: 'a lighthouse',
      signal: new AbortController().signal,
    };
    const r1 = await f.gateway.media(call);
    expect(r1.asset).toMatchObject({ kind: 'image', mime: 'image/png', provider: 'bytes', costUsd: 0.05, width: 64, seed: r1.seed });
    const r2 = await f.gateway.media(call);
    expect(r2).toMatchObject({ cached: true, costUsd: 0 });
    expect(r2.asset.id).toBe(r1.asset.id);
    const other = await f.store.createProject({ name: 'Other' });
    const r3 = await f.gateway.media({ ...call, projectId: other.id });
    expect(r3.cached).toBe(true);
    expect(r3.asset.projectId).toBe(other.id);
    expect(r3.asset.sha256).toBe(r1.asset.sha256);
    expect(img.calls).toBe(1);
    const exec = await f.store.getNeighbors(f.projectId, r1.executionId, { direction: 'out' });
    expect(exec.relationships.map((r) => r.type)).toEqual(['RENDERED_AS']);
  });
});

describe('circuit breaker and rate limiter', () => {
  it('lets exactly one probe through when half-open, and reopens when it fails', () => {
    let now = 0;
    const b = new CircuitBreaker({ threshold: 2, cooldownMs: 100, now: () => now });
    b.failure();
    expect(b.state).toBe('closed');
    b.failure();
    expect(b.state).toBe('open');
    expect(b.tryPass()).toBe(false);
    now = 100;
    expect(b.tryPass()).toBe(true);
    expect(b.tryPass()).toBe(false);
    b.failure();
    expect(b.state).toBe('open');
    now = 150;
    expect(b.retryInMs()).toBe(50);
    b.trip();
    expect(b.tryPass()).toBe(false);
  });

  it('refills tokens with time', () => {
    let now = 0;
    const r = new RateLimiter(60, { burst: 2, now: () => now });
    expect(r.take()).toBe(0);
    expect(r.take()).toBe(0);
    expect(r.take()).toBe(1000);
    now = 500;
    expect(r.take()).toBe(500);
    now = 1000;
    expect(r.take()).toBe(0);
  });
});
