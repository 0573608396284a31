import type { Timing, VoiceSpec } from '@automovie/contracts';
import { ElevenLabsClient, ElevenLabsError, ElevenLabsTimeoutError } from '@elevenlabs/elevenlabs-js';
import {
  type MediaResult,
  type MusicRequest,
  type Provider,
  type ProviderCallContext,
  ProviderError,
  type SfxRequest,
  type SpeechRequest,
} from '../provider.ts';
import { abortedError, decodeBase64, fnv1a, httpError, readBody, scrubSecrets, upstreamMessage } from './failures.ts';
import { ELEVENLABS_PRICES, speechPerCharacter } from './prices.ts';

export type VoiceGender = VoiceSpec['gender'];

export interface ElevenLabsVoice {
  id: string;
  gender: VoiceGender;
}

/** ElevenLabs' long-standing premade voices, available to every account. */
export const DEFAULT_VOICES: readonly ElevenLabsVoice[] = [
  { id: '21m00Tcm4TlvDq8ikWAM', gender: 'female' }, // Rachel
  { id: 'EXAVITQu4vr4xnSDxMaL', gender: 'female' }, // Sarah
  { id: 'XrExE9yKIg1WjnnlVkGX', gender: 'female' }, // Matilda
  { id: 'pFZP5JQG7iQjIQuC4Bku', gender: 'female' }, // Lily
  { id: 'pNInz6obpgDQGcFmaJgB', gender: 'male' }, // Adam
  { id: 'ErXwobaYiN019PkySvjV', gender: 'male' }, // Antoni
  { id: 'TxGEqnHWrfWFTfGW9XjX', gender: 'male' }, // Josh
  { id: 'onwK4e9ZLuTAKqWW03F9', gender: 'male' }, // Daniel
  { id: 'SAz9YHcvj6GT2YYXdXww', gender: 'neutral' }, // River
];

export const ELEVENLABS_DEFAULTS = {
  baseURL: 'https://api.elevenlabs.io',
  speechModel: 'eleven_multilingual_v2',
  musicModel: 'music_v1',
  sfxModel: 'eleven_text_to_sound_v2',
  outputFormat: 'mp3_44100_128',
} as const;

export interface ElevenLabsOptions {
  /** `ELEVENLABS_API_KEY`; kept private, never logged or put in an error. */
  apiKey: string;
  /** API root. Default `https://api.elevenlabs.io` (tests point it at a loopback server). */
  baseURL?: string;
  /** Text-to-speech model. Default `eleven_multilingual_v2`. */
  speechModel?: string;
  /** Default `music_v1`. */
  musicModel?: string;
  /** Default `eleven_text_to_sound_v2`. */
  sfxModel?: string;
  /** Voices to pick from when a VoiceSpec names none. Default DEFAULT_VOICES. */
  voices?: readonly ElevenLabsVoice[];
  /** Backstop of one HTTP request; the gateway's deadline (ctx.signal) normally fires first. Default 600 s. */
  timeoutMs?: number;
  /** Largest audio file accepted. Default 100 MiB. */
  maxAudioBytes?: number;
  /** For tests and proxies. Default: the global fetch. */
  fetch?: typeof fetch;
}

const NAME = 'elevenlabs';

/** Parses `ELEVENLABS_VOICES`: `id:gender,id:gender,…`. */
export function parseVoiceList(text: string): ElevenLabsVoice[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((entry, i) => {
      const m = /^([A-Za-z0-9]{8,64}):(female|male|neutral)$/.exec(entry);
      if (!m) throw new TypeError(`ELEVENLABS_VOICES[${i}]: "${entry}" is not <voiceId>:<female|male|neutral>`);
      return { id: m[1]!, gender: m[2] as VoiceGender };
    });
}

/** Speaking rate (espeak words per minute, 175 = normal) → ElevenLabs speed, which accepts 0.7–1.2. */
function speedOf(rate: number): number {
  return Math.round(Math.min(1.2, Math.max(0.7, rate / 175)) * 100) / 100;
}

/** Groups character timings into words (whitespace-separated, punctuation kept with its word). */
export function wordTimings(chars: readonly string[], starts: readonly number[], ends: readonly number[]): Timing[] {
  const out: Timing[] = [];
  let word = '';
  let start = 0;
  let end = 0;
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (/^\s*$/.test(c)) {
      if (word !== '') out.push({ text: word, startS: start, endS: end });
      word = '';
      continue;
    }
    if (word === '') start = starts[i]!;
    word += c;
    end = Math.max(end, ends[i]!);
  }
  if (word !== '') out.push({ text: word, startS: start, endS: end });
  return out;
}

