import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type TempDir, tempDir } from '@automovie/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cameraMoveVideo } from '../src/camera.ts';
import { concatMedia, thumbnail, transcode, trimMedia } from '../src/convert.ts';
import { mixAudio } from '../src/mix.ts';
import { synthesizeMusic } from '../src/music.ts';
import { probeMedia } from '../src/probe.ts';
import { synthesizeSoundEffect } from '../src/sound-effects.ts';
import { synthesizeSpeech } from '../src/speech.ts';
import { formatSrt } from '../src/subtitles.ts';
import { renderTimeline } from '../src/timeline.ts';
import { type DecodedWav, decodeWav, rmsBetween, wavInfo } from '../src/wav.ts';

let tmp: TempDir;
const at = (name: string) => join(tmp.path, name);

/** A still for the video tests: a colour field with a grid (so moves change the pixels). */
function makeStill(path: string, colour: string, w = 480, h = 270): void {
  execFileSync('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `color=c=${colour}:s=${w}x${h},drawgrid=w=60:h=60:t=6:c=white`,
    '-frames:v',
    '1',
    path,
  ]);
}

/** One frame as raw grey bytes (ffmpeg decodes; we compare). */
function grabFrame(path: string, atS: number, w = 160, h = 90): Buffer {
  return execFileSync('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-ss',
    String(atS),
    '-i',
    path,
    '-frames:v',
    '1',
    '-vf',
    `scale=${w}:${h}`,
    '-f',
    'rawvideo',
    '-pix_fmt',
    'gray',
    '-',
  ]);
}

