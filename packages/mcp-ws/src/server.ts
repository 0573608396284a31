import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { AutomovieError, type Principal } from '@automovie/contracts';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type WebSocket, WebSocketServer } from 'ws';
import type { Logger } from './logger.ts';
import { extractToken, redactUrl, type TokenAuthority } from './tokens.ts';
import type { ToolHost } from './tools.ts';
import { PeerError, WebSocketServerTransport } from './ws-server-transport.ts';

export const MCP_SUBPROTOCOL = 'mcp';

export type McpTransportKind = 'ws' | 'http';

export interface McpEndpointOptions {
  host: ToolHost;
  auth: Pick<TokenAuthority, 'verify'>;
  logger: Logger;
  /** URL path of the endpoint. Default `/mcp`. */
  path?: string;
  /** Largest accepted message (WebSocket frame or HTTP body), in bytes. Default 4 MiB. */
  maxMessageBytes?: number;
  /** Ping interval; a peer that missed the previous ping is terminated. Default 30 s. */
  heartbeatMs?: number;
  /** Per-peer backpressure threshold, in bytes. Default 1 MiB. */
  highWaterMark?: number;
  /** Per-peer send buffer cap before the peer is closed, in bytes. Default 16 MiB. */
  maxBufferedBytes?: number;
  /**
   * Host names (the Host header without its port, and the host of an Origin header) accepted;
   * anything else is refused with 403 before the token is looked at — DNS-rebinding protection for
   * servers on loopback (`LOCAL_HOSTS`). Default: any host (a service reached by its cluster DNS name).
   */
  allowedHosts?: readonly string[];
  onConnectionChange?: (transport: McpTransportKind, delta: number) => void;
  onInflightChange?: (delta: number) => void;
}

/** The names a browser uses for this machine: what a loopback-bound server should accept. */
export const LOCAL_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];

/** `evil.example.com:4100` → `evil.example.com`; `[::1]:4100` → `[::1]`. */
function hostOf(header: string): string {
  const h = header.trim().toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    return end < 0 ? h : h.slice(0, end + 1);
  }
  const colon = h.indexOf(':');
  return colon < 0 ? h : h.slice(0, colon);
}

interface Peer {
  ws: WebSocket;
  transport: WebSocketServerTransport;
  alive: boolean;
}

const STATUS_CODES: Record<number, [code: string, reason: string]> = {
  400: ['BAD_REQUEST', 'Bad Request'],
  401: ['UNAUTHENTICATED', 'Unauthorized'],
  403: ['FORBIDDEN', 'Forbidden'],
  404: ['NOT_FOUND', 'Not Found'],
  503: ['UNAVAILABLE', 'Service Unavailable'],
};

