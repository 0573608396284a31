/** Latency figures of one measured run, in milliseconds (calls/s for throughput). */
export interface RunStats {
  calls: number;
  elapsedMs: number;
  callsPerSec: number;
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  max: number;
  /** CPU time (user + system) this process spent per call; less sensitive than calls/s to other load on the machine. */
  cpuUsPerCall: number;
  /** CPU time over wall time: 1 means this process had a whole core for the run. */
  cpuShare: number;
}

/** Nearest-rank percentile of an ascending array (`p` in 0..100). */
export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] as number;
}

export function summarize(samples: readonly number[], elapsedMs: number, cpu: NodeJS.CpuUsage): RunStats {
  const sorted = Float64Array.from(samples).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    calls: sorted.length,
    elapsedMs,
    callsPerSec: (sorted.length / elapsedMs) * 1000,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    mean: sorted.length === 0 ? Number.NaN : sum / sorted.length,
    max: sorted.length === 0 ? Number.NaN : (sorted[sorted.length - 1] as number),
    cpuUsPerCall: (cpu.user + cpu.system) / sorted.length,
    cpuShare: (cpu.user + cpu.system) / 1000 / elapsedMs,
  };
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** The median of each figure over several rounds (rounds are interleaved across transports, so noise hits all alike). */
export function medianOfRounds(rounds: readonly RunStats[]): RunStats {
  const pick = (k: keyof RunStats) => median(rounds.map((r) => r[k]));
  return {
    calls: rounds.reduce((n, r) => n + r.calls, 0),
    elapsedMs: rounds.reduce((n, r) => n + r.elapsedMs, 0),
    callsPerSec: pick('callsPerSec'),
    p50: pick('p50'),
    p95: pick('p95'),
    p99: pick('p99'),
    mean: pick('mean'),
    max: Math.max(...rounds.map((r) => r.max)),
    cpuUsPerCall: pick('cpuUsPerCall'),
    cpuShare: pick('cpuShare'),
  };
}
