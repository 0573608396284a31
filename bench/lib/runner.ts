import { type RunStats, summarize } from './stats.ts';

export type CallFn = () => Promise<unknown>;

/** Calls `fn` back to back for `durationMs`; one latency sample per call. */
export async function runSequential(fn: CallFn, durationMs: number): Promise<RunStats> {
  const samples: number[] = [];
  const cpu = process.cpuUsage();
  const start = performance.now();
  const deadline = start + durationMs;
  let now = start;
  while (now < deadline) {
    const t0 = now;
    await fn();
    now = performance.now();
    samples.push(now - t0);
  }
  return summarize(samples, now - start, process.cpuUsage(cpu));
}

/** Keeps `inflight` calls outstanding for `durationMs` (each worker starts its next call when one returns). */
export async function runConcurrent(fn: CallFn, inflight: number, durationMs: number): Promise<RunStats> {
  const samples: number[] = [];
  const cpu = process.cpuUsage();
  const start = performance.now();
  const deadline = start + durationMs;
  const worker = async () => {
    let now = performance.now();
    while (now < deadline) {
      const t0 = now;
      await fn();
      now = performance.now();
      samples.push(now - t0);
    }
  };
  await Promise.all(Array.from({ length: inflight }, worker));
  const elapsed = performance.now() - start;
  return summarize(samples, elapsed, process.cpuUsage(cpu));
}

/** Runs `fn` for a while so the JIT, pools and connections are warm before measuring. */
export async function warmUp(fn: CallFn, durationMs: number, inflight = 8): Promise<void> {
  await runSequential(fn, durationMs / 2);
  await runConcurrent(fn, inflight, durationMs / 2);
}
