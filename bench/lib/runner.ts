import { type RunStats, summarize } from './stats.ts';

/** One call; `worker` is the index of the loop making it (0 for sequential runs), e.g. to pick its connection. */
export type CallFn = (worker?: number) => Promise<unknown>;

/** Calls `fn` back to back for `durationMs`, and at least `minCalls` times; one latency sample per call. */
export async function runSequential(fn: CallFn, durationMs: number, minCalls = 1): Promise<RunStats> {
  const samples: number[] = [];
  const cpu = process.cpuUsage();
  const start = performance.now();
  const deadline = start + durationMs;
  let now = start;
  while (now < deadline || samples.length < minCalls) {
    const t0 = now;
    await fn(0);
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
  const worker = async (i: number) => {
    let now = performance.now();
    while (now < deadline) {
      const t0 = now;
      await fn(i);
      now = performance.now();
      samples.push(now - t0);
    }
  };
  await Promise.all(Array.from({ length: inflight }, (_, i) => worker(i)));
  const elapsed = performance.now() - start;
  return summarize(samples, elapsed, process.cpuUsage(cpu));
}

/** Runs `fn` for a while so the JIT, pools and connections are warm before measuring. */
export async function warmUp(fn: CallFn, durationMs: number, inflight = 8): Promise<void> {
  await runSequential(fn, durationMs / 2);
  await runConcurrent(fn, inflight, durationMs / 2);
}

/** A load run of many clients whose slowest calls may not have returned when it ends. */
export interface LoadStats extends RunStats {
  /** Calls started. */
  issued: number;
  /** Calls that failed (counted in neither the latencies nor calls/s). */
  failed: number;
  /**
   * Calls still unanswered when the run gave up waiting (`graceMs` after its end). Each counts in
   * the percentiles with the time it had waited so far, a lower bound of its latency.
   */
  unanswered: number;
  /** True when unanswered calls reach p99, which is then only a lower bound. */
  p99IsLowerBound: boolean;
  /** True when unanswered calls reach p50, which is then only a lower bound. */
  p50IsLowerBound: boolean;
  /** Clients that had at least one call answered. */
  clientsAnswered: number;
  /** Calls per second offered (open loop); undefined for back-to-back runs. */
  offeredPerSec?: number;
  /** The first error seen, if any call failed. */
  firstError?: string;
}

interface LoadOptions {
  clients: number;
  durationMs: number;
  /** How long to wait for calls in flight after `durationMs` before counting them unanswered. */
  graceMs: number;
  /** Open loop: calls per second over all clients, each client a Poisson process. Default: back to back (closed loop). */
  ratePerSec?: number;
}

/**
 * `clients` loops calling `fn(client)` for `durationMs`: back to back (closed loop: latency is
 * then mostly queueing, about clients ÷ throughput), or, with `ratePerSec`, at random times
 * (open loop: each call's latency counts from when it was due, so a client that falls behind
 * pays for it instead of quietly offering less load). Calls still in flight `graceMs` after the
 * end are left running and counted as unanswered, with the time they have waited so far.
 */
export async function runLoad(fn: CallFn, opts: LoadOptions): Promise<LoadStats> {
  const samples: number[] = [];
  const inFlight = new Map<number, number>();
  const answered = new Uint8Array(opts.clients);
  let issued = 0;
  let failed = 0;
  let firstError: string | undefined;
  let nextCall = 0;
  const cpu = process.cpuUsage();
  const start = performance.now();
  const deadline = start + opts.durationMs;
  const meanGapMs = opts.ratePerSec === undefined ? 0 : (1000 * opts.clients) / opts.ratePerSec;
  // Open loop: exponential gaps (a Poisson process per client, memoryless, so also the first one).
  const gap = () => -Math.log(1 - Math.random()) * meanGapMs;

  const client = async (i: number) => {
    let due = opts.ratePerSec === undefined ? start : start + gap();
    for (;;) {
      if (opts.ratePerSec !== undefined) {
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
      const t0 = opts.ratePerSec === undefined ? performance.now() : due;
      if (t0 >= deadline) return;
      const id = nextCall++;
      issued++;
      inFlight.set(id, t0);
      try {
        await fn(i);
        const now = performance.now();
        inFlight.delete(id);
        if (now <= deadline + opts.graceMs) {
          samples.push(now - t0);
          answered[i] = 1;
        }
      } catch (err) {
        inFlight.delete(id);
        if (performance.now() > deadline + opts.graceMs) return; // abandoned: the bench is closing the connections
        failed++;
        firstError ??= err instanceof Error ? `${(err as { code?: string }).code ?? err.name}: ${err.message}` : String(err);
      }
      due = opts.ratePerSec === undefined ? performance.now() : due + gap();
    }
  };
  const all = Promise.all(Array.from({ length: opts.clients }, (_, i) => client(i)));
  let timer: NodeJS.Timeout | undefined;
  const givenUp = new Promise<void>((r) => {
    timer = setTimeout(r, deadline + opts.graceMs - performance.now());
  });
  await Promise.race([all, givenUp]);
  clearTimeout(timer);
  const end = performance.now();
  const completed = samples.length;
  const waited = [...inFlight.values()].map((t0) => end - t0);
  const stats = summarize([...samples, ...waited], Math.min(end, deadline) - start, process.cpuUsage(cpu));
  // A percentile is exact only while every unanswered call is above it (their true latencies only grow).
  const minWaited = waited.reduce((m, w) => Math.min(m, w), Number.POSITIVE_INFINITY);
  return {
    ...stats,
    // Throughput counts answered calls only, over the run's nominal length.
    calls: completed,
    callsPerSec: (completed / opts.durationMs) * 1000,
    cpuUsPerCall: completed === 0 ? Number.NaN : stats.cpuUsPerCall * (stats.calls / completed),
    issued,
    failed,
    unanswered: waited.length,
    p50IsLowerBound: stats.p50 >= minWaited,
    p99IsLowerBound: stats.p99 >= minWaited,
    clientsAnswered: answered.reduce((n, a) => n + a, 0),
    ...(opts.ratePerSec === undefined ? {} : { offeredPerSec: opts.ratePerSec }),
    ...(firstError === undefined ? {} : { firstError }),
  };
}
