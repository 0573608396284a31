import { setTimeout as delay } from 'node:timers/promises';
import type { AutomovieError } from '@automovie/contracts';
import type { Logger } from 'pino';
import { planBatches, runLimited } from './batching.ts';
import { embeddingError } from './errors.ts';
import type { EmbeddingInputType, EmbeddingProviderName, EmbedOptions } from './provider.ts';
import { toUnitVector } from './vector.ts';

/** Options shared by the paid providers. */
export interface RemoteProviderOptions {
  /** The provider's API key; kept in a private field, never logged or put in an error. */
  apiKey: string;
  /** The API root, e.g. `https://api.jina.ai/v1`; requests go to `${baseURL}/embeddings`. */
  baseURL?: string;
  model?: string;
  dimension?: number;
  /** Timeout of one HTTP request. Default 60,000 ms. */
  timeoutMs?: number;
  /** Retries after the first attempt, on 429, 5xx, timeouts and network errors. Default 3. */
  maxRetries?: number;
  /** First backoff step; doubles per retry, with jitter. Default 500 ms. */
  baseDelayMs?: number;
  /** Longest backoff step. Default 8,000 ms. */
  maxDelayMs?: number;
  /** Longest Retry-After we wait; a longer one fails at once with BRAIN_EMBEDDING_RATE_LIMITED. Default 30,000 ms. */
  maxRetryAfterMs?: number;
  /** Texts per request. Default: the provider's. */
  maxItemsPerRequest?: number;
  /** Estimated tokens per request (see approxTokens). Default: the provider's. */
  maxTokensPerRequest?: number;
  /** Requests in flight for one embed call. Default 2. */
  concurrency?: number;
  logger?: Logger;
  /** For tests: the backoff sleep. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** For tests: the jitter source, in [0, 1). */
  random?: () => number;
}

/** The defaults a provider puts under the caller's options. */
export interface RemoteDefaults {
  baseURL: string;
  model: string;
  dimension: number;
  maxItemsPerRequest: number;
  maxTokensPerRequest: number;
}

/** Why one attempt failed, as a transport reports it. */
export type AttemptFailureKind = 'http' | 'network' | 'timeout' | 'bad_response';

export class AttemptFailure extends Error {
  readonly kind: AttemptFailureKind;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  readonly requestId: string | undefined;

