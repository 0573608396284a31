import { parseRetryAfter } from '../../embeddings/remote.ts';
import { ProviderError, type ProviderFailure } from '../provider.ts';

export { parseRetryAfter };

/** How an HTTP status maps onto the gateway's failure kinds. */
export function failureForStatus(status: number): ProviderFailure {
  if (status === 429) return 'rate_limited';
  if (status === 401 || status === 403) return 'auth';
  if (status === 408) return 'timeout';
  if (status >= 500) return 'unavailable';
  if (status >= 400) return 'rejected';
  // A 1xx/3xx that reached us is not what any of these APIs promise.
  return 'bad_response';
}

// Shapes of the keys these providers issue (OpenAI/OpenRouter `sk-…`, ElevenLabs `sk_…`, FAL `uuid:hex`),
// scrubbed even when they are not our key: an upstream error must never carry a credential onwards.
const KEY_SHAPES = [
  /Bearer\s+[^\s"',]+/gi,
  /\bKey\s+[A-Za-z0-9_-]{8,}(?::[A-Za-z0-9_-]+)?/g,
  /\bsk-(?:or-v1-|proj-)?[A-Za-z0-9_-]{8,}/g,
  /\bsk_[A-Za-z0-9]{16,}/g,
  /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}:[0-9a-f]{16,}\b/gi,
];

/**
 * Makes provider text safe to put in an error or a log line: every given secret and anything shaped
 * like a key or bearer token is replaced by `[REDACTED]`; whitespace is collapsed and the length bounded.
 */
export function scrubSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) if (secret && secret.length >= 4) out = out.split(secret).join('[REDACTED]');
  for (const pattern of KEY_SHAPES)
    out = out.replace(pattern, (m) => (/^bearer/i.test(m) ? 'Bearer [REDACTED]' : /^Key\s/.test(m) ? 'Key [REDACTED]' : '[REDACTED]'));
  out = out.replace(/\s+/g, ' ').trim();
  return out.length > 300 ? `${out.slice(0, 300)}…` : out;
}

/** The error for a call whose signal fired: the gateway aborts on its deadline (or when the caller left). */
export function abortedError(provider: string, signal: AbortSignal): ProviderError {
  const reason = signal.reason as { name?: unknown; message?: unknown } | undefined;
  const why = reason && typeof reason.message === 'string' && reason.message !== '' ? `: ${reason.message}` : '';
  return new ProviderError(provider, 'timeout', `${provider}: call aborted before the provider answered${why}`, { cause: signal.reason });
}

/** Builds a ProviderError from an HTTP status and an upstream message (scrubbed by the caller). */
export function httpError(
  provider: string,
  status: number,
  message: string,
  headers?: { get(name: string): string | null },
): ProviderError {
  const retryAfterMs = status === 429 || status === 503 ? parseRetryAfter(headers) : undefined;
  return new ProviderError(provider, failureForStatus(status), `${provider} ${status}: ${message}`, {
    status,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}

/** The `message` (or `detail`) of a JSON error body in the shapes these APIs use, else a fallback. */
export function upstreamMessage(body: unknown, fallback: string): string {
  if (typeof body === 'string' && body.trim() !== '') return body.trim().startsWith('<') ? fallback : body;
  if (!body || typeof body !== 'object') return fallback;
  const b = body as Record<string, unknown>;
  for (const key of ['message', 'detail', 'error']) {
    const v = b[key];
    if (typeof v === 'string' && v !== '') return v;
    if (v && typeof v === 'object') {
      const inner = upstreamMessage(v, '');
      if (inner !== '') return inner;
      if (Array.isArray(v) && v.length > 0) {
        const first = v[0] as { msg?: unknown; loc?: unknown };
        if (typeof first?.msg === 'string') return Array.isArray(first.loc) ? `${first.loc.join('.')}: ${first.msg}` : first.msg;
      }
    }
  }
  return fallback;
}

/** Decodes standard or URL-safe base64, refusing anything else (Buffer.from silently drops bad characters). */
export function decodeBase64(text: string): Uint8Array | undefined {
  const clean = text.replace(/\s+/g, '');
  if (clean.length === 0 || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(clean)) return undefined;
  return new Uint8Array(Buffer.from(clean, clean.includes('-') || clean.includes('_') ? 'base64url' : 'base64'));
}

/** Reads a response body up to `maxBytes`, failing with bad_response beyond it. */
export async function readBody(provider: string, response: Response, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => {});
    throw new ProviderError(provider, 'bad_response', `${provider}: file of ${declared} bytes exceeds the ${maxBytes}-byte limit`);
  }
  if (!response.body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
    total += chunk.byteLength;
    if (total > maxBytes) {
      await response.body.cancel().catch(() => {});
      throw new ProviderError(provider, 'bad_response', `${provider}: file exceeds the ${maxBytes}-byte limit`);
    }
    chunks.push(chunk);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}

/** A 32-bit FNV-1a hash: stable picks (a voice per character) without crypto. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
