import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { EVENTS_STREAM } from '@automovie/contracts';
import { FleetClients } from '@automovie/service-kit';
import { freePort, TEST_JWT_SECRET, type TempDir, tempDir } from '@automovie/testing';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { Engine } from '../src/engine/engine.ts';
import type { StepDef } from '../src/steps/types.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export const silent = pino({ level: 'silent' });

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls `check` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function waitUntil<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}

/** A real process of the fleet (`node services/<name>/src/index.ts`), its output kept for failures. */
export interface ChildService {
  name: string;
  port: number;
  url: string;
  mcpUrl: string;
  child: ChildProcess;
  output(): string;
  /** SIGKILL: no drain, no cleanup. */
  kill(): Promise<void>;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<void>;
}

export async function startChild(name: 'brain' | 'orchestrator', env: Record<string, string>, data?: TempDir): Promise<ChildService> {
  const port = await freePort();
  const dir = data ?? (await tempDir(`automovie-${name}-`));
  const child = spawn(process.execPath, [`services/${name}/src/index.ts`], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      AUTOMOVIE_JWT_SECRET: TEST_JWT_SECRET,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      AUTOMOVIE_DATA_DIR: dir.path,
      SHUTDOWN_GRACE_MS: '2000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d) => {
    out += d.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  await waitUntil(
    `${name} /readyz`,
    async () => {
      if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode}) before it was ready:\n${out}`);
      try {
        return (await fetch(`${url}/readyz`)).status === 200;
      } catch {
        return false;
      }
    },
    30_000,
  );
  return {
    name,
    port,
    url,
    mcpUrl: `ws://127.0.0.1:${port}/mcp`,
    child,
    output: () => out,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      if (data === undefined) await dir.remove();
    },
  };
}

/** An in-process engine over test steps, on its own key prefix. */
export function testEngine(
  redisUrl: string,
  steps: readonly StepDef[],
  opts: { prefix?: string; leaseMs?: number; concurrency?: number } = {},
) {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const clients = new FleetClients({ service: 'orchestrator', secret: TEST_JWT_SECRET });
  const engine = new Engine({
    redis,
    prefix: opts.prefix ?? `t${Math.random().toString(36).slice(2, 8)}:`,
    steps,
    clients,
    events: undefined,
    logger: silent,
    instanceId: `test-${Math.random().toString(36).slice(2)}`,
    concurrency: opts.concurrency ?? 8,
    leaseMs: opts.leaseMs ?? 2000,
    sweepMs: 100,
    cacheTtlS: 3600,
    progressIntervalMs: 20,
  });
  return {
    engine,
    redis,
    async close() {
      await engine.stop();
      await clients.close();
      await redis.quit();
    },
  };
}

/** The run.* events of one run on the events stream, in order. */
export async function runEvents(redis: Redis, runId: string): Promise<{ type: string; data: Record<string, unknown> }[]> {
  const entries = await redis.xrange(EVENTS_STREAM, '-', '+');
  const out: { type: string; data: Record<string, unknown> }[] = [];
  for (const [, fields] of entries) {
    const env = JSON.parse(fields[fields.indexOf('event') + 1] as string) as {
      type: string;
      runId?: string;
      data: Record<string, unknown>;
    };
    if (env.runId === runId) out.push({ type: env.type, data: env.data });
  }
  return out;
}
