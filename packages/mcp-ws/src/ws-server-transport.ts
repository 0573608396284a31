import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { type JSONRPCMessage, JSONRPCMessageSchema, type MessageExtraInfo } from '@modelcontextprotocol/sdk/types.js';
import type { WebSocket } from 'ws';

export interface WsServerTransportOptions {
  /** Stop reading from the peer, and make `send` wait, while more than this many bytes wait to be written to it. Default 1 MiB. */
  highWaterMark?: number;
  /** Close the peer (1008) if more than this many bytes wait to be written to it. Default 16 MiB. */
  maxBufferedBytes?: number;
  /** Close the peer (1008) after this many malformed frames. Default 20. */
  maxBadFrames?: number;
  /** Passed to the SDK with every message (auth info, request info). */
  extra?: MessageExtraInfo;
  onInflightChange?: (delta: number) => void;
}

/** What the transport reports through `onerror`: a malformed frame, or a peer too slow to read. */
export class PeerError extends Error {
  readonly code: 'BAD_FRAME' | 'SLOW_CONSUMER';
  constructor(code: 'BAD_FRAME' | 'SLOW_CONSUMER', message: string) {
    super(message);
    this.name = 'PeerError';
    this.code = code;
  }
}

const PARSE_ERROR = -32700;
const INVALID_REQUEST = -32600;

function jsonRpcError(id: string | number | null, code: number, message: string): string {
  return JSON.stringify({ jsonrpc: '2.0', id, error: { code, message } });
}

type RequestId = string | number;

type CorkableSocket = { cork(): void; uncork(): void };

function isRequestId(v: unknown): v is RequestId {
  return typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v));
}

/**
 * The server side of MCP over one WebSocket: the SDK's `Transport` on top of a `ws` socket.
 * It answers malformed frames itself (parse error / invalid request) without disturbing other
 * peers, counts requests in flight so shutdown can wait for them, and applies backpressure:
 * while the peer is slow to read, it stops reading the peer's requests and `send` waits
 * (so a tool awaiting `ctx.progress` slows down to the peer's pace); a peer that lets more
 * than `maxBufferedBytes` pile up is closed with 1008.
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
  /** Ids of requests received and not yet answered (nor cancelled by the peer). */
  readonly #open = new Set<RequestId>();
  /** Senders waiting for the peer to catch up. */
  #drainWaiters: (() => void)[] = [];
  #pendingBytes = 0;
  #peakPendingBytes = 0;
  #paused = false;
  #badFrames = 0;
  #closed = false;
  #corked = false;
  readonly #uncork = (socket: CorkableSocket) => {
    this.#corked = false;
    socket.uncork();
  };

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

  /** Bytes handed to the socket and not yet written out to the peer. */
  get bufferedBytes(): number {
    return this.#pendingBytes;
  }

  /** The most bytes that ever waited for this peer at once. */
  get peakBufferedBytes(): number {
    return this.#peakPendingBytes;
  }

  /** Whether reading from the peer is paused because it is slow to read what we send. */
  get paused(): boolean {
    return this.#paused;
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
    let raw: unknown;
    try {
      raw = JSON.parse(data.toString('utf8'));
    } catch (err) {
      this.#reject(null, PARSE_ERROR, `Parse error: ${(err as Error).message}`);
      return;
    }
    // Validated here, as the SDK's own transports do: a message the SDK cannot classify would
    // otherwise get no answer at all and leave its sender waiting for its timeout.
    const parsed = JSONRPCMessageSchema.safeParse(raw);
    if (!parsed.success) {
      const id = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as { id?: unknown }).id : undefined;
      const issue = parsed.error.issues[0];
      const detail = issue && issue.code !== 'invalid_union' ? ` (${issue.path.join('.') || 'message'}: ${issue.message})` : '';
      this.#reject(isRequestId(id) ? id : null, INVALID_REQUEST, `Invalid request: not a JSON-RPC 2.0 message${detail}`);
      return;
    }
    const msg = parsed.data as { id?: unknown; method?: unknown; params?: { requestId?: unknown } };
    if (typeof msg.method === 'string') {
      if (isRequestId(msg.id)) {
        if (!this.#open.has(msg.id)) {
          this.#open.add(msg.id);
          this.#onInflightChange?.(1);
        }
      } else if (msg.method === 'notifications/cancelled' && isRequestId(msg.params?.requestId)) {
        // The SDK never answers a request its caller cancelled: release its slot here.
        if (this.#open.delete(msg.params.requestId)) this.#onInflightChange?.(-1);
      }
    }
    this.onmessage?.(parsed.data, this.#extra);
  }

  #reject(id: RequestId | null, code: number, message: string): void {
    this.#badFrames++;
    this.onerror?.(new PeerError('BAD_FRAME', message));
    if (this.#badFrames > this.#opts.maxBadFrames) {
      this.#ws.close(1008, 'too many malformed frames');
      return;
    }
    this.#write(jsonRpcError(id, code, message));
  }

  async send(message: JSONRPCMessage): Promise<void> {
    if (this.#closed) throw new Error('WebSocket transport closed');
    const m = message as { id?: RequestId; method?: string };
    if (m.method === undefined && m.id !== undefined && this.#open.delete(m.id)) {
      this.#onInflightChange?.(-1);
    }
    this.#write(JSON.stringify(message));
    if (this.#paused && this.#ws.readyState === 1) {
      await new Promise<void>((resolve) => this.#drainWaiters.push(resolve));
    }
  }

  #releaseWaiters(): void {
    const waiters = this.#drainWaiters;
    this.#drainWaiters = [];
    for (const w of waiters) w();
  }

  #write(text: string): void {
    const ws = this.#ws;
    if (ws.readyState !== 1) return;
    const bytes = Buffer.byteLength(text);
    this.#pendingBytes += bytes;
    if (this.#pendingBytes > this.#peakPendingBytes) this.#peakPendingBytes = this.#pendingBytes;
    // Answers that resolve in the same tick leave in one writev rather than one syscall each
    // (under load the syscall is most of a small call's cost). `_socket` is ws's own field, not
    // public API: without it, frames go out one by one as before.
    if (!this.#corked) {
      const socket = (ws as unknown as { _socket?: CorkableSocket | null })._socket;
      if (socket) {
        this.#corked = true;
        socket.cork();
        process.nextTick(this.#uncork, socket);
      }
    }
    ws.send(text, (err) => {
      this.#pendingBytes -= bytes;
      if (err) return;
      if (this.#paused && this.#pendingBytes <= this.#opts.highWaterMark / 2) {
        this.#paused = false;
        ws.resume();
        this.#releaseWaiters();
      }
    });
    if (this.#pendingBytes > this.#opts.maxBufferedBytes) {
      const message = `slow consumer: ${this.#pendingBytes} bytes wait to be sent (max ${this.#opts.maxBufferedBytes}); closing with 1008`;
      // The close frame queues behind what is buffered: a peer that reads again sees 1008; one that
      // never does is dropped by ws's close timeout or the heartbeat. Nothing more is queued meanwhile.
      ws.close(1008, 'slow consumer: send buffer full');
      this.#releaseWaiters();
      this.onerror?.(new PeerError('SLOW_CONSUMER', message));
    } else if (!this.#paused && this.#pendingBytes > this.#opts.highWaterMark) {
      this.#paused = true;
      ws.pause();
    }
  }

  #onClosed(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#releaseWaiters();
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
