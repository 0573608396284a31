import { AutomovieError, isAutomovieError, type ProviderStatus } from '@automovie/contracts';
import type { Logger } from 'pino';
import { BrainError } from '../errors.ts';
import { CircuitBreaker } from './breaker.ts';
import { type Provider, ProviderError, type ProviderKind, type ProviderRequests, type ProviderResults } from './provider.ts';
import { RateLimiter } from './rate-limit.ts';
import { Redactor } from './redact.ts';

/** Call deadlines per kind when none is configured (ms): generous for media, which real providers queue. */
export const DEFAULT_TIMEOUTS_MS: Record<ProviderKind, number> = {
  text: 120_000,
  vision: 60_000,
  moderation: 30_000,
  image: 180_000,
  video: 900_000,
  speech: 120_000,
  music: 300_000,
  sfx: 120_000,
  model3d: 600_000,
};

export interface RouterOptions {
  logger: Logger;
  /** Per-kind call deadlines. Default DEFAULT_TIMEOUTS_MS. */
  timeoutsMs?: Partial<Record<ProviderKind, number>>;
  /** Retries after the first attempt, for retryable failures only. Default 2. */
  maxRetries?: number;
  /** First backoff step; it doubles per retry, with jitter. Default 250 ms. */
  retryBaseMs?: number;
  /** Largest backoff step. Default 8000 ms. */
  retryMaxMs?: number;
  /** A 429 asking to wait longer than this moves on to the next provider instead. Default 30,000 ms. */
  maxRetryAfterMs?: number;
  /** Consecutive failures that open a provider's circuit. Default 5. */
  breakerThreshold?: number;
  /** How long an open circuit stays open before a probe. Default 30,000 ms. */
  breakerCooldownMs?: number;
  /** Calls per minute by provider name; absent = unlimited. */
  rateLimits?: Record<string, number>;
  /** Longest wait for a rate-limit token before the provider is skipped. Default 10,000 ms. */
  rateLimitMaxWaitMs?: number;
  /** Blanks credentials out of provider messages. Default: nothing to blank. */
  redactor?: Redactor;
  /** For tests: jitter source in [0, 1). */
  random?: () => number;
  /** For tests: the clock of breakers and rate limits. */
  now?: () => number;
}

/** A provider and the model to ask it for. */
export interface Candidate<K extends ProviderKind> {
  provider: Provider<K>;
  model: string;
}

export interface AttemptContext {
  signal: AbortSignal;
  seed: number;
  projectId: string;
  logger: Logger;
  /** Called before every attempt (budget reservation); returns the release, called when the attempt ends. */
  beforeAttempt?: () => () => void;
}

export type AttemptOutcome<K extends ProviderKind> =
  | { ok: true; result: ProviderResults[K]; attempts: number; latencyMs: number }
  | { ok: false; failure: ProviderError; attempts: number; latencyMs: number };

/** A provider's chain position in the failures reported by BRAIN_PROVIDER_FAILED. */
export interface FailureReport {
  provider: string;
  model: string;
  failure: string;
  message: string;
  status?: number;
  attempts: number;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(cancelled(signal));
    const onAbort = () => {
      clearTimeout(t);
      reject(cancelled(signal));
    };
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function cancelled(signal: AbortSignal): AutomovieError {
  return isAutomovieError(signal.reason) ? signal.reason : new AutomovieError('TIMEOUT', 'The generation call was cancelled by the caller');
}

/**
 * The reliability half of the gateway: per kind a chain of providers; for one provider, attempts
 * with a deadline, retries with equal-jitter backoff for retryable failures only (429 honouring
 * Retry-After), a circuit breaker and a rate limit. Cache, budgets and recording are the gateway's.
 */
export class Router {
  readonly #chains: Map<ProviderKind, Provider[]>;
  readonly #breakers = new Map<string, CircuitBreaker>();
  readonly #limiters = new Map<string, RateLimiter>();
  readonly #opts: Required<Omit<RouterOptions, 'rateLimits' | 'timeoutsMs'>> & { timeoutsMs: Record<ProviderKind, number> };

