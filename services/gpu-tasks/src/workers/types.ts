import type { Progress, TaskKind, TaskPayloads } from '@automovie/contracts';
import type { McpClient } from '@automovie/mcp-ws';
import type { Logger } from 'pino';
import type { z } from 'zod';

/** What a kind's worker gets for one attempt of one task. */
export interface TaskRun<K extends TaskKind> {
  readonly taskId: string;
  readonly projectId: string;
  readonly payload: z.output<(typeof TaskPayloads)[K]['payload']>;
  /** 1 for the first attempt. */
  readonly attempt: number;
  /** Aborted when the task is cancelled or the worker shuts down hard: stop at the next checkpoint. */
  readonly signal: AbortSignal;
  /** Reports progress (stored on the task, sent as events and MCP notifications). */
  progress(p: Progress): Promise<void>;
  /** The brain, acting for the user who submitted the task (or as gpu-tasks when a service did). */
  brain(): McpClient;
  /** A scratch directory for this attempt, removed afterwards. */
  workDir(): Promise<string>;
  readonly log: Logger;
}

/** A kind's worker: does the work of one task and returns its result (validated against the kind's schema). */
export type TaskHandler<K extends TaskKind> = (run: TaskRun<K>) => Promise<z.input<(typeof TaskPayloads)[K]['result']>>;

export type TaskHandlers = { [K in TaskKind]: TaskHandler<K> };

/** Runs `fn` over `items` with at most `limit` at once, stopping early when `signal` aborts; results in order. */
export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  signal: AbortSignal,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    for (;;) {
      signal.throwIfAborted();
      const i = next++;
      if (i >= items.length) return;
      out[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return out;
}
