import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { AutomovieError, type Principal } from '@automovie/contracts';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { McpClient, McpEndpoint, silentLogger, ToolHost } from '../src/index.ts';
import { Cleanup, echo, newProbe, slow, testTools } from './helpers.ts';

const principal: Principal = { kind: 'service', sub: 'racer', service: 'racer', scopes: ['*'] };

/** An endpoint whose token check takes `authMs`, so tests can act while it is pending. */
async function slowAuthEndpoint(cleanup: Cleanup, authMs: number): Promise<{ endpoint: McpEndpoint; port: number; app: FastifyInstance }> {
  const app = Fastify();
  const host = new ToolHost({
    service: 'racesvc',
    version: '1.0.0',
    logger: silentLogger,
    tools: testTools(newProbe()),
  });
  const endpoint = new McpEndpoint({
    host,
    logger: silentLogger,
    auth: {
      async verify(token: string) {
        await sleep(authMs);
        if (token === 'good') return principal;
        throw new AutomovieError('UNAUTHENTICATED', 'Unauthenticated: bad token');
      },
    },
  });
  endpoint.attach(app);
  await app.listen({ host: '127.0.0.1', port: 0 });
  cleanup.add(app, async (a) => {
    await endpoint.close();
    await a.close();
  });
  const addr = app.server.address();
  return { endpoint, app, port: typeof addr === 'object' && addr ? addr.port : 0 };
}

function rawUpgrade(port: number, token: string): Socket {
  const sock = connect({ port, host: '127.0.0.1' });
  sock.on('error', () => {});
  sock.write(
    [
      'GET /mcp HTTP/1.1',
      `Host: 127.0.0.1:${port}`,
      'Upgrade: websocket',
      'Connection: Upgrade',
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
      'Sec-WebSocket-Version: 13',
      'Sec-WebSocket-Protocol: mcp',
      `Authorization: Bearer ${token}`,
      '',
      '',
    ].join('\r\n'),
  );
  return sock;
}

/** The races around the upgrade's asynchronous token check. */
describe('upgrade races', () => {
  const cleanup = new Cleanup();
  afterEach(() => cleanup.run());

  it('survives peers that reset while their token is being checked', async () => {
    const { endpoint, port } = await slowAuthEndpoint(cleanup, 50);
    const errors: unknown[] = [];
    const onUncaught = (err: unknown) => errors.push(err);
    process.on('uncaughtException', onUncaught);
    cleanup.add(onUncaught, (fn) => process.off('uncaughtException', fn));

    const socks = [
      ...Array.from({ length: 5 }, () => rawUpgrade(port, 'bad')),
      ...Array.from({ length: 5 }, () => rawUpgrade(port, 'good')),
    ];
    await sleep(10);
    for (const s of socks) s.resetAndDestroy();
    await sleep(200);
    expect(errors).toEqual([]);
    expect(endpoint.connections).toBe(0);

    // The endpoint still serves.
    const client = cleanup.add(new McpClient({ url: `ws://127.0.0.1:${port}/mcp`, token: 'good' }), (c) => c.close());
    expect(await client.call(echo, { text: 'alive' })).toEqual({ text: 'alive' });
  });

  it('refuses (503) an upgrade whose token check ends after drain began', async () => {
    const { endpoint, port } = await slowAuthEndpoint(cleanup, 100);
    // A call in flight keeps the drain in its grace period.
    const busy = cleanup.add(new McpClient({ url: `ws://127.0.0.1:${port}/mcp`, token: 'good' }), (c) => c.close());
    await busy.connect();
    const inflight = busy.call(slow, { ms: 400 });
    const status = new Promise<number>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/mcp`, 'mcp', { headers: { authorization: 'Bearer good' } });
      cleanup.add(ws, (w) => w.terminate());
      ws.on('unexpected-response', (_req, res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      ws.on('open', () => resolve(101));
      ws.on('error', () => {});
    });
    await sleep(20);
    const drained = endpoint.drain(5000);
    expect(await status).toBe(503);
    expect(endpoint.connections).toBe(1);
    expect(await inflight).toMatchObject({ steps: 1 });
    await drained;
    expect(endpoint.connections).toBe(0);
  });
});
