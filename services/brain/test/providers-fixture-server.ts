/**
 * A loopback HTTP server replaying recorded-response-shaped provider replies
 * (test/fixtures/providers/*.json: `{ status, headers, body | bodyText | bodyFile }`) in the order a
 * test scripts them, recording every request. Never the network: it listens on 127.0.0.1, port 0.
 *
 * In text bodies `{{ORIGIN}}` becomes this server's origin (result file URLs), `{{API_KEY}}` the
 * credential the request carried (the worst case of a provider echoing it), and `{{BASE64:path}}`
 * the base64 of a file under the fixtures folder (audio inside JSON).
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LogCapture } from '@automovie/testing';
import { type Logger, pino } from 'pino';
import type { ProviderCallContext } from '../src/generation/provider.ts';
import { ProviderError } from '../src/generation/provider.ts';

const DIR = new URL('./fixtures/providers/', import.meta.url);

export interface Fixture {
  status: number;
  headers: Record<string, string>;
  body?: unknown;
  bodyText?: string;
  /** A binary body: a path under test/fixtures/providers/. */
  bodyFile?: string;
}

export function loadFixture(name: string): Fixture {
  return JSON.parse(readFileSync(new URL(`${name}.json`, DIR), 'utf8')) as Fixture;
}

export function fixtureFile(path: string): Buffer {
  return readFileSync(new URL(path, DIR));
}

export type Reply =
  /** A recorded response. */
  | { fixture: string; delayMs?: number }
  /** Never answers (the connection stays open until the client gives up). */
  | { hang: true }
  /** Drops the connection without answering: a network error. */
  | { destroy: true };

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

export interface FixtureServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  requests: RecordedRequest[];
  /** Queues replies, answered in order; an unscripted request gets a 418 naming the problem. */
  reply(...replies: Reply[]): void;
  close(): Promise<void>;
}

function credentialOf(headers: IncomingHttpHeaders): string {
  const xi = headers['xi-api-key'];
  if (typeof xi === 'string') return xi;
  return String(headers.authorization ?? '').replace(/^(Bearer|Key)\s+/i, '');
}

export async function startFixtureServer(): Promise<FixtureServer> {
  const queue: Reply[] = [];
  const requests: RecordedRequest[] = [];
  let origin = '';
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: Record<string, unknown> = {};
      try {
        body = raw === '' ? {} : (JSON.parse(raw) as Record<string, unknown>);
      } catch {
        body = { __raw: raw };
      }
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
      const next = queue.shift();
      if (!next) {
        res.writeHead(418, { 'content-type': 'application/json' }).end(JSON.stringify({ detail: 'fixture server: no reply scripted' }));
        return;
      }
      if ('destroy' in next) {
        req.socket.destroy();
        return;
      }
      if ('hang' in next) return;
      const send = () => {
        if (res.destroyed) return;
        const fx = loadFixture(next.fixture);
        let payload: Buffer;
        if (fx.bodyFile) payload = fixtureFile(fx.bodyFile);
        else {
          const text = (fx.bodyText ?? JSON.stringify(fx.body))
            .split('{{ORIGIN}}')
            .join(origin)
            .split('{{API_KEY}}')
            .join(credentialOf(req.headers))
            .replace(/\{\{BASE64:([^}]+)\}\}/g, (_, path: string) => fixtureFile(path).toString('base64'));
          payload = Buffer.from(text, 'utf8');
        }
        res.writeHead(fx.status, { ...fx.headers, 'content-length': String(payload.byteLength) }).end(payload);
      };
      if (next.delayMs) setTimeout(send, next.delayMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    requests,
    reply: (...replies) => queue.push(...replies),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A call context with a logger writing into a LogCapture, and an optional deadline. */
export function callContext(opts: { model?: string; seed?: number; timeoutMs?: number; signal?: AbortSignal } = {}): {
  ctx: ProviderCallContext;
  logs: LogCapture;
} {
  const logs = new LogCapture();
  const logger: Logger = pino({ level: 'debug' }, logs);
  const signal = opts.signal ?? (opts.timeoutMs ? AbortSignal.timeout(opts.timeoutMs) : new AbortController().signal);
  return { ctx: { signal, seed: opts.seed ?? 42, model: opts.model ?? '', projectId: 'p_fixture', logger }, logs };
}

/** Runs `fn` and returns the ProviderError it threw (failing the test on anything else). */
export async function failure(fn: () => Promise<unknown>): Promise<ProviderError> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof ProviderError) return err;
    throw new Error(`expected a ProviderError, got ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
  }
  throw new Error('expected the call to throw');
}
