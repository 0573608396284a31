import { AutomovieError } from '@automovie/contracts';
import { testToken } from '@automovie/testing';
import { afterEach, describe, expect, it } from 'vitest';
import type { Service } from '../src/index.ts';
import { buildKitService, LogCapture } from './helpers.ts';

const MAX = 2048;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** One error shape over HTTP: `{ error: WireError }` with the right status, whatever went wrong. */
describe('HTTP errors and request ids', () => {
  const services: Service[] = [];
  afterEach(async () => {
    await Promise.all(services.splice(0).map((s) => s.stop()));
  });

  async function build(logs?: LogCapture): Promise<Service> {
    const svc = await buildKitService({
      config: { MCP_MAX_MESSAGE_BYTES: MAX },
      ...(logs ? { logs } : {}),
      routes(app) {
        app.get('/test/conflict', async () => {
          throw new AutomovieError('CONFLICT', 'Project p1 was changed meanwhile', { data: { projectId: 'p1' } });
        });
        app.get('/test/crash', async () => {
          throw new RangeError('index 7 out of range');
        });
        app.post('/test/echo', async (req) => ({ got: req.body }));
      },
    });
    services.push(svc);
    return svc;
  }

  it('an unknown route is a 404 JSON error with code NOT_FOUND', async () => {
    const svc = await build();
    const res = await svc.app.inject({ method: 'GET', url: '/nowhere' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'No route GET /nowhere', status: 404, retryable: false } });
  });

  it('a body over MCP_MAX_MESSAGE_BYTES is a 413 PAYLOAD_TOO_LARGE', async () => {
    const svc = await build();
    for (const url of ['/mcp', '/test/echo']) {
      const res = await svc.app.inject({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ text: 'x'.repeat(MAX) }),
      });
      expect(res.statusCode).toBe(413);
      expect(res.json().error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', status: 413, retryable: false });
    }
  });

  it('an invalid JSON body is a 400 INVALID_INPUT that says so', async () => {
    const svc = await build();
    for (const url of ['/mcp', '/test/echo']) {
      const res = await svc.app.inject({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/json' },
        payload: '{"jsonrpc": "2.0",',
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().error).toMatchObject({ code: 'INVALID_INPUT', status: 400, message: expect.stringMatching(/JSON/) });
    }
  });

  it('an unsupported content type is a 415 INVALID_INPUT; GET /mcp is a 405 naming POST', async () => {
    const svc = await build();
    const text = await svc.app.inject({ method: 'POST', url: '/test/echo', headers: { 'content-type': 'text/csv' }, payload: 'a,b' });
    expect(text.statusCode).toBe(415);
    expect(text.json().error).toMatchObject({ code: 'INVALID_INPUT', status: 415 });
    const get = await svc.app.inject({ method: 'GET', url: '/mcp' });
    expect(get.statusCode).toBe(405);
    expect(get.headers.allow).toBe('POST');
  });

  it('a route’s AutomovieError keeps its code, status and data; anything else is a 500 INTERNAL, logged with its cause', async () => {
    const logs = new LogCapture();
    const svc = await build(logs);
    const conflict = await svc.app.inject({ method: 'GET', url: '/test/conflict' });
    expect(conflict.statusCode).toBe(409);
    expect(conflict.json()).toEqual({
      error: { code: 'CONFLICT', message: 'Project p1 was changed meanwhile', status: 409, retryable: false, data: { projectId: 'p1' } },
    });
    const crash = await svc.app.inject({ method: 'GET', url: '/test/crash', headers: { 'x-request-id': 'crash-1' } });
    expect(crash.statusCode).toBe(500);
    expect(crash.json().error).toMatchObject({ code: 'INTERNAL', status: 500, message: 'Internal error: index 7 out of range' });
    const logged = logs.lines().find((l) => l.msg === 'request failed');
    expect(logged).toMatchObject({ level: 'error', reqId: 'crash-1' });
    expect(JSON.stringify(logged)).toContain('RangeError');
  });

  it('echoes x-request-id (or makes one), puts it in the request log line, and on MCP responses too', async () => {
    const logs = new LogCapture();
    const svc = await build(logs);
    const given = await svc.app.inject({ method: 'GET', url: '/nowhere', headers: { 'x-request-id': 'req-abc-123' } });
    expect(given.headers['x-request-id']).toBe('req-abc-123');
    const made = await svc.app.inject({ method: 'GET', url: '/healthz' });
    expect(made.headers['x-request-id']).toMatch(UUID);
    // An id that is not one (too long, spaces, quotes) is replaced rather than echoed into headers and logs.
    for (const odd of ['x'.repeat(500), 'a b', '"quoted"']) {
      const res = await svc.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': odd } });
      expect(res.headers['x-request-id']).toMatch(UUID);
    }
    expect(logs.lines().find((l) => l.msg === 'request' && l.url === '/nowhere')).toMatchObject({ reqId: 'req-abc-123', status: 404 });

    // The MCP endpoint hands the response to the SDK: it still carries the id.
    const { url } = await svc.start();
    const res = await fetch(`${url}/mcp`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await testToken()}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'x-request-id': 'mcp-req-9',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('mcp-req-9');
    await res.text();
    const unauth = await fetch(`${url}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'mcp-req-10' },
      body: '{}',
    });
    expect(unauth.status).toBe(401);
    expect(unauth.headers.get('x-request-id')).toBe('mcp-req-10');
  });
});
