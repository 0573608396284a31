import { describe, expect, it } from 'vitest';
import { composeMusic, MUSIC_MOODS, synthesizeMusic } from '../src/music.ts';
import { decodeWav, rmsBetween, wavInfo } from '../src/wav.ts';
import { bandEnvelope, closestRepeat, envelopeDistance, peakOf, tiled } from './music-helpers.ts';

const RATE = 44_100;
const BODY = ['A', 'B', 'breakdown'];

describe('music composition', () => {
  it('lays out intro, phrases, cadence and ending back to back over exactly the duration', () => {
    for (const mood of MUSIC_MOODS)
      for (const durationS of [0.3, 3.3, 12, 45, 150])
        for (const seed of [1, 2, 3]) {
          const c = composeMusic({ mood, durationS, seed });
          const barS = (60 / c.tempoBpm) * c.beatsPerBar;
          expect(c.sections.at(-1)!.kind).toBe('ending');
          let t = 0;
          for (const s of c.sections) {
            expect(s.startS).toBeCloseTo(t, 2);
            expect(s.chords.length).toBe(s.kind === 'ending' ? 1 : s.bars);
            t += s.bars * barS;
          }
          // The final chord is held for at least a bar (or the whole of a bed shorter than two).
          const ending = c.sections.at(-1)!;
          expect(durationS - ending.startS).toBeGreaterThanOrEqual(Math.min(durationS, barS) - 1e-6);
          expect(durationS - ending.startS).toBeLessThan(2 * barS + 1e-6);
          expect(c.notes.every((n) => n.startS >= 0 && n.startS < durationS && n.durS > 0 && n.hz > 0)).toBe(true);
        }
  });

  it('writes several bars of changing chords, textures that change from phrase to phrase and a tune that comes and goes', () => {
    for (const mood of MUSIC_MOODS)
      for (const seed of [11, 12, 13, 14]) {
        const c = composeMusic({ mood, durationS: 150, seed });
        const chords = c.sections.flatMap((s) => s.chords);
        expect(new Set(chords).size, `${mood}/${seed} distinct chords`).toBeGreaterThanOrEqual(5);
        expect(c.sections[0]!.kind).toBe('intro');
        expect(c.sections.at(-2)!.kind).toBe('cadence');
        const body = c.sections.filter((s) => BODY.includes(s.kind));
        expect(body.length).toBeGreaterThanOrEqual(4);
        const textures = body.map((s) => s.layers.join('+'));
        expect(new Set(textures).size, `${mood}/${seed} textures`).toBeGreaterThanOrEqual(3);
        // Never the same texture for more than two phrases (about eight bars) running.
        for (let i = 2; i < textures.length; i++) expect(textures[i] === textures[i - 1] && textures[i] === textures[i - 2]).toBe(false);
        const withTune = body.filter((s) => s.layers.includes('melody')).length;
        expect(withTune, `${mood}/${seed} melody phrases`).toBeGreaterThan(0);
        expect(withTune).toBeLessThan(body.length);
        // The intro builds in: it is the quietest part, below the climax.
        expect(c.sections[0]!.energy).toBeLessThan(Math.max(...body.map((s) => s.energy)));
        expect(c.sections[0]!.layers).not.toContain('melody');
      }
  });

  it('resolves to the tonic of its key', () => {
    for (const mood of MUSIC_MOODS) {
      const c = composeMusic({ mood, durationS: 40, seed: 5 });
      const [root, mode] = c.key.split(' ') as [string, string];
      expect(c.sections.at(-1)!.chords[0]).toBe(mode === 'minor' ? `${root}m` : root);
    }
  });

  it('varies key, tempo, metre and progressions with the seed and keeps a given tempo', () => {
    for (const mood of MUSIC_MOODS) {
      const plans = new Set(
        Array.from({ length: 12 }, (_, seed) => {
          const c = composeMusic({ mood, durationS: 60, seed });
          return JSON.stringify([c.key, c.tempoBpm, c.beatsPerBar, c.sections.map((s) => s.chords)]);
        }),
      );
      expect(plans.size, mood).toBeGreaterThanOrEqual(10);
    }
    expect(composeMusic({ mood: 'tense', durationS: 20, seed: 1, tempoBpm: 140 }).tempoBpm).toBe(140);
  });

  it('maps free words onto moods and rejects bad input naming the field', () => {
    expect(composeMusic({ mood: 'a haunted house', durationS: 10, seed: 1 }).mood).toBe('eerie');
    expect(composeMusic({ mood: 'nothing in particular', durationS: 10, seed: 1 }).mood).toBe('neutral');
    expect(() => composeMusic({ mood: 'tense', durationS: 0, seed: 1 })).toThrow(/durationS/);
    expect(() => composeMusic({ mood: 'tense', durationS: 10, seed: 1.5 })).toThrow(/seed/);
  });
});

