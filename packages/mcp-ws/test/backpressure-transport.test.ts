import type { AddressInfo } from 'node:net';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { PeerError, WebSocketServerTransport } from '../src/index.ts';
import { Cleanup, waitFor } from './helpers.ts';

const HWM = 64 * 1024;
const MAX = 512 * 1024;
const CHUNK = 16 * 1024;

function note(i: number): JSONRPCMessage {
  return { jsonrpc: '2.0', method: 'notifications/message', params: { i, data: 'z'.repeat(CHUNK) } };
}

/** A server transport on a real loopback socket, and the raw client at the other end. */
async function pair(
  cleanup: Cleanup,
): Promise<{ transport: WebSocketServerTransport; server: WebSocket; client: WebSocket; errors: Error[] }> {
  const wss = cleanup.add(new WebSocketServer({ port: 0, host: '127.0.0.1' }), (w) => w.close());
  await new Promise((r) => wss.once('listening', r));
  const serverSide = new Promise<WebSocket>((r) => wss.once('connection', r));
  const client = cleanup.add(new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`), (c) => c.terminate());
  client.on('error', () => {});
  await new Promise((r) => client.once('open', r));
  const server = cleanup.add(await serverSide, (s) => s.terminate());
  const transport = new WebSocketServerTransport(server, { highWaterMark: HWM, maxBufferedBytes: MAX });
  const errors: Error[] = [];
  transport.onerror = (e) => errors.push(e);
  await transport.start();
  return { transport, server, client, errors };
}

/** Backpressure on one socket: a slow reader slows the sender down; a reader that lets too much pile up is closed. */
describe('WebSocketServerTransport backpressure', () => {
  const cleanup = new Cleanup();
  afterEach(() => cleanup.run());

  it('pauses reading and makes send() wait while the peer does not read, and resumes when it does', async () => {
    const { transport, server, client } = await pair(cleanup);
    const received: number[] = [];
    client.on('message', (d) => received.push((JSON.parse(d.toString()) as { params: { i: number } }).params.i));
    client.pause();

    // Kernel buffers on loopback take a few MB before anything waits in the process: send until blocked.
    const total = 4000; // 64 MB: far more than the kernel buffers
    let sent = 0;
    const producer = (async () => {
      for (; sent < total; sent++) await transport.send(note(sent));
    })();
    producer.catch(() => {}); // a failed test closes the socket under it
    await waitFor(() => transport.paused, 10_000, 'the transport to pause');
    const blockedAt = sent;
    await new Promise((r) => setTimeout(r, 200));
    // The producer is blocked on send(), the peer is no longer read, memory stays near the high-water mark.
    expect(sent).toBe(blockedAt);
    expect(sent).toBeLessThan(total);
    expect(server.isPaused).toBe(true);
    expect(transport.peakBufferedBytes).toBeLessThanOrEqual(HWM + 2 * CHUNK);
    expect(server.readyState).toBe(WebSocket.OPEN);

    client.resume();
    await producer;
    await waitFor(() => received.length === total, 20_000, 'every message to arrive');
    expect(received).toEqual(Array.from({ length: total }, (_, i) => i));
    expect(transport.paused).toBe(false);
    expect(server.isPaused).toBe(false);
    expect(transport.peakBufferedBytes).toBeLessThanOrEqual(HWM + 2 * CHUNK);
  });

  it('closes a peer with 1008 once more than maxBufferedBytes wait, and queues nothing after that', async () => {
    const { transport, server, client, errors } = await pair(cleanup);
    const closed = new Promise<number>((r) => client.once('close', (code) => r(code)));
    client.pause();

    // Senders that do not wait (concurrent responses) pile up until the cap.
    const sends: Promise<void>[] = [];
    for (let i = 0; i < 2000; i++) sends.push(transport.send(note(i)).catch(() => {}));
    await Promise.all(sends);
    expect(server.readyState).toBe(WebSocket.CLOSING);
    expect(transport.peakBufferedBytes).toBeGreaterThan(MAX);
    expect(transport.peakBufferedBytes).toBeLessThanOrEqual(MAX + CHUNK + 1024);
    const slow = errors.find((e) => e instanceof PeerError && e.code === 'SLOW_CONSUMER');
    expect(slow?.message).toMatch(/slow consumer/);

    // The peer reads again: it gets what was queued, then the 1008 close.
    client.resume();
    expect(await closed).toBe(1008);
  });
});
