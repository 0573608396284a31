import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** `global.gc` without restarting node with --expose-gc: set the flag, then take `gc` from a fresh context. */
export function exposeGc(): () => void {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) return existing;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** Two full collections with a turn of the event loop between them, then the process's memory. */
export async function settledMemory(gc: () => void): Promise<NodeJS.MemoryUsage> {
  gc();
  await new Promise((r) => setImmediate(r));
  gc();
  return process.memoryUsage();
}
