import { setTimeout as sleep } from 'node:timers/promises';
import { createFalClient, type FalClient } from '@fal-ai/client';
import {
  type ImageRequest,
  type InputFile,
  type MediaResult,
  type Model3dRequest,
  type Provider,
  type ProviderCallContext,
  ProviderError,
  type VideoRequest,
} from '../provider.ts';
import { abortedError, decodeBase64, httpError, readBody, scrubSecrets, upstreamMessage } from './failures.ts';
import { falPrice, mediaCostUsd } from './prices.ts';

export const FAL_DEFAULTS = {
  imageModel: 'fal-ai/flux/dev',
  /** Takes `image_urls` (several references); single-reference models read `image_url`, which is sent too. */
  imageToImageModel: 'fal-ai/flux-pro/kontext/multi',
  videoModel: 'fal-ai/kling-video/v1.6/standard/image-to-video',
  textToVideoModel: 'fal-ai/kling-video/v1.6/standard/text-to-video',
  model3dModel: 'fal-ai/trellis',
} as const;

export interface FalOptions {
  /** `FAL_KEY` (`key_id:key_secret`); kept private, never logged or put in an error. */
  apiKey: string;
  /** Tests only: an origin (`http://127.0.0.1:port`) that replaces fal's hosts (queue.fal.run, fal.run, rest.fal.ai). */
  baseURL?: string;
  /** Default `fal-ai/flux/dev`. */
  imageModel?: string;
  /** Used when an image request carries references. Default `fal-ai/flux-pro/kontext/multi`. */
  imageToImageModel?: string;
  /** Used when a video request has a start image. Default Kling 1.6 standard image-to-video. */
  videoModel?: string;
  /** Used when a video request has no image. Default Kling 1.6 standard text-to-video. */
  textToVideoModel?: string;
  /** Image → 3D model (GLB). Text-only requests first make a concept image with `imageModel`. Default `fal-ai/trellis`. */
  model3dModel?: string;
  /** Between two status polls. Default 1,000 ms. */
  pollIntervalMs?: number;
  /** Largest result file downloaded. Default 512 MiB. */
  maxDownloadBytes?: number;
  /** For tests and proxies. Default: the global fetch. */
  fetch?: typeof fetch;
}

const NAME = 'fal';

interface FalFile {
  url: string;
  content_type?: string;
  width?: number;
  height?: number;
  duration?: number;
}

/**
 * fal.ai through `@fal-ai/client`'s queue API: submit, poll status, fetch the result, then download
 * the file it points at. One attempt per call: the SDK's own retries (which its queue methods force
 * per request) are defeated by failing every non-2xx inside our fetch with a ProviderError the SDK
 * does not consider retryable; the gateway decides about retries.
 */
export class FalBackend {
  readonly imageModel: string;
  readonly imageToImageModel: string;
  readonly videoModel: string;
  readonly textToVideoModel: string;
  readonly model3dModel: string;
  readonly #apiKey: string;
  readonly #client: FalClient;
  readonly #baseOrigin: string | undefined;
  readonly #fetch: typeof fetch;
  readonly #pollIntervalMs: number;
  readonly #maxDownloadBytes: number;

