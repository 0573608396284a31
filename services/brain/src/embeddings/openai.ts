import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import type { EmbeddingProvider, EmbedOptions } from './provider.ts';
import { AttemptFailure, parseRetryAfter, RemoteEmbedder, type RemoteProviderOptions, type TransportResult } from './remote.ts';

export const OPENAI_DEFAULTS = {
  baseURL: 'https://api.openai.com/v1',
  model: 'text-embedding-3-small',
  dimension: 1536,
  /** The API takes 2048 inputs and 300k tokens per request; stay well inside both. */
  maxItemsPerRequest: 512,
  maxTokensPerRequest: 250_000,
} as const;

export interface OpenAIEmbeddingOptions extends RemoteProviderOptions {
  /**
   * Send `dimensions` (text-embedding-3-* shorten to it). Turn off for models and OpenAI-compatible
   * servers that reject it (ada-002, many Ollama/vLLM models); `dimension` must then be the model's own. Default true.
   */
  sendDimensions?: boolean;
  /**
   * Wire format of the vectors. `base64` (the SDK's default, ~4× smaller; float arrays in the reply
   * are accepted too) or `float` for servers that do not support base64. Default `base64`.
   */
  encodingFormat?: 'base64' | 'float';
  /** For tests and proxies. Default: the global fetch. */
  fetch?: typeof fetch;
}

/** OpenAI's embeddings API, or any OpenAI-compatible one (Ollama, vLLM, LM Studio) via `baseURL`. */
export class OpenAIEmbeddingProvider implements EmbeddingProvider {
  readonly name = 'openai' as const;
  readonly model: string;
  readonly dimension: number;
  readonly inputTypeSensitive = false;
  readonly #remote: RemoteEmbedder;

  constructor(opts: OpenAIEmbeddingOptions) {
    const sendDimensions = opts.sendDimensions ?? true;
    const encodingFormat = opts.encodingFormat ?? 'base64';
    let client: OpenAI | undefined;
    const remote: RemoteEmbedder = new RemoteEmbedder('openai', 'OpenAI', opts, OPENAI_DEFAULTS, async (texts, _inputType, signal) => {
      const params: OpenAI.EmbeddingCreateParams = { model: remote.model, input: texts };
      if (sendDimensions) params.dimensions = remote.dimension;
      // Leaving encoding_format unset makes the SDK ask for base64 and decode it to Float32Array.
      if (encodingFormat === 'float') params.encoding_format = 'float';
      try {
        const { data, request_id } = await client!.embeddings.create(params, { signal }).withResponse();
        const result: TransportResult = { data: (data as { data?: unknown } | null)?.data };
        if (request_id) result.requestId = request_id;
        return result;
      } catch (err) {
        throw classify(err);
      }
    });
    // Every option the SDK would otherwise read from the environment is given explicitly: config.ts
    // is the only reader of the environment, and retries and timeouts are ours (maxRetries: 0).
    client = new OpenAI({
      apiKey: opts.apiKey,
      baseURL: remote.baseURL,
      organization: null,
      project: null,
      adminAPIKey: null,
      webhookSecret: null,
      maxRetries: 0,
      timeout: opts.timeoutMs ?? 60_000,
      logLevel: 'off',
      ...(opts.fetch ? { fetch: opts.fetch } : {}),
    });
    this.#remote = remote;
    this.model = remote.model;
    this.dimension = remote.dimension;
  }

  embed(texts: readonly string[], opts?: EmbedOptions): Promise<Float32Array[]> {
    return this.#remote.embed(texts, opts);
  }
}

/** The SDK's errors → what went wrong; anything else thrown while reading the reply is a bad response. */
function classify(err: unknown): unknown {
  if (err instanceof APIUserAbortError) return err; // the signal: RemoteEmbedder tells timeout from cancel
  if (err instanceof APIConnectionTimeoutError) return new AttemptFailure('timeout', 'no response');
  if (err instanceof APIConnectionError) {
    const cause = err.cause as { cause?: { code?: unknown } } | undefined;
    const code = cause?.cause?.code;
    return new AttemptFailure('network', typeof code === 'string' ? `${err.message} (${code})` : err.message, { cause: err.cause });
  }
  if (err instanceof APIError && typeof err.status === 'number') {
    const body = err.error as { message?: unknown } | undefined;
    const message = typeof body?.message === 'string' ? body.message : err.message;
    const retryAfterMs = parseRetryAfter(err.headers);
    const requestId = err.requestID ?? undefined;
    return new AttemptFailure('http', message, {
      status: err.status,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      ...(requestId ? { requestId } : {}),
    });
  }
  return new AttemptFailure('bad_response', err instanceof Error ? err.message : String(err));
}
