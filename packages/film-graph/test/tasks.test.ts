import { AutomovieError, type Task } from '@automovie/contracts';
import type { McpClient } from '@automovie/mcp-ws';
import { describe, expect, it } from 'vitest';
import { runTask } from '../src/index.ts';

function task(patch: Partial<Task>): Task {
  return {
    id: 't1',
    projectId: 'p1',
    kind: 'transcode',
    state: 'running',
    priority: 5,
    attempts: 1,
    maxAttempts: 3,
    createdAt: new Date(0).toISOString(),
    ...patch,
  };
}

/** A gpu-tasks stand-in that answers submit_task and get_task from a script, recording each call. */
function scripted(answers: Array<{ task: Task; deduplicated?: boolean }>) {
  const calls: Array<{ tool: string; input: Record<string, unknown> }> = [];
  const client = {
    async call(def: { name: string }, input: Record<string, unknown>) {
      calls.push({ tool: def.name, input });
      const next = answers.shift();
      if (!next) throw new Error(`unexpected ${def.name}`);
      return def.name === 'submit_task' ? { task: next.task, deduplicated: next.deduplicated ?? false } : { task: next.task };
    },
  };
  return { tasks: client as unknown as McpClient, calls };
}

const fail = (message: string, data: unknown) => new AutomovieError('TEST_TASK_FAILED', message, { status: 502, retryable: true, data });
const base = {
  projectId: 'p1',
  kind: 'transcode' as const,
  payload: { assetId: 'a1', format: 'mp4' as const },
  idempotencyKey: 'k1',
  pollMs: 10,
  fail,
};
const result = { assetId: 'a2', durationS: 3, bytes: 1000 };

describe('runTask', () => {
  it('submits, long-polls until the task finishes and returns its typed result', async () => {
    const { tasks, calls } = scripted([{ task: task({}) }, { task: task({ state: 'completed', result }) }]);
    const out = await runTask({ ...base, tasks });
    expect(out.result).toEqual(result);
    expect(calls.map((c) => c.tool)).toEqual(['submit_task', 'get_task']);
    expect(calls[0]?.input).toMatchObject({ idempotencyKey: 'k1', waitMs: 10 });
  });

  it('submits again under a fresh key when the key joins a task that already failed', async () => {
    const { tasks, calls } = scripted([
      { task: task({ state: 'failed' }), deduplicated: true },
      { task: task({ id: 't2', state: 'completed', result }) },
    ]);
    await runTask({ ...base, tasks });
    expect(calls.map((c) => c.input.idempotencyKey)).toEqual(['k1', expect.stringMatching(/^k1:again-/)]);
  });

  it("throws the caller's error when the task fails or returns a malformed result", async () => {
    const failed = scripted([{ task: task({ state: 'dead', error: { code: 'BOOM', message: 'no disk', retryable: false } }) }]);
    await expect(runTask({ ...base, tasks: failed.tasks })).rejects.toMatchObject({
      code: 'TEST_TASK_FAILED',
      message: 'gpu-tasks transcode task t1 ended dead: BOOM: no disk',
      data: { taskId: 't1', state: 'dead' },
    });
    const malformed = scripted([{ task: task({ state: 'completed', result: { assetId: 'a2' } }) }]);
    await expect(runTask({ ...base, tasks: malformed.tasks })).rejects.toMatchObject({
      code: 'TEST_TASK_FAILED',
      message: expect.stringContaining('returned a malformed result'),
    });
  });
});