  constructor(opts: FalOptions) {
    if (typeof opts.apiKey !== 'string' || opts.apiKey.trim() === '') throw new TypeError('fal.apiKey: must be a non-empty string');
    this.#apiKey = opts.apiKey;
    this.imageModel = opts.imageModel ?? FAL_DEFAULTS.imageModel;
    this.imageToImageModel = opts.imageToImageModel ?? FAL_DEFAULTS.imageToImageModel;
    this.videoModel = opts.videoModel ?? FAL_DEFAULTS.videoModel;
    this.textToVideoModel = opts.textToVideoModel ?? FAL_DEFAULTS.textToVideoModel;
    this.model3dModel = opts.model3dModel ?? FAL_DEFAULTS.model3dModel;
    this.#pollIntervalMs = opts.pollIntervalMs ?? 1_000;
    this.#maxDownloadBytes = opts.maxDownloadBytes ?? 512 * 1024 * 1024;
    this.#fetch = opts.fetch ?? fetch;
    if (opts.baseURL !== undefined) {
      if (!/^https?:\/\//.test(opts.baseURL)) throw new TypeError(`fal.baseURL: must be an http(s) URL, got ${opts.baseURL}`);
      this.#baseOrigin = new URL(opts.baseURL).origin;
    }
    const base = this.#baseOrigin;
    this.#client = createFalClient({
      credentials: this.#apiKey,
      suppressLocalCredentialsWarning: true,
      // Non-queue calls honour this; queue calls pass their own retry options, hence the fetch below.
      retry: { maxRetries: 0, baseDelay: 0, maxDelay: 0, backoffMultiplier: 1, retryableStatusCodes: [], enableJitter: false },
      requestMiddleware: async (request) => (base ? { ...request, url: rehost(request.url, base) } : request),
      fetch: (input, init) => this.#send(input, init),
    });
  }

  /** Every SDK request goes through here: non-2xx and transport failures become final ProviderErrors. */
  async #send(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    const signal = init?.signal ?? undefined;
    let res: Response;
    try {
      res = await this.#fetch(input, init);
    } catch (err) {
      if (signal?.aborted) throw abortedError(NAME, signal);
      // Deliberately without `cause`: the SDK retries errors whose cause chain carries ECONNRESET & co.
      throw new ProviderError(NAME, 'unavailable', `fal: connection failed${transportCode(err)}`);
    }
    if (res.ok) return res;
    let body: unknown;
    const text = await res.text().catch(() => '');
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
    throw httpError(NAME, res.status, this.#scrub(upstreamMessage(body, `HTTP ${res.status}`)), res.headers);
  }

  #scrub(text: string): string {
    return scrubSecrets(text, [this.#apiKey, ...this.#apiKey.split(':')]);
  }

  #classify(err: unknown, signal: AbortSignal): ProviderError {
    if (signal.aborted) return abortedError(NAME, signal);
    if (err instanceof ProviderError) return err;
    const detail = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    return new ProviderError(NAME, 'bad_response', `fal: unreadable reply (${this.#scrub(detail)})`);
  }

  /** Submits `input` to `endpoint`, polls until it completes, and returns the result's `data`. */
  async run(endpoint: string, input: Record<string, unknown>, ctx: ProviderCallContext): Promise<Record<string, unknown>> {
    const { signal } = ctx;
    if (signal.aborted) throw abortedError(NAME, signal);
    const started = performance.now();
    let requestId: string | undefined;
    try {
      const submitted = (await this.#client.queue.submit(endpoint, { input, abortSignal: signal })) as unknown;
      requestId = (submitted as { request_id?: unknown } | null)?.request_id as string | undefined;
      if (typeof requestId !== 'string' || requestId === '') {
        throw new ProviderError(NAME, 'bad_response', 'fal: the queue answered the submission without a request_id');
      }
      let polls = 0;
      for (;;) {
        const status = (await this.#client.queue.status(endpoint, { requestId, logs: false, abortSignal: signal })) as unknown;
        polls++;
        const state = (status as { status?: unknown } | null)?.status;
        if (state === 'COMPLETED') break;
        if (state !== 'IN_QUEUE' && state !== 'IN_PROGRESS') {
          if (typeof state === 'string') throw new ProviderError(NAME, 'unavailable', `fal: request ended as ${state}`);
          throw new ProviderError(NAME, 'bad_response', 'fal: the status reply has no "status"');
        }
        await sleep(this.#pollIntervalMs, undefined, { signal });
      }
      const result = (await this.#client.queue.result(endpoint, { requestId, abortSignal: signal })) as { data?: unknown };
      const data = result?.data;
      if (!data || typeof data !== 'object' || Array.isArray(data)) {
        throw new ProviderError(NAME, 'bad_response', `fal: the result of ${endpoint} is not a JSON object`);
      }
      ctx.logger.debug(
        { provider: NAME, model: endpoint, requestId, polls, ms: Math.round(performance.now() - started) },
        'fal request completed',
      );
      return data as Record<string, unknown>;
    } catch (err) {
      const failure = this.#classify(err, signal);
      if (signal.aborted && requestId) this.#cancel(endpoint, requestId);
      ctx.logger.debug(
        { provider: NAME, model: endpoint, requestId, failure: failure.failure, upstreamStatus: failure.status },
        'fal request failed',
      );
      throw failure;
    }
  }

  /** Abandoned work is cancelled so it is not billed (best effort, not awaited). */
  #cancel(endpoint: string, requestId: string): void {
    this.#client.queue.cancel(endpoint, { requestId, abortSignal: AbortSignal.timeout(5_000) }).catch(() => {});
  }

  /** Downloads a result file (or decodes a data URI) and checks it is what `expect` says. */
  async download(
    file: FalFile,
    expect: 'image' | 'video' | 'model3d',
    ctx: ProviderCallContext,
  ): Promise<{ bytes: Uint8Array; mime: string }> {
    const { signal } = ctx;
    let bytes: Uint8Array;
    let declared = file.content_type ?? '';
    if (file.url.startsWith('data:')) {
      const m = /^data:([^;,]*)(;base64)?,(.*)$/s.exec(file.url);
      const decoded = m?.[2] ? decodeBase64(m[3]!) : m ? new Uint8Array(Buffer.from(decodeURIComponent(m[3]!), 'utf8')) : undefined;
      if (!decoded) throw new ProviderError(NAME, 'bad_response', 'fal: the result file is a malformed data URI');
      bytes = decoded;
      declared = m?.[1] || declared;
    } else {
      const url = this.#checkDownloadUrl(file.url);
      let res: Response;
      try {
        res = await this.#fetch(url, { signal, redirect: 'follow' });
      } catch (err) {
        if (signal.aborted) throw abortedError(NAME, signal);
        throw new ProviderError(NAME, 'unavailable', `fal: downloading the result failed${transportCode(err)}`);
      }
      if (!res.ok) {
        await res.body?.cancel().catch(() => {});
        // An expired or missing result file is the upstream's failure, not a wrong request: the call may be made again.
        throw new ProviderError(
          NAME,
          res.status === 429 ? 'rate_limited' : 'unavailable',
          `fal: downloading the result file got HTTP ${res.status}`,
          {
            status: res.status,
          },
        );
      }
      declared = res.headers.get('content-type') ?? declared;
      try {
        bytes = await readBody(NAME, res, this.#maxDownloadBytes);
      } catch (err) {
        if (err instanceof ProviderError) throw err;
        if (signal.aborted) throw abortedError(NAME, signal);
        throw new ProviderError(NAME, 'unavailable', `fal: the result download broke off${transportCode(err)}`);
      }
    }
    const mime = sniff(bytes, expect);
    if (!mime) {
      throw new ProviderError(
        NAME,
        'bad_response',
        `fal: the result file is not ${expect === 'model3d' ? 'a GLB model' : `an ${expect}`} (${bytes.byteLength} bytes, ${declared || 'no content type'})`,
      );
    }
    return { bytes, mime };
  }

  /** Result files come from fal's CDN over https; a private or loopback host is refused unless it is the configured base. */
  #checkDownloadUrl(raw: string): string {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new ProviderError(NAME, 'bad_response', 'fal: the result file URL is not a URL');
    }
    if (this.#baseOrigin && url.origin === this.#baseOrigin) return url.href;
    if (url.protocol !== 'https:' || isPrivateHost(url.hostname)) {
      throw new ProviderError(NAME, 'bad_response', `fal: refusing to download the result from ${url.protocol}//${url.hostname}`);
    }
    return url.href;
  }
}

function transportCode(err: unknown): string {
  let e = err as { code?: unknown; cause?: unknown } | undefined;
  for (let i = 0; i < 4 && e; i++) {
    if (typeof e.code === 'string') return ` (${e.code})`;
    e = e.cause as typeof e;
  }
  return '';
}

/** https://queue.fal.run/x → `${base}/x` (and likewise fal.run, rest.fal.ai). */
function rehost(url: string, base: string): string {
  const u = new URL(url);
  if (!/(^|\.)fal\.(run|ai)$/.test(u.hostname)) return url;
  return `${base}${u.pathname}${u.search}`;
}

function isPrivateHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '');
  return (
    h === 'localhost' ||
    h.endsWith('.localhost') ||
    h.endsWith('.internal') ||
    h.endsWith('.local') ||
    /^(127|10|0)\./.test(h) ||
    /^169\.254\./.test(h) ||
    /^192\.168\./.test(h) ||
    /^172\.(1[6-9]|2\d|3[01])\./.test(h) ||
    h === '::1' ||
    /^f[cd][0-9a-f]{2}:/i.test(h) ||
    /^fe80:/i.test(h)
  );
}

