/**
 * A loopback HTTP server replaying recorded provider responses (test/fixtures/embeddings/*.json:
 * `{ status, headers, body | bodyText }`) in the order a test scripts them, recording every request.
 * Never the network: it listens on 127.0.0.1, port 0.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AutomovieError } from '@automovie/contracts';
import { type Logger, pino } from 'pino';
import { LocalEmbeddingProvider } from '../src/embeddings/local.ts';

export interface Fixture {
  status: number;
  headers: Record<string, string>;
  body?: unknown;
  bodyText?: string;
}

export function loadFixture(name: string): Fixture {
  return JSON.parse(readFileSync(new URL(`./fixtures/embeddings/${name}.json`, import.meta.url), 'utf8')) as Fixture;
}

export type Reply =
  /** A recorded response, as is (`{{API_KEY}}` in it is replaced by the bearer token received). */
  | { fixture: string; delayMs?: number }
  /**
   * A recorded success used as a template: same headers and top-level fields, one embedding per
   * input of the request (the local embedder's vector ×2.5, so the adapter must normalise), in the
   * template's encoding (float array or base64).
   */
  | { generateFrom: string; delayMs?: number }
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

/** The vector the generated replies carry for a text, before the ×2.5 (what the adapter should return after normalising). */
export function expectedVector(text: string, dimension: number): Float32Array {
  return new LocalEmbeddingProvider({ dimension }).embedOne(text);
}

function generate(template: Fixture, input: unknown, dimension: number): unknown {
  const body = structuredClone(template.body) as { data: { embedding: unknown }[] };
  const first = body.data[0];
  const asBase64 = typeof first?.embedding === 'string';
  const texts = Array.isArray(input) ? (input as string[]) : [String(input)];
  body.data = texts.map((text, index) => {
    const v = expectedVector(text, dimension).map((x) => x * 2.5);
    return { object: 'embedding', index, embedding: asBase64 ? Buffer.from(v.buffer).toString('base64') : Array.from(v) };
  });
  return body;
}

export async function startFixtureServer(): Promise<FixtureServer> {
  const queue: Reply[] = [];
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
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
      const send = () => {
        if (res.destroyed) return;
        const fx = loadFixture('fixture' in next ? next.fixture : next.generateFrom);
        const token = String(req.headers.authorization ?? '').replace(/^Bearer /, '');
        let text: string;
        if ('generateFrom' in next) text = JSON.stringify(generate(fx, body.input, Number(body.dimensions ?? 64)));
        else text = fx.bodyText ?? JSON.stringify(fx.body);
        text = text.split('{{API_KEY}}').join(token);
        res.writeHead(fx.status, fx.headers).end(text);
      };
      if (next.delayMs) setTimeout(send, next.delayMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    reply: (...replies) => queue.push(...replies),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A pino logger writing JSON lines into `lines`, to assert what would be logged. */
export function captureLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => lines.push(line) });
  return { logger, lines };
}

/** Runs `fn` and returns what it threw (failing the test if it did not throw). */
export async function caught(fn: () => Promise<unknown>): Promise<AutomovieError> {
  try {
    await fn();
  } catch (err) {
    return err as AutomovieError;
  }
  throw new Error('expected the call to throw');
}