function isMp3(b: Uint8Array): boolean {
  return b.byteLength >= 4 && ((b[0] === 0x49 && b[1] === 0x44 && b[2] === 0x33) || (b[0] === 0xff && (b[1]! & 0xe0) === 0xe0));
}

/**
 * ElevenLabs through `@elevenlabs/elevenlabs-js`: one attempt per call (maxRetries 0), the SDK's
 * logging silenced (at debug level it would print the `xi-api-key` header, which its redaction list
 * does not name), failures classified for the gateway, keys scrubbed from every message.
 */
export class ElevenLabsBackend {
  readonly speechModel: string;
  readonly musicModel: string;
  readonly sfxModel: string;
  readonly voices: readonly ElevenLabsVoice[];
  readonly #apiKey: string;
  readonly #client: ElevenLabsClient;
  readonly #maxAudioBytes: number;

  constructor(opts: ElevenLabsOptions) {
    if (typeof opts.apiKey !== 'string' || opts.apiKey.trim() === '') throw new TypeError('elevenlabs.apiKey: must be a non-empty string');
    const baseURL = (opts.baseURL ?? ELEVENLABS_DEFAULTS.baseURL).replace(/\/+$/, '');
    if (!/^https?:\/\//.test(baseURL)) throw new TypeError(`elevenlabs.baseURL: must be an http(s) URL, got ${baseURL}`);
    this.#apiKey = opts.apiKey;
    this.speechModel = opts.speechModel ?? ELEVENLABS_DEFAULTS.speechModel;
    this.musicModel = opts.musicModel ?? ELEVENLABS_DEFAULTS.musicModel;
    this.sfxModel = opts.sfxModel ?? ELEVENLABS_DEFAULTS.sfxModel;
    this.voices = opts.voices && opts.voices.length > 0 ? opts.voices : DEFAULT_VOICES;
    this.#maxAudioBytes = opts.maxAudioBytes ?? 100 * 1024 * 1024;
    this.#client = new ElevenLabsClient({
      apiKey: this.#apiKey,
      baseUrl: baseURL,
      maxRetries: 0,
      timeoutInSeconds: Math.ceil((opts.timeoutMs ?? 600_000) / 1000),
      logging: { silent: true },
      ...(opts.fetch ? { fetch: opts.fetch } : {}),
    });
  }

  /** The voice for a spec: its own provider voice id, else a stable pick among the configured voices of its gender. */
  voiceFor(voice: VoiceSpec): string {
    if (voice.providerVoiceId) return voice.providerVoiceId;
    const same = this.voices.filter((v) => v.gender === voice.gender);
    const pool = same.length > 0 ? same : this.voices;
    // The variant is distinct per character, so each character keeps one voice across lines and runs.
    return pool[fnv1a(`${voice.gender}|${voice.variant}|${voice.pitch}`) % pool.length]!.id;
  }

  #scrub(text: string): string {
    return scrubSecrets(text, [this.#apiKey]);
  }

  classify(err: unknown, signal: AbortSignal): ProviderError {
    if (signal.aborted) return abortedError(NAME, signal);
    if (err instanceof ProviderError) return err;
    if (err instanceof ElevenLabsTimeoutError) return new ProviderError(NAME, 'timeout', 'elevenlabs: no response in time');
    if (err instanceof ElevenLabsError) {
      if (typeof err.statusCode === 'number') {
        return httpError(NAME, err.statusCode, this.#scrub(upstreamMessage(err.body, `HTTP ${err.statusCode}`)), err.rawResponse?.headers);
      }
      // The SDK's own timeout aborts fetch with the string "timeout", which surfaces as the cause.
      if (err.cause === 'timeout') return new ProviderError(NAME, 'timeout', 'elevenlabs: no response in time');
      // No status otherwise: the request never got an answer (connection refused or reset).
      return new ProviderError(NAME, 'unavailable', 'elevenlabs: connection failed');
    }
    // The SDK's schema check of a 2xx body, or a body that is not JSON at all.
    const detail = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    return new ProviderError(NAME, 'bad_response', `elevenlabs: unreadable reply (${this.#scrub(detail)})`);
  }

  async speech(req: SpeechRequest, model: string, ctx: ProviderCallContext): Promise<MediaResult> {
    const { signal } = ctx;
    if (signal.aborted) throw abortedError(NAME, signal);
    const voiceId = this.voiceFor(req.voice);
    let data: { audioBase64?: unknown; alignment?: unknown; normalizedAlignment?: unknown };
    try {
      const res = await this.#client.textToSpeech
        .convertWithTimestamps(
          voiceId,
          {
            text: req.text,
            modelId: model,
            outputFormat: ELEVENLABS_DEFAULTS.outputFormat,
            // ElevenLabs takes seeds up to 2^32-1; ours are 31-bit.
            seed: ctx.seed,
            voiceSettings: { speed: speedOf(req.voice.rate) },
          },
          { abortSignal: signal },
        )
        .withRawResponse();
      data = res.data as typeof data;
    } catch (err) {
      throw this.#logged(this.classify(err, signal), ctx, model);
    }
    const bad = (why: string) => this.#logged(new ProviderError(NAME, 'bad_response', `elevenlabs: ${why}`), ctx, model);
    const audio = typeof data.audioBase64 === 'string' ? decodeBase64(data.audioBase64) : undefined;
    if (!audio || !isMp3(audio)) throw bad('"audio_base64" is not base64 MP3 audio');
    const alignment = (data.alignment ?? data.normalizedAlignment) as
      | { characters?: unknown; characterStartTimesSeconds?: unknown; characterEndTimesSeconds?: unknown }
      | undefined;
    const chars = alignment?.characters;
    const starts = alignment?.characterStartTimesSeconds;
    const ends = alignment?.characterEndTimesSeconds;
    if (!Array.isArray(chars) || !Array.isArray(starts) || !Array.isArray(ends)) throw bad('"alignment" is missing');
    if (chars.length !== starts.length || chars.length !== ends.length || chars.length === 0) {
      throw bad('"alignment" arrays are empty or of different lengths');
    }
    const finite = (a: unknown[]) => a.every((t) => typeof t === 'number' && Number.isFinite(t) && t >= 0);
    if (!finite(starts) || !finite(ends) || !chars.every((c) => typeof c === 'string')) throw bad('"alignment" has a non-numeric time');
    const timings = wordTimings(chars as string[], starts as number[], ends as number[]);
    const durationS = Math.max(...(ends as number[]));
    ctx.logger.debug({ provider: NAME, model, voiceId, characters: req.text.length, words: timings.length }, 'speech synthesized');
    return { bytes: audio, mime: 'audio/mpeg', durationS, timings };
  }

  async music(req: MusicRequest, model: string, ctx: ProviderCallContext): Promise<MediaResult> {
    const lengthMs = Math.round(Math.min(600_000, Math.max(3_000, req.durationS * 1000)));
    const prompt = [
      req.prompt,
      `Instrumental film score, ${req.mood} mood.`,
      req.tempoBpm ? `About ${req.tempoBpm} BPM.` : undefined,
      'No vocals.',
    ]
      .filter(Boolean)
      .join(' ');
    // Model ids go in as raw body fields: the SDK's serializer rejects ids newer than its enum.
    const audio = await this.#audio(ctx, model, () =>
      this.#client.music.compose(
        { prompt, musicLengthMs: lengthMs, forceInstrumental: true, outputFormat: ELEVENLABS_DEFAULTS.outputFormat },
        { abortSignal: ctx.signal, additionalBodyParameters: { model_id: model } },
      ),
    );
    return { bytes: audio, mime: 'audio/mpeg', durationS: lengthMs / 1000 };
  }

  async sfx(req: SfxRequest, model: string, ctx: ProviderCallContext): Promise<MediaResult> {
    const seconds = Math.min(30, Math.max(0.5, req.durationS));
    const audio = await this.#audio(ctx, model, () =>
      this.#client.textToSoundEffects.convert(
        { text: req.description, durationSeconds: seconds, outputFormat: ELEVENLABS_DEFAULTS.outputFormat },
        { abortSignal: ctx.signal, additionalBodyParameters: { model_id: model } },
      ),
    );
    return { bytes: audio, mime: 'audio/mpeg', durationS: seconds };
  }

  /** A binary audio endpoint: checks the content type and the bytes, reads with a size limit. */
  async #audio(
    ctx: ProviderCallContext,
    model: string,
    call: () => { withRawResponse(): Promise<{ data: ReadableStream<Uint8Array>; rawResponse: { headers: Headers } }> },
  ): Promise<Uint8Array> {
    const { signal } = ctx;
    if (signal.aborted) throw abortedError(NAME, signal);
    let bytes: Uint8Array;
    try {
      const { data, rawResponse } = await call().withRawResponse();
      const type = rawResponse.headers.get('content-type') ?? '';
      if (!/^audio\//i.test(type)) {
        await data.cancel().catch(() => {});
        throw new ProviderError(NAME, 'bad_response', `elevenlabs: expected audio, got ${type || 'no content type'}`);
      }
      bytes = await readBody(NAME, new Response(data), this.#maxAudioBytes);
    } catch (err) {
      throw this.#logged(this.classify(err, signal), ctx, model);
    }
    if (!isMp3(bytes))
      throw this.#logged(
        new ProviderError(NAME, 'bad_response', `elevenlabs: the reply is not MP3 audio (${bytes.byteLength} bytes)`),
        ctx,
        model,
      );
    ctx.logger.debug({ provider: NAME, model, bytes: bytes.byteLength }, 'audio generated');
    return bytes;
  }

  #logged(err: ProviderError, ctx: ProviderCallContext, model: string): ProviderError {
    ctx.logger.debug({ provider: NAME, model, failure: err.failure, upstreamStatus: err.status }, 'elevenlabs call failed');
    return err;
  }
}

