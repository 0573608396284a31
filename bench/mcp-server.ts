/**
 * The bench's out-of-process server: the echo service and the raw ws floor, each on a free
 * port. Started by mcp.bench.ts
 * with `fork` (an IPC channel) and `--expose-gc`; it answers
 *   { type: 'mem' }  → { type: 'mem', usage, connections }  (after two full GCs)
 *   { type: 'stop' } → drains, closes and exits 0.
 * It also exits if the bench process goes away (IPC disconnect).
 */
import { buildEchoService } from './lib/echo-service.ts';
import { startRawWsServer } from './lib/raw-ws.ts';

export type ToServer = { type: 'mem' } | { type: 'stop' };
export type FromServer =
  | { type: 'ready'; mcpUrl: string; url: string; rawUrl: string; pid: number }
  | { type: 'mem'; usage: NodeJS.MemoryUsage; connections: number };

if (process.send === undefined) {
  console.error('bench/mcp-server.ts is started by bench/mcp.bench.ts (it needs an IPC channel)');
  process.exit(2);
}
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) {
  console.error('bench/mcp-server.ts must run with --expose-gc');
  process.exit(2);
}

const send = (msg: FromServer) => process.send?.(msg);
const service = await buildEchoService();
const { url, mcpUrl } = await service.start();
const raw = await startRawWsServer();

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await raw.close();
  await service.stop();
  process.disconnect?.();
};

process.on('message', (msg: ToServer) => {
  if (msg.type === 'mem') {
    gc();
    // A second pass after the microtask queue settles collects what the first one only unlinked.
    setImmediate(() => {
      gc();
      send({ type: 'mem', usage: process.memoryUsage(), connections: service.endpoint.connections });
    });
  } else if (msg.type === 'stop') {
    void stop();
  }
});
process.on('disconnect', () => void stop());
send({ type: 'ready', url, mcpUrl, rawUrl: raw.url, pid: process.pid });
