import {
  add_member,
  create_project,
  get_task,
  list_dead_letters,
  list_tasks,
  MAX_TASK_PAYLOAD_BYTES,
  submit_task,
} from '@automovie/contracts';
import { McpClient } from '@automovie/mcp-ws';
import { type RedisServer, startRedis, testToken } from '@automovie/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBrain, type TestBrain } from '../../brain/test/helpers.ts';
import { startGpuTasks, type TestGpuTasks, testEnv } from './helpers.ts';

let redis: RedisServer;
let brain: TestBrain;
let svc: TestGpuTasks;
let projectId: string;

beforeAll(async () => {
  redis = await startRedis();
  brain = await startTestBrain();
  const owner = new McpClient({ url: brain.mcpUrl, token: await testToken({ userId: 'u-owner', service: 'frontend' }) });
  projectId = (await owner.call(create_project, { name: 'Input checks' })).project.id;
  await owner.call(add_member, { projectId, userId: 'u-viewer', role: 'viewer' });
  await owner.close();
  svc = await startGpuTasks(testEnv(redis.url, { AUTOMOVIE_BRAIN_URL: brain.mcpUrl, GPU_TASKS_CHECK_PROJECTS: 'true' }), {
    userId: 'u-owner',
  });
});
afterAll(async () => {
  await svc?.stop();
  await brain?.stop();
  await redis?.stop();
});

async function error(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err as { code: string; message: string },
  );
  if (e === undefined) throw new Error('expected the call to fail');
  return e;
}

