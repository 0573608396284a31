import { request } from 'node:http';
import { createConnection, createServer } from 'node:net';

/** The HTTP base of a service from its MCP URL: `ws://h:p/mcp` → `http://h:p`. */
export function httpBaseOf(mcpUrl: string): string {
  const u = new URL(mcpUrl);
  const protocol = u.protocol === 'wss:' || u.protocol === 'https:' ? 'https:' : 'http:';
  return `${protocol}//${u.host}`;
}

export interface HttpResult {
  status: number;
  body: unknown;
}

/**
 * GET a JSON endpoint with a hard timeout and no keep-alive (a pooled socket would hold a
 * short-lived CLI open). Rejects when the server cannot be reached.
 */
export function httpGetJson(url: string, timeoutMs: number): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', agent: false, timeout: timeoutMs, headers: { accept: 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // not JSON: keep the text
        }
        resolve({ status: res.statusCode ?? 0, body });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

export type ServiceState = 'ready' | 'up' | 'draining' | 'down';

export interface ServiceHealth {
  state: ServiceState;
  version?: string;
  instanceId?: string;
  uptimeS?: number;
  /** Why it is not ready, or why it is down. */
  detail?: string;
}

interface Healthz {
  version?: unknown;
  instanceId?: unknown;
  uptimeS?: unknown;
}
interface Readyz {
  failures?: { check?: unknown; error?: unknown }[];
}

/** Health of one service from /healthz (is it alive) and /readyz (does it take calls). */
export async function probeService(httpBase: string, timeoutMs = 1500): Promise<ServiceHealth> {
  let health: HttpResult;
  try {
    health = await httpGetJson(`${httpBase}/healthz`, timeoutMs);
  } catch (err) {
    return { state: 'down', detail: (err as Error).message || (err as { code?: string }).code || 'unreachable' };
  }
  if (health.status !== 200) {
    // Fastify answers 503 to everything while it closes.
    return { state: health.status === 503 ? 'draining' : 'down', detail: `GET /healthz: HTTP ${health.status}` };
  }
  const h = (health.body ?? {}) as Healthz;
  const out: ServiceHealth = { state: 'up' };
  if (typeof h.version === 'string') out.version = h.version;
  if (typeof h.instanceId === 'string') out.instanceId = h.instanceId;
  if (typeof h.uptimeS === 'number') out.uptimeS = h.uptimeS;
  try {
    const ready = await httpGetJson(`${httpBase}/readyz`, timeoutMs);
    if (ready.status === 200) return { ...out, state: 'ready' };
    const failures = ((ready.body ?? {}) as Readyz).failures ?? [];
    const draining = failures.some((f) => f.check === 'draining');
    const detail = failures.map((f) => `${String(f.check)}: ${String(f.error)}`).join('; ') || `GET /readyz: HTTP ${ready.status}`;
    return { ...out, state: draining ? 'draining' : 'up', detail };
  } catch (err) {
    return { ...out, detail: `GET /readyz: ${(err as Error).message}` };
  }
}

/** Whether a service answers 200 on /readyz right now. */
export async function isReady(httpBase: string, timeoutMs = 1000): Promise<boolean> {
  try {
    return (await httpGetJson(`${httpBase}/readyz`, timeoutMs)).status === 200;
  } catch {
    return false;
  }
}

export interface RedisHealth {
  reachable: boolean;
  detail: string;
}

/** Sends PING to a Redis URL over a raw socket: enough to know it is there, without a client library. */
export function pingRedis(url: string, timeoutMs = 1000): Promise<RedisHealth> {
  return new Promise((resolve) => {
    let host: string;
    let port: number;
    try {
      const u = new URL(url);
      host = u.hostname || '127.0.0.1';
      port = Number(u.port || 6379);
    } catch {
      resolve({ reachable: false, detail: `not a redis URL: ${url}` });
      return;
    }
    const sock = createConnection({ host, port });
    const done = (r: RedisHealth) => {
      sock.destroy();
      resolve(r);
    };
    sock.setTimeout(timeoutMs, () => done({ reachable: false, detail: `no answer within ${timeoutMs} ms` }));
    sock.once('connect', () => sock.write('PING\r\n'));
    sock.once('data', (d) => {
      const line = d.toString('utf8').split('\r\n')[0] ?? '';
      if (line === '+PONG') done({ reachable: true, detail: 'PONG' });
      else if (line.startsWith('-NOAUTH')) done({ reachable: true, detail: 'answers (authentication required)' });
      else done({ reachable: false, detail: `unexpected answer: ${line.slice(0, 80)}` });
    });
    sock.once('error', (err) => done({ reachable: false, detail: err.message }));
  });
}

/** Whether `host:port` can be bound right now (nothing else holds it). */
export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}