const ascii = (b: Uint8Array, from: number, to: number) => String.fromCharCode(...b.subarray(from, to));

/** The file's real type from its first bytes: what the provider says is not trusted. */
function sniff(b: Uint8Array, expect: 'image' | 'video' | 'model3d'): string | undefined {
  if (b.byteLength < 12) return undefined;
  if (expect === 'image') {
    if (b[0] === 0x89 && ascii(b, 1, 4) === 'PNG') return 'image/png';
    if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
    if (ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WEBP') return 'image/webp';
    return undefined;
  }
  if (expect === 'video') {
    if (ascii(b, 4, 8) === 'ftyp') return ascii(b, 8, 10) === 'qt' ? 'video/quicktime' : 'video/mp4';
    if (b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3) return 'video/webm';
    return undefined;
  }
  return ascii(b, 0, 4) === 'glTF' ? 'model/gltf-binary' : undefined;
}

function dataUri(file: InputFile): string {
  return `data:${file.mime};base64,${Buffer.from(file.bytes).toString('base64')}`;
}

function fileOf(value: unknown): FalFile | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.url !== 'string' || v.url === '') return undefined;
  const f: FalFile = { url: v.url };
  if (typeof v.content_type === 'string') f.content_type = v.content_type;
  if (typeof v.width === 'number' && Number.isInteger(v.width) && v.width > 0) f.width = v.width;
  if (typeof v.height === 'number' && Number.isInteger(v.height) && v.height > 0) f.height = v.height;
  if (typeof v.duration === 'number' && Number.isFinite(v.duration) && v.duration > 0) f.duration = v.duration;
  return f;
}

