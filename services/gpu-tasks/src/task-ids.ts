import { createHash, randomUUID } from 'node:crypto';
import { type TaskKind, TaskPayloads } from '@automovie/contracts';

/**
 * A task id is `<kind>.<32 hex>`: the kind tells which queue holds it (one queue per kind), and
 * the id has neither `:` (refused by BullMQ) nor anything IdSchema refuses. With an idempotency
 * key the hex is derived from (project, key), so submitting the same work twice lands on one job.
 */
export function newTaskId(kind: TaskKind, projectId: string, idempotencyKey?: string): string {
  const hex =
    idempotencyKey === undefined
      ? randomUUID().replaceAll('-', '')
      : createHash('sha256').update(`${projectId}\0${idempotencyKey}`).digest('hex').slice(0, 32);
  return `${kind}.${hex}`;
}

/** The kind a task id names, or undefined when it is not a task id of this service. */
export function kindOfTaskId(taskId: string): TaskKind | undefined {
  const dot = taskId.indexOf('.');
  if (dot <= 0) return undefined;
  const kind = taskId.slice(0, dot);
  if (!Object.hasOwn(TaskPayloads, kind)) return undefined;
  return /^[0-9a-f]{32}$/.test(taskId.slice(dot + 1)) ? (kind as TaskKind) : undefined;
}

/** A stable digest of a normalised payload, to tell a true duplicate from a reused key. */
export function payloadFingerprint(payload: unknown): string {
  return createHash('sha256').update(JSON.stringify(payload)).digest('hex').slice(0, 32);
}

/** The BullMQ queue of a kind (queue names may not contain `:`). */
export function queueName(kind: TaskKind): string {
  return `gpu-tasks-${kind}`;
}

/** Redis keys of gpu-tasks' own records, beside BullMQ's under the same prefix. */
export function taskKeys(prefix: string) {
  const base = `${prefix}:gpu-tasks`;
  return {
    /** Hash: task id → dead-letter record (JSON). */
    deadLetters: `${base}:dlq`,
    /** Sorted set per kind: dead-lettered task ids by time. */
    deadLetterIndex: (kind: TaskKind) => `${base}:dlq:${kind}`,
    /** String: set while a cancellation of the task is requested. */
    cancel: (taskId: string) => `${base}:cancel:${taskId}`,
    /** String: the last view of a task cancelled before it ran (its job is gone). */
    cancelled: (taskId: string) => `${base}:cancelled:${taskId}`,
    /** Sorted set: a project's task ids by creation time. */
    project: (projectId: string) => `${base}:project:${projectId}`,
    /** Pub/sub channel on which cancellations reach every worker process. */
    cancelChannel: `${base}:cancel`,
  };
}
export type TaskKeys = ReturnType<typeof taskKeys>;
