import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';

/**
 * The floor: JSON-RPC over a bare `ws` socket, no MCP, no auth, no validation. Each side does
 * what any JSON protocol must (stringify, parse, match the id), with the same bytes on the wire
 * as an mcp-ws `tools/call` of `echo` and its result.
 */
export interface RawWsServer {
  url: string;
  close(): Promise<void>;
}

export function startRawWsServer(): Promise<RawWsServer> {
  return new Promise((resolve, reject) => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
    wss.once('error', reject);
    wss.on('connection', (ws) => {
      ws.on('message', (data) => {
        const req = JSON.parse((data as Buffer).toString('utf8')) as { id: number; params: { arguments: { text: string } } };
        const out = { text: req.params.arguments.text };
        ws.send(
          JSON.stringify({
            jsonrpc: '2.0',
            id: req.id,
            result: { content: [{ type: 'text', text: JSON.stringify(out) }], structuredContent: out },
          }),
        );
      });
    });
    wss.once('listening', () => {
      const { port } = wss.address() as AddressInfo;
      resolve({
        url: `ws://127.0.0.1:${port}`,
        close: () =>
          new Promise<void>((done) => {
            for (const c of wss.clients) c.terminate();
            wss.close(() => done());
          }),
      });
    });
  });
}

export class RawWsClient {
  readonly #ws: WebSocket;
  readonly #pending = new Map<number, (v: unknown) => void>();
  #nextId = 0;

  private constructor(ws: WebSocket) {
    this.#ws = ws;
    ws.on('message', (data) => {
      const msg = JSON.parse((data as Buffer).toString('utf8')) as { id: number; result: { structuredContent: unknown } };
      const resolve = this.#pending.get(msg.id);
      this.#pending.delete(msg.id);
      resolve?.(msg.result.structuredContent);
    });
  }

  static connect(url: string): Promise<RawWsClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { perMessageDeflate: false });
      ws.once('open', () => resolve(new RawWsClient(ws)));
      ws.once('error', reject);
    });
  }

  call(text: string): Promise<unknown> {
    const id = this.#nextId++;
    return new Promise((resolve) => {
      this.#pending.set(id, resolve);
      this.#ws.send(JSON.stringify({ method: 'tools/call', params: { name: 'echo', arguments: { text } }, jsonrpc: '2.0', id }));
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.#ws.readyState === WebSocket.CLOSED) return resolve();
      this.#ws.once('close', () => resolve());
      this.#ws.close(1000);
    });
  }
}
