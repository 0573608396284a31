import { AutomovieError } from '@automovie/contracts';

/**
 * Error codes of the embedding layer. Across boundaries match on `code`; `retryable` says whether
 * the same call may succeed later (the adapters have already retried what they could).
 */
export const EmbeddingErrorCodes = {
  /** The provider failed: 5xx or network after the retries (retryable), or a 4xx such as 401 (not). */
  BRAIN_EMBEDDING_PROVIDER_ERROR: { status: 502, retryable: false },
  /** The provider kept answering 429, or asked to wait longer than we are willing to. */
  BRAIN_EMBEDDING_RATE_LIMITED: { status: 429, retryable: true },
  /** Every attempt ran past the request timeout. */
  BRAIN_EMBEDDING_TIMEOUT: { status: 504, retryable: true },
  /** The provider answered 2xx with a body we cannot trust (count, dimension, NaN, missing fields). */
  BRAIN_EMBEDDING_BAD_RESPONSE: { status: 502, retryable: false },
  /** A caller asked for a provider that has no key configured. */
  BRAIN_EMBEDDING_PROVIDER_NOT_CONFIGURED: { status: 400, retryable: false },
} as const satisfies Record<string, { status: number; retryable: boolean }>;
export type EmbeddingErrorCode = keyof typeof EmbeddingErrorCodes;

/** What an embedding error carries in `data`; never headers, bodies or keys. */
export interface EmbeddingErrorData {
  provider: string;
  model?: string;
  /** The upstream HTTP status, when there was one. */
  upstreamStatus?: number;
  /** Attempts made (1 = no retry). */
  attempts?: number;
  /** For rate limits: how long the provider asked us to wait. */
  retryAfterMs?: number;
  /** The provider's request id, for support tickets. */
  requestId?: string;
}

export function embeddingError(
  code: EmbeddingErrorCode,
  message: string,
  data: EmbeddingErrorData,
  opts: { retryable?: boolean; cause?: unknown } = {},
): AutomovieError {
  const known = EmbeddingErrorCodes[code];
  return new AutomovieError(code, message, {
    status: known.status,
    retryable: opts.retryable ?? known.retryable,
    data,
    ...(opts.cause === undefined ? {} : { cause: opts.cause }),
  });
}
