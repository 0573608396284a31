import { request } from 'node:http';
import { type StartedService, testToken } from '@automovie/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { Cleanup, startTestService } from './helpers.ts';

interface Answer {
  status: number;
  body: string;
}

/** One raw HTTP request with whatever Host and Origin the test wants (fetch would not send a foreign Host). */
function raw(
  port: number,
  opts: { method: 'POST' | 'GET'; host: string; origin?: string; token: string; upgrade?: boolean; body?: string },
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { host: opts.host, authorization: `Bearer ${opts.token}` };
    if (opts.origin) headers.origin = opts.origin;
    if (opts.upgrade) {
      Object.assign(headers, {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
        'sec-websocket-version': '13',
        'sec-websocket-protocol': 'mcp',
      });
    } else {
      Object.assign(headers, { 'content-type': 'application/json', accept: 'application/json, text/event-stream' });
    }
    const req = request({ host: '127.0.0.1', port, path: '/mcp', method: opts.method, headers, setHost: false });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve({ status: res.statusCode ?? 0, body: '' });
    });
    req.on('response', (res) => {
      let body = '';
      res.on('data', (d) => {
        body += d;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

const INIT = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'dns', version: '1' } },
});

/** A service on loopback only answers to local names: a page whose DNS name points at 127.0.0.1 is refused. */
describe('DNS-rebinding protection', () => {
  const cleanup = new Cleanup();
  afterEach(() => cleanup.run());

  async function post(svc: StartedService, host: string, origin?: string): Promise<Answer> {
    return raw(svc.port, { method: 'POST', host, token: await testToken(), body: INIT, ...(origin ? { origin } : {}) });
  }

  it('on loopback: refuses a foreign Host or Origin with 403, on HTTP and on the upgrade; accepts local names', async () => {
    const svc = cleanup.add(await startTestService(), (s) => s.stop());
    const p = svc.port;
    const evil = await post(svc, 'evil.example.com', 'http://evil.example.com');
    expect(evil.status).toBe(403);
    expect(JSON.parse(evil.body).error).toMatchObject({ code: 'FORBIDDEN', message: 'Host "evil.example.com" is not allowed' });
    expect((await post(svc, `127.0.0.1:${p}`, 'http://evil.example.com')).status).toBe(403);
    expect((await post(svc, `evil.example.com:${p}`)).status).toBe(403);

    for (const host of [`127.0.0.1:${p}`, `localhost:${p}`, `[::1]:${p}`, 'LOCALHOST']) {
      expect((await post(svc, host, `http://${host}`)).status, host).toBe(200);
    }
    expect((await post(svc, `127.0.0.1:${p}`)).status).toBe(200);

    const token = await testToken();
    expect((await raw(p, { method: 'GET', host: 'evil.example.com', token, upgrade: true })).status).toBe(403);
    expect((await raw(p, { method: 'GET', host: `127.0.0.1:${p}`, origin: 'https://evil.example.com', token, upgrade: true })).status).toBe(
      403,
    );
    expect((await raw(p, { method: 'GET', host: `localhost:${p}`, origin: `http://localhost:${p}`, token, upgrade: true })).status).toBe(
      101,
    );
  });

  it('accepts any Host when bound to all interfaces (a service reached by its cluster name), unless hosts are listed', async () => {
    const open = cleanup.add(await startTestService({ config: { HOST: '0.0.0.0' } }), (s) => s.stop());
    expect((await post(open, `brain:${open.port}`)).status).toBe(200);

    const listed = cleanup.add(await startTestService({ config: { HOST: '0.0.0.0', MCP_ALLOWED_HOSTS: ['brain'] } }), (s) => s.stop());
    expect((await post(listed, `brain:${listed.port}`)).status).toBe(200);
    expect((await post(listed, `other:${listed.port}`)).status).toBe(403);
  });
});