function refuseUpgrade(socket: Duplex, status: number, message: string, extraHeaders: Record<string, string> = {}): void {
  const [code, reason] = STATUS_CODES[status] ?? ['BAD_REQUEST', 'Error'];
  const body = JSON.stringify({ error: { code, message } });
  const headers = {
    'Content-Type': 'application/json',
    'Content-Length': String(Buffer.byteLength(body)),
    Connection: 'close',
    ...extraHeaders,
  };
  const head = Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}`)
    .join('\r\n');
  socket.end(`HTTP/1.1 ${status} ${reason}\r\n${head}\r\n\r\n${body}`);
}

/**
 * Serves a ToolHost at one path of a Fastify app over two transports: MCP over WebSocket (the
 * fleet's fast path; subprotocol `mcp`, one SDK server per connection) and the spec's
 * Streamable HTTP (stateless, one SDK server per request) for standard MCP clients.
 * The bearer token is checked before any socket or server exists.
 */
export class McpEndpoint {
  readonly path: string;
  readonly #opts: McpEndpointOptions;
  readonly #wss: WebSocketServer;
  readonly #peers = new Set<Peer>();
  #inflight = 0;
  #draining = false;
  #heartbeat: NodeJS.Timeout | undefined;
  #maxMessageBytes: number;

  constructor(opts: McpEndpointOptions) {
    this.#opts = opts;
    this.path = opts.path ?? '/mcp';
    this.#maxMessageBytes = opts.maxMessageBytes ?? 4 << 20;
    const hwm = opts.highWaterMark ?? 1 << 20;
    const max = opts.maxBufferedBytes ?? 16 << 20;
    if (hwm > max) {
      throw new AutomovieError('INVALID_CONFIG', `MCP high-water mark (${hwm} bytes) must not exceed the max buffered bytes (${max})`);
    }
    this.#wss = new WebSocketServer({
      noServer: true,
      maxPayload: this.#maxMessageBytes,
      perMessageDeflate: false,
      clientTracking: false,
      handleProtocols: (protocols) => (protocols.has(MCP_SUBPROTOCOL) ? MCP_SUBPROTOCOL : false),
    });
  }

  get connections(): number {
    return this.#peers.size;
  }

  get inflight(): number {
    return this.#inflight;
  }

  get draining(): boolean {
    return this.#draining;
  }

  /** Registers the HTTP route and the WebSocket upgrade on `app`. Call before `listen`. */
  attach(app: FastifyInstance): void {
    app.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      // Node hands the raw socket over without an error listener: a peer that resets while its
      // token is being checked would otherwise crash the process. ws adds its own once it upgrades.
      // The listener stays: a refused socket can still fail while its 401 is being flushed.
      socket.on('error', (err) => this.#opts.logger.debug({ err: err.message }, 'websocket upgrade socket error'));
      this.#onUpgrade(req, socket, head).catch((err) => {
        this.#opts.logger.error({ err }, 'websocket upgrade failed');
        socket.destroy();
      });
    });
    app.route({
      method: ['POST', 'GET', 'DELETE'],
      url: this.path,
      bodyLimit: this.#maxMessageBytes,
      handler: (req, reply) => this.#onHttp(req, reply),
    });
    const ms = this.#opts.heartbeatMs ?? 30_000;
    this.#heartbeat = setInterval(() => this.#beat(), ms);
    this.#heartbeat.unref();
  }

  #inflightDelta = (delta: number): void => {
    this.#inflight += delta;
    this.#opts.onInflightChange?.(delta);
  };

  #isDraining = (): boolean => this.#draining;

  /** Why the request's Host or Origin is refused, or undefined when it is allowed. */
  #badHost(host: string | undefined, origin: string | undefined): string | undefined {
    const allowed = this.#opts.allowedHosts;
    if (allowed === undefined) return undefined;
    const h = host === undefined ? '' : hostOf(host);
    if (!allowed.includes(h)) return `Host "${h}" is not allowed`;
    if (origin !== undefined) {
      let o: string;
      try {
        o = new URL(origin).hostname.toLowerCase();
      } catch {
        return `Origin "${origin}" is not allowed`;
      }
      if (!allowed.includes(o)) return `Origin "${origin}" is not allowed`;
    }
    return undefined;
  }

  async #authenticate(authorization: string | undefined, url: string | undefined): Promise<Principal> {
    const token = extractToken(authorization, url);
    if (token === undefined) {
      throw new AutomovieError(
        'UNAUTHENTICATED',
        'Unauthenticated: no bearer token (Authorization header or access_token query parameter)',
      );
    }
    return this.#opts.auth.verify(token);
  }

  async #onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    if ((q < 0 ? url : url.slice(0, q)) !== this.path) {
      refuseUpgrade(socket, 404, `No WebSocket endpoint at ${q < 0 ? url : url.slice(0, q)}`);
      return;
    }
    const badHost = this.#badHost(req.headers.host, req.headers.origin);
    if (badHost !== undefined) {
      this.#opts.logger.warn({ host: req.headers.host, origin: req.headers.origin }, 'websocket upgrade refused: host not allowed');
      refuseUpgrade(socket, 403, badHost);
      return;
    }
    if (this.#draining) {
      refuseUpgrade(socket, 503, 'Service is shutting down', { 'Retry-After': '1' });
      return;
    }
    let principal: Principal;
    try {
      principal = await this.#authenticate(req.headers.authorization, url);
    } catch (err) {
      const message = err instanceof AutomovieError ? err.message : 'Unauthenticated';
      this.#opts.logger.warn({ url: redactUrl(url), reason: message }, 'websocket upgrade refused');
      refuseUpgrade(socket, 401, message, { 'WWW-Authenticate': 'Bearer error="invalid_token"' });
      return;
    }
    const offered = req.headers['sec-websocket-protocol'];
    if (offered === undefined || !offered.split(',').some((p) => p.trim() === MCP_SUBPROTOCOL)) {
      refuseUpgrade(socket, 400, `WebSocket subprotocol "${MCP_SUBPROTOCOL}" is required`);
      return;
    }
    if (this.#draining) {
      // Drain began while the token was being checked: `close` has already swept the peers.
      refuseUpgrade(socket, 503, 'Service is shutting down', { 'Retry-After': '1' });
      return;
    }
    this.#wss.handleUpgrade(req, socket, head, (ws) => {
      this.#onConnection(ws, principal).catch((err) => {
        this.#opts.logger.error({ err }, 'mcp connection setup failed');
        ws.terminate();
      });
    });
  }

  async #onConnection(ws: WebSocket, principal: Principal): Promise<void> {
    const transport = new WebSocketServerTransport(ws, {
      onInflightChange: this.#inflightDelta,
      ...(this.#opts.highWaterMark === undefined ? {} : { highWaterMark: this.#opts.highWaterMark }),
      ...(this.#opts.maxBufferedBytes === undefined ? {} : { maxBufferedBytes: this.#opts.maxBufferedBytes }),
    });
    const peer: Peer = { ws, transport, alive: true };
    this.#peers.add(peer);
    this.#opts.onConnectionChange?.('ws', 1);
    ws.on('pong', () => {
      peer.alive = true;
    });
    ws.on('close', () => {
      if (this.#peers.delete(peer)) this.#opts.onConnectionChange?.('ws', -1);
    });
    transport.onerror = (err) => {
      if (err instanceof PeerError && err.code === 'SLOW_CONSUMER') {
        this.#opts.logger.warn({ sub: principal.sub, reason: err.message }, 'mcp peer closed: slow consumer');
      } else this.#opts.logger.debug({ err: err.message, sub: principal.sub }, 'mcp peer error');
    };
    const server = this.#opts.host.createServer(principal, this.#isDraining);
    await server.connect(transport);
  }

  #beat(): void {
    for (const peer of this.#peers) {
      if (!peer.alive) {
        peer.ws.terminate();
        continue;
      }
      peer.alive = false;
      peer.ws.ping();
    }
  }

  async #onHttp(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (req.method !== 'POST') {
      // Stateless Streamable HTTP: no standalone SSE stream and no sessions to delete.
      await reply
        .code(405)
        .header('Allow', 'POST')
        .send({
          error: { code: 'METHOD_NOT_ALLOWED', message: `${req.method} ${this.path}: this endpoint is stateless; use POST` },
        });
      return;
    }
    const badHost = this.#badHost(req.headers.host, req.headers.origin);
    if (badHost !== undefined) {
      await reply.code(403).send({ error: new AutomovieError('FORBIDDEN', badHost).toWire() });
      return;
    }
    if (this.#draining) {
      await reply
        .code(503)
        .header('Retry-After', '1')
        .send({ error: { code: 'UNAVAILABLE', message: 'Service is shutting down' } });
      return;
    }
    let principal: Principal;
    try {
      principal = await this.#authenticate(req.headers.authorization, req.url);
    } catch (err) {
      const message = err instanceof AutomovieError ? err.message : 'Unauthenticated';
      await reply
        .code(401)
        .header('WWW-Authenticate', 'Bearer error="invalid_token"')
        .send({ error: { code: 'UNAUTHENTICATED', message } });
      return;
    }
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    const server = this.#opts.host.createServer(principal, this.#isDraining);
    this.#opts.onConnectionChange?.('http', 1);
    this.#inflightDelta(1);
    reply.hijack();
    reply.raw.on('close', () => {
      this.#inflightDelta(-1);
      this.#opts.onConnectionChange?.('http', -1);
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req.raw, reply.raw, req.body);
  }

  /**
   * Stops taking new connections and calls, lets calls in flight finish (up to `graceMs`),
   * then closes every socket with 1001 so clients reconnect elsewhere.
   */
  async drain(graceMs = 10_000): Promise<void> {
    this.#draining = true;
    const deadline = Date.now() + graceMs;
    while (this.#inflight > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
    }
    if (this.#inflight > 0) {
      this.#opts.logger.warn({ inflight: this.#inflight }, 'drain grace elapsed with calls in flight');
    }
    await this.close(1001, 'server shutting down');
  }

  /** Closes every socket now (after `drain`, or in tests). */
  async close(code = 1001, reason = 'server shutting down'): Promise<void> {
    this.#draining = true;
    if (this.#heartbeat) clearInterval(this.#heartbeat);
    const closing = [...this.#peers].map(
      (peer) =>
        new Promise<void>((resolve) => {
          if (peer.ws.readyState === 3) return resolve();
          const t = setTimeout(() => {
            peer.ws.terminate();
            resolve();
          }, 1000);
          peer.ws.once('close', () => {
            clearTimeout(t);
            resolve();
          });
          peer.ws.close(code, reason);
        }),
    );
    await Promise.all(closing);
    this.#wss.close();
  }
}
