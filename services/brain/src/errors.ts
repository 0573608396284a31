import { AutomovieError } from '@automovie/contracts';

/**
 * The brain's own error codes (fleet codes such as INVALID_INPUT pass through unchanged). Callers
 * across MCP match on `code`; the status is the HTTP-like class of the failure.
 */
export const BrainErrorCodes = {
  BRAIN_PROJECT_NOT_FOUND: { status: 404, retryable: false },
  BRAIN_PROJECT_EXISTS: { status: 409, retryable: false },
  BRAIN_NODE_NOT_FOUND: { status: 404, retryable: false },
  BRAIN_NODE_EXISTS: { status: 409, retryable: false },
  /** A put would replace a node by one of another label. */
  BRAIN_LABEL_MISMATCH: { status: 409, retryable: false },
  BRAIN_RELATIONSHIP_EXISTS: { status: 409, retryable: false },
  /** A record names another project than the one the call is scoped to. */
  BRAIN_CROSS_PROJECT: { status: 400, retryable: false },
  /** Removing or demoting the last owner of a project. */
  BRAIN_LAST_OWNER: { status: 409, retryable: false },
  /** A vector whose length differs from the project's vectors. */
  BRAIN_VECTOR_DIMENSION: { status: 400, retryable: false },
  /** A vector with a non-finite component, or all zeros (no direction: cosine is undefined). */
  BRAIN_INVALID_VECTOR: { status: 400, retryable: false },
  BRAIN_INVALID_QUERY: { status: 400, retryable: false },
  BRAIN_INVALID_CURSOR: { status: 400, retryable: false },
  /** A traversal would visit more nodes than the store allows in one call. */
  BRAIN_TRAVERSAL_LIMIT: { status: 400, retryable: false },
  BRAIN_STORE_CLOSED: { status: 503, retryable: true },
  /** The vector index worker failed; it restarts from the database on the next call. */
  BRAIN_VECTOR_INDEX_UNAVAILABLE: { status: 503, retryable: true },
  // The embedding layer (src/embeddings). Adapters have already retried what they could.
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
  // The asset store (src/assets).
  /** No Asset of that id in that project (also for a node of another label, or one the asset store did not write). */
  BRAIN_ASSET_NOT_FOUND: { status: 404, retryable: false },
  /** The Asset node exists but its blob is gone from the store (lost or deleted by hand). */
  BRAIN_ASSET_BLOB_MISSING: { status: 500, retryable: false },
  /** A signed asset URL whose signature does not verify (tampered, another project, another key). */
  BRAIN_ASSET_URL_INVALID: { status: 403, retryable: false },
  /** A signed asset URL past its expiry. */
  BRAIN_ASSET_URL_EXPIRED: { status: 403, retryable: false },
  /** An upload larger than the limit its URL was signed with. */
  BRAIN_UPLOAD_TOO_LARGE: { status: 413, retryable: false },
  /** An upload whose bytes are not of the declared type (or of a type the store cannot check). */
  BRAIN_UPLOAD_TYPE_MISMATCH: { status: 415, retryable: false },
  /** An upload URL that already stored a file: each URL takes one successful upload (refused ones do not count). */
  BRAIN_UPLOAD_URL_USED: { status: 409, retryable: false },
  /** A Range header that cannot be served for this asset. */
  BRAIN_RANGE_NOT_SATISFIABLE: { status: 416, retryable: false },
  // The generation gateway (src/generation).
  /** The call's cost estimate would take the project over its budgetUsd; nothing was spent. */
  BRAIN_BUDGET_EXCEEDED: { status: 402, retryable: false },
  /** Every provider of the chain failed; `data.failures` lists each one's failure. */
  BRAIN_PROVIDER_FAILED: { status: 502, retryable: true },
  /** No configured provider serves the kind, or the requested provider/model is not one of the chain. */
  BRAIN_NO_PROVIDER: { status: 400, retryable: false },
  BRAIN_TEMPLATE_NOT_FOUND: { status: 404, retryable: false },
  /** A template's variables are missing, unknown, or fail their schema; or a body names an undeclared variable. */
  BRAIN_TEMPLATE_VARIABLES: { status: 400, retryable: false },
  /** The answer failed its JSON Schema twice (the second time with the validation error in the conversation). */
  BRAIN_OUTPUT_SCHEMA: { status: 502, retryable: false },
  /** A JSON Schema given for structured output (or a template variable) is not a valid schema. */
  BRAIN_INVALID_SCHEMA: { status: 400, retryable: false },
  /** An input asset exists but is of the wrong kind (audio where an image is needed…). */
  BRAIN_ASSET_KIND: { status: 400, retryable: false },
} as const satisfies Record<string, { status: number; retryable: boolean }>;
export type BrainErrorCode = keyof typeof BrainErrorCodes;

/** An error of the brain with a stable code from `BrainErrorCodes`. */
export class BrainError extends AutomovieError {
  /** `retryable` overrides the code's default where the same code can go either way (a provider's 5xx vs 4xx). */
  constructor(code: BrainErrorCode, message: string, options: { data?: unknown; cause?: unknown; retryable?: boolean } = {}) {
    const known = BrainErrorCodes[code];
    super(code, message, { status: known.status, ...options, retryable: options.retryable ?? known.retryable });
    this.name = 'BrainError';
  }
}

/** Bad input caught by the store itself (the tools validate first; this guards direct callers). */
export function invalidInput(field: string, rule: string): AutomovieError {
  return new AutomovieError('INVALID_INPUT', `Invalid input: ${field}: ${rule}`, { data: { issues: [{ path: field, message: rule }] } });
}
