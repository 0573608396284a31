import { AutomovieError } from '@automovie/contracts';
import { freePort, type StartedService, testToken } from '@automovie/testing';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ClientPool, fromSdkError, McpClient } from '../src/index.ts';
import { Cleanup, echo, startTestService, waitFor } from './helpers.ts';

const URL_ = 'ws://127.0.0.1:1/mcp';

describe('fromSdkError', () => {
  it('maps what the SDK throws to the fleet’s codes', () => {
    expect(fromSdkError(new McpError(-32001, 'Request timed out', { timeout: 5 }), URL_)).toMatchObject({
      code: 'TIMEOUT',
      retryable: true,
    });
    expect(fromSdkError(new McpError(-32000, 'Connection closed'), URL_)).toMatchObject({ code: 'CONNECTION_LOST', retryable: true });
    expect(fromSdkError(new McpError(-32602, 'bad params'), URL_)).toMatchObject({ code: 'INVALID_INPUT', message: 'bad params' });
    expect(fromSdkError(new McpError(-32603, 'oops'), URL_)).toMatchObject({ code: 'INTERNAL', data: { rpcCode: -32603 } });
    // A fleet error carried in the JSON-RPC error's data keeps its code and retryability, without the SDK's prefix.
    const wire = fromSdkError(new McpError(-32004, 'Unavailable: draining', { code: 'UNAVAILABLE', retryable: true }), URL_);
    expect(wire).toMatchObject({ code: 'UNAVAILABLE', retryable: true, message: 'Unavailable: draining' });
    // The SDK's "Not connected" (its transport already gone): the call never left, so it is CONNECTION_LOST, not INTERNAL.
    expect(fromSdkError(new Error('Not connected'), URL_)).toMatchObject({ code: 'CONNECTION_LOST', retryable: true });
    const own = new AutomovieError('FORBIDDEN', 'no');
    expect(fromSdkError(own, URL_)).toBe(own);
    expect(fromSdkError(new Error('weird'), URL_)).toMatchObject({ code: 'INTERNAL', message: 'weird' });
  });
});

describe('McpClient connecting', () => {
  const cleanup = new Cleanup();
  let svc: StartedService;
  let token: string;
  beforeEach(async () => {
    svc = cleanup.add(await startTestService(), (s) => s.stop());
    token = await testToken();
  });
  afterEach(() => cleanup.run());

  it('opens one connection for concurrent first calls and connect()s', async () => {
    const c = cleanup.add(new McpClient({ url: svc.mcpUrl, token }), (x) => x.close());
    await Promise.all([c.connect(), c.connect(), c.call(echo, { text: 'a' }), c.call(echo, { text: 'b' }), c.connect()]);
    expect(c.connects).toBe(1);
    await new Promise((r) => setTimeout(r, 50));
    expect(svc.service.endpoint.connections).toBe(1);
  });

  it('connect() to a port where nothing listens fails with a retryable CONNECTION_LOST', async () => {
    const port = await freePort();
    const c = cleanup.add(new McpClient({ url: `ws://127.0.0.1:${port}/mcp`, token }), (x) => x.close());
    const err = await c.connect().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'CONNECTION_LOST', retryable: true });
    expect((err as Error).message).toContain(`127.0.0.1:${port}`);
    expect(c.state).toBe('idle');
  });

  it('connect() to a wrong path fails with NOT_FOUND and does not retry', async () => {
    const c = cleanup.add(new McpClient({ url: svc.mcpUrl.replace('/mcp', '/nope'), token }), (x) => x.close());
    await expect(c.connect()).rejects.toMatchObject({ code: 'NOT_FOUND', retryable: false });
    await expect(c.call(echo, { text: 'x' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('asks the token function again at each reconnection', async () => {
    const tokens: string[] = [];
    const c = cleanup.add(
      new McpClient({
        url: svc.mcpUrl,
        reconnect: { initialDelayMs: 10 },
        token: async () => {
          const t = await testToken({ service: `caller-${tokens.length}` });
          tokens.push(t);
          return t;
        },
      }),
      (x) => x.close(),
    );
    expect(((await c.callTool('whoami', {})) as { principal: { sub: string } }).principal.sub).toBe('caller-0');
    const port = svc.port;
    await svc.stop();
    cleanup.add(await startTestService({ config: { PORT: port } }), (s) => s.stop());
    await waitFor(() => c.connects === 2, 5000, 'the reconnection');
    expect(((await c.callTool('whoami', {})) as { principal: { sub: string } }).principal.sub).toBe(`caller-${tokens.length - 1}`);
    expect(tokens.length).toBeGreaterThanOrEqual(2);
  });
});

describe('ClientPool', () => {
  const cleanup = new Cleanup();
  afterEach(() => cleanup.run());

  it('shares one client per url and identity, replaces closed ones, and closes them all', async () => {
    const svc = cleanup.add(await startTestService(), (s) => s.stop());
    const token = await testToken();
    const pool = new ClientPool({ token });
    cleanup.add(pool, (p) => p.closeAll());
    const a = pool.get(svc.mcpUrl);
    expect(pool.get(svc.mcpUrl)).toBe(a);
    const b = pool.get(svc.mcpUrl, { identity: 'user:1' });
    expect(b).not.toBe(a);
    expect(pool.size).toBe(2);
    expect(await a.call(echo, { text: 'pooled' })).toEqual({ text: 'pooled' });
    await b.connect();
    await waitFor(() => svc.service.endpoint.connections === 2, 2000, 'two connections');

    await a.close();
    const a2 = pool.get(svc.mcpUrl);
    expect(a2).not.toBe(a);

    await pool.closeAll();
    expect(pool.size).toBe(0);
    expect(b.state).toBe('closed');
    await waitFor(() => svc.service.endpoint.connections === 0, 2000, 'every connection closed');
  });
});
