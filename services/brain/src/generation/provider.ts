import type { BlockoutElement, Composition, GenerationKind, Timing, VoiceSpec } from '@automovie/contracts';
import type { Logger } from 'pino';

/**
 * The provider port of the generation gateway. A provider does one kind of work for one backend
 * (OpenRouter text, FAL images, espeak-ng speech…). The gateway (router.ts) owns everything around
 * the call: chain order, timeouts, retries, circuit breakers, the content-hash cache, budgets,
 * metering and recording; a provider only turns a request into a result or a ProviderError.
 */

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** A binary input handed to a provider (a reference image, the start frame of a video…). */
export interface InputFile {
  assetId: string;
  mime: string;
  bytes: Uint8Array;
}

export interface TextRequest {
  messages: ChatMessage[];
  /** JSON Schema the answer must satisfy (structured output). */
  jsonSchema?: Record<string, unknown>;
  temperature?: number;
  maxTokens?: number;
  /** Set when the call comes from execute_prompt: lets the offline drafting engine work from the variables. */
  template?: { name: string; version: number; builtin: boolean; variables: Record<string, unknown> };
}
export interface TextResult {
  text: string;
  inputTokens: number;
  outputTokens: number;
}

export interface ImageRequest {
  prompt: string;
  negativePrompt?: string;
  width: number;
  height: number;
  composition?: Composition;
  references: InputFile[];
}
export interface VideoRequest {
  prompt: string;
  image?: InputFile;
  durationS: number;
  movement: string;
  width: number;
  height: number;
  fps: number;
}
export interface SpeechRequest {
  text: string;
  voice: VoiceSpec;
}
export interface MusicRequest {
  mood: string;
  durationS: number;
  prompt?: string;
  tempoBpm?: number;
}
export interface SfxRequest {
  description: string;
  durationS: number;
}
export interface Model3dRequest {
  description: string;
  elements: BlockoutElement[];
  image?: InputFile;
}
export interface VisionRequest {
  image: InputFile;
  question?: string;
}
export interface ModerationRequest {
  text: string;
}
export interface ModerationResult {
  flagged: boolean;
  categories: Record<string, number>;
}

/** A generated file, before it is stored as an Asset. */
export interface MediaResult {
  bytes: Uint8Array;
  mime: string;
  width?: number;
  height?: number;
  durationS?: number;
  /** Speech only: per-word timings measured from the audio. */
  timings?: Timing[];
}

export interface ProviderRequests {
  text: TextRequest;
  image: ImageRequest;
  video: VideoRequest;
  speech: SpeechRequest;
  music: MusicRequest;
  sfx: SfxRequest;
  model3d: Model3dRequest;
  vision: VisionRequest;
  moderation: ModerationRequest;
}
export interface ProviderResults {
  text: TextResult;
  image: MediaResult;
  video: MediaResult;
  speech: MediaResult;
  music: MediaResult;
  sfx: MediaResult;
  model3d: MediaResult;
  vision: TextResult;
  moderation: ModerationResult;
}
/** Kinds served through providers (embeddings have their own service, src/embeddings). */
export type ProviderKind = keyof ProviderRequests & GenerationKind;

export interface ProviderCallContext {
  /** Aborted when the gateway's timeout fires or the caller goes away. */
  signal: AbortSignal;
  /** Deterministic seed: offline providers must give the same output for the same request and seed. */
  seed: number;
  model: string;
  projectId: string;
  logger: Logger;
}

export interface Provider<K extends ProviderKind = ProviderKind> {
  readonly kind: K;
  /** Stable name, recorded on every Asset and PromptExecution: `offline`, `openrouter`, `fal`, `elevenlabs`, `espeak-ng`… */
  readonly name: string;
  /** Runs on this machine without keys or network. */
  readonly offline: boolean;
  readonly models: readonly string[];
  readonly defaultModel: string;
  /** Upper estimate of the cost before the call, checked against the project's budget. */
  estimateCostUsd(req: ProviderRequests[K], model: string): number;
  /** The metered cost of a finished call. */
  costUsd(req: ProviderRequests[K], result: ProviderResults[K], model: string): number;
  run(req: ProviderRequests[K], ctx: ProviderCallContext): Promise<ProviderResults[K]>;
}

/** How a provider failed, so the gateway knows whether to retry, wait, or move down the chain. */
export type ProviderFailure =
  /** 429: wait `retryAfterMs` (if given) and retry; counts toward the breaker only when retries run out. */
  | 'rate_limited'
  /** 5xx, connection refused/reset: retry with backoff, then the next provider. */
  | 'unavailable'
  /** The call ran past its deadline: retry, then the next provider. */
  | 'timeout'
  /** A 2xx whose body is not what the API promises: retry once, then the next provider. */
  | 'bad_response'
  /** 400/422/content policy: the request itself is wrong here; not retried, next provider. */
  | 'rejected'
  /** 401/403: misconfigured key; not retried, next provider, breaker opens at once. */
  | 'auth';

export class ProviderError extends Error {
  readonly failure: ProviderFailure;
  readonly provider: string;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  constructor(
    provider: string,
    failure: ProviderFailure,
    message: string,
    opts: { status?: number; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'ProviderError';
    this.provider = provider;
    this.failure = failure;
    this.status = opts.status;
    this.retryAfterMs = opts.retryAfterMs;
  }
  get retryable(): boolean {
    return (
      this.failure === 'rate_limited' || this.failure === 'unavailable' || this.failure === 'timeout' || this.failure === 'bad_response'
    );
  }
}
