import { testToken } from '@automovie/testing';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterEach, describe, expect, it } from 'vitest';
import { McpClient } from '../src/index.ts';
import { Cleanup, echo, newProbe, slow, startTestService, waitFor } from './helpers.ts';
import { RawPeer } from './raw-peer.ts';

/** `stop()` lets calls in flight finish, refuses new work meanwhile, then closes sockets with 1001. */
describe('graceful drain', () => {
  const cleanup = new Cleanup();
  afterEach(() => cleanup.run());

  it('waits for the call in flight, refuses new calls and connections with UNAVAILABLE, then closes with 1001', async () => {
    const probe = newProbe();
    const svc = cleanup.add(await startTestService({ probe, config: { SHUTDOWN_GRACE_MS: 10_000 } }), (s) => s.stop());
    const token = await testToken();
    const events: string[] = [];

    const caller = cleanup.add(new McpClient({ url: svc.mcpUrl, token }), (c) => c.close());
    const other = cleanup.add(new McpClient({ url: svc.mcpUrl, token }), (c) => c.close());
    await other.connect();
    const peer = cleanup.add(await RawPeer.initialized(svc.mcpUrl, token), (p) => p.terminate());
    void peer.closeCode(20_000).then((code) => events.push(`peer closed ${code}`));

    const slowCall = caller.call(slow, { ms: 700 }).then((r) => {
      events.push('slow result');
      return r;
    });
    await waitFor(() => svc.service.endpoint.inflight === 1, 2000, 'the slow call to be in flight');

    const stopped = svc.stop().then(() => events.push('stopped'));
    expect(svc.service.endpoint.draining).toBe(true);

    // New calls on an open connection are refused, retryably.
    const refused = await other.call(echo, { text: 'late' }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'UNAVAILABLE', retryable: true });
    expect((refused as Error).message).toMatch(/shutting down/);
    // So are new connections, and Streamable HTTP requests.
    const fresh = cleanup.add(new McpClient({ url: svc.mcpUrl, token }), (c) => c.close());
    await expect(fresh.connect()).rejects.toMatchObject({ code: 'UNAVAILABLE', retryable: true });
    const http = await fetch(`${svc.url}/mcp`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
    });
    expect(http.status).toBe(503);
    expect(events).toEqual([]);

    // The call in flight completes, and its caller gets the result.
    const result = await slowCall;
    expect(result.steps).toBe(1);
    expect(result.sleptMs).toBeGreaterThanOrEqual(650);
    expect(probe.slowCompleted).toBe(1);
    expect(probe.slowAborted).toBe(0);

    await stopped;
    await waitFor(() => events.length === 3, 2000, 'the peer to see its close');
    expect(events).toEqual(['slow result', 'peer closed 1001', 'stopped']);
    expect(svc.service.endpoint.connections).toBe(0);
    expect(svc.service.endpoint.inflight).toBe(0);
  });

  it('waits for a Streamable HTTP call in flight too', async () => {
    const svc = cleanup.add(await startTestService({ config: { SHUTDOWN_GRACE_MS: 10_000 } }), (s) => s.stop());
    const sdk = cleanup.add(new Client({ name: 'sdk-http', version: '1.0.0' }), (c) => c.close());
    await sdk.connect(
      new StreamableHTTPClientTransport(new URL(`${svc.url}/mcp`), {
        requestInit: { headers: { Authorization: `Bearer ${await testToken()}` } },
      }),
    );
    const events: string[] = [];
    // A WebSocket peer shows when the endpoint closes its sockets: only after the HTTP call is done.
    const peer = cleanup.add(await RawPeer.initialized(svc.mcpUrl, await testToken()), (p) => p.terminate());
    void peer.closeCode(20_000).then((code) => events.push(`peer closed ${code}`));
    const call = sdk.callTool({ name: 'slow', arguments: { ms: 500 } }).then((r) => {
      events.push('result');
      return r;
    });
    await waitFor(() => svc.service.endpoint.inflight === 1, 2000, 'the HTTP call to be in flight');
    await svc.stop().then(() => events.push('stopped'));
    expect((await call).structuredContent).toMatchObject({ steps: 1 });
    expect(events).toEqual(['result', 'peer closed 1001', 'stopped']);
  });

  it('does not wait for calls its callers gave up on (timed out and cancelled)', async () => {
    const probe = newProbe();
    const svc = cleanup.add(await startTestService({ probe, config: { SHUTDOWN_GRACE_MS: 10_000 } }), (s) => s.stop());
    const client = cleanup.add(new McpClient({ url: svc.mcpUrl, token: await testToken() }), (c) => c.close());
    await expect(client.call(slow, { ms: 5000 }, { timeoutMs: 100 })).rejects.toMatchObject({ code: 'TIMEOUT' });
    // The cancellation reached the server: the tool saw its signal and the call no longer counts.
    await waitFor(() => probe.slowAborted === 1, 2000, 'the tool to be aborted');
    await waitFor(() => svc.service.endpoint.inflight === 0, 2000, 'no call in flight');
    const started = Date.now();
    await svc.stop();
    expect(Date.now() - started).toBeLessThan(1500);
  });
});
