import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import {
  type ChatMessage,
  type ModerationRequest,
  type ModerationResult,
  type Provider,
  type ProviderCallContext,
  ProviderError,
  type TextRequest,
  type TextResult,
  type VisionRequest,
} from '../provider.ts';
import { abortedError, httpError, scrubSecrets, upstreamMessage } from './failures.ts';
import { SELF_HOSTED_TEXT_PRICE, type TokenPrice, textPrice, tokensCostUsd } from './prices.ts';

export const OPENROUTER_DEFAULTS = {
  baseURL: 'https://openrouter.ai/api/v1',
  model: 'google/gemini-2.5-flash',
  backupModel: 'openai/gpt-4o-mini',
} as const;

export const OPENAI_DEFAULTS = {
  baseURL: 'https://api.openai.com/v1',
  moderationModel: 'omni-moderation-latest',
} as const;

/** How structured output is asked for. */
export type JsonMode = 'json_schema' | 'json_object';

export interface OpenAIChatOptions {
  /** Provider name recorded on every execution: `openrouter`, `openrouter-backup`, `openai-compatible`. */
  name: string;
  /** Bearer key; omit for servers that need none (Ollama, a local vLLM): no Authorization header is sent then. */
  apiKey?: string;
  /** API root, e.g. `https://openrouter.ai/api/v1` or `http://127.0.0.1:11434/v1`. */
  baseURL: string;
  /** The model used unless the gateway asks for another. */
  model: string;
  /** Further models the gateway may ask for by name. Default: none. */
  models?: readonly string[];
  /** `json_schema` (default; OpenAI, OpenRouter, Ollama ≥0.5, vLLM, LM Studio) or `json_object` with the schema in the prompt. */
  jsonMode?: JsonMode;
  /** `list`: the price table (default); `self-hosted`: nothing per token (a local server). */
  pricing?: 'list' | 'self-hosted';
  /** OpenRouter extras: ask for `usage.cost`, route structured output only to upstreams that support it. Default false. */
  openRouter?: boolean;
  /** Backstop of one HTTP request; the gateway's deadline (ctx.signal) normally fires first. Default 600,000 ms. */
  timeoutMs?: number;
  /** Extra headers (OpenRouter attribution). Default none. */
  headers?: Record<string, string>;
  /** For tests and proxies. Default: the global fetch. */
  fetch?: typeof fetch;
}

interface Completion {
  text: string;
  inputTokens: number;
  outputTokens: number;
  reportedCostUsd?: number;
}

const charsPerToken = 4;
const estimateTokens = (text: string) => Math.ceil(text.length / charsPerToken);
const DEFAULT_MAX_OUTPUT = 4096;
/** What one image in a vision prompt costs in tokens at most (a high-detail 1024² tile set). */
const IMAGE_TOKENS = 1_600;

/**
 * One OpenAI-compatible chat endpoint (OpenRouter, OpenAI, Ollama, vLLM, LM Studio) through the
 * `openai` SDK: one attempt per call (the SDK's retries are off; the gateway owns retries), failures
 * classified for the gateway, the key kept out of every error and log line.
 */
export class OpenAIChatBackend {
  readonly name: string;
  readonly baseURL: string;
  readonly model: string;
  readonly models: readonly string[];
  readonly jsonMode: JsonMode;
  readonly pricing: 'list' | 'self-hosted';
  readonly #openRouter: boolean;
  readonly #client: OpenAI;
  readonly #apiKey: string | undefined;

