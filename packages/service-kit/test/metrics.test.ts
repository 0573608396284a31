import { McpClient } from '@automovie/mcp-ws';
import { testToken } from '@automovie/testing';
import { afterEach, describe, expect, it } from 'vitest';
import type { Service } from '../src/index.ts';
import { buildKitService, echo, slow, waitFor } from './helpers.ts';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the Prometheus text format (the subset prom-client writes). */
function parse(body: string): Sample[] {
  const out: Sample[] = [];
  for (const line of body.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not Prometheus text: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, k, v] of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[k!] = v!;
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

function value(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  return samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}

/** /metrics tells what really happened: calls by tool and outcome, latencies, connections, calls in flight. */
describe('/metrics', () => {
  const services: Service[] = [];
  const clients: McpClient[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await Promise.all(services.splice(0).map((s) => s.stop()));
  });

  it('counts real calls by tool and outcome, times them, and tracks connections and calls in flight', async () => {
    const svc = await buildKitService();
    services.push(svc);
    const { url, mcpUrl } = await svc.start();
    const scrape = async () => {
      const res = await fetch(`${url}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      return parse(await res.text());
    };

    const fresh = await scrape();
    expect(value(fresh, 'automovie_mcp_calls_total', { tool: 'echo' })).toBeUndefined();
    expect(value(fresh, 'automovie_mcp_connections', { transport: 'ws' })).toBe(0);
    expect(value(fresh, 'automovie_process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(value(fresh, 'automovie_process_resident_memory_bytes', { service: 'kitsvc' })).toBeGreaterThan(0);

    const client = new McpClient({ url: mcpUrl, token: await testToken() });
    clients.push(client);
    for (const text of ['a', 'b', 'c']) await client.call(echo, { text });
    await expect(client.callTool('echo', { text: 7 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(client.callTool('nope', {})).rejects.toMatchObject({ code: 'UNKNOWN_TOOL' });

    const inflight = client.call(slow, { ms: 300 });
    await waitFor(() => svc.endpoint.inflight === 1, 2000, 'the slow call');
    const during = await scrape();
    expect(value(during, 'automovie_mcp_inflight')).toBe(1);
    expect(value(during, 'automovie_mcp_connections', { transport: 'ws' })).toBe(1);
    await inflight;

    const s = await scrape();
    expect(value(s, 'automovie_mcp_calls_total', { service: 'kitsvc', tool: 'echo', outcome: 'ok' })).toBe(3);
    expect(value(s, 'automovie_mcp_calls_total', { tool: 'echo', outcome: 'invalid_input' })).toBe(1);
    // Unknown tool names are the caller's words: one label for all of them, so the registry cannot be grown at will.
    expect(value(s, 'automovie_mcp_calls_total', { tool: '_unknown', outcome: 'unknown_tool' })).toBe(1);
    expect(s.some((x) => x.labels.tool === 'nope')).toBe(false);
    expect(value(s, 'automovie_mcp_calls_total', { tool: 'slow', outcome: 'ok' })).toBe(1);
    expect(value(s, 'automovie_mcp_inflight')).toBe(0);

    // The duration histogram: every echo call observed, fast; the slow call in the right buckets.
    expect(value(s, 'automovie_mcp_call_duration_seconds_count', { tool: 'echo' })).toBe(4);
    expect(value(s, 'automovie_mcp_call_duration_seconds_bucket', { tool: 'echo', le: '+Inf' })).toBe(4);
    expect(value(s, 'automovie_mcp_call_duration_seconds_sum', { tool: 'echo' })).toBeLessThan(0.5);
    expect(value(s, 'automovie_mcp_call_duration_seconds_bucket', { tool: 'slow', le: '0.25' })).toBe(0);
    expect(value(s, 'automovie_mcp_call_duration_seconds_bucket', { tool: 'slow', le: '0.5' })).toBe(1);
    expect(value(s, 'automovie_mcp_call_duration_seconds_sum', { tool: 'slow' })).toBeGreaterThanOrEqual(0.29);

    await client.close();
    await waitFor(async () => value(await scrape(), 'automovie_mcp_connections', { transport: 'ws' }) === 0, 2000, 'the gauge to drop');
  });

  it('counts Streamable HTTP requests as http connections while they are served', async () => {
    const svc = await buildKitService();
    services.push(svc);
    const { url } = await svc.start();
    const res = await fetch(`${url}/mcp`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await testToken()}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'echo', arguments: { text: 'h' } } }),
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('"structuredContent":{"text":"h"}');
    const s = parse((await svc.metrics.render()).body);
    expect(value(s, 'automovie_mcp_calls_total', { tool: 'echo', outcome: 'ok' })).toBe(1);
    await waitFor(
      async () => value(parse((await svc.metrics.render()).body), 'automovie_mcp_connections', { transport: 'http' }) === 0,
      2000,
      'the http gauge to return to 0',
    );
    expect(value(parse((await svc.metrics.render()).body), 'automovie_mcp_inflight')).toBe(0);
  });

  it("serves a service's own gauge, its collect run at every scrape, with the service label", async () => {
    const svc = await buildKitService();
    services.push(svc);
    const { url } = await svc.start();
    let scrapes = 0;
    const gauge = svc.metrics.registerGauge({
      name: 'automovie_test_depth',
      help: 'a depth read at scrape time',
      labelNames: ['queue'],
      collect: async (g) => {
        scrapes += 1;
        await new Promise((r) => setTimeout(r, 10));
        g.set({ queue: 'a' }, scrapes * 10);
      },
    });
    gauge.set({ queue: 'b' }, 7);
    const scrape = async () => parse(await (await fetch(`${url}/metrics`)).text());

    const first = await scrape();
    expect(value(first, 'automovie_test_depth', { service: 'kitsvc', queue: 'a' })).toBe(10);
    expect(value(first, 'automovie_test_depth', { queue: 'b' })).toBe(7);
    expect(value(await scrape(), 'automovie_test_depth', { queue: 'a' })).toBe(20);
    expect(scrapes).toBe(2);
    // Names are unique per registry: a second gauge of the same name is refused, not silently merged.
    expect(() => svc.metrics.registerGauge({ name: 'automovie_test_depth', help: 'again' })).toThrow(/already been registered/);
  });
});
