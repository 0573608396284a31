import type { ChildProcess } from 'node:child_process';
import { get_task, submit_task } from '@automovie/contracts';
import { McpClient } from '@automovie/mcp-ws';
import { type RedisServer, startRedis, testToken } from '@automovie/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, spawnGpuTasks, startGpuTasks, type TestGpuTasks, taskEvents, testEnv } from './helpers.ts';

let redis: RedisServer | undefined;
let svc: TestGpuTasks | undefined;
const children: ChildProcess[] = [];
const clients: McpClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) await c.close();
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await svc?.stop();
  svc = undefined;
  await redis?.stop();
  redis = undefined;
});

async function clientOf(mcpUrl: string): Promise<McpClient> {
  const c = new McpClient({ url: mcpUrl, token: await testToken(), timeoutMs: 30_000 });
  clients.push(c);
  return c;
}

describe('gpu-tasks durability', () => {
  it('retakes a task whose worker was killed with SIGKILL, and completes it once', async () => {
    redis = await startRedis();
    const env = testEnv(redis.url, { GPU_TASKS_LOCK_MS: '1500', GPU_TASKS_STALLED_INTERVAL_MS: '500', LOG_LEVEL: 'warn' });
    const first = await spawnGpuTasks(env);
    children.push(first.child);
    const c1 = await clientOf(first.mcpUrl);
    const { task } = await c1.call(submit_task, { projectId: 'crash', kind: 'noop', payload: { steps: 10, stepMs: 100 } });
    // Mid-task: some progress made, not finished.
    await eventually(async () => {
      const t = (await c1.call(get_task, { taskId: task.id })).task;
      return t.state === 'running' && (t.progress?.progress ?? 0) >= 2;
    });
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    await c1.close();

    const second = await spawnGpuTasks(env);
    children.push(second.child);
    const c2 = await clientOf(second.mcpUrl);
    const done = await c2.call(get_task, { taskId: task.id, waitMs: 20_000 });
    expect(done.task.state).toBe('completed');
    expect(done.task.result).toEqual({ steps: 10 });
    expect(done.task.attempts).toBe(2);
    const events = await taskEvents(redis.url, task.id);
    expect(events.filter((e) => e.type === 'task.started')).toHaveLength(2);
    expect(events.filter((e) => e.type === 'task.completed')).toHaveLength(1);
    second.child.kill('SIGTERM');
  });

  it('carries on across a Redis restart with persistence on', async () => {
    redis = await startRedis({ persistence: true });
    svc = await startGpuTasks(testEnv(redis.url));
    const { task } = await svc.client.call(submit_task, { projectId: 'restart', kind: 'noop', payload: { steps: 20, stepMs: 50 } });
    const queuedBehind = await svc.client.call(submit_task, { projectId: 'restart', kind: 'noop', payload: { steps: 1 }, priority: 10 });
    await eventually(async () => (await svc?.client.call(get_task, { taskId: task.id }))?.task.state === 'running');
    await redis.restart();
    const done = await svc.client.call(get_task, { taskId: task.id, waitMs: 20_000 });
    expect(done.task.state).toBe('completed');
    const after = await svc.client.call(get_task, { taskId: queuedBehind.task.id, waitMs: 10_000 });
    expect(after.task.state).toBe('completed');
    // And the service takes new work after the restart.
    const fresh = await svc.client.call(submit_task, { projectId: 'restart', kind: 'noop', payload: { steps: 1 }, waitMs: 10_000 });
    expect(fresh.task.state).toBe('completed');
  });

  it('on SIGTERM stops taking tasks and lets the running one finish', async () => {
    redis = await startRedis();
    const env = testEnv(redis.url, { GPU_TASKS_CONCURRENCY_NOOP: '1', SHUTDOWN_GRACE_MS: '10000' });
    const proc = await spawnGpuTasks(env);
    children.push(proc.child);
    const c = await clientOf(proc.mcpUrl);
    const running = await c.call(submit_task, { projectId: 'drain', kind: 'noop', payload: { steps: 8, stepMs: 100 } });
    const waiting = await c.call(submit_task, { projectId: 'drain', kind: 'noop', payload: { steps: 1 } });
    await eventually(async () => (await c.call(get_task, { taskId: running.task.id })).task.state === 'running');
    const exited = new Promise<number | null>((r) => proc.child.once('exit', (code) => r(code)));
    proc.child.kill('SIGTERM');
    expect(await exited).toBe(0);
    await c.close();
    // Read the outcome through a fresh API-only replica.
    svc = await startGpuTasks({ ...env, WORKERS_ENABLED: 'false' });
    expect((await svc.client.call(get_task, { taskId: running.task.id })).task.state).toBe('completed');
    expect((await svc.client.call(get_task, { taskId: waiting.task.id })).task.state).toBe('queued');
  });
});
