import { inspect } from 'node:util';
import type { VoiceSpec } from '@automovie/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createElevenLabsProviders,
  DEFAULT_VOICES,
  ElevenLabsBackend,
  type ElevenLabsOptions,
  parseVoiceList,
  wordTimings,
} from '../src/generation/providers/elevenlabs.ts';
import { callContext, type FixtureServer, failure, fixtureFile, loadFixture, startFixtureServer } from './providers-fixture-server.ts';

const KEY = 'sk_f1xtur3k3y0123456789abcdef0123456789abcdef0123';
const VOICE: VoiceSpec = { gender: 'female', pitch: 55, rate: 175, variant: 'f3' };
const LINE = { text: 'I never said goodbye.', voice: { ...VOICE, providerVoiceId: '21m00Tcm4TlvDq8ikWAM' } };

describe('ElevenLabs adapters via @elevenlabs/elevenlabs-js (recorded replies on loopback)', () => {
  let server: FixtureServer;
  beforeEach(async () => {
    server = await startFixtureServer();
  });
  afterEach(() => server.close());

  const eleven = (opts: Partial<ElevenLabsOptions> = {}) => createElevenLabsProviders({ apiKey: KEY, baseURL: server.origin, ...opts });

  it('speech: text-to-speech with timestamps → MP3 bytes, word timings in seconds, duration and cost', async () => {
    server.reply({ fixture: 'elevenlabs-tts-timestamps-ok' });
    const [speech] = eleven();
    expect(speech).toMatchObject({ kind: 'speech', name: 'elevenlabs', offline: false, defaultModel: 'eleven_multilingual_v2' });
    const { ctx } = callContext({ model: 'eleven_multilingual_v2', seed: 77 });
    const result = await speech.run({ ...LINE, voice: { ...LINE.voice, rate: 210 } }, ctx);

    expect(server.requests).toHaveLength(1);
    const [req] = server.requests;
    expect(req!.method).toBe('POST');
    expect(req!.path).toBe('/v1/text-to-speech/21m00Tcm4TlvDq8ikWAM/with-timestamps?output_format=mp3_44100_128');
    expect(req!.headers['xi-api-key']).toBe(KEY);
    expect(req!.body).toEqual({ text: LINE.text, model_id: 'eleven_multilingual_v2', seed: 77, voice_settings: { speed: 1.2 } });

    expect(result.mime).toBe('audio/mpeg');
    expect(Buffer.from(result.bytes).equals(fixtureFile('media/speech.mp3'))).toBe(true);
    const alignment = (loadFixture('elevenlabs-tts-timestamps-ok').body as { alignment: { character_end_times_seconds: number[] } })
      .alignment;
    expect(result.durationS).toBe(alignment.character_end_times_seconds.at(-1));
    expect(result.timings!.map((t) => t.text)).toEqual(['I', 'never', 'said', 'goodbye.']);
    expect(result.timings![0]).toEqual({ text: 'I', startS: 0, endS: 0.046 });
    expect(result.timings![1]!.startS).toBeCloseTo(0.081, 6);
    for (const t of result.timings!) expect(t.endS).toBeGreaterThan(t.startS);
    // $0.10 per 1,000 characters on Multilingual v2.
    expect(speech.costUsd(LINE, result, 'eleven_multilingual_v2')).toBeCloseTo(0.0021, 10);
    expect(speech.estimateCostUsd(LINE, 'eleven_flash_v2_5')).toBeCloseTo(0.00105, 10);
  });

  it('speech: a spec without a provider voice gets a stable voice of its gender from the configured list', async () => {
    const backend = new ElevenLabsBackend({
      apiKey: KEY,
      voices: parseVoiceList('AAAAAAAAAAAAAAAAAAAA:female, BBBBBBBBBBBBBBBBBBBB:male,CCCCCCCCCCCCCCCCCCCC:female'),
    });
    const first = backend.voiceFor(VOICE);
    expect(['AAAAAAAAAAAAAAAAAAAA', 'CCCCCCCCCCCCCCCCCCCC']).toContain(first);
    expect(backend.voiceFor({ ...VOICE })).toBe(first);
    expect(backend.voiceFor({ ...VOICE, gender: 'male', variant: 'm7' })).toBe('BBBBBBBBBBBBBBBBBBBB');
    // Distinct characters spread over the voices.
    const picks = new Set(['f1', 'f2', 'f3', 'f4', 'f5', 'f6'].map((variant) => backend.voiceFor({ ...VOICE, variant })));
    expect(picks.size).toBe(2);
    // No voice of that gender configured: any configured voice rather than none.
    expect(['AAAAAAAAAAAAAAAAAAAA', 'BBBBBBBBBBBBBBBBBBBB', 'CCCCCCCCCCCCCCCCCCCC']).toContain(
      backend.voiceFor({ ...VOICE, gender: 'neutral' }),
    );
    expect(() => parseVoiceList('AAAAAAAAAAAAAAAAAAAA:robot')).toThrow('ELEVENLABS_VOICES[0]');
    expect(new ElevenLabsBackend({ apiKey: KEY }).voices).toEqual(DEFAULT_VOICES);
  });

  it('groups character alignment into words', () => {
    const chars = [...'  Hi, you. '];
    const starts = chars.map((_, i) => i / 10);
    const ends = chars.map((_, i) => (i + 1) / 10);
    expect(wordTimings(chars, starts, ends)).toEqual([
      { text: 'Hi,', startS: 0.2, endS: 0.5 },
      { text: 'you.', startS: 0.6, endS: 1 },
    ]);
  });

  it('sound effects: sound-generation → audio/mpeg bytes', async () => {
    server.reply({ fixture: 'elevenlabs-sound-ok' });
    const [, , sfx] = eleven();
    const { ctx } = callContext({ model: 'eleven_text_to_sound_v2' });
    const result = await sfx.run({ description: 'A door creaks open in an empty hall', durationS: 45 }, ctx);
    expect(server.requests[0]!.path).toBe('/v1/sound-generation?output_format=mp3_44100_128');
    expect(server.requests[0]!.body).toEqual({
      text: 'A door creaks open in an empty hall',
      duration_seconds: 30,
      model_id: 'eleven_text_to_sound_v2',
    });
    expect(result).toMatchObject({ mime: 'audio/mpeg', durationS: 30 });
    expect(Buffer.from(result.bytes).equals(fixtureFile('media/sfx.mp3'))).toBe(true);
    expect(sfx.costUsd({ description: 'x', durationS: 3 }, result, 'eleven_text_to_sound_v2')).toBe(0.12);
  });

  it('music: compose an instrumental of the requested length', async () => {
    server.reply({ fixture: 'elevenlabs-music-ok' });
    const [, music] = eleven();
    const { ctx } = callContext({ model: 'music_v1' });
    const result = await music.run(
      { mood: 'tense, nocturnal', durationS: 20, tempoBpm: 90, prompt: 'Low strings and a ticking clock.' },
      ctx,
    );
    expect(server.requests[0]!.path).toBe('/v1/music?output_format=mp3_44100_128');
    expect(server.requests[0]!.body).toEqual({
      prompt: 'Low strings and a ticking clock. Instrumental film score, tense, nocturnal mood. About 90 BPM. No vocals.',
      music_length_ms: 20_000,
      force_instrumental: true,
      model_id: 'music_v1',
    });
    expect(result).toMatchObject({ mime: 'audio/mpeg', durationS: 20 });
    expect(music.costUsd({ mood: 'x', durationS: 20 }, result, 'music_v1')).toBeCloseTo(0.1, 10);
  });

  it('maps a 429 with Retry-After to rate_limited, with no retry by the SDK', async () => {
    server.reply({ fixture: 'elevenlabs-429' }, { fixture: 'elevenlabs-429' }, { fixture: 'elevenlabs-429' });
    const [speech] = eleven();
    const { ctx } = callContext();
    const err = await failure(() => speech.run(LINE, ctx));
    expect(server.requests).toHaveLength(1);
    expect(err).toMatchObject({ provider: 'elevenlabs', failure: 'rate_limited', status: 429, retryAfterMs: 4000 });
    expect(err.message).toContain('Too many concurrent requests');
  });

  it.each([
    ['elevenlabs-500', 500],
    ['elevenlabs-503-html', 503],
  ])('maps %s to unavailable after one attempt', async (fixture, status) => {
    server.reply({ fixture }, { fixture }, { fixture });
    const [, , sfx] = eleven();
    const { ctx } = callContext();
    const err = await failure(() => sfx.run({ description: 'thunder', durationS: 3 }, ctx));
    expect(server.requests).toHaveLength(1);
    expect(err).toMatchObject({ failure: 'unavailable', status });
  });

  it('maps a dropped connection to unavailable', async () => {
    server.reply({ destroy: true });
    const [speech] = eleven();
    const { ctx } = callContext();
    expect(await failure(() => speech.run(LINE, ctx))).toMatchObject({ failure: 'unavailable' });
  });

  it('times out when the gateway aborts a hanging call', async () => {
    server.reply({ hang: true });
    const [speech] = eleven();
    const { ctx } = callContext({ timeoutMs: 150 });
    const started = performance.now();
    expect(await failure(() => speech.run(LINE, ctx))).toMatchObject({ failure: 'timeout' });
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('times out on its own backstop too', async () => {
    server.reply({ hang: true });
    const [speech] = eleven({ timeoutMs: 200 });
    const { ctx } = callContext();
    expect(await failure(() => speech.run(LINE, ctx))).toMatchObject({ failure: 'timeout' });
  });

  it.each([
    ['elevenlabs-tts-malformed', 'unreadable reply'],
    ['elevenlabs-tts-missing-alignment', '"alignment" is missing'],
    ['elevenlabs-tts-bad-audio', 'not base64 MP3 audio'],
  ])('speech: maps a malformed reply (%s) to bad_response', async (fixture, reason) => {
    server.reply({ fixture });
    const [speech] = eleven();
    const { ctx } = callContext();
    const err = await failure(() => speech.run(LINE, ctx));
    expect(err).toMatchObject({ failure: 'bad_response' });
    expect(err.message).toContain(reason);
  });

  it('sound effects: a JSON body where audio was promised is bad_response', async () => {
    server.reply({ fixture: 'elevenlabs-sound-json' });
    const [, , sfx] = eleven();
    const { ctx } = callContext();
    const err = await failure(() => sfx.run({ description: 'thunder', durationS: 3 }, ctx));
    expect(err).toMatchObject({ failure: 'bad_response' });
    expect(err.message).toContain('expected audio, got application/json');
  });

  it.each([
    ['elevenlabs-400', 'rejected', 400, 'maximum allowed for model'],
    ['elevenlabs-422', 'rejected', 422, 'body.text: Field required'],
    ['elevenlabs-401', 'auth', 401, 'Invalid API key'],
  ])('maps %s to %s', async (fixture, kind, status, text) => {
    server.reply({ fixture });
    const [speech] = eleven();
    const { ctx } = callContext();
    const err = await failure(() => speech.run(LINE, ctx));
    expect(err).toMatchObject({ failure: kind, status, retryable: false });
    expect(err.message).toContain(text);
  });

  it('keeps the key out of every error, log line and result, even when the provider echoes it', async () => {
    server.reply({ fixture: 'elevenlabs-401' }, { fixture: 'elevenlabs-tts-timestamps-ok' });
    const [speech] = eleven();
    const { ctx, logs } = callContext();
    const err = await failure(() => speech.run(LINE, ctx));
    expect(err.message).toContain('Invalid API key: [REDACTED]');
    const result = await speech.run(LINE, ctx);
    expect(logs.lines().length).toBeGreaterThanOrEqual(2);
    const everything = [
      inspect(err, { depth: null, showHidden: true }),
      JSON.stringify(err),
      logs.text,
      JSON.stringify({ ...result, bytes: undefined }),
      inspect(speech, { depth: 3 }),
    ].join('\n');
    expect(everything).not.toContain(KEY);
    expect(everything).not.toContain(KEY.slice(3, 30));
  });
});