/** generate_speech: text-to-speech with timestamps, character alignment turned into word timings. */
export class ElevenLabsSpeechProvider implements Provider<'speech'> {
  readonly kind = 'speech' as const;
  readonly name = NAME;
  readonly offline = false;
  readonly models: readonly string[];
  readonly defaultModel: string;
  readonly #el: ElevenLabsBackend;

  constructor(el: ElevenLabsBackend) {
    this.#el = el;
    this.defaultModel = el.speechModel;
    this.models = [el.speechModel];
  }

  estimateCostUsd(req: SpeechRequest, model: string): number {
    return req.text.length * speechPerCharacter(model);
  }

  costUsd(req: SpeechRequest, _result: MediaResult, model: string): number {
    return req.text.length * speechPerCharacter(model);
  }

  run(req: SpeechRequest, ctx: ProviderCallContext): Promise<MediaResult> {
    return this.#el.speech(req, ctx.model || this.defaultModel, ctx);
  }
}

/** generate_music: Eleven Music (compose), instrumental. */
export class ElevenLabsMusicProvider implements Provider<'music'> {
  readonly kind = 'music' as const;
  readonly name = NAME;
  readonly offline = false;
  readonly models: readonly string[];
  readonly defaultModel: string;
  readonly #el: ElevenLabsBackend;

