/** The name tasks give their backoff, served by {@link jitteredBackoff}. */
export const BACKOFF_TYPE = 'exponential-jitter';

/** Options of {@link jitteredBackoff}. */
export interface BackoffOptions {
  /** Delay after the first failure, before jitter. */
  baseMs: number;
  /** Ceiling of any delay. */
  maxMs: number;
  /** Uniform in [0, 1). Default Math.random. */
  random?: () => number;
}

/**
 * Delay before the next attempt after `attemptsMade` failures: base · 2^(n−1), times a factor
 * drawn from [0.5, 1.5), capped. The jitter spreads the retries of tasks that failed together
 * (a brain restart fails every running task at once) so they do not come back in lockstep.
 */
export function jitteredBackoff(attemptsMade: number, opts: BackoffOptions): number {
  const n = Math.max(1, attemptsMade);
  const exp = Math.min(opts.maxMs, opts.baseMs * 2 ** Math.min(n - 1, 40));
  const r = (opts.random ?? Math.random)();
  return Math.round(Math.min(opts.maxMs, exp * (0.5 + r)));
}
