import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage, MessageExtraInfo } from '@modelcontextprotocol/sdk/types.js';
import type { WebSocket } from 'ws';

export interface WsServerTransportOptions {
  /** Stop reading from the peer while more than this many bytes wait to be written to it. Default 1 MiB. */
  highWaterMark?: number;
  /** Close the peer (1008) if more than this many bytes wait to be written to it. Default 16 MiB. */
  maxBufferedBytes?: number;
  /** Close the peer (1008) after this many malformed frames. Default 20. */
  maxBadFrames?: number;
  /** Passed to the SDK with every message (auth info, request info). */
  extra?: MessageExtraInfo;
  onInflightChange?: (delta: number) => void;
}

const PARSE_ERROR = -32700;
const INVALID_REQUEST = -32600;

function jsonRpcError(id: string | number | null, code: number, message: string): string {
  return JSON.stringify({ jsonrpc: '2.0', id, error: { code, message } });
}

/**
 * The server side of MCP over one WebSocket: the SDK's `Transport` on top of a `ws` socket.
 * It answers malformed frames itself (parse error / invalid request) without disturbing other
 * peers, counts requests in flight so shutdown can wait for them, and applies backpressure:
 * while the peer is slow to read, it stops reading the peer's requests.
 */
export class WebSocketServerTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: <T extends JSONRPCMessage>(message: T, extra?: MessageExtraInfo) => void;
  sessionId?: string;

  readonly #ws: WebSocket;
  readonly #opts: Required<Omit<WsServerTransportOptions, 'extra' | 'onInflightChange'>>;
  readonly #extra: MessageExtraInfo | undefined;
  readonly #onInflightChange: ((delta: number) => void) | undefined;
  /** Ids of requests received and not yet answered. */
  readonly #open = new Set<string | number>();
  #pendingBytes = 0;
  #paused = false;
  #badFrames = 0;
  #closed = false;

  constructor(ws: WebSocket, opts: WsServerTransportOptions = {}) {
    this.#ws = ws;
    this.#opts = {
      highWaterMark: opts.highWaterMark ?? 1 << 20,
      maxBufferedBytes: opts.maxBufferedBytes ?? 16 << 20,
      maxBadFrames: opts.maxBadFrames ?? 20,
    };
    this.#extra = opts.extra;
    this.#onInflightChange = opts.onInflightChange;
  }

  /** Requests of this peer that have not been answered yet. */
  get inflight(): number {
    return this.#open.size;
  }

  async start(): Promise<void> {
    const ws = this.#ws;
    ws.on('message', (data, isBinary) => this.#onFrame(data as Buffer, isBinary));
    ws.on('close', () => this.#onClosed());
    ws.on('error', (err) => this.onerror?.(err));
  }

  #onFrame(data: Buffer, isBinary: boolean): void {
    if (isBinary) {
      this.#reject(null, INVALID_REQUEST, 'Invalid request: binary frames are not JSON-RPC');
      return;
    }
    let msg: unknown;
    try {
      msg = JSON.parse(data.toString('utf8'));
    } catch (err) {
      this.#reject(null, PARSE_ERROR, `Parse error: ${(err as Error).message}`);
      return;
    }
    if (typeof msg !== 'object' || msg === null || Array.isArray(msg) || (msg as { jsonrpc?: unknown }).jsonrpc !== '2.0') {
      const id = (msg as { id?: unknown } | null)?.id;
      this.#reject(
        typeof id === 'string' || typeof id === 'number' ? id : null,
        INVALID_REQUEST,
        'Invalid request: not a JSON-RPC 2.0 message object',
      );
      return;
    }
    const m = msg as { id?: unknown; method?: unknown };
    if (typeof m.method === 'string' && (typeof m.id === 'string' || typeof m.id === 'number')) {
      if (!this.#open.has(m.id)) {
        this.#open.add(m.id);
        this.#onInflightChange?.(1);
      }
    }
    this.onmessage?.(msg as JSONRPCMessage, this.#extra);
  }

  #reject(id: string | number | null, code: number, message: string): void {
    this.#badFrames++;
    this.onerror?.(new Error(message));
    if (this.#badFrames > this.#opts.maxBadFrames) {
      this.#ws.close(1008, 'too many malformed frames');
      return;
    }
    this.#write(jsonRpcError(id, code, message));
  }

  async send(message: JSONRPCMessage): Promise<void> {
    if (this.#closed) throw new Error('WebSocket transport closed');
    const m = message as { id?: string | number; method?: string };
    if (m.method === undefined && m.id !== undefined && this.#open.delete(m.id)) {
      this.#onInflightChange?.(-1);
    }
    this.#write(JSON.stringify(message));
  }

  #write(text: string): void {
    const ws = this.#ws;
    if (ws.readyState !== 1) return;
    const bytes = text.length;
    this.#pendingBytes += bytes;
    ws.send(text, (err) => {
      this.#pendingBytes -= bytes;
      if (err) return;
      if (this.#paused && this.#pendingBytes <= this.#opts.highWaterMark / 2) {
        this.#paused = false;
        ws.resume();
      }
    });
    if (this.#pendingBytes > this.#opts.maxBufferedBytes) {
      ws.close(1008, 'slow consumer: send buffer full');
    } else if (!this.#paused && this.#pendingBytes > this.#opts.highWaterMark) {
      this.#paused = true;
      ws.pause();
    }
  }

  #onClosed(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#open.size > 0) {
      this.#onInflightChange?.(-this.#open.size);
      this.#open.clear();
    }
    this.onclose?.();
  }

  async close(code = 1000, reason = ''): Promise<void> {
    if (this.#ws.readyState === 0 || this.#ws.readyState === 1) this.#ws.close(code, reason);
    // `close` arrives from ws once the closing handshake ends or the socket is destroyed.
  }
}
