import { setTimeout as sleep } from 'node:timers/promises';
import type { TaskHandler } from './types.ts';

/** Reports `steps` progress steps of `stepMs` each, and nothing else: health checks, benchmarks, crash drills. */
export const noop: TaskHandler<'noop'> = async (run) => {
  const { steps, stepMs } = run.payload;
  for (let i = 1; i <= steps; i++) {
    if (stepMs > 0) await sleep(stepMs, undefined, { signal: run.signal });
    run.signal.throwIfAborted();
    await run.progress({ progress: i, total: steps, message: `step ${i} of ${steps}` });
  }
  return { steps };
};