  constructor(opts: OpenAIChatOptions) {
    if (!opts.name) throw new TypeError('name: required');
    if (!/^https?:\/\//.test(opts.baseURL)) throw new TypeError(`${opts.name}.baseURL: must be an http(s) URL`);
    if (!opts.model) throw new TypeError(`${opts.name}.model: required`);
    this.name = opts.name;
    this.baseURL = opts.baseURL.replace(/\/+$/, '');
    this.model = opts.model;
    this.models = [...new Set([opts.model, ...(opts.models ?? [])])];
    this.jsonMode = opts.jsonMode ?? 'json_schema';
    this.pricing = opts.pricing ?? 'list';
    this.#openRouter = opts.openRouter ?? false;
    this.#apiKey = opts.apiKey || undefined;
    // Every option the SDK would read from the environment is given: config.ts is the only reader of
    // the environment, retries are the gateway's (maxRetries 0), and the SDK never logs.
    this.#client = new OpenAI({
      apiKey: this.#apiKey ?? 'unused',
      baseURL: this.baseURL,
      organization: null,
      project: null,
      adminAPIKey: null,
      webhookSecret: null,
      maxRetries: 0,
      timeout: opts.timeoutMs ?? 600_000,
      logLevel: 'off',
      // Without a key no Authorization header at all (a null header is removed by the SDK).
      defaultHeaders: { ...(opts.headers ?? {}), ...(this.#apiKey ? {} : { Authorization: null }) },
      ...(opts.fetch ? { fetch: opts.fetch } : {}),
    });
  }

  price(model: string): TokenPrice {
    return this.pricing === 'self-hosted' ? SELF_HOSTED_TEXT_PRICE : textPrice(model);
  }

  /** One chat completion. */
  async complete(
    messages: OpenAI.ChatCompletionMessageParam[],
    opts: { model: string; jsonSchema?: Record<string, unknown>; temperature?: number; maxTokens?: number; seed?: number },
    ctx: ProviderCallContext,
  ): Promise<Completion> {
    const body: OpenAI.ChatCompletionCreateParamsNonStreaming & Record<string, unknown> = { model: opts.model, messages };
    if (opts.temperature !== undefined) body.temperature = opts.temperature;
    if (opts.maxTokens !== undefined) body.max_tokens = opts.maxTokens;
    if (opts.seed !== undefined) body.seed = opts.seed;
    if (opts.jsonSchema) {
      if (this.jsonMode === 'json_schema') {
        body.response_format = {
          type: 'json_schema',
          json_schema: { name: 'output', schema: opts.jsonSchema, strict: isStrictCompatible(opts.jsonSchema) },
        };
      } else {
        body.response_format = { type: 'json_object' };
        body.messages = [
          {
            role: 'system',
            content: `Answer with one JSON value only, valid against this JSON Schema:\n${JSON.stringify(opts.jsonSchema)}`,
          },
          ...messages,
        ];
      }
    }
    if (this.#openRouter) {
      body.usage = { include: true };
      if (opts.jsonSchema) body.provider = { require_parameters: true };
    }
    if (ctx.signal.aborted) throw abortedError(this.name, ctx.signal);
    const started = performance.now();
    let data: unknown;
    let requestId: string | null | undefined;
    try {
      const res = await this.#client.chat.completions.create(body, { signal: ctx.signal }).withResponse();
      data = res.data;
      requestId = res.request_id;
    } catch (err) {
      const failure = this.#classify(err, ctx.signal);
      ctx.logger.debug(
        { provider: this.name, model: opts.model, failure: failure.failure, upstreamStatus: failure.status },
        'text provider call failed',
      );
      throw failure;
    }
    const out = this.#read(data, opts.jsonSchema !== undefined);
    ctx.logger.debug(
      {
        provider: this.name,
        model: opts.model,
        requestId,
        inputTokens: out.inputTokens,
        outputTokens: out.outputTokens,
        ms: Math.round(performance.now() - started),
      },
      'text provider call succeeded',
    );
    return out;
  }

  /** Checks the reply against what the chat completions API promises. */
  #read(data: unknown, json: boolean): Completion {
    const bad = (why: string) => new ProviderError(this.name, 'bad_response', `${this.name}: ${why}`);
    if (!data || typeof data !== 'object') throw bad(`the reply is not a JSON object (${typeof data})`);
    const d = data as {
      error?: { code?: unknown; message?: unknown };
      choices?: unknown;
      usage?: { prompt_tokens?: unknown; completion_tokens?: unknown; cost?: unknown } | null;
    };
    // OpenRouter reports some upstream failures as a 200 whose body is an error.
    if (d.error && typeof d.error === 'object') throw this.#bodyError(d.error);
    if (!Array.isArray(d.choices) || d.choices.length === 0) throw bad('"choices" is missing or empty');
    const choice = d.choices[0] as {
      finish_reason?: unknown;
      error?: { code?: unknown; message?: unknown };
      message?: { content?: unknown; refusal?: unknown };
    };
    if (choice.error && typeof choice.error === 'object') throw this.#bodyError(choice.error);
    if (choice.finish_reason === 'content_filter') {
      throw new ProviderError(this.name, 'rejected', `${this.name}: the answer was withheld by the content filter`);
    }
    if (typeof choice.message?.refusal === 'string' && choice.message.refusal !== '') {
      throw new ProviderError(this.name, 'rejected', `${this.name}: the model refused: ${this.#scrub(choice.message.refusal)}`);
    }
    const content = choice.message?.content;
    if (typeof content !== 'string') throw bad('"choices[0].message.content" is missing');
    let text = content;
    if (json) {
      text = unfence(content);
      try {
        JSON.parse(text);
      } catch {
        const cut = choice.finish_reason === 'length' ? ' (cut off at the token limit)' : '';
        throw bad(`structured output is not valid JSON${cut}`);
      }
    } else if (text.trim() === '') {
      throw bad('the answer is empty');
    }
    const usage = d.usage ?? {};
    const inputTokens = nonNegativeInt(usage.prompt_tokens);
    const outputTokens = nonNegativeInt(usage.completion_tokens);
    const out: Completion = {
      text,
      // Servers that report no usage (some local ones) are metered by estimate.
      inputTokens: inputTokens ?? 0,
      outputTokens: outputTokens ?? estimateTokens(text),
    };
    if (this.#openRouter && typeof usage.cost === 'number' && Number.isFinite(usage.cost) && usage.cost >= 0) {
      out.reportedCostUsd = usage.cost;
    }
    return out;
  }

