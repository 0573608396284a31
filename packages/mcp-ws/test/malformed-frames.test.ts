import { type StartedService, testToken } from '@automovie/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { McpClient } from '../src/index.ts';
import { Cleanup, echo, startTestService, waitFor } from './helpers.ts';
import { RawPeer } from './raw-peer.ts';

const MAX_BYTES = 64 * 1024;

/** Bad frames get an error or a close for the peer that sent them — and nobody else notices. */
describe('malformed frames', () => {
  const cleanup = new Cleanup();
  let svc: StartedService;
  let token: string;
  /** A well-behaved client calling in a loop the whole time. */
  let bystander: { ok: number; errors: unknown[]; stop: () => Promise<void> };

  beforeEach(async () => {
    svc = cleanup.add(await startTestService({ config: { MCP_MAX_MESSAGE_BYTES: MAX_BYTES } }), (s) => s.stop());
    token = await testToken();
    const client = cleanup.add(new McpClient({ url: svc.mcpUrl, token, timeoutMs: 5000 }), (c) => c.close());
    await client.connect();
    let running = true;
    const state = { ok: 0, errors: [] as unknown[] };
    const loop = (async () => {
      while (running) {
        try {
          const r = await client.call(echo, { text: `n${state.ok}` });
          if (r.text !== `n${state.ok}`) throw new Error(`wrong echo ${r.text}`);
          state.ok++;
        } catch (e) {
          state.errors.push(e);
        }
      }
    })();
    bystander = Object.assign(state, {
      stop: async () => {
        running = false;
        await loop;
      },
    });
    cleanup.add(bystander, (b) => b.stop());
  });
  afterEach(() => cleanup.run());

  /** The bystander made at least `n` more successful calls. */
  async function bystanderProgresses(n = 3): Promise<void> {
    const target = bystander.ok + n;
    await waitFor(() => bystander.ok >= target, 5000, 'the other client to keep calling');
    expect(bystander.errors).toEqual([]);
  }

  function errorOf(m: Record<string, unknown>): { code: number; message: string } {
    return m.error as { code: number; message: string };
  }

  it('answers malformed JSON, non-JSON-RPC and binary frames with JSON-RPC errors and keeps the peer', async () => {
    const peer = cleanup.add(await RawPeer.initialized(svc.mcpUrl, token), (p) => p.terminate());
    const cases: { frame: string | Buffer; code: number; id: string | number | null; match: RegExp }[] = [
      { frame: '{"jsonrpc": "2.0", "id": 1, "method": ', code: -32700, id: null, match: /Parse error/ },
      { frame: '[1,2]', code: -32600, id: null, match: /Invalid request/ },
      { frame: '{"hello":1}', code: -32600, id: null, match: /Invalid request/ },
      { frame: '"just a string"', code: -32600, id: null, match: /Invalid request/ },
      { frame: Buffer.from([0xde, 0xad, 0xbe, 0xef]), code: -32600, id: null, match: /binary/ },
      { frame: '{"jsonrpc":"2.0","id":7,"method":5}', code: -32600, id: 7, match: /Invalid request/ },
      { frame: '{"jsonrpc":"2.0","id":8}', code: -32600, id: 8, match: /Invalid request/ },
      { frame: '{"jsonrpc":"1.0","id":9,"method":"tools/list"}', code: -32600, id: 9, match: /Invalid request/ },
    ];
    for (const c of cases) {
      const before = peer.messages.length;
      peer.ws.send(c.frame, { binary: Buffer.isBuffer(c.frame) });
      const reply = await peer.until(() => peer.messages.slice(before).find((m) => 'error' in m), 2000, `the reply to ${String(c.frame)}`);
      expect(reply.id).toBe(c.id);
      expect(errorOf(reply).code).toBe(c.code);
      expect(errorOf(reply).message).toMatch(c.match);
    }
    // The peer is still served.
    peer.call(42, 'echo', { text: 'still here' });
    expect((await peer.response(42)).result).toMatchObject({ structuredContent: { text: 'still here' } });
    expect(peer.closed).toBeUndefined();
    await bystanderProgresses();
  });

  it('closes a peer with 1009 when a frame exceeds MCP_MAX_MESSAGE_BYTES; others keep calling', async () => {
    const peer = cleanup.add(await RawPeer.initialized(svc.mcpUrl, token), (p) => p.terminate());
    await waitFor(() => svc.service.endpoint.connections === 2, 2000, 'two connections');
    peer.call(1, 'echo', { text: 'x'.repeat(MAX_BYTES + 10) });
    expect(await peer.closeCode()).toBe(1009);
    await waitFor(() => svc.service.endpoint.connections === 1, 2000, 'the peer to be gone');
    await bystanderProgresses();
  });

  it('accepts a frame just under the limit', async () => {
    const peer = cleanup.add(await RawPeer.initialized(svc.mcpUrl, token), (p) => p.terminate());
    // A string of MAX_BYTES - 200 characters fits with the JSON-RPC envelope; the tool refuses it (max 1000), politely.
    peer.call(1, 'echo', { text: 'x'.repeat(MAX_BYTES - 200) });
    const r = await peer.response(1);
    expect(r.result).toMatchObject({ isError: true });
    expect(peer.closed).toBeUndefined();
  });

  it('closes a peer with 1008 after too many malformed frames; others keep calling', async () => {
    const peer = cleanup.add(await RawPeer.initialized(svc.mcpUrl, token), (p) => p.terminate());
    for (let i = 0; i < 25; i++) peer.send('nope{');
    expect(await peer.closeCode()).toBe(1008);
    // It was answered until the limit.
    expect(peer.messages.filter((m) => (m.error as { code?: number } | undefined)?.code === -32700)).toHaveLength(20);
    await bystanderProgresses();
  });
});
