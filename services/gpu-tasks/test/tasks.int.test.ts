import { cancel_task, get_task, list_tasks, queue_stats, submit_task } from '@automovie/contracts';
import { type RedisServer, startRedis } from '@automovie/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startGpuTasks, type TestGpuTasks, taskEvents, testEnv } from './helpers.ts';

let redis: RedisServer;
let svc: TestGpuTasks | undefined;

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});
afterEach(async () => {
  await svc?.stop();
  svc = undefined;
});

describe('gpu-tasks: the noop kind end to end', () => {
  it('runs a task, reports progress as MCP notifications and task.* events, and keeps the result', async () => {
    svc = await startGpuTasks(testEnv(redis.url));
    const progress: number[] = [];
    const { task, deduplicated } = await svc.client.call(
      submit_task,
      { projectId: 'p1', kind: 'noop', payload: { steps: 3, stepMs: 20 }, waitMs: 10_000 },
      { onProgress: (p) => progress.push(p.progress) },
    );
    expect(deduplicated).toBe(false);
    expect(task.state).toBe('completed');
    expect(task.result).toEqual({ steps: 3 });
    expect(task.attempts).toBe(1);
    expect(task.id).toMatch(/^noop\.[0-9a-f]{32}$/);
    expect(progress).toContain(3);
    const types = (await taskEvents(redis.url, task.id)).map((e) => e.type);
    expect(types).toEqual(['task.queued', 'task.started', 'task.progress', 'task.progress', 'task.progress', 'task.completed']);
    const again = await svc.client.call(get_task, { taskId: task.id });
    expect(again.task).toMatchObject({ state: 'completed', result: { steps: 3 }, progress: { progress: 3, total: 3 } });
  });

  it('runs the same idempotency key once and refuses the key with another payload', async () => {
    svc = await startGpuTasks(testEnv(redis.url));
    const input = { projectId: 'p1', kind: 'noop' as const, payload: { steps: 1 }, idempotencyKey: 'shot-7' };
    const a = await svc.client.call(submit_task, { ...input, waitMs: 5000 });
    const b = await svc.client.call(submit_task, input);
    expect(b.deduplicated).toBe(true);
    expect(b.task.id).toBe(a.task.id);
    expect(b.task.state).toBe('completed');
    const started = (await taskEvents(redis.url, a.task.id)).filter((e) => e.type === 'task.started');
    expect(started).toHaveLength(1);
    const other = await svc.client.call(submit_task, { ...input, payload: { steps: 2 } }).catch((e) => e);
    expect(other.code).toBe('GPU_TASKS_IDEMPOTENCY_CONFLICT');
    // Concurrent duplicates: one job, every caller gets its id.
    const many = await Promise.all(
      Array.from(
        { length: 8 },
        () =>
          svc?.client.call(submit_task, { ...input, idempotencyKey: 'burst' }) as Promise<{ task: { id: string }; deduplicated: boolean }>,
      ),
    );
    expect(new Set(many.map((m) => m.task.id)).size).toBe(1);
    expect(many.filter((m) => !m.deduplicated)).toHaveLength(1);
  });

  it('cancels a queued task and a running one; lists and counts tasks', async () => {
    svc = await startGpuTasks(testEnv(redis.url, { GPU_TASKS_CONCURRENCY_NOOP: '1' }));
    const running = await svc.client.call(submit_task, { projectId: 'p2', kind: 'noop', payload: { steps: 100, stepMs: 50 } });
    const queued = await svc.client.call(submit_task, { projectId: 'p2', kind: 'noop', payload: { steps: 1 }, idempotencyKey: 'k-q' });
    await svc.client.call(get_task, { taskId: running.task.id, waitMs: 0 });
    // Wait until the first is running (the second then waits behind it at concurrency 1).
    for (let i = 0; i < 100; i++) {
      const t = await svc.client.call(get_task, { taskId: running.task.id });
      if (t.task.state === 'running') break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const q = await svc.client.call(cancel_task, { taskId: queued.task.id });
    expect(q.task.state).toBe('cancelled');
    const r = await svc.client.call(cancel_task, { taskId: running.task.id });
    expect(r.task.state).toBe('cancelled');
    expect(r.task.error?.code).toBe('GPU_TASKS_CANCELLED');
    expect((await svc.client.call(get_task, { taskId: queued.task.id })).task.state).toBe('cancelled');
    const types = (await taskEvents(redis.url, running.task.id)).map((e) => e.type);
    expect(types).toContain('task.cancelled');
    expect(types).not.toContain('task.completed');
    const again = await svc.client.call(cancel_task, { taskId: running.task.id });
    expect(again.task.state).toBe('cancelled');

    // The key of a task cancelled before it ran can be used again: a new run, not the cancelled one.
    const rerun = await svc.client.call(submit_task, {
      projectId: 'p2',
      kind: 'noop',
      payload: { steps: 1 },
      idempotencyKey: 'k-q',
      waitMs: 5000,
    });
    expect(rerun).toMatchObject({ deduplicated: false, task: { id: queued.task.id, state: 'completed' } });

    const done = await svc.client.call(submit_task, { projectId: 'p2', kind: 'noop', payload: {}, waitMs: 5000 });
    const notCancellable = await svc.client.call(cancel_task, { taskId: done.task.id }).catch((e) => e);
    expect(notCancellable.code).toBe('GPU_TASKS_NOT_CANCELLABLE');

    const all = await svc.client.call(list_tasks, { projectId: 'p2' });
    expect(all.tasks.map((t) => t.id)).toEqual([done.task.id, queued.task.id, running.task.id]);
    const cancelled = await svc.client.call(list_tasks, { projectId: 'p2', state: 'cancelled' });
    expect(cancelled.tasks.map((t) => t.id)).toEqual([running.task.id]);
    expect((await svc.client.call(list_tasks, { projectId: 'p2', kind: 'render_frames' })).tasks).toEqual([]);
    const stats = await svc.client.call(queue_stats, {});
    const noop = stats.kinds.find((k) => k.kind === 'noop');
    expect(noop).toMatchObject({ completed: 2, concurrency: 1, active: 0 });
  });
});
