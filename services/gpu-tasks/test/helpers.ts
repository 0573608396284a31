import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { create_project, EVENTS_STREAM, type EventEnvelope } from '@automovie/contracts';
import { McpClient } from '@automovie/mcp-ws';
import {
  freePort,
  type RedisServer,
  type StartedService,
  startRedis,
  startService,
  TEST_JWT_SECRET,
  type TempDir,
  tempDir,
  testToken,
} from '@automovie/testing';
import { Redis } from 'ioredis';
import { startTestBrain, type TestBrain } from '../../brain/test/helpers.ts';
import { loadGpuTasksConfig } from '../src/config.ts';
import { buildServer } from '../src/server.ts';

export const ENTRY = fileURLToPath(new URL('../src/index.ts', import.meta.url));

/** A fresh queue prefix, so tests sharing a Redis never see each other's tasks. */
export function uniquePrefix(): string {
  return `t${randomBytes(5).toString('hex')}`;
}

/** Environment for gpu-tasks under test: quick stall detection, short backoffs, no brain check. */
export function testEnv(redisUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    AUTOMOVIE_JWT_SECRET: TEST_JWT_SECRET,
    PORT: '0',
    LOG_LEVEL: 'silent',
    REDIS_URL: redisUrl,
    GPU_TASKS_PREFIX: uniquePrefix(),
    GPU_TASKS_CHECK_PROJECTS: 'false',
    GPU_TASKS_BACKOFF_MS: '50',
    GPU_TASKS_BACKOFF_MAX_MS: '200',
    GPU_TASKS_LOCK_MS: '2000',
    GPU_TASKS_STALLED_INTERVAL_MS: '500',
    SHUTDOWN_GRACE_MS: '2000',
    ...extra,
  };
}

export interface TestGpuTasks extends StartedService {
  client: McpClient;
  env: Record<string, string>;
}

/** gpu-tasks in-process with a client (a service token with every scope, unless `userId` is given). */
export async function startGpuTasks(env: Record<string, string>, opts: { userId?: string } = {}): Promise<TestGpuTasks> {
  const config = loadGpuTasksConfig(env);
  const started = await startService(() => buildServer(config));
  const token = await testToken(opts.userId === undefined ? {} : { userId: opts.userId, service: 'frontend' });
  const client = new McpClient({ url: started.mcpUrl, token, timeoutMs: 30_000 });
  return {
    ...started,
    client,
    env,
    async stop() {
      await client.close();
      await started.stop();
    },
  };
}

/** gpu-tasks as a real process (for kill -9); resolves once it answers /readyz. */
export async function spawnGpuTasks(
  env: Record<string, string>,
): Promise<{ child: ChildProcess; port: number; url: string; mcpUrl: string; output: () => string }> {
  const port = await freePort();
  const child = spawn(process.execPath, [ENTRY], {
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d) => {
    out += d.toString();
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`gpu-tasks exited (${child.exitCode}): ${out}`);
    const ok = await fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`gpu-tasks did not become ready: ${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, port, url, mcpUrl: `ws://127.0.0.1:${port}/mcp`, output: () => out };
}

/** The `task.*` events of one task on the events stream, oldest first. */
export async function taskEvents(redisUrl: string, taskId: string): Promise<EventEnvelope[]> {
  const r = new Redis(redisUrl);
  try {
    const entries = await r.xrange(EVENTS_STREAM, '-', '+');
    return entries
      .map(([, fields]) => JSON.parse(fields[fields.indexOf('event') + 1] as string) as EventEnvelope)
      .filter((e) => e.type.startsWith('task.') && e.data.taskId === taskId);
  } finally {
    r.disconnect();
  }
}

/** Polls `fn` until it returns a truthy value or the deadline passes. */
export async function eventually<T>(fn: () => Promise<T | undefined | false>, timeoutMs = 10_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** gpu-tasks on a real Redis beside a real brain, checking projects, with one project of `u-owner` (media task tests). */
export interface MediaFixture {
  owner: McpClient;
  svc: TestGpuTasks;
  dir: TempDir;
  projectId: string;
  /** Stops whatever was started (also after a partial start). */
  stop(): Promise<void>;
}

export async function startMediaFixture(projectName: string, dirPrefix: string): Promise<MediaFixture> {
  let redis: RedisServer | undefined;
  let brain: TestBrain | undefined;
  let dir: TempDir | undefined;
  let owner: McpClient | undefined;
  let svc: TestGpuTasks | undefined;
  const stop = async () => {
    await svc?.stop();
    await owner?.close();
    await brain?.stop();
    await redis?.stop();
    await dir?.remove();
  };
  try {
    [redis, brain, dir] = await Promise.all([startRedis(), startTestBrain(), tempDir(dirPrefix)]);
    owner = new McpClient({ url: brain.mcpUrl, token: await testToken({ userId: 'u-owner', service: 'frontend' }), timeoutMs: 30_000 });
    const projectId = (await owner.call(create_project, { name: projectName })).project.id;
    svc = await startGpuTasks(testEnv(redis.url, { AUTOMOVIE_BRAIN_URL: brain.mcpUrl, GPU_TASKS_CHECK_PROJECTS: 'true' }), {
      userId: 'u-owner',
    });
    return { owner, svc, dir, projectId, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
