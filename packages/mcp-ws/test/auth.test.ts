import type { IncomingMessage } from 'node:http';
import { AutomovieError } from '@automovie/contracts';
import { type StartedService, TEST_JWT_SECRET, testToken } from '@automovie/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { McpClient, TokenAuthority } from '../src/index.ts';
import { Cleanup, echo, grouped, SERVICE, slow, startTestService } from './helpers.ts';

interface Refusal {
  status: number;
  headers: IncomingMessage['headers'];
  body: { error?: { code?: string; message?: string } };
}

/** Opens a raw upgrade and resolves with the HTTP refusal (or rejects if a WebSocket opened). */
function refusedUpgrade(url: string, headers: Record<string, string> = {}, protocols: string[] = ['mcp']): Promise<Refusal> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols, { headers });
    ws.on('unexpected-response', (_req, res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
        ws.terminate();
      });
    });
    ws.on('open', () => {
      ws.terminate();
      reject(new Error('the WebSocket opened'));
    });
    ws.on('error', () => {});
  });
}

describe('authentication at the upgrade and on HTTP', () => {
  const cleanup = new Cleanup();
  let svc: StartedService;

  beforeEach(async () => {
    svc = cleanup.add(await startTestService(), (s) => s.stop());
  });
  afterEach(() => cleanup.run());

  it('refuses an upgrade without a token with 401 before any WebSocket exists', async () => {
    const r = await refusedUpgrade(svc.mcpUrl);
    expect(r.status).toBe(401);
    expect(r.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(r.body.error?.code).toBe('UNAUTHENTICATED');
    expect(r.body.error?.message).toMatch(/no bearer token/);
    expect(svc.service.endpoint.connections).toBe(0);
  });

  it('refuses a token signed with another secret, an expired token and garbage with 401', async () => {
    const other = await new TokenAuthority('another-secret-that-is-long-enough-0123456789').mint({ service: 'x', scopes: ['*'] });
    const expired = await testToken({ ttl: -60 });
    const cases: [string, RegExp][] = [
      [other, /signature invalid/],
      [expired, /expired/],
      ['not-a-jwt', /malformed/],
    ];
    for (const [token, reason] of cases) {
      const viaHeader = await refusedUpgrade(svc.mcpUrl, { authorization: `Bearer ${token}` });
      expect(viaHeader.status).toBe(401);
      expect(viaHeader.body.error?.message).toMatch(reason);
      const viaQuery = await refusedUpgrade(`${svc.mcpUrl}?access_token=${encodeURIComponent(token)}`);
      expect(viaQuery.status).toBe(401);
      expect(viaQuery.body.error?.message).toMatch(reason);
    }
    expect(svc.service.endpoint.connections).toBe(0);
  });

  it('refuses an upgrade without the mcp subprotocol (400) and on another path (404)', async () => {
    const token = await testToken();
    expect((await refusedUpgrade(svc.mcpUrl, { authorization: `Bearer ${token}` }, [])).status).toBe(400);
    expect((await refusedUpgrade(svc.mcpUrl.replace('/mcp', '/other'), { authorization: `Bearer ${token}` })).status).toBe(404);
    expect(svc.service.endpoint.connections).toBe(0);
  });

  it('refuses a Streamable HTTP POST with a bad or expired token with 401', async () => {
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} });
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    const expired = await testToken({ ttl: -60 });
    for (const auth of [undefined, 'Bearer nope', `Bearer ${expired}`]) {
      const res = await fetch(`${svc.url}/mcp`, {
        method: 'POST',
        body,
        headers: { ...headers, ...(auth ? { authorization: auth } : {}) },
      });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(((await res.json()) as Refusal['body']).error?.code).toBe('UNAUTHENTICATED');
    }
  });

  it('McpClient with a bad token fails fast with UNAUTHENTICATED (not retried)', async () => {
    const client = cleanup.add(new McpClient({ url: svc.mcpUrl, token: 'bad', timeoutMs: 5000 }), (c) => c.close());
    const started = Date.now();
    const err = await client.call(echo, { text: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AutomovieError);
    expect(err).toMatchObject({ code: 'UNAUTHENTICATED', retryable: false });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('a token missing the scope gets FORBIDDEN naming the scope; the tool does not run', async () => {
    const token = await testToken({ service: 'narrow', scopes: [`${SERVICE}:echo`] });
    const client = cleanup.add(new McpClient({ url: svc.mcpUrl, token }), (c) => c.close());
    expect(await client.call(echo, { text: 'ok' })).toEqual({ text: 'ok' });
    const err = await client.call(slow, { ms: 1 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'FORBIDDEN', status: 403 });
    expect((err as Error).message).toContain(`${SERVICE}:slow`);
    expect((err as Error).message).toContain('narrow');
  });

  it('a scope of another service grants nothing here; a group scope grants its tools', async () => {
    const other = await testToken({ scopes: ['otherservice:*'] });
    const a = cleanup.add(new McpClient({ url: svc.mcpUrl, token: other }), (c) => c.close());
    await expect(a.call(echo, { text: 'x' })).rejects.toMatchObject({ code: 'FORBIDDEN' });

    const group = await testToken({ scopes: [`${SERVICE}:files.read`] });
    const b = cleanup.add(new McpClient({ url: svc.mcpUrl, token: group }), (c) => c.close());
    expect(await b.call(grouped, {})).toEqual({ ok: true });
    await expect(b.call(echo, { text: 'x' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('an on-behalf-of token reaches tools as a user principal', async () => {
    const token = await new TokenAuthority(TEST_JWT_SECRET).mint({ service: 'frontend', userId: 'u-42', scopes: ['*'] });
    const client = cleanup.add(new McpClient({ url: svc.mcpUrl, token }), (c) => c.close());
    const me = (await client.callTool('whoami', {})) as { principal: { kind: string; userId: string; sub: string; service: string } };
    expect(me.principal).toMatchObject({ kind: 'user', userId: 'u-42', sub: 'user:u-42', service: 'frontend' });
  });
});
