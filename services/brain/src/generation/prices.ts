import { z } from 'zod';
import type { ProviderKind, ProviderRequests, ProviderResults } from './provider.ts';

/** What one model costs, in USD; every part is optional and the parts add up. */
export const PriceSchema = z
  .object({
    perCall: z.number().nonnegative(),
    inputPerMTokens: z.number().nonnegative(),
    outputPerMTokens: z.number().nonnegative(),
    perMegapixel: z.number().nonnegative(),
    perSecond: z.number().nonnegative(),
    perKChars: z.number().nonnegative(),
  })
  .partial()
  .strict();
export type Price = z.infer<typeof PriceSchema>;

/** Prices by provider name, then model: `{ "openrouter": { "openai/gpt-4o-mini": { "inputPerMTokens": 0.15 } } }`. */
export const PriceTableSchema = z.record(z.string().min(1), z.record(z.string().min(1), PriceSchema));
export type PriceTable = z.infer<typeof PriceTableSchema>;

/** Output tokens assumed for the estimate of a text call that set no maxTokens. */
const DEFAULT_OUTPUT_TOKENS = 4000;

function textChars(req: ProviderRequests['text']): number {
  return req.messages.reduce((n, m) => n + m.content.length, 0) + (req.jsonSchema ? JSON.stringify(req.jsonSchema).length : 0);
}

/** Tokens of a text for an estimate: about four characters each, rounded up (English prose averages a bit more). */
export function estimateTokens(chars: number): number {
  return Math.ceil(chars / 4);
}

function sum(
  p: Price,
  parts: { calls?: number; inTokens?: number; outTokens?: number; megapixels?: number; seconds?: number; chars?: number },
): number {
  return (
    (p.perCall ?? 0) * (parts.calls ?? 1) +
    ((p.inputPerMTokens ?? 0) * (parts.inTokens ?? 0)) / 1e6 +
    ((p.outputPerMTokens ?? 0) * (parts.outTokens ?? 0)) / 1e6 +
    (p.perMegapixel ?? 0) * (parts.megapixels ?? 0) +
    (p.perSecond ?? 0) * (parts.seconds ?? 0) +
    ((p.perKChars ?? 0) * (parts.chars ?? 0)) / 1000
  );
}

/** Upper estimate of a call priced by `price`, before it is made. */
export function estimateWithPrice<K extends ProviderKind>(kind: K, req: ProviderRequests[K], price: Price): number {
  switch (kind) {
    case 'text': {
      const r = req as ProviderRequests['text'];
      return sum(price, { inTokens: estimateTokens(textChars(r)), outTokens: r.maxTokens ?? DEFAULT_OUTPUT_TOKENS });
    }
    case 'vision': {
      const r = req as ProviderRequests['vision'];
      // An image costs on the order of a thousand input tokens with the common vision models.
      return sum(price, { inTokens: 1000 + estimateTokens(r.question?.length ?? 0), outTokens: 1000 });
    }
    case 'image': {
      const r = req as ProviderRequests['image'];
      return sum(price, { megapixels: (r.width * r.height) / 1e6 });
    }
    case 'video':
    case 'music':
    case 'sfx':
      return sum(price, { seconds: (req as { durationS: number }).durationS });
    case 'speech': {
      const r = req as ProviderRequests['speech'];
      // Speech at 150 words a minute is about 15 characters a second; the estimate takes 10 to be safe.
      return sum(price, { chars: r.text.length, seconds: r.text.length / 10 });
    }
    default:
      return sum(price, {});
  }
}

/** The metered cost of a finished call priced by `price`. */
export function costWithPrice<K extends ProviderKind>(kind: K, req: ProviderRequests[K], result: ProviderResults[K], price: Price): number {
  switch (kind) {
    case 'text':
    case 'vision': {
      const r = result as ProviderResults['text'];
      return sum(price, { inTokens: r.inputTokens, outTokens: r.outputTokens });
    }
    case 'image': {
      const r = result as ProviderResults['image'];
      const q = req as ProviderRequests['image'];
      return sum(price, { megapixels: ((r.width ?? q.width) * (r.height ?? q.height)) / 1e6 });
    }
    case 'video':
    case 'music':
    case 'sfx':
    case 'speech': {
      const seconds = (result as ProviderResults['video']).durationS ?? (req as { durationS?: number }).durationS ?? 0;
      const chars = kind === 'speech' ? (req as ProviderRequests['speech']).text.length : 0;
      return sum(price, { seconds, chars });
    }
    default:
      return sum(price, {});
  }
}

/** Cost rounded to a hundredth of a cent's hundredth, so sums of many calls do not drift in float noise. */
export function roundUsd(usd: number): number {
  return Math.round(usd * 1e8) / 1e8;
}
