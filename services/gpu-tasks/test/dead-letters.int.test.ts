import { get_task, list_dead_letters, queue_stats, replay_dead_letter, submit_task } from '@automovie/contracts';
import { freePort, type RedisServer, startRedis } from '@automovie/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestBrain } from '../../brain/test/helpers.ts';
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

describe('gpu-tasks dead letters', () => {
  it('dead-letters a task that always fails after its retries, with the error, and replays it', async () => {
    // Nothing listens on this port: every brain call fails retryably.
    const closed = await freePort();
    svc = await startGpuTasks(
      testEnv(redis.url, { AUTOMOVIE_BRAIN_URL: `ws://127.0.0.1:${closed}/mcp`, GPU_TASKS_BRAIN_TIMEOUT_MS: '200' }),
    );
    const { task } = await svc.client.call(submit_task, {
      projectId: 'dlq',
      kind: 'render_frames',
      payload: { frames: [{ key: 'shot-1', prompt: 'a lighthouse at dusk' }] },
      maxAttempts: 3,
      waitMs: 20_000,
    });
    expect(task.state).toBe('dead');
    expect(task.attempts).toBe(3);
    expect(task.error).toMatchObject({ code: 'CONNECTION_LOST', retryable: true });
    expect(task.finishedAt).toBeDefined();

    const events = await taskEvents(redis.url, task.id);
    const failed = events.filter((e) => e.type === 'task.failed').map((e) => e.data.willRetry);
    expect(failed).toEqual([true, true, false]);
    expect(events.at(-1)?.type).toBe('task.dead_lettered');

    const dead = await svc.client.call(list_dead_letters, { kind: 'render_frames' });
    expect(dead.tasks.map((t) => t.id)).toEqual([task.id]);
    expect(dead.tasks[0]?.error?.message).toMatch(/127\.0\.0\.1/);
    expect((await svc.client.call(list_dead_letters, { kind: 'noop' })).tasks).toEqual([]);
    const stats = await svc.client.call(queue_stats, {});
    expect(stats.kinds.find((k) => k.kind === 'render_frames')).toMatchObject({ deadLettered: 1, failed: 1 });

    const replayed = await svc.client.call(replay_dead_letter, { taskId: task.id });
    expect(replayed.task.id).toBe(task.id);
    expect(['queued', 'running']).toContain(replayed.task.state);
    expect((await svc.client.call(list_dead_letters, {})).tasks).toEqual([]);
    const queued = (await taskEvents(redis.url, task.id)).filter((e) => e.type === 'task.queued');
    expect(queued.map((e) => e.data.replay)).toEqual([false, true]);
    // Fresh attempts: it goes through all three again before it is dead once more.
    const again = await svc.client.call(get_task, { taskId: task.id, waitMs: 20_000 });
    expect(again.task).toMatchObject({ state: 'dead', attempts: 3 });
    expect((await taskEvents(redis.url, task.id)).filter((e) => e.type === 'task.failed')).toHaveLength(6);
  });

  it('fails a task on a caller error at once, without retries or a dead letter', async () => {
    const brain = await startTestBrain();
    try {
      // The project check is off, so the task reaches the brain, which refuses a project the user is not in (404).
      svc = await startGpuTasks(testEnv(redis.url, { AUTOMOVIE_BRAIN_URL: brain.mcpUrl }), { userId: 'u-stranger' });
      const { task } = await svc.client.call(submit_task, {
        projectId: 'nobodys-project',
        kind: 'build_3d',
        payload: { description: 'a small room' },
        maxAttempts: 5,
        waitMs: 10_000,
      });
      expect(task.state).toBe('failed');
      expect(task.attempts).toBe(1);
      expect(task.error?.retryable).toBe(false);
      expect(task.error?.code).toMatch(/NOT_FOUND|UNKNOWN_TOOL/);
      expect((await svc.client.call(list_dead_letters, {})).tasks).toEqual([]);
      const notDead = await svc.client.call(replay_dead_letter, { taskId: task.id }).catch((e) => e);
      expect(notDead.code).toBe('GPU_TASKS_NOT_DEAD');
    } finally {
      await svc?.stop();
      svc = undefined;
      await brain.stop();
    }
  });
});