const ASPECTS = [
  ['21:9', 21 / 9],
  ['16:9', 16 / 9],
  ['4:3', 4 / 3],
  ['3:2', 3 / 2],
  ['1:1', 1],
  ['2:3', 2 / 3],
  ['3:4', 3 / 4],
  ['9:16', 9 / 16],
  ['9:21', 9 / 21],
] as const;

function nearestAspect(width: number, height: number, allowed: readonly string[]): string {
  const r = width / height;
  let best = '1:1';
  let bestD = Number.POSITIVE_INFINITY;
  for (const [name, value] of ASPECTS) {
    if (!allowed.includes(name)) continue;
    const d = Math.abs(Math.log(r / value));
    if (d < bestD) {
      best = name;
      bestD = d;
    }
  }
  return best;
}

/** Kling renders clips of exactly 5 or 10 seconds; it is billed by those. */
function klingDuration(seconds: number): 5 | 10 {
  return seconds > 7.5 ? 10 : 5;
}

/** text-to-image, and image-to-image with reference images (inlined as data URIs). */
export class FalImageProvider implements Provider<'image'> {
  readonly kind = 'image' as const;
  readonly name = NAME;
  readonly offline = false;
  readonly models: readonly string[];
  readonly defaultModel: string;
  readonly #fal: FalBackend;