  constructor(chains: Map<ProviderKind, readonly Provider[]>, opts: RouterOptions) {
    this.#chains = new Map([...chains].map(([k, v]) => [k, [...v]]));
    this.#opts = {
      logger: opts.logger,
      timeoutsMs: { ...DEFAULT_TIMEOUTS_MS, ...opts.timeoutsMs },
      maxRetries: opts.maxRetries ?? 2,
      retryBaseMs: opts.retryBaseMs ?? 250,
      retryMaxMs: opts.retryMaxMs ?? 8000,
      maxRetryAfterMs: opts.maxRetryAfterMs ?? 30_000,
      breakerThreshold: opts.breakerThreshold ?? 5,
      breakerCooldownMs: opts.breakerCooldownMs ?? 30_000,
      rateLimitMaxWaitMs: opts.rateLimitMaxWaitMs ?? 10_000,
      redactor: opts.redactor ?? new Redactor([]),
      random: opts.random ?? Math.random,
      now: opts.now ?? Date.now,
    };
    for (const [name, perMinute] of Object.entries(opts.rateLimits ?? {})) {
      this.#limiters.set(name, new RateLimiter(perMinute, { now: this.#opts.now }));
    }
    for (const [kind, chain] of this.#chains) {
      for (const p of chain) {
        if (p.kind !== kind) throw new Error(`provider ${p.name} serves ${p.kind}, not ${kind}`);
        this.#breakers.set(
          breakerKey(kind, p.name),
          new CircuitBreaker({ threshold: this.#opts.breakerThreshold, cooldownMs: this.#opts.breakerCooldownMs, now: this.#opts.now }),
        );
      }
    }
  }

  chain<K extends ProviderKind>(kind: K): readonly Provider<K>[] {
    return (this.#chains.get(kind) ?? []) as Provider<K>[];
  }

  /**
   * The providers to try for one call, in order. `choice.provider` forces that provider alone
   * (`offline` names the kind's offline provider); `choice.model` alone keeps the providers that
   * offer it; `prefer` (a template's routing) moves a provider to the front of the chain.
   */
  candidates<K extends ProviderKind>(
    kind: K,
    choice: { provider?: string; model?: string } = {},
    prefer: { provider?: string; model?: string } = {},
  ): Candidate<K>[] {
    const chain = this.chain(kind);
    if (chain.length === 0) throw new BrainError('BRAIN_NO_PROVIDER', `No provider is configured for ${kind}`, { data: { kind } });
    const names = chain.map((p) => p.name);
    const find = (name: string) => chain.find((p) => p.name === name) ?? (name === 'offline' ? chain.find((p) => p.offline) : undefined);
    if (choice.provider !== undefined) {
      const p = find(choice.provider);
      if (p === undefined) {
        throw new BrainError('BRAIN_NO_PROVIDER', `provider: ${choice.provider} is not in the ${kind} chain (${names.join(', ')})`, {
          data: { kind, provider: choice.provider, chain: names },
        });
      }
      return [{ provider: p, model: choice.model ?? p.defaultModel }];
    }
    if (choice.model !== undefined) {
      const model = choice.model;
      const offering = chain.filter((p) => p.models.includes(model));
      if (offering.length === 0) {
        throw new BrainError(
          'BRAIN_NO_PROVIDER',
          `model: no ${kind} provider offers ${model} (${chain.map((p) => `${p.name}: ${p.models.join(', ')}`).join('; ')})`,
          {
            data: { kind, model, chain: names },
          },
        );
      }
      return offering.map((provider) => ({ provider, model }));
    }
    const list: Candidate<K>[] = chain.map((provider) => ({ provider, model: provider.defaultModel }));
    const preferred = prefer.provider === undefined ? undefined : find(prefer.provider);
    if (prefer.provider !== undefined && preferred === undefined) {
      this.#opts.logger.warn(
        { kind, provider: prefer.provider, chain: names },
        'routing names a provider outside the chain; using the chain',
      );
    }
    const first = preferred ?? (prefer.model === undefined ? undefined : chain.find((p) => p.models.includes(prefer.model as string)));
    if (first === undefined) return list;
    const model =
      prefer.model !== undefined && (first.models.includes(prefer.model) || preferred !== undefined) ? prefer.model : first.defaultModel;
    return [{ provider: first, model }, ...list.filter((c) => c.provider !== first)];
  }

