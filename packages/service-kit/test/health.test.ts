import { McpClient } from '@automovie/mcp-ws';
import { testToken } from '@automovie/testing';
import { afterEach, describe, expect, it } from 'vitest';
import type { Service } from '../src/index.ts';
import { buildKitService, slow, waitFor } from './helpers.ts';

interface Readiness {
  status: string;
  failures?: { check: string; error: string }[];
}

/** /healthz says the process lives; /readyz says it should get traffic now. */
describe('health and readiness', () => {
  const services: Service[] = [];
  const clients: McpClient[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await Promise.all(services.splice(0).map((s) => s.stop()));
  });

  async function build(...args: Parameters<typeof buildKitService>): Promise<Service> {
    const s = await buildKitService(...args);
    services.push(s);
    return s;
  }

  it('/healthz answers 200 with the service identity, even before start', async () => {
    const svc = await build();
    const res = await svc.app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok', service: 'kitsvc', version: '0.9.0', instanceId: svc.instanceId });
    expect(res.json().uptimeS).toBeGreaterThanOrEqual(0);
  });

  it('/readyz is 503 before start (naming the check) and 200 once listening', async () => {
    const svc = await build();
    const before = await svc.app.inject({ method: 'GET', url: '/readyz' });
    expect(before.statusCode).toBe(503);
    expect(before.json()).toEqual({ status: 'not_ready', failures: [{ check: 'listening', error: 'not started' }] });

    const { url } = await svc.start();
    const after = await fetch(`${url}/readyz`);
    expect(after.status).toBe(200);
    expect(await after.json()).toEqual({ status: 'ready' });
  });

  it('/readyz is 503 while a readiness check throws, listing the failing check and its reason, and 200 when it recovers', async () => {
    let redisUp = false;
    const svc = await build({
      readiness: [
        { name: 'graph', check: () => {} },
        {
          name: 'redis',
          check: async () => {
            if (!redisUp) throw new Error('ECONNREFUSED 127.0.0.1:6379');
          },
        },
      ],
    });
    const { url } = await svc.start();
    const down = await fetch(`${url}/readyz`);
    expect(down.status).toBe(503);
    expect(((await down.json()) as Readiness).failures).toEqual([{ check: 'redis', error: 'ECONNREFUSED 127.0.0.1:6379' }]);

    redisUp = true;
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
  });

  it('/readyz does not hang on a check that never settles: it fails that check at its timeout', async () => {
    const svc = await build({
      readiness: [
        { name: 'hung', timeoutMs: 100, check: () => new Promise<void>(() => {}) },
        { name: 'fine', check: () => {} },
      ],
    });
    const { url } = await svc.start();
    const started = Date.now();
    const res = await fetch(`${url}/readyz`);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(res.status).toBe(503);
    expect(((await res.json()) as Readiness).failures).toEqual([{ check: 'hung', error: 'timed out after 100 ms' }]);
  });

  it('/readyz is 503 during drain, while /healthz stays 200', async () => {
    const svc = await build({ config: { SHUTDOWN_GRACE_MS: 5000 } });
    const { url, mcpUrl } = await svc.start();
    const client = new McpClient({ url: mcpUrl, token: await testToken() });
    clients.push(client);
    await client.connect();
    const call = client.call(slow, { ms: 500 });
    await waitFor(() => svc.endpoint.inflight === 1, 2000, 'the call to be in flight');
    const stopping = svc.stop();

    const during = await fetch(`${url}/readyz`);
    expect(during.status).toBe(503);
    expect(((await during.json()) as Readiness).failures).toContainEqual({ check: 'draining', error: 'shutting down' });
    expect((await fetch(`${url}/healthz`)).status).toBe(200);

    expect(await call).toEqual({ ms: 500 });
    await stopping;
    const res = await svc.app.inject({ method: 'GET', url: '/readyz' }).catch((e: unknown) => e);
    // Once stopped, nothing is served.
    expect(res).toBeInstanceOf(Error);
  });

  it('stop() is idempotent and runs onStop once, after the server closed', async () => {
    let stops = 0;
    let listeningAtStop: boolean | undefined;
    const svc = await build({
      onStop: () => {
        stops++;
        listeningAtStop = svc.app.server.listening;
      },
    });
    await svc.start();
    await Promise.all([svc.stop(), svc.stop()]);
    await svc.stop();
    expect(stops).toBe(1);
    expect(listeningAtStop).toBe(false);
  });
});
