import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { McpClient } from '@automovie/mcp-ws';
import { freePort, TEST_JWT_SECRET, testToken } from '@automovie/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { slow, waitFor } from './helpers.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BRAIN = fileURLToPath(new URL('../../../services/brain/src/index.ts', import.meta.url));
const KIT = fileURLToPath(new URL('./fixtures/kit-service.ts', import.meta.url));

interface Proc {
  child: ChildProcess;
  port: number;
  out: () => string;
  lines: () => Record<string, unknown>[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Real processes, real signals: SIGTERM drains and exits 0. */
describe('SIGTERM on a real process', () => {
  const procs: ChildProcess[] = [];
  const clients: McpClient[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    for (const p of procs.splice(0)) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  });

  async function launch(script: string, env: Record<string, string> = {}): Promise<Proc> {
    const port = await freePort();
    const child = spawn(process.execPath, [script], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', AUTOMOVIE_JWT_SECRET: TEST_JWT_SECRET, PORT: String(port), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    procs.push(child);
    let out = '';
    child.stdout?.on('data', (d) => {
      out += d.toString();
    });
    child.stderr?.on('data', (d) => {
      out += d.toString();
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
      child.once('exit', (code, signal) => r({ code, signal })),
    );
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`process exited early (${child.exitCode}): ${out}`);
        return (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.status === 200;
      },
      30_000,
      `${script} to be ready`,
    );
    return {
      child,
      port,
      out: () => out,
      lines: () =>
        out
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l) as Record<string, unknown>),
      exited,
    };
  }

  it('the brain, on SIGTERM, drains, logs "stopped" and exits 0; a connected client loses its connection', async () => {
    const brain = await launch(BRAIN);
    const client = new McpClient({ url: `ws://127.0.0.1:${brain.port}/mcp`, token: await testToken(), reconnect: { initialDelayMs: 50 } });
    clients.push(client);
    const me = (await client.callTool('whoami', {})) as { service: string };
    expect(me.service).toBe('brain');

    brain.child.kill('SIGTERM');
    const { code, signal } = await brain.exited;
    expect(signal).toBeNull();
    expect(code).toBe(0);

    const msgs = brain.lines().map((l) => l.msg);
    expect(msgs).toContain('stopped');
    // In this order: the signal, the drain, the end.
    const order = ['signal received', 'stopping: draining calls in flight', 'stopped'].map((m) => msgs.indexOf(m));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(brain.lines().find((l) => l.msg === 'stopping: draining calls in flight')).toMatchObject({ service: 'brain', connections: 1 });
    expect(brain.lines().find((l) => l.msg === 'signal received')).toMatchObject({ signal: 'SIGTERM' });
    expect(brain.out()).not.toContain(TEST_JWT_SECRET);

    await waitFor(() => client.state !== 'open', 2000, 'the client to notice');
  });

  it('a call in flight at SIGTERM completes before the process exits 0', async () => {
    const kit = await launch(KIT, { SHUTDOWN_GRACE_MS: '10000' });
    const client = new McpClient({ url: `ws://127.0.0.1:${kit.port}/mcp`, token: await testToken() });
    clients.push(client);
    await client.connect();
    let resultAt = 0;
    const call = client.call(slow, { ms: 800 }).then((r) => {
      resultAt = Date.now();
      return r;
    });
    await new Promise((r) => setTimeout(r, 150));
    kit.child.kill('SIGTERM');
    const exit = await kit.exited;
    const exitAt = Date.now();
    expect(exit.code).toBe(0);
    expect(await call).toEqual({ ms: 800 });
    expect(resultAt).toBeGreaterThan(0);
    expect(resultAt).toBeLessThanOrEqual(exitAt);
    expect(kit.lines().find((l) => l.msg === 'stopping: draining calls in flight')).toMatchObject({ inflight: 1 });
    expect(kit.lines().some((l) => l.msg === 'stopped')).toBe(true);
  });
});
