import type { Progress } from '@automovie/contracts';
import { type StartedService, testToken } from '@automovie/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { McpClient } from '../src/index.ts';
import { Cleanup, echo, newProbe, slow, startTestService, type ToolProbe, waitFor } from './helpers.ts';

/** Progress notifications, per-call timeouts, and progress keeping a long call alive. */
describe('progress and timeouts', () => {
  const cleanup = new Cleanup();
  let svc: StartedService;
  let probe: ToolProbe;
  let client: McpClient;

  beforeEach(async () => {
    probe = newProbe();
    svc = cleanup.add(await startTestService({ probe }), (s) => s.stop());
    client = cleanup.add(new McpClient({ url: svc.mcpUrl, token: await testToken(), timeoutMs: 5000 }), (c) => c.close());
  });
  afterEach(() => cleanup.run());

  it('delivers progress notifications to onProgress, in order, before the result', async () => {
    const seen: (Progress | 'result')[] = [];
    const out = await client.call(slow, { ms: 200, steps: 8 }, { onProgress: (p) => seen.push(p) });
    seen.push('result');
    expect(out.steps).toBe(8);
    expect(seen).toEqual([...Array.from({ length: 8 }, (_, i) => ({ progress: i + 1, total: 8, message: `step ${i + 1}` })), 'result']);
  });

  it('keeps each call’s progress to itself when calls run concurrently', async () => {
    const a: number[] = [];
    const b: number[] = [];
    await Promise.all([
      client.call(slow, { ms: 100, steps: 5 }, { onProgress: (p) => a.push(p.progress) }),
      client.call(slow, { ms: 150, steps: 3 }, { onProgress: (p) => b.push(p.progress) }),
    ]);
    expect(a).toEqual([1, 2, 3, 4, 5]);
    expect(b).toEqual([1, 2, 3]);
  });

  it('times a call out with a retryable TIMEOUT, and the server stops the tool', async () => {
    const started = Date.now();
    const err = await client.call(slow, { ms: 3000 }, { timeoutMs: 200 }).catch((e: unknown) => e);
    const took = Date.now() - started;
    expect(err).toMatchObject({ code: 'TIMEOUT', retryable: true, status: 504 });
    expect((err as Error).message).toContain(svc.mcpUrl);
    expect(took).toBeGreaterThanOrEqual(190);
    expect(took).toBeLessThan(1500);
    await waitFor(() => probe.slowAborted === 1, 2000, 'the server to abort the tool');
    await waitFor(() => svc.service.endpoint.inflight === 0, 2000, 'the call to stop counting as in flight');
    // The connection is still good.
    expect(await client.call(echo, { text: 'after' })).toEqual({ text: 'after' });
    expect(client.connects).toBe(1);
  });

  it('uses the client’s default timeout when the call sets none', async () => {
    const short = cleanup.add(new McpClient({ url: svc.mcpUrl, token: await testToken(), timeoutMs: 150 }), (c) => c.close());
    await short.connect();
    await expect(short.call(slow, { ms: 2000 })).rejects.toMatchObject({ code: 'TIMEOUT' });
  });

  it('lets progress keep a long call alive past its timeout (and without progress the same call times out)', async () => {
    // 1 s of work reporting every 100 ms, with a 300 ms timeout.
    const seen: number[] = [];
    const out = await client.call(slow, { ms: 1000, steps: 10 }, { timeoutMs: 300, onProgress: (p) => seen.push(p.progress) });
    expect(out.steps).toBe(10);
    expect(out.sleptMs).toBeGreaterThanOrEqual(950);
    expect(seen).toHaveLength(10);

    await expect(client.call(slow, { ms: 1000, steps: 10 }, { timeoutMs: 300 })).rejects.toMatchObject({ code: 'TIMEOUT' });
  });

  it('cancels through an AbortSignal', async () => {
    const ac = new AbortController();
    const pending = client.call(slow, { ms: 3000 }, { signal: ac.signal }).catch((e: unknown) => e);
    await waitFor(() => svc.service.endpoint.inflight === 1, 2000, 'the call to start');
    ac.abort('user gave up');
    const err = await pending;
    expect((err as Error).message).toMatch(/user gave up/);
    await waitFor(() => probe.slowAborted === 1, 2000, 'the server to abort the tool');
  });
});
