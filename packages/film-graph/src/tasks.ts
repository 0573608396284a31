import {
  get_task,
  type Progress,
  submit_task,
  type Task,
  type TaskKind,
  type TaskPayload,
  TaskPayloads,
  type TaskResult,
} from '@automovie/contracts';
import type { McpClient } from '@automovie/mcp-ws';

/** What {@link runTask} needs. */
export interface RunTaskOptions<K extends TaskKind> {
  tasks: McpClient;
  projectId: string;
  kind: K;
  payload: TaskPayload<K>;
  /** Same key + same payload = the same task (a retried call joins the running one). */
  idempotencyKey: string;
  /** How long each long-poll waits. */
  pollMs: number;
  /** The calling service's error for a task that failed or answered something unexpected (its own code, e.g. AUDIO_TASK_FAILED). */
  fail: (message: string, data: unknown) => Error;
  onProgress?: (p: Progress) => void;
  signal?: AbortSignal;
}

const FINISHED = new Set(['completed', 'failed', 'cancelled', 'dead']);

/**
 * Submits one gpu-tasks task and waits for it (long-polling, progress forwarded), returning its
 * typed result. A key whose earlier task failed or was cancelled is submitted again under a fresh
 * key, so a retried call does not keep reading the old failure.
 */
export async function runTask<K extends TaskKind>(o: RunTaskOptions<K>): Promise<{ task: Task; result: TaskResult<K> }> {
  const callOpts = {
    ...(o.onProgress ? { onProgress: o.onProgress } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
    timeoutMs: o.pollMs + 60_000,
  };
  const submit = (idempotencyKey: string) =>
    o.tasks.call(
      submit_task,
      { projectId: o.projectId, kind: o.kind, payload: o.payload as Record<string, unknown>, idempotencyKey, waitMs: o.pollMs },
      callOpts,
    );
  let { task, deduplicated } = await submit(o.idempotencyKey);
  if (deduplicated && (task.state === 'failed' || task.state === 'cancelled' || task.state === 'dead')) {
    ({ task } = await submit(`${o.idempotencyKey}:again-${Date.now().toString(36)}`));
  }
  while (!FINISHED.has(task.state)) {
    o.signal?.throwIfAborted();
    ({ task } = await o.tasks.call(get_task, { taskId: task.id, waitMs: o.pollMs }, callOpts));
  }
  if (task.state !== 'completed') {
    throw o.fail(
      `gpu-tasks ${o.kind} task ${task.id} ended ${task.state}${task.error ? `: ${task.error.code}: ${task.error.message}` : ''}`,
      {
        taskId: task.id,
        state: task.state,
        error: task.error,
      },
    );
  }
  const parsed = TaskPayloads[o.kind].result.safeParse(task.result);
  if (!parsed.success) {
    throw o.fail(`gpu-tasks ${o.kind} task ${task.id} returned a malformed result: ${parsed.error.message}`, { taskId: task.id });
  }
  return { task, result: parsed.data as TaskResult<K> };
}
