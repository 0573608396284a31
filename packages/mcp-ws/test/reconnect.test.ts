import { whoami } from '@automovie/contracts';
import { type StartedService, testToken } from '@automovie/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { McpClient } from '../src/index.ts';
import { Cleanup, echo, newProbe, slow, startTestService, waitFor } from './helpers.ts';

/** A server restarted under a connected client: the client comes back by itself. */
describe('reconnect', () => {
  const cleanup = new Cleanup();
  afterEach(() => cleanup.run());

  async function restartOnSamePort(old: StartedService): Promise<StartedService> {
    await old.stop();
    return cleanup.add(await startTestService({ config: { PORT: old.port } }), (s) => s.stop());
  }

  function client(url: string, token: string): McpClient {
    return cleanup.add(new McpClient({ url, token, timeoutMs: 5000, reconnect: { initialDelayMs: 20, maxDelayMs: 200 } }), (c) =>
      c.close(),
    );
  }

  it('reconnects by itself after the server restarts, and the next call succeeds', async () => {
    const first = cleanup.add(await startTestService(), (s) => s.stop());
    const c = client(first.mcpUrl, await testToken());
    const before = await c.call(whoami, {});
    expect(before.instanceId).toBe(first.service.instanceId);
    expect(c.connects).toBe(1);

    const second = await restartOnSamePort(first);
    // No call is needed to trigger it.
    await waitFor(() => c.connects === 2 && c.state === 'open', 5000, 'the client to reconnect');
    expect(second.service.endpoint.connections).toBe(1);

    const after = await c.call(whoami, {});
    expect(after.instanceId).toBe(second.service.instanceId);
    expect(after.instanceId).not.toBe(before.instanceId);
    expect(await c.call(echo, { text: 'back' })).toEqual({ text: 'back' });
  });

  it('fails a call in flight across the restart with a retryable CONNECTION_LOST, then works again', async () => {
    const probe = newProbe();
    // A grace period shorter than the call: the drain gives up on it and closes the socket.
    const first = cleanup.add(await startTestService({ probe, config: { SHUTDOWN_GRACE_MS: 100 } }), (s) => s.stop());
    const c = client(first.mcpUrl, await testToken());
    await c.connect();
    const inflight = c.call(slow, { ms: 5000 }).catch((e: unknown) => e);
    await waitFor(() => first.service.endpoint.inflight === 1, 2000, 'the call to be in flight');

    await restartOnSamePort(first);
    const err = await inflight;
    expect(err).toMatchObject({ code: 'CONNECTION_LOST', retryable: true });
    expect((err as Error).message).toMatch(/lost|retry/i);
    // The server side aborted the handler when the socket closed.
    expect(probe.slowAborted).toBe(1);

    expect(await c.call(echo, { text: 'again' })).toEqual({ text: 'again' });
    expect(c.connects).toBe(2);
  });

  it('a call made while the server is down waits for it to come back', async () => {
    const first = cleanup.add(await startTestService(), (s) => s.stop());
    const c = client(first.mcpUrl, await testToken());
    await c.connect();
    await first.stop();
    await waitFor(() => c.state === 'connecting', 2000, 'the client to notice');

    const pending = c.call(echo, { text: 'patient' }, { timeoutMs: 5000 });
    await new Promise((r) => setTimeout(r, 300));
    cleanup.add(await startTestService({ config: { PORT: first.port } }), (s) => s.stop());
    expect(await pending).toEqual({ text: 'patient' });
  });

  it('a call made while the server stays down fails with CONNECTION_LOST at its timeout', async () => {
    const first = cleanup.add(await startTestService(), (s) => s.stop());
    const c = client(first.mcpUrl, await testToken());
    await c.connect();
    await first.stop();
    const started = Date.now();
    const err = await c.call(echo, { text: 'x' }, { timeoutMs: 300 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'CONNECTION_LOST', retryable: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('close() stops reconnecting, and later calls fail at once', async () => {
    const first = cleanup.add(await startTestService(), (s) => s.stop());
    const c = client(first.mcpUrl, await testToken());
    await c.connect();
    await first.stop();
    await waitFor(() => c.state === 'connecting', 2000, 'the client to notice');
    await c.close();
    expect(c.state).toBe('closed');
    const second = cleanup.add(await startTestService({ config: { PORT: first.port } }), (s) => s.stop());
    await new Promise((r) => setTimeout(r, 400));
    expect(second.service.endpoint.connections).toBe(0);
    await expect(c.call(echo, { text: 'x' })).rejects.toMatchObject({ code: 'CONNECTION_LOST' });
  });
});