describe('music rendering', () => {
  it('lasts exactly the duration, to the sample', async () => {
    for (const durationS of [0.1, 2.345, 7.123, 61.77]) {
      const wav = await synthesizeMusic({ mood: 'playful', durationS, seed: 3 });
      const info = wavInfo(wav);
      expect(info).toMatchObject({ sampleRate: RATE, channels: 2, bitsPerSample: 16 });
      expect(Math.round(info.durationS * RATE)).toBe(Math.round(durationS * RATE));
      expect(wav.byteLength).toBe(44 + Math.round(durationS * RATE) * 4);
    }
  });

  it('gives the same bytes for the same input and a different bed for another seed', async () => {
    const input = { mood: 'tense', durationS: 30, seed: 42 };
    const a = await synthesizeMusic(input);
    const b = await synthesizeMusic(input);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    const c = await synthesizeMusic({ ...input, seed: 43 });
    expect(Buffer.from(a).equals(Buffer.from(c))).toBe(false);
    // Not just different bytes: a different-sounding bed (its band envelope, frame by frame).
    const ea = bandEnvelope(decodeWav(a));
    const ec = bandEnvelope(decodeWav(c));
    expect(envelopeDistance(ea, ec, 0, 10)).toBeGreaterThan(2);
  });

  it.each(MUSIC_MOODS)('%s: a 60 s bed does not repeat itself the way a loop does', async (mood) => {
    const w = decodeWav(await synthesizeMusic({ mood, durationS: 60, seed: 1 }));
    const own = closestRepeat(w);
    expect(own.db, `closest repeat at ${own.lagS} s`).toBeGreaterThan(1);
    // The detector finds a loop: the same bed's 9.73 s from 10 s on, repeated.
    const loop = closestRepeat(tiled(w, 10, 9.73, 60));
    expect(loop.db).toBeLessThan(0.4);
    // …at the loop's period or a multiple of it.
    const cycles = Math.round(loop.lagS / 9.73);
    expect(cycles).toBeGreaterThanOrEqual(1);
    expect(Math.abs(loop.lagS - cycles * 9.73)).toBeLessThan(0.15);
  });

  it.each(MUSIC_MOODS)('%s: fades in, plays, fades to silence on the last sample, never clips', async (mood) => {
    const durationS = 24;
    const w = decodeWav(await synthesizeMusic({ mood, durationS, seed: 9 }));
    const body = rmsBetween(w, 4, durationS - 4);
    expect(body).toBeGreaterThan(0.03);
    expect(rmsBetween(w, 0, 0.05)).toBeLessThan(body * 0.05);
    // The last second falls away to nothing.
    const last = [0, 1, 2, 3].map((q) => rmsBetween(w, durationS - 1 + q * 0.25, durationS - 0.75 + q * 0.25));
    for (let q = 1; q < 4; q++) expect(last[q]!).toBeLessThan(last[q - 1]!);
    expect(last[3]!).toBeLessThan(body * 0.05);
    expect(w.samples.at(-1)).toBe(0);
    expect(w.samples.at(-2)).toBe(0);
    // Normalised with the peak at or under -1 dBFS (one 16-bit step of rounding allowed).
    expect(peakOf(w)).toBeLessThanOrEqual(10 ** (-1 / 20) + 1 / 32768);
    expect(peakOf(w)).toBeGreaterThan(0.1);
  });

  it('stops when its signal fires', async () => {
    await expect(synthesizeMusic({ mood: 'tender', durationS: 120, seed: 1 }, { signal: AbortSignal.abort() })).rejects.toMatchObject({
      code: 'MEDIA_ABORTED',
    });
    const ctl = new AbortController();
    const run = synthesizeMusic({ mood: 'tender', durationS: 600, seed: 1 }, { signal: ctl.signal });
    setTimeout(() => ctl.abort(), 20);
    await expect(run).rejects.toMatchObject({ code: 'MEDIA_ABORTED' });
  });
});