  #bodyError(e: { code?: unknown; message?: unknown }): ProviderError {
    const code = typeof e.code === 'number' ? e.code : Number(e.code);
    const message = this.#scrub(typeof e.message === 'string' ? e.message : 'upstream error');
    if (Number.isInteger(code) && code >= 400) return httpError(this.name, code, message);
    return new ProviderError(this.name, 'unavailable', `${this.name}: upstream error: ${message}`);
  }

  #classify(err: unknown, signal: AbortSignal): ProviderError {
    if (err instanceof ProviderError) return err;
    if (signal.aborted || err instanceof APIUserAbortError) return abortedError(this.name, signal);
    if (err instanceof APIConnectionTimeoutError) return new ProviderError(this.name, 'timeout', `${this.name}: no response in time`);
    if (err instanceof APIConnectionError) {
      const code = (err.cause as { cause?: { code?: unknown }; code?: unknown } | undefined)?.cause?.code;
      return new ProviderError(this.name, 'unavailable', `${this.name}: connection failed${typeof code === 'string' ? ` (${code})` : ''}`);
    }
    if (err instanceof APIError && typeof err.status === 'number') {
      const message = this.#scrub(upstreamMessage(err.error, `HTTP ${err.status}`));
      return httpError(this.name, err.status, message, err.headers);
    }
    // JSON.parse of a broken body, or anything else thrown while reading the reply.
    const detail = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    return new ProviderError(this.name, 'bad_response', `${this.name}: unreadable reply (${this.#scrub(detail)})`);
  }

  #scrub(text: string): string {
    return scrubSecrets(text, [this.#apiKey]);
  }

  /** The moderation endpoint (OpenAI's /moderations). */
  async moderate(text: string, model: string, ctx: ProviderCallContext): Promise<ModerationResult> {
    if (ctx.signal.aborted) throw abortedError(this.name, ctx.signal);
    let data: unknown;
    try {
      data = await this.#client.moderations.create({ model, input: text }, { signal: ctx.signal });
    } catch (err) {
      throw this.#classify(err, ctx.signal);
    }
    const result = (data as { results?: unknown } | null)?.results;
    const first = Array.isArray(result) ? (result[0] as { flagged?: unknown; category_scores?: unknown }) : undefined;
    if (!first || typeof first.flagged !== 'boolean' || !first.category_scores || typeof first.category_scores !== 'object') {
      throw new ProviderError(this.name, 'bad_response', `${this.name}: "results[0]" with flagged and category_scores is missing`);
    }
    const categories: Record<string, number> = {};
    for (const [k, v] of Object.entries(first.category_scores as Record<string, unknown>)) {
      if (typeof v === 'number' && Number.isFinite(v)) categories[k] = v;
    }
    return { flagged: first.flagged, categories };
  }
}

