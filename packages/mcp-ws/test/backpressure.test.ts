import { type StartedService, testToken } from '@automovie/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { McpClient } from '../src/index.ts';
import { Cleanup, echo, LogCapture, newProbe, startTestService, type ToolProbe, waitFor } from './helpers.ts';
import { RawPeer } from './raw-peer.ts';

const HWM = 64 * 1024;
const MAX = 1024 * 1024;
const SIZE = 16 * 1024;

/** A peer that stops reading while a tool streams progress to it, through a whole service. */
describe('backpressure through a service', () => {
  const cleanup = new Cleanup();
  let svc: StartedService;
  let probe: ToolProbe;
  let logs: LogCapture;
  let token: string;

  beforeEach(async () => {
    probe = newProbe();
    logs = new LogCapture();
    svc = cleanup.add(
      await startTestService({ probe, logs, config: { MCP_HIGH_WATER_MARK_BYTES: HWM, MCP_MAX_BUFFERED_BYTES: MAX } }),
      (s) => s.stop(),
    );
    token = await testToken();
  });
  afterEach(() => cleanup.run());

  it('closes a peer that never reads with 1008 when a tool floods it, and stops the tool; others are served', async () => {
    const other = cleanup.add(new McpClient({ url: svc.mcpUrl, token }), (c) => c.close());
    await other.connect();
    const peer = cleanup.add(await RawPeer.initialized(svc.mcpUrl, token), (p) => p.terminate());
    peer.ws.pause();
    peer.call(1, 'flood', { size: SIZE }, { progressToken: 'p1' });

    await waitFor(() => logs.text.includes('mcp peer closed: slow consumer'), 20_000, 'the slow-consumer close');
    // Other clients are unaffected meanwhile.
    expect(await other.call(echo, { text: 'fine' })).toEqual({ text: 'fine' });

    // Once the peer reads again it sees what was queued, then the 1008 close.
    peer.ws.resume();
    expect(await peer.closeCode(10_000)).toBe(1008);
    await waitFor(() => probe.flood[0]?.done === true, 5000, 'the tool to stop');
    expect(probe.flood[0]?.aborted).toBe(true);
    const sent = probe.flood[0]!.sent;
    await new Promise((r) => setTimeout(r, 100));
    expect(probe.flood[0]!.sent).toBe(sent);
    expect(peer.messages.filter((m) => m.method === 'notifications/progress').length).toBeGreaterThan(0);
    await waitFor(() => svc.service.endpoint.connections === 1, 2000, 'the peer to be gone');
    expect(await other.call(echo, { text: 'still fine' })).toEqual({ text: 'still fine' });
  });

  it('holds a tool that awaits its progress at the pace of a paused peer, then lets it finish in order', async () => {
    const peer = cleanup.add(await RawPeer.initialized(svc.mcpUrl, token), (p) => p.terminate());
    const count = 600; // ~10 MB of progress: more than loopback's kernel buffers take
    peer.ws.pause();
    peer.call(1, 'flood', { size: SIZE, count, await: true }, { progressToken: 'p1' });

    // The tool blocks on ctx.progress() instead of queueing without bound.
    await waitFor(() => (probe.flood[0]?.sent ?? 0) > 0, 5000, 'the tool to start');
    let last = -1;
    await waitFor(
      async () => {
        const now = probe.flood[0]!.sent;
        const stable = now === last;
        last = now;
        if (!stable) await new Promise((r) => setTimeout(r, 150));
        return stable;
      },
      10_000,
      'the tool to block',
    );
    expect(probe.flood[0]!.sent).toBeLessThan(count);
    expect(probe.flood[0]!.done).toBe(false);
    expect(svc.service.endpoint.connections).toBe(1);
    expect(logs.text).not.toContain('slow consumer');

    peer.ws.resume();
    const res = await peer.response(1, 20_000);
    expect(res.result).toMatchObject({ structuredContent: { sent: count } });
    const progress = peer.messages
      .filter((m) => m.method === 'notifications/progress')
      .map((m) => (m.params as { progress: number }).progress);
    expect(progress).toEqual(Array.from({ length: count }, (_, i) => i + 1));
    expect(peer.closed).toBeUndefined();
  });
});
