/**
 * A token bucket per provider: `perMinute` calls a minute, in bursts of at most `burst`.
 * Providers' own limits are per account, so the bucket is shared by every kind the provider serves.
 */
export class RateLimiter {
  readonly perMinute: number;
  readonly burst: number;
  readonly #now: () => number;
  #tokens: number;
  #at: number;

  constructor(perMinute: number, opts: { burst?: number; now?: () => number } = {}) {
    this.perMinute = perMinute;
    this.burst = Math.max(1, opts.burst ?? Math.ceil(perMinute / 6));
    this.#now = opts.now ?? Date.now;
    this.#tokens = this.burst;
    this.#at = this.#now();
  }

  /** Takes a token now if there is one; else how long until there is (ms). */
  take(): number {
    this.#refill();
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.#tokens) * 60_000) / this.perMinute);
  }

  #refill(): void {
    const now = this.#now();
    this.#tokens = Math.min(this.burst, this.#tokens + ((now - this.#at) * this.perMinute) / 60_000);
    this.#at = now;
  }
}
