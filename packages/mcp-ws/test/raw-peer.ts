import WebSocket, { type ClientOptions } from 'ws';

/** A raw WebSocket peer of an MCP endpoint that speaks JSON-RPC by hand, for tests of the wire. */
export class RawPeer {
  readonly ws: WebSocket;
  readonly messages: Record<string, unknown>[] = [];
  closed: { code: number; reason: string } | undefined;
  /** Pings received since the socket was created (a listener added later can miss the first). */
  pings = 0;
  readonly #waiters: (() => void)[] = [];

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (data, isBinary) => {
      this.messages.push(isBinary ? { binary: true } : (JSON.parse(data.toString()) as Record<string, unknown>));
      this.#notify();
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.#notify();
    });
    ws.on('ping', () => {
      this.pings++;
    });
    ws.on('error', () => {});
  }

  #notify(): void {
    for (const w of this.#waiters.splice(0)) w();
  }

  static open(url: string, token: string, opts: ClientOptions = {}): Promise<RawPeer> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, 'mcp', { headers: { authorization: `Bearer ${token}` }, perMessageDeflate: false, ...opts });
      const peer = new RawPeer(ws);
      ws.once('open', () => resolve(peer));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }

  /** Opens a peer and completes the MCP handshake. */
  static async initialized(url: string, token: string, opts: ClientOptions = {}): Promise<RawPeer> {
    const peer = await RawPeer.open(url, token, opts);
    peer.send({
      jsonrpc: '2.0',
      id: 'init',
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
    });
    await peer.response('init');
    peer.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    return peer;
  }

  send(msg: unknown): void {
    this.ws.send(typeof msg === 'string' ? msg : JSON.stringify(msg));
  }

  /** Resolves once `pred` holds for the messages received so far (or rejects after `timeoutMs`). */
  async until<T>(pred: () => T | undefined, timeoutMs = 5000, what = 'a message'): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = pred();
      if (v !== undefined) return v;
      if (this.closed && what !== 'close') throw new Error(`peer closed (${this.closed.code}) while waiting for ${what}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  response(id: string | number | null, timeoutMs = 5000): Promise<Record<string, unknown>> {
    return this.until(
      () => this.messages.find((m) => m.id === id && ('result' in m || 'error' in m)),
      timeoutMs,
      `the response to ${String(id)}`,
    );
  }

  /** Resolves with the close code the server sent. */
  closeCode(timeoutMs = 5000): Promise<number> {
    return this.until(() => this.closed?.code, timeoutMs, 'close');
  }

  call(id: string | number, name: string, args: Record<string, unknown>, meta?: Record<string, unknown>): void {
    this.send({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args, ...(meta ? { _meta: meta } : {}) } });
  }

  terminate(): void {
    this.ws.terminate();
  }
}
