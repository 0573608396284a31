import { kWeighting } from '@automovie/media';
import { describe, expect, it } from 'vitest';
import { integratedLoudness } from '../src/loudness.ts';

function sine(freq: number, amp: number, seconds: number, rate: number, channels: number): Float32Array {
  const n = Math.round(seconds * rate);
  const out = new Float32Array(n * channels);
  for (let i = 0; i < n; i++) for (let c = 0; c < channels; c++) out[i * channels + c] = amp * Math.sin((2 * Math.PI * freq * i) / rate);
  return out;
}

describe('integratedLoudness (BS.1770)', () => {
  it('derives the published 48 kHz K-weighting coefficients', () => {
    const [shelf, hp] = kWeighting(48_000);
    expect(shelf.b0).toBeCloseTo(1.53512485958697, 6);
    expect(shelf.b1).toBeCloseTo(-2.69169618940638, 6);
    expect(shelf.b2).toBeCloseTo(1.19839281085285, 6);
    expect(shelf.a1).toBeCloseTo(-1.69065929318241, 6);
    expect(shelf.a2).toBeCloseTo(0.73248077421585, 6);
    expect(hp.a1).toBeCloseTo(-1.99004745483398, 6);
    expect(hp.a2).toBeCloseTo(0.99007225036621, 6);
  });

  it('reads a 1 kHz full-scale-minus-20 dB stereo sine as about -20 LUFS (EBU Tech 3341 case 1 is -23 for -23 dBFS)', () => {
    // A 1 kHz sine at -23 dBFS peak per channel, stereo, measures -23 LUFS (the K-weighting is ~0 dB at 1 kHz, +3 dB for two channels, -3 dB for sine RMS).
    const amp = 10 ** (-23 / 20);
    expect(integratedLoudness(sine(1000, amp, 5, 48_000, 2), 48_000, 2)).toBeCloseTo(-23, 0);
  });

  it('gates out silence: a tone with a long silent tail measures like the tone', () => {
    const rate = 44_100;
    const tone = sine(1000, 0.1, 3, rate, 1);
    const withSilence = new Float32Array(tone.length * 3);
    withSilence.set(tone);
    expect(integratedLoudness(withSilence, rate, 1)).toBeCloseTo(integratedLoudness(tone, rate, 1), 0);
  });

  it('is -Infinity for silence and for audio shorter than one 400 ms block', () => {
    expect(integratedLoudness(new Float32Array(48_000), 48_000, 1)).toBe(Number.NEGATIVE_INFINITY);
    expect(integratedLoudness(sine(1000, 0.5, 0.2, 48_000, 1), 48_000, 1)).toBe(Number.NEGATIVE_INFINITY);
  });
});
