import type { EmbeddingInputType, EmbeddingProvider, EmbedOptions } from './provider.ts';
import { AttemptFailure, parseRetryAfter, RemoteEmbedder, type RemoteProviderOptions, type TransportResult } from './remote.ts';

export const JINA_DEFAULTS = {
  baseURL: 'https://api.jina.ai/v1',
  model: 'jina-embeddings-v4',
  /** v4 is Matryoshka-trained: 128–2048 all work; 1024 halves index memory for a small recall cost. */
  dimension: 1024,
  maxItemsPerRequest: 128,
  maxTokensPerRequest: 64_000,
} as const;

export interface JinaEmbeddingOptions extends RemoteProviderOptions {
  /** For tests and proxies. Default: the global fetch. */
  fetch?: typeof fetch;
}

const TASKS: Record<EmbeddingInputType, string> = { passage: 'retrieval.passage', query: 'retrieval.query' };

/** The error text of a Jina error body: `{"detail": "..."}` (FastAPI), or whatever text came back. */
function errorDetail(body: string): string {
  try {
    const json = JSON.parse(body) as { detail?: unknown; error?: { message?: unknown }; message?: unknown };
    const detail = json.detail ?? json.error?.message ?? json.message;
    if (typeof detail === 'string') return detail;
    if (detail !== undefined) return JSON.stringify(detail);
  } catch {
    // not JSON (a proxy's HTML page): fall through to the raw text
  }
  return body.replace(/<[^>]*>/g, ' ') || '(empty body)';
}

/** Jina's embeddings API (v4 by default) over fetch: `POST {baseURL}/embeddings`. */
export class JinaEmbeddingProvider implements EmbeddingProvider {
  readonly name = 'jina' as const;
  readonly model: string;
  readonly dimension: number;
  readonly inputTypeSensitive = true;
  readonly #remote: RemoteEmbedder;

  constructor(opts: JinaEmbeddingOptions) {
    const doFetch = opts.fetch ?? fetch;
    const apiKey = opts.apiKey;
    const remote: RemoteEmbedder = new RemoteEmbedder('jina', 'Jina', opts, JINA_DEFAULTS, async (texts, inputType, signal) => {
      let res: Response;
      try {
        res = await doFetch(`${remote.baseURL}/embeddings`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${apiKey}` },
          body: JSON.stringify({
            model: remote.model,
            task: TASKS[inputType],
            dimensions: remote.dimension,
            embedding_type: 'float',
            // Inputs past the model's context are cut rather than failing the whole batch.
            truncate: true,
            input: texts,
          }),
          signal,
        });
      } catch (err) {
        const cause = (err as { cause?: { code?: unknown; message?: unknown } }).cause;
        const why = typeof cause?.code === 'string' ? cause.code : err instanceof Error ? err.message : String(err);
        throw new AttemptFailure('network', why, { cause: err });
      }
      const requestId = res.headers.get('x-request-id') ?? undefined;
      const text = await res.text();
      if (!res.ok) {
        const retryAfterMs = parseRetryAfter(res.headers);
        throw new AttemptFailure('http', errorDetail(text), {
          status: res.status,
          ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
          ...(requestId === undefined ? {} : { requestId }),
        });
      }
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        throw new AttemptFailure('bad_response', `body is not JSON (${text.length} bytes)`, requestId ? { requestId } : {});
      }
      if (typeof body !== 'object' || body === null) throw new AttemptFailure('bad_response', 'body is not a JSON object');
      const result: TransportResult = { data: (body as { data?: unknown }).data };
      if (requestId !== undefined) result.requestId = requestId;
      return result;
    });
    this.#remote = remote;
    this.model = remote.model;
    this.dimension = remote.dimension;
  }

  embed(texts: readonly string[], opts?: EmbedOptions): Promise<Float32Array[]> {
    return this.#remote.embed(texts, opts);
  }
}
