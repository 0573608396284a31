import { BrainError, type BrainErrorCode } from '../errors.ts';

/** The brain's error codes that belong to the embedding layer. */
export type EmbeddingErrorCode = Extract<BrainErrorCode, `BRAIN_EMBEDDING_${string}`>;

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
): BrainError {
  return new BrainError(code, message, { data, ...opts });
}