  constructor(
    kind: AttemptFailureKind,
    message: string,
    opts: { status?: number; retryAfterMs?: number; requestId?: string; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'AttemptFailure';
    this.kind = kind;
    this.status = opts.status;
    this.retryAfterMs = opts.retryAfterMs;
    this.requestId = opts.requestId;
  }
}

/** What a transport returns: the provider's `data` array, unchecked. */
export interface TransportResult {
  data: unknown;
  requestId?: string;
}

/** Sends one request. Throws AttemptFailure when it can tell what went wrong. */
export type Transport = (texts: string[], inputType: EmbeddingInputType, signal: AbortSignal) => Promise<TransportResult>;

/** `Retry-After` (seconds or an HTTP date) or OpenAI's `retry-after-ms`, in ms. */
export function parseRetryAfter(headers: { get(name: string): string | null } | undefined, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get('retry-after-ms');
  if (ms !== null && ms.trim() !== '' && Number.isFinite(Number(ms)) && Number(ms) >= 0) return Math.ceil(Number(ms));
  const value = headers.get('retry-after');
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds >= 0 ? Math.ceil(seconds * 1000) : undefined;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

const SECRET_PATTERNS = [/Bearer\s+[^\s"',]+/gi, /\bsk-[A-Za-z0-9_-]{8,}/g, /\bjina_[A-Za-z0-9_-]{8,}/g];

/** Removes the key (and anything shaped like a key or bearer token) from provider text, and bounds its length. */
export function scrub(text: string, secret: string): string {
  let out = secret.length >= 4 ? text.split(secret).join('[REDACTED]') : text;
  for (const pattern of SECRET_PATTERNS)
    out = out.replace(pattern, (m) => (m.toLowerCase().startsWith('bearer') ? 'Bearer [REDACTED]' : '[REDACTED]'));
  out = out.replace(/\s+/g, ' ').trim();
  return out.length > 300 ? `${out.slice(0, 300)}…` : out;
}

function positiveInt(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < 1) throw new TypeError(`${name}: must be a positive integer, got ${v}`);
  return v;
}

function nonNegative(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v < 0) throw new TypeError(`${name}: must be a number ≥ 0, got ${v}`);
  return v;
}

/**
 * The part the paid providers share: batching by items and estimated tokens, per-request timeouts,
 * retries with exponential backoff and jitter (429 honouring Retry-After, 5xx, timeouts, network
 * errors; never other 4xx), response validation and normalisation, and errors without secrets.
 */
export class RemoteEmbedder {
  readonly provider: EmbeddingProviderName;
  readonly label: string;
  readonly baseURL: string;
  readonly model: string;
  readonly dimension: number;
  readonly #apiKey: string;
  readonly #transport: Transport;
  readonly #timeoutMs: number;
  readonly #maxRetries: number;
  readonly #baseDelayMs: number;
  readonly #maxDelayMs: number;
  readonly #maxRetryAfterMs: number;
  readonly #maxItems: number;
  readonly #maxTokens: number;
  readonly #concurrency: number;
  readonly #logger: Logger | undefined;
  readonly #sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly #random: () => number;

  constructor(provider: EmbeddingProviderName, label: string, opts: RemoteProviderOptions, defaults: RemoteDefaults, transport: Transport) {
    if (typeof opts.apiKey !== 'string' || opts.apiKey.trim() === '') throw new TypeError(`${provider}.apiKey: must be a non-empty string`);
    this.provider = provider;
    this.label = label;
    this.baseURL = (opts.baseURL ?? defaults.baseURL).replace(/\/+$/, '');
    if (!/^https?:\/\//.test(this.baseURL)) throw new TypeError(`${provider}.baseURL: must be an http(s) URL, got ${this.baseURL}`);
    this.model = opts.model ?? defaults.model;
    this.dimension = positiveInt(`${provider}.dimension`, opts.dimension, defaults.dimension);
    this.#apiKey = opts.apiKey;
    this.#transport = transport;
    this.#timeoutMs = positiveInt(`${provider}.timeoutMs`, opts.timeoutMs, 60_000);
    this.#maxRetries = Math.floor(nonNegative(`${provider}.maxRetries`, opts.maxRetries, 3));
    this.#baseDelayMs = nonNegative(`${provider}.baseDelayMs`, opts.baseDelayMs, 500);
    this.#maxDelayMs = nonNegative(`${provider}.maxDelayMs`, opts.maxDelayMs, 8_000);
    this.#maxRetryAfterMs = nonNegative(`${provider}.maxRetryAfterMs`, opts.maxRetryAfterMs, 30_000);
    this.#maxItems = positiveInt(`${provider}.maxItemsPerRequest`, opts.maxItemsPerRequest, defaults.maxItemsPerRequest);
    this.#maxTokens = positiveInt(`${provider}.maxTokensPerRequest`, opts.maxTokensPerRequest, defaults.maxTokensPerRequest);
    this.#concurrency = positiveInt(`${provider}.concurrency`, opts.concurrency, 2);
    this.#logger = opts.logger;
    this.#sleep = opts.sleep ?? ((ms, signal) => delay(ms, undefined, { signal }));
    this.#random = opts.random ?? Math.random;
  }

  /** Redacts this provider's key from any text. */
  scrub(text: string): string {
    return scrub(text, this.#apiKey);
  }

  async embed(texts: readonly string[], opts: EmbedOptions = {}): Promise<Float32Array[]> {
    opts.signal?.throwIfAborted();
    const out: Float32Array[] = new Array(texts.length);
    if (texts.length === 0) return out;
    const inputType = opts.inputType ?? 'passage';
    const batches = planBatches(texts, { maxItems: this.#maxItems, maxTokens: this.#maxTokens });
    await runLimited(batches, this.#concurrency, opts.signal, async (batch, signal) => {
      const vectors = await this.#request(texts.slice(batch.start, batch.end), inputType, signal);
      for (let i = 0; i < vectors.length; i++) out[batch.start + i] = vectors[i]!;
      opts.onBatch?.(batch.start, vectors);
    });
    return out;
  }

  /** One batch, with retries. */
  async #request(texts: string[], inputType: EmbeddingInputType, signal: AbortSignal): Promise<Float32Array[]> {
    for (let attempt = 1; ; attempt++) {
      let failure: AttemptFailure;
      try {
        return await this.#attempt(texts, inputType, signal);
      } catch (err) {
        if (signal.aborted) throw signal.reason;
        failure =
          err instanceof AttemptFailure
            ? err
            : new AttemptFailure('network', err instanceof Error ? err.message : String(err), { cause: err });
      }
      const retryable =
        failure.kind === 'network' ||
        failure.kind === 'timeout' ||
        (failure.kind === 'http' && (failure.status === 429 || (failure.status ?? 0) >= 500));
      const tooLong = failure.retryAfterMs !== undefined && failure.retryAfterMs > this.#maxRetryAfterMs;
      if (!retryable || attempt > this.#maxRetries || tooLong) throw this.#toError(failure, attempt);
      const backoff = Math.min(this.#maxDelayMs, this.#baseDelayMs * 2 ** (attempt - 1));
      // Equal jitter: spread retries of many callers, but never below half the step or Retry-After.
      const wait = Math.max(failure.retryAfterMs ?? 0, backoff / 2 + this.#random() * (backoff / 2));
      this.#logger?.warn(
        {
          provider: this.provider,
          model: this.model,
          attempt,
          waitMs: Math.round(wait),
          failure: failure.kind,
          upstreamStatus: failure.status,
        },
        'embedding request failed; retrying',
      );
      try {
        await this.#sleep(wait, signal);
      } catch (err) {
        throw signal.aborted ? signal.reason : err;
      }
    }
  }

  async #attempt(texts: string[], inputType: EmbeddingInputType, outer: AbortSignal): Promise<Float32Array[]> {
    const timeout = AbortSignal.timeout(this.#timeoutMs);
    const signal = AbortSignal.any([outer, timeout]);
    let result: TransportResult;
    try {
      result = await this.#transport(texts, inputType, signal);
    } catch (err) {
      if (outer.aborted) throw outer.reason;
      if (timeout.aborted || (err instanceof AttemptFailure && err.kind === 'timeout')) {
        throw new AttemptFailure('timeout', `no response within ${this.#timeoutMs} ms`);
      }
      throw err;
    }
    return this.#validate(result, texts.length);
  }

  /** The provider's `data` → one unit vector per text, in order, or a bad_response failure. */
  #validate(result: TransportResult, count: number): Float32Array[] {
    const bad = (message: string) => new AttemptFailure('bad_response', message, result.requestId ? { requestId: result.requestId } : {});
    const { data } = result;
    if (!Array.isArray(data)) throw bad(`"data" is ${data === undefined ? 'missing' : 'not an array'}`);
    if (data.length !== count) throw bad(`${data.length} embeddings for ${count} texts`);
    const out: Float32Array[] = new Array(count);
    for (let i = 0; i < count; i++) {
      const item = data[i] as { index?: unknown; embedding?: unknown } | null;
      if (typeof item !== 'object' || item === null) throw bad(`data[${i}] is not an object`);
      const index = item.index;
      if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= count)
        throw bad(`data[${i}].index is ${String(index)}, expected 0..${count - 1}`);
      if (out[index] !== undefined) throw bad(`data[${i}].index ${index} appears twice`);
      if (item.embedding === undefined) throw bad(`data[${i}].embedding is missing`);
      const vector = toUnitVector(item.embedding, this.dimension);
      if (typeof vector === 'string') throw bad(`data[${i}]: ${vector}`);
      out[index] = vector;
    }
    return out;
  }

  #toError(f: AttemptFailure, attempts: number): AutomovieError {
    const data = {
      provider: this.provider,
      model: this.model,
      attempts,
      ...(f.status === undefined ? {} : { upstreamStatus: f.status }),
      ...(f.retryAfterMs === undefined ? {} : { retryAfterMs: f.retryAfterMs }),
      ...(f.requestId === undefined ? {} : { requestId: f.requestId }),
    };
    const tries = attempts === 1 ? '1 attempt' : `${attempts} attempts`;
    const detail = this.scrub(f.message);
    // The transport's cause may hold a provider response; keep it only when it is a plain network error.
    const cause = f.kind === 'network' ? f.cause : undefined;
    switch (f.kind) {
      case 'timeout':
        return embeddingError('BRAIN_EMBEDDING_TIMEOUT', `${this.label} embeddings timed out: ${detail} (${tries})`, data);
      case 'bad_response':
        return embeddingError('BRAIN_EMBEDDING_BAD_RESPONSE', `${this.label} embeddings: malformed response: ${detail}`, data);
      case 'network':
        return embeddingError(
          'BRAIN_EMBEDDING_PROVIDER_ERROR',
          `${this.label} embeddings: cannot reach ${new URL(this.baseURL).origin}: ${detail} (${tries})`,
          data,
          { retryable: true, cause },
        );
      case 'http': {
        const status = f.status ?? 0;
        if (status === 429) {
          const wait = f.retryAfterMs === undefined ? '' : `; retry after ${Math.ceil(f.retryAfterMs / 1000)} s`;
          return embeddingError(
            'BRAIN_EMBEDDING_RATE_LIMITED',
            `${this.label} embeddings rate limited (HTTP 429, ${tries})${wait}: ${detail}`,
            data,
          );
        }
        if (status >= 500) {
          return embeddingError(
            'BRAIN_EMBEDDING_PROVIDER_ERROR',
            `${this.label} embeddings failed: HTTP ${status} (${tries}): ${detail}`,
            data,
            {
              retryable: true,
            },
          );
        }
        return embeddingError(
          'BRAIN_EMBEDDING_PROVIDER_ERROR',
          `${this.label} embeddings request refused: HTTP ${status}: ${detail}`,
          data,
          {
            retryable: false,
          },
        );
      }
    }
  }
}