/** Mean absolute difference of two grey frames of one width, over the rows from `fromRow` (a fraction of the height) down. */
function meanAbsDiff(a: Buffer, b: Buffer, fromRow = 0, width = 160): number {
  const start = Math.floor((a.length * fromRow) / width) * width;
  let sum = 0;
  for (let i = start; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / (a.length - start);
}

/** Goertzel power of one frequency in a window (left channel): the music tone, apart from the dialogue tone. */
function tonePower(wav: DecodedWav, hz: number, fromS: number, toS: number): number {
  const from = Math.floor(fromS * wav.sampleRate);
  const to = Math.floor(toS * wav.sampleRate);
  const k = (2 * Math.PI * hz) / wav.sampleRate;
  const c = 2 * Math.cos(k);
  let s1 = 0;
  let s2 = 0;
  for (let i = from; i < to; i++) {
    const s0 = wav.samples[i * wav.channels]! + c * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return (s1 * s1 + s2 * s2 - c * s1 * s2) / (to - from) ** 2;
}

beforeAll(async () => {
  tmp = await tempDir('automovie-media-int-');
  makeStill(at('red.png'), '0xc03030');
  makeStill(at('green.png'), '0x30a040');
  makeStill(at('blue.png'), '0x3040c0');
});
afterAll(async () => {
  await tmp.remove();
});

describe('speech (espeak-ng)', () => {
  it('speaks with measured word timings, and two voices sound different', async () => {
    const text = 'Get back to the truck, we do not have much time.';
    const a = await synthesizeSpeech({ text, voice: { gender: 'female', pitch: 70, rate: 170, variant: 'f3' } });
    const info = wavInfo(a.wav);
    expect(info).toMatchObject({ sampleRate: 22050, channels: 1, bitsPerSample: 16 });
    expect(a.durationS).toBeGreaterThan(1);
    expect(Math.abs(info.durationS - a.durationS)).toBeLessThan(0.001);
    expect(a.timings.map((t) => t.text)).toEqual(text.split(' '));
    let prev = 0;
    for (const t of a.timings) {
      expect(t.startS).toBeGreaterThanOrEqual(prev);
      expect(t.endS).toBeGreaterThan(t.startS);
      prev = t.endS;
    }
    expect(prev).toBeLessThanOrEqual(a.durationS);
    // Trimmed: speech starts within the lead-in and ends within the tail.
    expect(a.timings[0]!.startS).toBeLessThan(0.1);
    expect(a.durationS - prev).toBeLessThan(0.2);
    // The measured spans hold the sound: each word is louder than the quietest gap between words.
    const pcm = decodeWav(a.wav);
    for (const t of a.timings) expect(rmsBetween(pcm, t.startS, t.endS)).toBeGreaterThan(0.01);

    const b = await synthesizeSpeech({ text, voice: { gender: 'male', pitch: 30, rate: 150, variant: 'm3' } });
    expect(b.durationS).not.toBeCloseTo(a.durationS, 2);
    expect(Buffer.from(b.wav).equals(Buffer.from(a.wav))).toBe(false);
  });

  it('rejects text without words', async () => {
    await expect(synthesizeSpeech({ text: ' — ', voice: { gender: 'male', pitch: 50, rate: 160, variant: 'm1' } })).rejects.toMatchObject({
      code: 'MEDIA_INVALID_INPUT',
    });
  });
});

describe('music and effects (ffmpeg)', () => {
  it('makes a music bed of the exact length, loud enough, varying with the seed', async () => {
    const a = await synthesizeMusic({ mood: 'a tense chase', durationS: 3.3, seed: 1 });
    const info = wavInfo(a);
    expect(info).toMatchObject({ sampleRate: 44100, channels: 2, bitsPerSample: 16 });
    expect(Math.abs(info.durationS - 3.3)).toBeLessThan(0.02);
    expect(rmsBetween(decodeWav(a), 0.5, 2.5)).toBeGreaterThan(0.02);
    const b = await synthesizeMusic({ mood: 'tense', durationS: 3.3, seed: 2 });
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
  });

  it('makes ambience from keywords and room tone otherwise', async () => {
    for (const description of ['rain on the window', 'nothing in particular']) {
      const wav = await synthesizeSoundEffect({ description, durationS: 1.7, seed: 3 });
      const info = wavInfo(wav);
      expect(Math.abs(info.durationS - 1.7)).toBeLessThan(0.02);
      expect(rmsBetween(decodeWav(wav), 0.2, 1.3)).toBeGreaterThan(0.005);
    }
  });
});

describe('video (ffmpeg)', () => {
  it('renders a push-in over a still as H.264 whose frames change', async () => {
    const mp4 = await cameraMoveVideo({
      image: await readFile(at('red.png')),
      durationS: 1.5,
      movement: 'push_in',
      width: 320,
      height: 180,
      fps: 24,
    });
    await writeFile(at('push.mp4'), mp4);
    const p = await probeMedia(at('push.mp4'));
    const v = p.streams.find((s) => s.type === 'video')!;
    expect(v).toMatchObject({ codec: 'h264', width: 320, height: 180, fps: 24 });
    expect(Math.abs(p.durationS - 1.5)).toBeLessThanOrEqual(0.1);
    expect(meanAbsDiff(grabFrame(at('push.mp4'), 0), grabFrame(at('push.mp4'), 1.4))).toBeGreaterThan(2);
  });

  it('renders a timeline with fades, audio and burnt-in subtitles at the sum of the clip lengths', async () => {
    await writeFile(at('bed.wav'), await synthesizeMusic({ mood: 'tender', durationS: 2, seed: 4 }));
    const base = {
      width: 320,
      height: 180,
      fps: 24,
      format: 'mp4' as const,
      clips: [
        {
          path: at('red.png'),
          kind: 'image' as const,
          durationS: 1.2,
          movement: 'push_in' as const,
          transition: 'fade' as const,
          transitionS: 0.4,
        },
        {
          path: at('green.png'),
          kind: 'image' as const,
          durationS: 1.0,
          movement: 'pan_right' as const,
          transition: 'dissolve' as const,
          transitionS: 0.4,
        },
        {
          path: at('push.mp4'),
          kind: 'video' as const,
          durationS: 1.1,
          movement: 'static' as const,
          transition: 'fade' as const,
          transitionS: 0.3,
        },
      ],
      audioPath: at('bed.wav'),
    };
    const fractions: number[] = [];
    const subs = formatSrt([{ startS: 0.5, endS: 2.0, text: 'WHERE IS EVERYONE' }]);
    const r = await renderTimeline({ ...base, subtitlesSrt: subs, outPath: at('tl.mp4') }, { onProgress: (f) => fractions.push(f) });
    expect(Math.abs(r.durationS - 3.3)).toBeLessThanOrEqual(0.1);
    const p = await probeMedia(at('tl.mp4'));
    expect(p.streams.find((s) => s.type === 'video')).toMatchObject({ codec: 'h264', width: 320, height: 180 });
    expect(p.streams.find((s) => s.type === 'audio')).toMatchObject({ codec: 'aac' });
    expect(fractions.at(-1)).toBe(1);
    expect(fractions.every((f, i) => i === 0 || f >= fractions[i - 1]!)).toBe(true);

    await renderTimeline({ ...base, outPath: at('tl-nosubs.mp4') });
    // Same picture except the subtitle: the bottom of the frame differs at a cue time, far less outside it
    // (only encoder noise differs there).
    const bottom = (t: number) => meanAbsDiff(grabFrame(at('tl.mp4'), t, 320, 180), grabFrame(at('tl-nosubs.mp4'), t, 320, 180), 0.7, 320);
    const during = bottom(1.0);
    const after = bottom(2.8);
    expect(during).toBeGreaterThan(2);
    expect(during).toBeGreaterThan(3 * after);
  });

  it('aborts a render when the signal fires', async () => {
    const ac = new AbortController();
    const run = renderTimeline(
      {
        width: 640,
        height: 360,
        fps: 24,
        format: 'mp4',
        clips: [{ path: at('blue.png'), kind: 'image', durationS: 60, movement: 'tracking', transition: 'cut', transitionS: 0 }],
        outPath: at('aborted.mp4'),
      },
      { signal: ac.signal, onProgress: () => ac.abort() },
    );
    await expect(run).rejects.toMatchObject({ code: 'MEDIA_ABORTED' });
  });

  it('transcodes to WebM (VP9 + Opus), trims, concatenates and takes a thumbnail', async () => {
    const webm = await transcode({ input: at('tl.mp4'), output: at('tl.webm'), format: 'webm', width: 160 });
    expect(Math.abs(webm.durationS - 3.3)).toBeLessThan(0.15);
    const p = await probeMedia(at('tl.webm'));
    expect(p.streams.find((s) => s.type === 'video')).toMatchObject({ codec: expect.stringMatching(/^vp[89]$/), width: 160, height: 90 });
    expect(p.streams.find((s) => s.type === 'audio')).toMatchObject({ codec: 'opus' });

    const trimmed = await trimMedia({ input: at('tl.mp4'), output: at('cut.mp4'), startS: 0.5, endS: 1.5 });
    expect(Math.abs(trimmed.durationS - 1)).toBeLessThan(0.1);
    const joined = await concatMedia({ inputs: [at('cut.mp4'), at('push.mp4')], output: at('joined.mp4') });
    expect(Math.abs(joined.durationS - 2.5)).toBeLessThan(0.15);

    await thumbnail({ input: at('tl.mp4'), output: at('thumb.png'), atS: 1, width: 120 });
    const thumbProbe = await probeMedia(at('thumb.png'));
    expect(thumbProbe.streams[0]).toMatchObject({ codec: 'png', width: 120, height: 68 });
  });
});

describe('mix (ffmpeg)', () => {
  it('places dialogue, ducks the music under it and lasts exactly durationS', async () => {
    const tone = (file: string, hz: number, d: number) =>
      execFileSync('ffmpeg', [
        '-hide_banner',
        '-loglevel',
        'error',
        '-y',
        '-f',
        'lavfi',
        '-i',
        `sine=f=${hz}:d=${d}:r=48000`,
        '-af',
        'volume=2.4',
        file,
      ]);
    tone(at('music.wav'), 220, 2);
    tone(at('line.wav'), 1000, 1.5);
    const spec = { durationS: 5.5, dialogue: [{ path: at('line.wav'), startS: 3 }], music: { path: at('music.wav') } };
    const ducked = await mixAudio({ ...spec, outPath: at('ducked.wav') });
    expect(ducked.durationS).toBe(5.5);
    const flat = await mixAudio({ ...spec, ducking: false, outPath: at('flat.wav') });
    expect(flat.durationS).toBe(5.5);
    const d = decodeWav(await readFile(at('ducked.wav')));
    const f = decodeWav(await readFile(at('flat.wav')));
    expect(wavInfo(await readFile(at('ducked.wav')))).toMatchObject({ sampleRate: 48000, channels: 2, durationS: 5.5 });
    // Tones at speech-like levels (0.3 peak). Music (220 Hz) under the dialogue relative to before
    // it: with ducking it drops by > 6 dB more than in the plain mix.
    const drop = (w: DecodedWav) => 10 * Math.log10(tonePower(w, 220, 3.6, 4.3) / tonePower(w, 220, 1.8, 2.6));
    expect(drop(d) - drop(f)).toBeLessThan(-6);
    // The music bed loops to fill the length (it is only 2 s long).
    expect(rmsBetween(f, 5.0, 5.4)).toBeGreaterThan(0.01);
  });
});