  constructor(el: ElevenLabsBackend) {
    this.#el = el;
    this.defaultModel = el.musicModel;
    this.models = [el.musicModel];
  }

  estimateCostUsd(req: MusicRequest, _model: string): number {
    return Math.min(600, Math.max(3, req.durationS)) * ELEVENLABS_PRICES.musicPerSecond;
  }

  costUsd(req: MusicRequest, result: MediaResult, _model: string): number {
    return (result.durationS ?? Math.min(600, Math.max(3, req.durationS))) * ELEVENLABS_PRICES.musicPerSecond;
  }

  run(req: MusicRequest, ctx: ProviderCallContext): Promise<MediaResult> {
    return this.#el.music(req, ctx.model || this.defaultModel, ctx);
  }
}

/** generate_sound_effect: sound generation (0.5–30 s). */
export class ElevenLabsSfxProvider implements Provider<'sfx'> {
  readonly kind = 'sfx' as const;
  readonly name = NAME;
  readonly offline = false;
  readonly models: readonly string[];
  readonly defaultModel: string;
  readonly #el: ElevenLabsBackend;

  constructor(el: ElevenLabsBackend) {
    this.#el = el;
    this.defaultModel = el.sfxModel;
    this.models = [el.sfxModel];
  }

  estimateCostUsd(_req: SfxRequest, _model: string): number {
    return ELEVENLABS_PRICES.sfxPerGeneration;
  }

  costUsd(_req: SfxRequest, _result: MediaResult, _model: string): number {
    return ELEVENLABS_PRICES.sfxPerGeneration;
  }

  run(req: SfxRequest, ctx: ProviderCallContext): Promise<MediaResult> {
    return this.#el.sfx(req, ctx.model || this.defaultModel, ctx);
  }
}

/** The three ElevenLabs providers, sharing one client. */
export function createElevenLabsProviders(
  opts: ElevenLabsOptions,
): [ElevenLabsSpeechProvider, ElevenLabsMusicProvider, ElevenLabsSfxProvider] {
  const backend = new ElevenLabsBackend(opts);
  return [new ElevenLabsSpeechProvider(backend), new ElevenLabsMusicProvider(backend), new ElevenLabsSfxProvider(backend)];
}