  constructor(fal: FalBackend) {
    this.#fal = fal;
    this.defaultModel = fal.imageModel;
    this.models = [...new Set([fal.imageModel, fal.imageToImageModel])];
  }

  /** The endpoint a request really goes to: references switch the default model to the image-to-image one. */
  endpoint(req: ImageRequest, model: string): string {
    return req.references.length > 0 && model === this.defaultModel ? this.#fal.imageToImageModel : model;
  }

  estimateCostUsd(req: ImageRequest, model: string): number {
    return mediaCostUsd(falPrice(this.endpoint(req, model), 'image'), { width: req.width, height: req.height });
  }

  costUsd(req: ImageRequest, result: MediaResult, model: string): number {
    return mediaCostUsd(falPrice(this.endpoint(req, model), 'image'), {
      width: result.width ?? req.width,
      height: result.height ?? req.height,
    });
  }

  async run(req: ImageRequest, ctx: ProviderCallContext): Promise<MediaResult> {
    const endpoint = this.endpoint(req, ctx.model || this.defaultModel);
    const input: Record<string, unknown> = {
      prompt: req.prompt,
      num_images: 1,
      seed: ctx.seed,
      output_format: 'png',
      enable_safety_checker: true,
    };
    if (req.references.length > 0) {
      const urls = req.references.map(dataUri);
      input.image_urls = urls;
      input.image_url = urls[0];
      input.aspect_ratio = nearestAspect(req.width, req.height, ['21:9', '16:9', '4:3', '3:2', '1:1', '2:3', '3:4', '9:16', '9:21']);
    } else {
      input.image_size = { width: req.width, height: req.height };
    }
    const data = await this.#fal.run(endpoint, input, ctx);
    const nsfw = data.has_nsfw_concepts;
    if (Array.isArray(nsfw) && nsfw[0] === true) {
      throw new ProviderError(NAME, 'rejected', 'fal: the image was blanked by the safety checker (has_nsfw_concepts)');
    }
    const file = Array.isArray(data.images) ? fileOf(data.images[0]) : fileOf(data.image);
    if (!file) throw new ProviderError(NAME, 'bad_response', `fal: the result of ${endpoint} has no "images[0].url"`);
    const { bytes, mime } = await this.#fal.download(file, 'image', ctx);
    const out: MediaResult = { bytes, mime };
    if (file.width) out.width = file.width;
    if (file.height) out.height = file.height;
    return out;
  }
}

/** image-to-video from a start frame, or text-to-video when there is none. */
export class FalVideoProvider implements Provider<'video'> {
  readonly kind = 'video' as const;
  readonly name = NAME;
  readonly offline = false;
  readonly models: readonly string[];
  readonly defaultModel: string;
  readonly #fal: FalBackend;

  constructor(fal: FalBackend) {
    this.#fal = fal;
    this.defaultModel = fal.videoModel;
    this.models = [...new Set([fal.videoModel, fal.textToVideoModel])];
  }

  endpoint(req: VideoRequest, model: string): string {
    return !req.image && model === this.defaultModel ? this.#fal.textToVideoModel : model;
  }

  estimateCostUsd(req: VideoRequest, model: string): number {
    return mediaCostUsd(falPrice(this.endpoint(req, model), 'video'), { seconds: klingDuration(req.durationS) });
  }

  costUsd(req: VideoRequest, result: MediaResult, model: string): number {
    return mediaCostUsd(falPrice(this.endpoint(req, model), 'video'), { seconds: result.durationS ?? klingDuration(req.durationS) });
  }

