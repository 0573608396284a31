/** Circuit breaker states, as list_providers reports them. */
export type BreakerState = 'closed' | 'open' | 'half_open';

export interface BreakerOptions {
  /** Consecutive failures that open the circuit. Default 5. */
  threshold?: number;
  /** How long an open circuit refuses calls before one probe is let through. Default 30,000 ms. */
  cooldownMs?: number;
  /** For tests: the clock. */
  now?: () => number;
}

/**
 * One provider's circuit breaker. Closed: calls pass and consecutive failures are counted; at the
 * threshold it opens. Open: calls are refused (the chain moves on at once instead of waiting out
 * timeouts) until the cooldown has passed; then one probe call is let through (half-open): its
 * success closes the circuit, its failure opens it for another cooldown.
 */
export class CircuitBreaker {
  readonly threshold: number;
  readonly cooldownMs: number;
  readonly #now: () => number;
  #state: BreakerState = 'closed';
  #failures = 0;
  #openedAt = 0;
  #probing = false;
  /** Failures since the last success, for list_providers. */
  recentFailures = 0;

  constructor(opts: BreakerOptions = {}) {
    this.threshold = opts.threshold ?? 5;
    this.cooldownMs = opts.cooldownMs ?? 30_000;
    this.#now = opts.now ?? Date.now;
  }

  /** The state as of now (an open circuit past its cooldown reads as half-open). */
  get state(): BreakerState {
    if (this.#state === 'open' && this.#now() - this.#openedAt >= this.cooldownMs) return 'half_open';
    return this.#state;
  }

  /** Whether a call may go out now; in half-open, only the first caller gets the probe. */
  tryPass(): boolean {
    const state = this.state;
    if (state === 'closed') return true;
    if (state === 'open') return false;
    if (this.#probing) return false;
    this.#state = 'half_open';
    this.#probing = true;
    return true;
  }

  /** When a call may go out again (0 = now). */
  retryInMs(): number {
    return this.#state === 'open' ? Math.max(0, this.#openedAt + this.cooldownMs - this.#now()) : 0;
  }

  success(): void {
    this.#state = 'closed';
    this.#failures = 0;
    this.#probing = false;
    this.recentFailures = 0;
  }

  failure(): void {
    this.#failures++;
    this.recentFailures++;
    if (this.#state === 'half_open' || this.#failures >= this.threshold) this.#open();
  }

  /** Opens at once (a rejected key will not start working by itself). */
  trip(): void {
    this.recentFailures++;
    this.#open();
  }

  /** A half-open probe that ended without telling anything about the provider (cancelled by the caller). */
  release(): void {
    if (this.#state === 'half_open') {
      this.#probing = false;
      this.#state = 'open';
      this.#openedAt = this.#now() - this.cooldownMs;
    }
  }

  #open(): void {
    this.#state = 'open';
    this.#openedAt = this.#now();
    this.#probing = false;
    this.#failures = 0;
  }
}
