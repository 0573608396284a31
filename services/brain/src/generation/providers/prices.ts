/**
 * List prices of the real providers' models, in USD, from the providers' public price pages
 * (OpenRouter model pages, fal.ai model pages, ElevenLabs API pricing) as of 2025. They meter
 * budgets and estimates; where a provider reports the actual charge (OpenRouter's `usage.cost`)
 * that figure wins. Unknown models fall back to deliberately high prices, so a budget check
 * errs on the side of refusing rather than overspending.
 */

/** USD per 1M tokens. */
export interface TokenPrice {
  input: number;
  output: number;
}

export const TEXT_PRICES: Readonly<Record<string, TokenPrice>> = {
  // OpenRouter ids (vendor/model).
  'google/gemini-2.5-flash': { input: 0.3, output: 2.5 },
  'google/gemini-2.5-pro': { input: 1.25, output: 10 },
  'openai/gpt-4o-mini': { input: 0.15, output: 0.6 },
  'openai/gpt-4o': { input: 2.5, output: 10 },
  'openai/gpt-4.1-mini': { input: 0.4, output: 1.6 },
  'openai/gpt-4.1': { input: 2, output: 8 },
  'anthropic/claude-3.5-haiku': { input: 0.8, output: 4 },
  'anthropic/claude-sonnet-4': { input: 3, output: 15 },
  'meta-llama/llama-3.3-70b-instruct': { input: 0.13, output: 0.4 },
  'mistralai/mistral-small-3.2-24b-instruct': { input: 0.1, output: 0.3 },
  // OpenAI's own ids.
  'gpt-4o-mini': { input: 0.15, output: 0.6 },
  'gpt-4o': { input: 2.5, output: 10 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6 },
  'gpt-4.1': { input: 2, output: 8 },
  'omni-moderation-latest': { input: 0, output: 0 },
};

/** Claude-Opus-level list price: the most an unknown hosted model plausibly costs. */
export const UNKNOWN_TEXT_PRICE: TokenPrice = { input: 15, output: 75 };

/** Endpoints that run on the caller's own hardware (Ollama, vLLM, LM Studio) cost nothing per token. */
export const SELF_HOSTED_TEXT_PRICE: TokenPrice = { input: 0, output: 0 };

export function textPrice(model: string): TokenPrice {
  return TEXT_PRICES[model] ?? TEXT_PRICES[model.replace(/:.*$/, '')] ?? UNKNOWN_TEXT_PRICE;
}

export function tokensCostUsd(price: TokenPrice, inputTokens: number, outputTokens: number): number {
  return (price.input * inputTokens + price.output * outputTokens) / 1_000_000;
}

/** fal.ai billing units: per megapixel of output, per image, per second of video, or per request. */
export type MediaPrice =
  | { unit: 'megapixel'; usd: number }
  | { unit: 'image'; usd: number }
  | { unit: 'second'; usd: number }
  | { unit: 'request'; usd: number };

export const FAL_PRICES: Readonly<Record<string, MediaPrice>> = {
  'fal-ai/flux/dev': { unit: 'megapixel', usd: 0.025 },
  'fal-ai/flux/schnell': { unit: 'megapixel', usd: 0.003 },
  'fal-ai/flux-pro/v1.1': { unit: 'image', usd: 0.04 },
  'fal-ai/flux-pro/kontext': { unit: 'image', usd: 0.04 },
  'fal-ai/flux-pro/kontext/multi': { unit: 'image', usd: 0.04 },
  'fal-ai/flux-pro/kontext/max/multi': { unit: 'image', usd: 0.08 },
  'fal-ai/kling-video/v1.6/standard/image-to-video': { unit: 'second', usd: 0.045 },
  'fal-ai/kling-video/v1.6/standard/text-to-video': { unit: 'second', usd: 0.045 },
  'fal-ai/kling-video/v2.1/standard/image-to-video': { unit: 'second', usd: 0.05 },
  'fal-ai/ltx-video': { unit: 'request', usd: 0.02 },
  'fal-ai/trellis': { unit: 'request', usd: 0.02 },
  'fal-ai/hunyuan3d/v2': { unit: 'request', usd: 0.16 },
};

/** Unknown fal models: priced like the dearest common ones of their kind. */
export const UNKNOWN_FAL_PRICES: Readonly<Record<'image' | 'video' | 'model3d', MediaPrice>> = {
  image: { unit: 'image', usd: 0.1 },
  video: { unit: 'second', usd: 0.4 },
  model3d: { unit: 'request', usd: 0.5 },
};

export function falPrice(model: string, kind: 'image' | 'video' | 'model3d'): MediaPrice {
  return FAL_PRICES[model] ?? UNKNOWN_FAL_PRICES[kind];
}

/** The cost of `count` outputs of `width`×`height` and `seconds` under a price. */
export function mediaCostUsd(price: MediaPrice, o: { width?: number; height?: number; seconds?: number; count?: number }): number {
  const count = o.count ?? 1;
  switch (price.unit) {
    case 'megapixel':
      // fal's megapixel is 1024×1024 pixels, and a started one is billed whole.
      return price.usd * Math.max(1, Math.ceil(((o.width ?? 1024) * (o.height ?? 1024)) / (1024 * 1024))) * count;
    case 'image':
    case 'request':
      return price.usd * count;
    case 'second':
      return price.usd * (o.seconds ?? 0) * count;
  }
}

/** ElevenLabs: speech per character, music per second, sound effects per generation. */
export const ELEVENLABS_PRICES = {
  speechPerCharacter: {
    eleven_multilingual_v2: 0.1 / 1000,
    eleven_v3: 0.1 / 1000,
    eleven_turbo_v2_5: 0.05 / 1000,
    eleven_flash_v2_5: 0.05 / 1000,
  } as Readonly<Record<string, number>>,
  /** Unknown speech models: the Multilingual price, the dearer tier. */
  unknownSpeechPerCharacter: 0.1 / 1000,
  musicPerSecond: 0.3 / 60,
  sfxPerGeneration: 0.12,
} as const;

export function speechPerCharacter(model: string): number {
  return ELEVENLABS_PRICES.speechPerCharacter[model] ?? ELEVENLABS_PRICES.unknownSpeechPerCharacter;
}