  async run(req: VideoRequest, ctx: ProviderCallContext): Promise<MediaResult> {
    const endpoint = this.endpoint(req, ctx.model || this.defaultModel);
    const duration = klingDuration(req.durationS);
    const movement = req.movement && req.movement !== 'static' ? ` Camera: ${req.movement.replace(/_/g, ' ')}.` : ' Camera: locked off.';
    // Kling takes no seed; its input is kept to the documented fields.
    const input: Record<string, unknown> = { prompt: `${req.prompt}${movement}`, duration: String(duration) };
    if (req.image) input.image_url = dataUri(req.image);
    else input.aspect_ratio = nearestAspect(req.width, req.height, ['16:9', '9:16', '1:1']);
    const data = await this.#fal.run(endpoint, input, ctx);
    const file = fileOf(data.video);
    if (!file) throw new ProviderError(NAME, 'bad_response', `fal: the result of ${endpoint} has no "video.url"`);
    const { bytes, mime } = await this.#fal.download(file, 'video', ctx);
    const out: MediaResult = { bytes, mime, durationS: file.duration ?? duration };
    if (file.width) out.width = file.width;
    if (file.height) out.height = file.height;
    return out;
  }
}

/** image → 3D (GLB); a text-only request first gets a concept image from the image model. */
export class FalModel3dProvider implements Provider<'model3d'> {
  readonly kind = 'model3d' as const;
  readonly name = NAME;
  readonly offline = false;
  readonly models: readonly string[];
  readonly defaultModel: string;
  readonly #fal: FalBackend;

  constructor(fal: FalBackend) {
    this.#fal = fal;
    this.defaultModel = fal.model3dModel;
    this.models = [fal.model3dModel];
  }

  estimateCostUsd(req: Model3dRequest, model: string): number {
    return this.#cost(req, model);
  }

  costUsd(req: Model3dRequest, _result: MediaResult, model: string): number {
    return this.#cost(req, model);
  }

  #cost(req: Model3dRequest, model: string): number {
    const mesh = mediaCostUsd(falPrice(model, 'model3d'), {});
    return req.image ? mesh : mesh + mediaCostUsd(falPrice(this.#fal.imageModel, 'image'), { width: 1024, height: 1024 });
  }

  async run(req: Model3dRequest, ctx: ProviderCallContext): Promise<MediaResult> {
    const endpoint = ctx.model || this.defaultModel;
    let imageUrl: string;
    if (req.image) {
      imageUrl = dataUri(req.image);
    } else {
      const parts = req.elements.map((e) => e.name).join(', ');
      const concept = await this.#fal.run(
        this.#fal.imageModel,
        {
          prompt: `${req.description}.${parts ? ` Contains: ${parts}.` : ''} One object or set, centred, whole and unobstructed, three-quarter view, plain white background, soft even light, no text.`,
          image_size: { width: 1024, height: 1024 },
          num_images: 1,
          seed: ctx.seed,
          output_format: 'png',
          enable_safety_checker: true,
        },
        ctx,
      );
      const file = Array.isArray(concept.images) ? fileOf(concept.images[0]) : undefined;
      if (!file) throw new ProviderError(NAME, 'bad_response', `fal: the concept image of ${this.#fal.imageModel} has no "images[0].url"`);
      imageUrl = file.url;
    }
    // Trellis reads image_url, Hunyuan3D input_image_url: both are sent so either model can be configured.
    const data = await this.#fal.run(endpoint, { image_url: imageUrl, input_image_url: imageUrl, seed: ctx.seed }, ctx);
    const file = fileOf(data.model_mesh) ?? fileOf(data.model_glb) ?? fileOf(data.glb);
    if (!file) throw new ProviderError(NAME, 'bad_response', `fal: the result of ${endpoint} has no "model_mesh.url"`);
    const { bytes, mime } = await this.#fal.download(file, 'model3d', ctx);
    return { bytes, mime };
  }
}

/** The three fal providers, sharing one client. */
export function createFalProviders(opts: FalOptions): [FalImageProvider, FalVideoProvider, FalModel3dProvider] {
  const backend = new FalBackend(opts);
  return [new FalImageProvider(backend), new FalVideoProvider(backend), new FalModel3dProvider(backend)];
}