  /** Calls one provider: deadline, retries with backoff, breaker and rate limit. Budget errors and cancellation are thrown. */
  async attempt<K extends ProviderKind>(
    kind: K,
    c: Candidate<K>,
    req: ProviderRequests[K],
    ctx: AttemptContext,
  ): Promise<AttemptOutcome<K>> {
    const { provider: p, model } = c;
    const breaker = this.#breaker(kind, p.name);
    const started = performance.now();
    let attempts = 0;
    for (;;) {
      if (!breaker.tryPass()) {
        const failure = new ProviderError(
          p.name,
          'unavailable',
          `circuit open after repeated failures; next probe in ${Math.ceil(breaker.retryInMs() / 1000)} s`,
        );
        return { ok: false, failure, attempts, latencyMs: performance.now() - started };
      }
      let limited: ProviderError | undefined;
      try {
        limited = await this.#rateLimit(p.name, ctx.signal);
      } catch (err) {
        breaker.release();
        throw err;
      }
      if (limited !== undefined) {
        breaker.release();
        return { ok: false, failure: limited, attempts, latencyMs: performance.now() - started };
      }
      let release: (() => void) | undefined;
      try {
        release = ctx.beforeAttempt?.();
      } catch (err) {
        breaker.release();
        throw err;
      }
      attempts++;
      let failure: ProviderError;
      try {
        const result = await this.#runWithDeadline(kind, p, req, {
          signal: ctx.signal,
          seed: ctx.seed,
          model,
          projectId: ctx.projectId,
          logger: ctx.logger,
        });
        breaker.success();
        return { ok: true, result, attempts, latencyMs: performance.now() - started };
      } catch (err) {
        if (ctx.signal.aborted) {
          breaker.release();
          throw cancelled(ctx.signal);
        }
        failure = this.#normalize(p.name, err);
      } finally {
        release?.();
      }
      const retriesAllowed = failure.failure === 'bad_response' ? Math.min(1, this.#opts.maxRetries) : this.#opts.maxRetries;
      const lastTry = !failure.retryable || attempts > retriesAllowed;
      if (failure.failure === 'auth') breaker.trip();
      else if (failure.failure === 'rejected') breaker.success();
      // A 429 is the provider working as designed: it counts against the breaker only once retries are exhausted.
      else if (failure.failure !== 'rate_limited' || lastTry) breaker.failure();
      ctx.logger.warn(
        { provider: p.name, model, kind, failure: failure.failure, status: failure.status, attempt: attempts, err: failure.message },
        lastTry ? 'provider call failed' : 'provider call failed; retrying',
      );
      const tooLong = failure.retryAfterMs !== undefined && failure.retryAfterMs > this.#opts.maxRetryAfterMs;
      if (lastTry || tooLong || breaker.state === 'open') return { ok: false, failure, attempts, latencyMs: performance.now() - started };
      const step = Math.min(this.#opts.retryMaxMs, this.#opts.retryBaseMs * 2 ** (attempts - 1));
      const jittered = step / 2 + this.#opts.random() * (step / 2);
      await sleep(Math.max(failure.retryAfterMs ?? 0, jittered), ctx.signal);
    }
  }