function nonNegativeInt(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined;
}

/** Models often wrap JSON in a Markdown fence even when asked not to. */
function unfence(text: string): string {
  const m = /^\s*```(?:json)?\s*\n?([\s\S]*?)\n?```\s*$/i.exec(text);
  return (m ? m[1]! : text).trim();
}

/**
 * OpenAI's strict mode accepts only schemas whose every object lists all its properties as required
 * and forbids others; other schemas are sent non-strict (and validated by the gateway afterwards).
 */
export function isStrictCompatible(schema: unknown): boolean {
  if (Array.isArray(schema)) return schema.every(isStrictCompatible);
  if (!schema || typeof schema !== 'object') return true;
  const s = schema as Record<string, unknown>;
  if (s.type === 'object' || s.properties) {
    const props = (s.properties ?? {}) as Record<string, unknown>;
    const required = Array.isArray(s.required) ? (s.required as string[]) : [];
    if (s.additionalProperties !== false) return false;
    if (!Object.keys(props).every((k) => required.includes(k))) return false;
  }
  for (const [key, value] of Object.entries(s)) {
    if (key === 'enum' || key === 'const' || key === 'default' || key === 'examples') continue;
    if (value && typeof value === 'object' && !isStrictCompatible(value)) return false;
  }
  return true;
}

function toMessages(messages: readonly ChatMessage[]): OpenAI.ChatCompletionMessageParam[] {
  return messages.map((m) => ({ role: m.role, content: m.content }));
}

/** Results whose cost the provider reported (OpenRouter's `usage.cost`), which beats the price table. */
const reportedCosts = new WeakMap<object, number>();

/** Chat completions: free text, or JSON matching `jsonSchema` (structured output). */
export class OpenAITextProvider implements Provider<'text'> {
  readonly kind = 'text' as const;
  readonly offline = false;
  readonly name: string;
  readonly models: readonly string[];
  readonly defaultModel: string;
  readonly #backend: OpenAIChatBackend;

  constructor(backend: OpenAIChatBackend) {
    this.#backend = backend;
    this.name = backend.name;
    this.models = backend.models;
    this.defaultModel = backend.model;
  }

  estimateCostUsd(req: TextRequest, model: string): number {
    const input =
      req.messages.reduce((n, m) => n + estimateTokens(m.content) + 4, 0) +
      (req.jsonSchema ? estimateTokens(JSON.stringify(req.jsonSchema)) : 0);
    return tokensCostUsd(this.#backend.price(model), input, req.maxTokens ?? DEFAULT_MAX_OUTPUT);
  }

  costUsd(_req: TextRequest, result: TextResult, model: string): number {
    return reportedCosts.get(result) ?? tokensCostUsd(this.#backend.price(model), result.inputTokens, result.outputTokens);
  }

  async run(req: TextRequest, ctx: ProviderCallContext): Promise<TextResult> {
    const c = await this.#backend.complete(
      toMessages(req.messages),
      {
        model: ctx.model || this.defaultModel,
        ...(req.jsonSchema ? { jsonSchema: req.jsonSchema } : {}),
        ...(req.temperature === undefined ? {} : { temperature: req.temperature }),
        ...(req.maxTokens === undefined ? {} : { maxTokens: req.maxTokens }),
        seed: ctx.seed,
      },
      ctx,
    );
    const result: TextResult = { text: c.text, inputTokens: c.inputTokens, outputTokens: c.outputTokens };
    if (c.reportedCostUsd !== undefined) reportedCosts.set(result, c.reportedCostUsd);
    return result;
  }
}

const DEFAULT_VISION_QUESTION =
  'Describe this image for a film production: subjects, setting, framing and camera angle, lighting, colours and mood. Be concrete and brief.';
const VISION_MAX_TOKENS = 1024;

/** describe_image: the image goes inline as a data URL in one user message. */
export class OpenAIVisionProvider implements Provider<'vision'> {
  readonly kind = 'vision' as const;
  readonly offline = false;
  readonly name: string;
  readonly models: readonly string[];
  readonly defaultModel: string;
  readonly #backend: OpenAIChatBackend;

