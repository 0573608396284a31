import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort, testToken } from '@automovie/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { McpClient } from '../src/index.ts';
import { Cleanup, echo, waitFor } from './helpers.ts';

const FIXTURE = fileURLToPath(new URL('./fixtures/test-service.ts', import.meta.url));
const N = 1000;
const BATCH = 100;

/** Reads one sample of a Prometheus text exposition (summing over label sets that match `labels`). */
function metric(body: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  let found = false;
  for (const line of body.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) continue;
    sum += Number(line.slice(line.lastIndexOf(' ') + 1));
    found = true;
  }
  if (!found) throw new Error(`metric ${name} ${JSON.stringify(labels)} not found`);
  return sum;
}

/** Many connections at once against the service in a child process, so its memory can be read alone. */
describe('1,000 concurrent connections', () => {
  const cleanup = new Cleanup();
  afterEach(() => cleanup.run());

  it('holds 1,000 MCP connections with a call on each, at a measured memory cost per connection', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const child: ChildProcess = spawn(process.execPath, ['--expose-gc', FIXTURE], {
      env: { ...process.env, PORT: String(port), LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    cleanup.add(child, (c) => {
      if (c.exitCode === null) c.kill('SIGKILL');
    });
    await waitFor(async () => (await fetch(`${base}/readyz`).catch(() => undefined))?.status === 200, 30_000, 'the service to be ready');

    const metrics = async () => (await fetch(`${base}/metrics`)).text();
    const gc = async () => (await (await fetch(`${base}/test/gc`, { method: 'POST' })).json()) as { gc: boolean; heapUsed: number };
    const token = await testToken({ service: 'many' });
    const url = `ws://127.0.0.1:${port}/mcp`;

    // Warm up: code paths compiled, lazy singletons made.
    const warm = Array.from({ length: 10 }, () => new McpClient({ url, token }));
    await Promise.all(warm.map((c) => c.call(echo, { text: 'warm' })));
    await Promise.all(warm.map((c) => c.close()));
    await waitFor(async () => metric(await metrics(), 'automovie_mcp_connections', { transport: 'ws' }) === 0, 5000, 'warm-up closed');

    const g0 = await gc();
    expect(g0.gc).toBe(true);
    const rss0 = metric(await metrics(), 'automovie_process_resident_memory_bytes');

    const clients: McpClient[] = [];
    cleanup.add(clients, (cs) => Promise.all(cs.map((c) => c.close())));
    const connectStarted = Date.now();
    for (let i = 0; i < N; i += BATCH) {
      const batch = Array.from({ length: BATCH }, () => new McpClient({ url, token, timeoutMs: 30_000 }));
      clients.push(...batch);
      await Promise.all(batch.map((c) => c.connect()));
    }
    const connectMs = Date.now() - connectStarted;
    expect(metric(await metrics(), 'automovie_mcp_connections', { transport: 'ws' })).toBe(N);

    // Idle: what the connections themselves cost.
    const g1 = await gc();
    const rss1 = metric(await metrics(), 'automovie_process_resident_memory_bytes');
    const heapPerConn = (g1.heapUsed - g0.heapUsed) / N;
    const rssPerConn = (rss1 - rss0) / N;

    // Every client calls at once, and gets its own answer.
    const callStarted = Date.now();
    const results = await Promise.allSettled(clients.map((c, i) => c.call(echo, { text: `client-${i}` })));
    const callMs = Date.now() - callStarted;
    const failed = results.filter((r) => r.status === 'rejected');
    expect(failed).toEqual([]);
    results.forEach((r, i) => {
      expect(r).toEqual({ status: 'fulfilled', value: { text: `client-${i}` } });
    });
    expect(clients.every((c) => c.connects === 1)).toBe(true);
    const body = await metrics();
    expect(metric(body, 'automovie_mcp_calls_total', { tool: 'echo', outcome: 'ok' })).toBe(N + warm.length);
    const rss2 = metric(body, 'automovie_process_resident_memory_bytes');

    console.log(
      `[1000 connections] connect ${connectMs} ms, ${N} concurrent calls ${callMs} ms; server heap +${(heapPerConn / 1024).toFixed(1)} KiB/connection idle (after GC), ` +
        `RSS +${(rssPerConn / 1024).toFixed(1)} KiB/connection idle, RSS after calls ${(rss2 / 1048576).toFixed(0)} MiB (baseline ${(rss0 / 1048576).toFixed(0)} MiB)`,
    );
    // A sanity bound, not a benchmark: an idle connection (socket, SDK server, transport) well under 200 KiB of heap.
    expect(heapPerConn).toBeGreaterThan(0);
    expect(heapPerConn).toBeLessThan(200 * 1024);

    await Promise.all(clients.map((c) => c.close()));
    await waitFor(async () => metric(await metrics(), 'automovie_mcp_connections', { transport: 'ws' }) === 0, 10_000, 'all closed');
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
