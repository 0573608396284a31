import { z } from 'zod';
import { type PriceTable, PriceTableSchema } from './prices.ts';
import type { ProviderKind } from './provider.ts';
import type { RouterOptions } from './router.ts';

/** The kinds served through provider chains, in list_providers order. */
export const PROVIDER_KINDS = [
  'text',
  'vision',
  'moderation',
  'image',
  'video',
  'speech',
  'music',
  'sfx',
  'model3d',
] as const satisfies readonly ProviderKind[];

const optionalInt = z.coerce.number().int().positive().optional();
const names = z
  .string()
  .regex(/^\s*[a-z0-9][a-z0-9_.-]*(\s*,\s*[a-z0-9][a-z0-9_.-]*)*\s*$/, 'a comma-separated list of provider names, e.g. openrouter,offline')
  .transform((s) => s.split(',').map((n) => n.trim()))
  .optional();

/** `key=number,key=number` into a record. */
function numberMap(what: string) {
  return z
    .string()
    .transform((s, ctx) => {
      const out: Record<string, number> = {};
      for (const part of s
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean)) {
        const m = /^([a-z0-9][a-z0-9_.-]*)\s*=\s*(\d+(?:\.\d+)?)$/.exec(part);
        if (m === null) {
          ctx.addIssue({ code: 'custom', message: `"${part}" is not name=number (${what})` });
          return z.NEVER;
        }
        out[m[1] as string] = Number(m[2]);
      }
      return out;
    })
    .optional();
}

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/** The generation gateway's environment keys, spread into the brain's config schema. */
export const generationConfigShape = {
  /** Per kind, the providers tried, in order (names of configured providers; `offline` = the kind's offline provider). Default: every configured real provider of the kind, then the offline one. */
  GENERATION_CHAIN_TEXT: names,
  GENERATION_CHAIN_VISION: names,
  GENERATION_CHAIN_MODERATION: names,
  GENERATION_CHAIN_IMAGE: names,
  GENERATION_CHAIN_VIDEO: names,
  GENERATION_CHAIN_SPEECH: names,
  GENERATION_CHAIN_MUSIC: names,
  GENERATION_CHAIN_SFX: names,
  GENERATION_CHAIN_MODEL3D: names,
  /** Call deadlines per kind, `text=60000,video=600000`. Default: router.ts DEFAULT_TIMEOUTS_MS. */
  GENERATION_TIMEOUTS_MS: numberMap('kind=milliseconds'),
  /** Retries after the first attempt of a provider, for retryable failures. Default 2. */
  GENERATION_MAX_RETRIES: z.coerce.number().int().min(0).max(10).optional(),
  /** First backoff step (doubles per retry, with jitter). Default 250. */
  GENERATION_RETRY_BASE_MS: optionalInt,
  /** A 429 asking to wait longer moves on to the next provider. Default 30000. */
  GENERATION_MAX_RETRY_AFTER_MS: optionalInt,
  /** Consecutive failures that open a provider's circuit. Default 5. */
  GENERATION_BREAKER_THRESHOLD: optionalInt,
  /** How long an open circuit refuses calls before a probe. Default 30000. */
  GENERATION_BREAKER_COOLDOWN_MS: optionalInt,
  /** Calls per minute per provider, `fal=60,openrouter=300`. Default: unlimited. */
  GENERATION_RATE_LIMITS: numberMap('provider=calls per minute'),
  /** The content-hash cache of results. Default true. */
  GENERATION_CACHE: bool.optional(),
  /** Most cached results kept (least recently used dropped). Default 100000. */
  GENERATION_CACHE_MAX_ENTRIES: optionalInt,
  /** Price overrides as JSON: `{"openrouter":{"openai/gpt-4o-mini":{"inputPerMTokens":0.15,"outputPerMTokens":0.6}}}`. */
  GENERATION_PRICES: z
    .string()
    .transform((s, ctx) => {
      let json: unknown;
      try {
        json = JSON.parse(s);
      } catch {
        ctx.addIssue({ code: 'custom', message: 'not JSON' });
        return z.NEVER;
      }
      const r = PriceTableSchema.safeParse(json);
      if (!r.success) {
        for (const i of r.error.issues) ctx.addIssue({ code: 'custom', message: `${i.path.join('.')}: ${i.message}` });
        return z.NEVER;
      }
      return r.data;
    })
    .optional(),
};

const generationConfigSchema = z.object(generationConfigShape);
export type GenerationConfig = z.output<typeof generationConfigSchema>;

/** The chain order configured for a kind, if any. */
export function chainOrderOf(c: GenerationConfig, kind: ProviderKind): string[] | undefined {
  const key = `GENERATION_CHAIN_${kind.toUpperCase()}` as keyof GenerationConfig;
  return c[key] as string[] | undefined;
}

/** The router's options from the config (logger and redactor are added by the caller). */
export function routerOptionsOf(c: GenerationConfig): Omit<RouterOptions, 'logger'> {
  const timeouts: Partial<Record<ProviderKind, number>> = {};
  for (const [k, v] of Object.entries(c.GENERATION_TIMEOUTS_MS ?? {})) {
    if (!(PROVIDER_KINDS as readonly string[]).includes(k))
      throw new Error(`GENERATION_TIMEOUTS_MS: ${k} is not a kind (${PROVIDER_KINDS.join(', ')})`);
    timeouts[k as ProviderKind] = v;
  }
  return {
    timeoutsMs: timeouts,
    ...(c.GENERATION_MAX_RETRIES === undefined ? {} : { maxRetries: c.GENERATION_MAX_RETRIES }),
    ...(c.GENERATION_RETRY_BASE_MS === undefined ? {} : { retryBaseMs: c.GENERATION_RETRY_BASE_MS }),
    ...(c.GENERATION_MAX_RETRY_AFTER_MS === undefined ? {} : { maxRetryAfterMs: c.GENERATION_MAX_RETRY_AFTER_MS }),
    ...(c.GENERATION_BREAKER_THRESHOLD === undefined ? {} : { breakerThreshold: c.GENERATION_BREAKER_THRESHOLD }),
    ...(c.GENERATION_BREAKER_COOLDOWN_MS === undefined ? {} : { breakerCooldownMs: c.GENERATION_BREAKER_COOLDOWN_MS }),
    ...(c.GENERATION_RATE_LIMITS === undefined ? {} : { rateLimits: c.GENERATION_RATE_LIMITS }),
  };
}

export function pricesOf(c: GenerationConfig): PriceTable {
  return c.GENERATION_PRICES ?? {};
}
