import type { AddressInfo } from 'node:net';
import { testToken } from '@automovie/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { McpClient } from '../src/index.ts';
import { Cleanup, echo, startTestService, waitFor } from './helpers.ts';
import { RawPeer } from './raw-peer.ts';

const HEARTBEAT_MS = 100;

/** The server pings every peer; one that stops answering is terminated, the others are left alone. */
describe('heartbeat', () => {
  const cleanup = new Cleanup();
  afterEach(() => cleanup.run());

  it('terminates a peer that does not answer pings, and keeps one that does', async () => {
    const svc = cleanup.add(await startTestService({ config: { MCP_HEARTBEAT_MS: HEARTBEAT_MS } }), (s) => s.stop());
    const token = await testToken();
    const healthy = cleanup.add(new McpClient({ url: svc.mcpUrl, token }), (c) => c.close());
    await healthy.connect();

    const deaf = cleanup.add(await RawPeer.initialized(svc.mcpUrl, token, { autoPong: false }), (p) => p.terminate());
    const openedAt = Date.now();
    expect(svc.service.endpoint.connections).toBe(2);

    // Terminated (no closing handshake: 1006) after a missed ping, within a few intervals.
    expect(await deaf.closeCode(HEARTBEAT_MS * 30)).toBe(1006);
    const lifetime = Date.now() - openedAt;
    expect(deaf.pings).toBeGreaterThanOrEqual(1);
    expect(lifetime).toBeGreaterThanOrEqual(HEARTBEAT_MS);
    // Two intervals in theory; generous for a loaded machine.
    expect(lifetime).toBeLessThan(HEARTBEAT_MS * 30);
    await waitFor(() => svc.service.endpoint.connections === 1, 2000, 'the server to drop the peer');

    // The peer that answers pings lived through the same intervals and more.
    await new Promise((r) => setTimeout(r, HEARTBEAT_MS * 4));
    expect(healthy.connects).toBe(1);
    expect(await healthy.call(echo, { text: 'alive' })).toEqual({ text: 'alive' });
    expect(svc.service.endpoint.connections).toBe(1);
  });
});

/** A minimal MCP server that answers `initialize` and nothing else; `autoPong: false` makes it deaf to pings. */
async function fakeServer(cleanup: Cleanup, autoPong: boolean): Promise<{ url: string; connections: () => number }> {
  const wss = cleanup.add(new WebSocketServer({ port: 0, host: '127.0.0.1', autoPong, handleProtocols: () => 'mcp' }), (w) => {
    for (const c of w.clients) c.terminate();
    w.close();
  });
  await new Promise((r) => wss.once('listening', r));
  let connections = 0;
  wss.on('connection', (ws) => {
    connections++;
    ws.on('message', (data) => {
      const msg = JSON.parse(data.toString()) as { id?: number; method: string };
      if (msg.method === 'initialize') {
        ws.send(
          JSON.stringify({
            jsonrpc: '2.0',
            id: msg.id,
            result: { protocolVersion: '2025-06-18', capabilities: { tools: {} }, serverInfo: { name: 'fake', version: '0' } },
          }),
        );
      }
    });
  });
  return { url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/mcp`, connections: () => connections };
}

/** The client pings too: a server that went silent is dropped and reconnected, not waited on forever. */
describe('client heartbeat', () => {
  const cleanup = new Cleanup();
  afterEach(() => cleanup.run());

  it('drops a connection whose server stops answering pings, and reconnects', async () => {
    const deaf = await fakeServer(cleanup, false);
    const client = cleanup.add(new McpClient({ url: deaf.url, heartbeatMs: HEARTBEAT_MS, reconnect: { initialDelayMs: 10 } }), (c) =>
      c.close(),
    );
    await client.connect();
    expect(client.connects).toBe(1);
    await waitFor(() => client.connects >= 2, HEARTBEAT_MS * 30, 'the client to drop and reconnect');
    expect(deaf.connections()).toBeGreaterThanOrEqual(2);
  });

  it('keeps a connection whose server answers pings', async () => {
    const fine = await fakeServer(cleanup, true);
    const client = cleanup.add(new McpClient({ url: fine.url, heartbeatMs: HEARTBEAT_MS }), (c) => c.close());
    await client.connect();
    await new Promise((r) => setTimeout(r, HEARTBEAT_MS * 6));
    expect(client.connects).toBe(1);
    expect(client.state).toBe('open');
    expect(fine.connections()).toBe(1);
  });
});