  /** Every provider of every kind (or of one), in chain order, with its breaker. */
  statuses(kind?: ProviderKind): ProviderStatus[] {
    const out: ProviderStatus[] = [];
    for (const [k, chain] of this.#chains) {
      if (kind !== undefined && k !== kind) continue;
      chain.forEach((p, order) => {
        const b = this.#breaker(k, p.name);
        const breaker = b.state;
        out.push({
          kind: k,
          name: p.name,
          order,
          models: [...p.models],
          offline: p.offline,
          configured: true,
          healthy: breaker !== 'open',
          breaker,
          recentFailures: b.recentFailures,
        });
      });
    }
    return out;
  }

  /** The report of a failure, with the credentials blanked. */
  report(c: Candidate<ProviderKind>, failure: ProviderError, attempts: number): FailureReport {
    return {
      provider: c.provider.name,
      model: c.model,
      failure: failure.failure,
      message: failure.message,
      ...(failure.status === undefined ? {} : { status: failure.status }),
      attempts,
    };
  }

  #breaker(kind: ProviderKind, name: string): CircuitBreaker {
    const key = breakerKey(kind, name);
    let b = this.#breakers.get(key);
    if (b === undefined) {
      b = new CircuitBreaker({ threshold: this.#opts.breakerThreshold, cooldownMs: this.#opts.breakerCooldownMs, now: this.#opts.now });
      this.#breakers.set(key, b);
    }
    return b;
  }

  /** Waits for a token of the provider's rate limit; a failure when the wait would be too long. */
  async #rateLimit(name: string, signal: AbortSignal): Promise<ProviderError | undefined> {
    const limiter = this.#limiters.get(name);
    if (limiter === undefined) return undefined;
    let waited = 0;
    for (;;) {
      const wait = limiter.take();
      if (wait === 0) return undefined;
      if (waited + wait > this.#opts.rateLimitMaxWaitMs) {
        return new ProviderError(name, 'rate_limited', `over the configured rate limit of ${limiter.perMinute} calls a minute`);
      }
      await sleep(wait, signal);
      waited += wait;
    }
  }

  async #runWithDeadline<K extends ProviderKind>(
    kind: K,
    p: Provider<K>,
    req: ProviderRequests[K],
    ctx: { signal: AbortSignal; seed: number; model: string; projectId: string; logger: Logger },
  ): Promise<ProviderResults[K]> {
    const ms = this.#opts.timeoutsMs[kind];
    const deadline = new AbortController();
    const signal = AbortSignal.any([ctx.signal, deadline.signal]);
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    // The race makes the deadline hold even for a provider that ignores its signal.
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const e = new ProviderError(p.name, 'timeout', `no answer within ${ms} ms`);
        deadline.abort(e);
        reject(e);
      }, ms);
      onAbort = () => reject(cancelled(ctx.signal));
      if (ctx.signal.aborted) onAbort();
      else ctx.signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([p.run(req, { ...ctx, signal, logger: ctx.logger.child({ provider: p.name }) }), expired]);
    } finally {
      clearTimeout(timer);
      if (onAbort) ctx.signal.removeEventListener('abort', onAbort);
    }
  }

  /** Any error of a provider as a ProviderError whose message holds no credential. */
  #normalize(name: string, err: unknown): ProviderError {
    const scrub = (s: string) => this.#opts.redactor.scrub(s);
    if (err instanceof ProviderError) {
      return new ProviderError(err.provider, err.failure, scrub(err.message), {
        ...(err.status === undefined ? {} : { status: err.status }),
        ...(err.retryAfterMs === undefined ? {} : { retryAfterMs: err.retryAfterMs }),
      });
    }
    if (isAutomovieError(err)) {
      return new ProviderError(name, err.retryable ? 'unavailable' : 'rejected', scrub(`${err.code}: ${err.message}`), {
        status: err.status,
      });
    }
    // An unexpected throw (a bug, a crashed tool): tried once more, then the next provider.
    return new ProviderError(name, 'bad_response', scrub(err instanceof Error ? err.message : String(err)));
  }
}

function breakerKey(kind: ProviderKind, name: string): string {
  return `${kind}\u0000${name}`;
}