  constructor(backend: OpenAIChatBackend, model?: string) {
    this.#backend = backend;
    this.name = backend.name;
    this.defaultModel = model ?? backend.model;
    this.models = [...new Set([this.defaultModel, ...backend.models])];
  }

  estimateCostUsd(req: VisionRequest, model: string): number {
    return tokensCostUsd(
      this.#backend.price(model),
      IMAGE_TOKENS + estimateTokens(req.question ?? DEFAULT_VISION_QUESTION),
      VISION_MAX_TOKENS,
    );
  }

  costUsd(_req: VisionRequest, result: TextResult, model: string): number {
    return reportedCosts.get(result) ?? tokensCostUsd(this.#backend.price(model), result.inputTokens, result.outputTokens);
  }

  async run(req: VisionRequest, ctx: ProviderCallContext): Promise<TextResult> {
    if (!/^image\/(png|jpeg|webp|gif)$/.test(req.image.mime)) {
      throw new ProviderError(this.name, 'rejected', `${this.name}: image.mime ${req.image.mime} is not PNG, JPEG, WebP or GIF`);
    }
    const url = `data:${req.image.mime};base64,${Buffer.from(req.image.bytes).toString('base64')}`;
    const c = await this.#backend.complete(
      [
        {
          role: 'user',
          content: [
            { type: 'text', text: req.question ?? DEFAULT_VISION_QUESTION },
            { type: 'image_url', image_url: { url } },
          ],
        },
      ],
      { model: ctx.model || this.defaultModel, maxTokens: VISION_MAX_TOKENS, seed: ctx.seed },
      ctx,
    );
    const result: TextResult = { text: c.text, inputTokens: c.inputTokens, outputTokens: c.outputTokens };
    if (c.reportedCostUsd !== undefined) reportedCosts.set(result, c.reportedCostUsd);
    return result;
  }
}

/** moderate_content through OpenAI's /moderations (free of charge); other endpoints have none. */
export class OpenAIModerationProvider implements Provider<'moderation'> {
  readonly kind = 'moderation' as const;
  readonly offline = false;
  readonly name: string;
  readonly models: readonly string[];
  readonly defaultModel: string;
  readonly #backend: OpenAIChatBackend;

  constructor(backend: OpenAIChatBackend, model: string = OPENAI_DEFAULTS.moderationModel) {
    this.#backend = backend;
    this.name = backend.name;
    this.defaultModel = model;
    this.models = [model];
  }

  estimateCostUsd(_req: ModerationRequest, _model: string): number {
    return 0;
  }

  costUsd(_req: ModerationRequest, _result: ModerationResult, _model: string): number {
    return 0;
  }

  run(req: ModerationRequest, ctx: ProviderCallContext): Promise<ModerationResult> {
    return this.#backend.moderate(req.text, ctx.model || this.defaultModel, ctx);
  }
}

/** Whether a base URL is a machine of our own (a local or in-cluster server: no per-token price). */
export function isSelfHosted(baseURL: string): boolean {
  let host: string;
  try {
    host = new URL(baseURL).hostname;
  } catch {
    return false;
  }
  return (
    host === 'localhost' ||
    host.endsWith('.local') ||
    host.endsWith('.internal') ||
    host.endsWith('.svc') ||
    host.endsWith('.cluster.local') ||
    /^127\./.test(host) ||
    /^10\./.test(host) ||
    /^192\.168\./.test(host) ||
    /^172\.(1[6-9]|2\d|3[01])\./.test(host) ||
    host === '[::1]' ||
    !host.includes('.')
  );
}
