import { AutomovieError } from '@automovie/contracts';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import WebSocket from 'ws';

export interface WsClientTransportOptions {
  url: string;
  token?: string;
  /** Largest accepted message, in bytes. Default 64 MiB. */
  maxMessageBytes?: number;
  /** How long the opening handshake may take. Default 10 s. */
  handshakeTimeoutMs?: number;
  /**
   * Ping interval: a server that answered neither the previous ping nor sent anything since is
   * dropped (so a silently dead peer is noticed and reconnected). 0 turns it off. Default 30 s.
   */
  heartbeatMs?: number;
}

/**
 * The client side of MCP over WebSocket on `ws`, which — unlike the SDK's own
 * WebSocketClientTransport on the platform WebSocket — can send an Authorization header.
 */
export class WsClientTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: <T extends JSONRPCMessage>(message: T) => void;

  readonly #opts: WsClientTransportOptions;
  #ws: WebSocket | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  /** Close code and reason of the last close, for diagnostics. */
  closeInfo: { code: number; reason: string } | undefined;

  constructor(opts: WsClientTransportOptions) {
    this.#opts = opts;
  }

  start(): Promise<void> {
    if (this.#ws) throw new Error('WsClientTransport already started');
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = {};
      if (this.#opts.token !== undefined) headers.authorization = `Bearer ${this.#opts.token}`;
      const ws = new WebSocket(this.#opts.url, 'mcp', {
        headers,
        maxPayload: this.#opts.maxMessageBytes ?? 64 << 20,
        perMessageDeflate: false,
        handshakeTimeout: this.#opts.handshakeTimeoutMs ?? 10_000,
      });
      this.#ws = ws;
      let opened = false;
      ws.on('unexpected-response', (_req, res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          let message = `HTTP ${res.statusCode}`;
          try {
            message = JSON.parse(Buffer.concat(chunks).toString('utf8')).error?.message ?? message;
          } catch {
            // body was not our JSON error; keep the status line
          }
          const code =
            res.statusCode === 401
              ? 'UNAUTHENTICATED'
              : res.statusCode === 503
                ? 'UNAVAILABLE'
                : res.statusCode === 404
                  ? 'NOT_FOUND'
                  : 'CONNECTION_LOST';
          reject(new AutomovieError(code, `Cannot connect to ${this.#opts.url}: ${message}`, { data: { status: res.statusCode } }));
          ws.terminate();
        });
      });
      ws.on('open', () => {
        opened = true;
        this.#startHeartbeat(ws);
        resolve();
      });
      ws.on('error', (err) => {
        if (!opened) {
          reject(new AutomovieError('CONNECTION_LOST', `Cannot connect to ${this.#opts.url}: ${err.message}`, { cause: err }));
        } else this.onerror?.(err);
      });
      ws.on('close', (code, reason) => {
        clearInterval(this.#heartbeat);
        this.closeInfo = { code, reason: reason.toString('utf8') };
        // After the messages that arrived before it (see below).
        if (opened) setImmediate(() => this.onclose?.());
      });
      ws.on('message', (data, isBinary) => {
        if (isBinary) return;
        let msg: JSONRPCMessage;
        try {
          msg = JSON.parse((data as Buffer).toString('utf8'));
        } catch (err) {
          this.onerror?.(err as Error);
          return;
        }
        // One macrotask per message: the SDK handles notifications a microtask later than
        // responses, so a progress notification and the result right behind it in the same
        // socket read would otherwise be handled result first, and the last progress dropped.
        setImmediate(() => this.onmessage?.(msg));
      });
    });
  }

  #startHeartbeat(ws: WebSocket): void {
    const ms = this.#opts.heartbeatMs ?? 30_000;
    if (ms <= 0) return;
    let alive = true;
    const heard = () => {
      alive = true;
    };
    ws.on('pong', heard);
    ws.on('message', heard);
    this.#heartbeat = setInterval(() => {
      if (!alive) {
        this.onerror?.(new Error(`no answer from ${this.#opts.url} for ${ms} ms; dropping the connection`));
        ws.terminate();
        return;
      }
      alive = false;
      ws.ping();
    }, ms);
    this.#heartbeat.unref();
  }

  async send(message: JSONRPCMessage): Promise<void> {
    const ws = this.#ws;
    if (ws === undefined || ws.readyState !== WebSocket.OPEN) {
      throw new AutomovieError('CONNECTION_LOST', `Not connected to ${this.#opts.url}`, { data: { sent: false } });
    }
    ws.send(JSON.stringify(message));
  }

  async close(): Promise<void> {
    const ws = this.#ws;
    if (ws === undefined) return;
    if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
    else if (ws.readyState === WebSocket.OPEN) ws.close(1000);
  }
}