describe('gpu-tasks refuses bad input with a clear error', () => {
  it('submit_task', async () => {
    const ok = await svc.client.call(submit_task, { projectId, kind: 'noop', payload: {}, waitMs: 5000 });
    expect(ok.task.state).toBe('completed');

    const raw = (args: Record<string, unknown>) => error(svc.client.callTool('submit_task', args));
    let e = await raw({ projectId, kind: 'render_everything', payload: {} });
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.message).toMatch(/kind: .*render_frames/);
    e = await raw({ kind: 'noop', payload: {} });
    expect(e).toMatchObject({ code: 'INVALID_INPUT' });
    expect(e.message).toMatch(/projectId/);
    e = await raw({ projectId: 'has spaces', kind: 'noop', payload: {} });
    expect(e.message).toMatch(/projectId: ids are letters/);
    e = await raw({ projectId, kind: 'noop', payload: {}, priority: 0 });
    expect(e.message).toMatch(/priority/);
    e = await raw({ projectId, kind: 'noop', payload: [] });
    expect(e.message).toMatch(/payload/);

    e = await error(svc.client.call(submit_task, { projectId, kind: 'noop', payload: { steps: 1000, extra: 1 } }));
    expect(e.code).toBe('GPU_TASKS_INVALID_PAYLOAD');
    expect(e.message).toMatch(/payload\.steps: Too big/);
    e = await error(svc.client.call(submit_task, { projectId, kind: 'render_frames', payload: { frames: [{ key: 'a' }] } }));
    expect(e).toMatchObject({ code: 'GPU_TASKS_INVALID_PAYLOAD' });
    expect(e.message).toMatch(/payload\.frames\[0\]\.prompt/);
    const big = 'x'.repeat(MAX_TASK_PAYLOAD_BYTES);
    e = await error(svc.client.call(submit_task, { projectId, kind: 'noop', payload: { note: big } }));
    expect(e.code).toBe('GPU_TASKS_PAYLOAD_TOO_LARGE');
    expect(e.message).toMatch(/limit is 1048576/);

    e = await error(svc.client.call(submit_task, { projectId: 'no-such-project', kind: 'noop', payload: {} }));
    expect(e.code).toBe('GPU_TASKS_PROJECT_NOT_FOUND');
    const viewer = await startGpuTasks(svc.env, { userId: 'u-viewer' });
    try {
      e = await error(viewer.client.call(submit_task, { projectId, kind: 'noop', payload: {} }));
      expect(e.code).toBe('GPU_TASKS_FORBIDDEN');
      // Viewers still read the project's tasks; strangers do not.
      expect((await viewer.client.call(get_task, { taskId: ok.task.id })).task.id).toBe(ok.task.id);
    } finally {
      await viewer.stop();
    }
    const stranger = await startGpuTasks(svc.env, { userId: 'u-stranger' });
    try {
      e = await error(stranger.client.call(get_task, { taskId: ok.task.id }));
      expect(e.code).toBe('GPU_TASKS_PROJECT_NOT_FOUND');
      e = await error(stranger.client.call(list_tasks, { projectId }));
      expect(e.code).toBe('GPU_TASKS_PROJECT_NOT_FOUND');
    } finally {
      await stranger.stop();
    }
  });

  it('get_task, cancel_task, list_tasks, list_dead_letters, replay_dead_letter', async () => {
    for (const tool of ['get_task', 'cancel_task', 'replay_dead_letter']) {
      let e = await error(svc.client.callTool(tool, { taskId: '../etc/passwd' }));
      expect(e.code).toBe('INVALID_INPUT');
      expect(e.message).toMatch(/taskId: ids are letters/);
      e = await error(svc.client.callTool(tool, {}));
      expect(e.message).toMatch(/taskId/);
      e = await error(svc.client.callTool(tool, { taskId: 'noop.00000000000000000000000000000000' }));
      expect(e.code).toBe('GPU_TASKS_NOT_FOUND');
      e = await error(svc.client.callTool(tool, { taskId: 'not-a-task-id' }));
      expect(e.code).toBe('GPU_TASKS_NOT_FOUND');
    }
    let e = await error(svc.client.call(get_task, { taskId: 'noop.00000000000000000000000000000000', waitMs: -1 }));
    expect(e.message).toMatch(/waitMs/);
    e = await error(svc.client.callTool('list_tasks', { projectId, state: 'exploded' }));
    expect(e.message).toMatch(/state: /);
    e = await error(svc.client.callTool('list_tasks', { projectId, limit: 0 }));
    expect(e.message).toMatch(/limit: Too small/);
    e = await error(svc.client.callTool('list_tasks', {}));
    expect(e.message).toMatch(/projectId/);
    e = await error(svc.client.callTool('list_dead_letters', { kind: 'nope' }));
    expect(e.message).toMatch(/kind: /);
    expect((await svc.client.call(list_dead_letters, { limit: 5 })).tasks).toEqual([]);
  });

  it('guards the queue dashboard: loopback without a token, the token when one is set', async () => {
    const page = await fetch(`${svc.url}/admin/queues`);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<html/i);
    const api = await fetch(`${svc.url}/admin/queues/api/queues`);
    expect(api.status).toBe(200);
    const body = (await api.json()) as { queues: { name: string }[] };
    expect(body.queues.map((q) => q.name)).toContain('gpu-tasks-noop');

    const guarded = await startGpuTasks({ ...svc.env, GPU_TASKS_BOARD_TOKEN: 'board-token-0123456789' });
    try {
      expect((await fetch(`${guarded.url}/admin/queues`)).status).toBe(401);
      expect((await fetch(`${guarded.url}/admin/queues`, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(
        401,
      );
      expect((await fetch(`${guarded.url}/admin/queues`, { headers: { authorization: 'Bearer board-token-0123456789' } })).status).toBe(
        200,
      );
      const viaQuery = await fetch(`${guarded.url}/admin/queues?access_token=board-token-0123456789`);
      expect(viaQuery.status).toBe(200);
      const cookie = viaQuery.headers.get('set-cookie')?.split(';')[0] ?? '';
      expect(cookie).toMatch(/^gpu_tasks_board=/);
      expect((await fetch(`${guarded.url}/admin/queues/api/queues`, { headers: { cookie } })).status).toBe(200);
    } finally {
      await guarded.stop();
    }
  });
});
