import type { DecodedWav } from '../src/wav.ts';

/**
 * Band-energy envelope of a decoded WAV: per `hopS` frame, the level in dB of four bands (under
 * 200 Hz, 200–800 Hz, 800 Hz–3 kHz, above) split by one-pole low-passes of the channel mean.
 */
export function bandEnvelope(w: DecodedWav, hopS = 0.1): Float64Array[] {
  const fs = w.sampleRate;
  const frames = Math.floor(w.samples.length / w.channels);
  const hop = Math.round(hopS * fs);
  const cut = [200, 800, 3000].map((f) => 1 - Math.exp((-2 * Math.PI * f) / fs));
  const st = [0, 0, 0];
  const out: Float64Array[] = [];
  let acc = new Float64Array(4);
  for (let i = 0; i < frames; i++) {
    let x = 0;
    for (let c = 0; c < w.channels; c++) x += w.samples[i * w.channels + c]!;
    x /= w.channels;
    for (let b = 0; b < 3; b++) st[b]! += cut[b]! * (x - st[b]!);
    acc[0]! += st[0]! ** 2;
    acc[1]! += (st[1]! - st[0]!) ** 2;
    acc[2]! += (st[2]! - st[1]!) ** 2;
    acc[3]! += (x - st[2]!) ** 2;
    if ((i + 1) % hop === 0) {
      out.push(acc.map((a) => 10 * Math.log10(a / hop + 1e-10)));
      acc = new Float64Array(4);
    }
  }
  return out;
}

/** Mean absolute dB difference between two envelopes frame by frame, `b` read `lag` frames later, skipping `skip` frames at both ends. */
export function envelopeDistance(a: Float64Array[], b: Float64Array[], lag = 0, skip = 0): number {
  let sum = 0;
  let n = 0;
  for (let k = skip; k + lag < Math.min(a.length, b.length) - skip; k++)
    for (let band = 0; band < 4; band++) {
      sum += Math.abs(a[k]![band]! - b[k + lag]![band]!);
      n++;
    }
  return sum / n;
}

/**
 * How closely the bed repeats itself: the smallest envelope distance between the bed and itself
 * shifted by any lag from `minS` to `maxS` (the fades excluded). A loop of period P scores ~0 at P.
 */
export function closestRepeat(w: DecodedWav, minS = 4, maxS = 30, hopS = 0.1): { lagS: number; db: number } {
  const env = bandEnvelope(w, hopS);
  const skip = Math.round(3 / hopS);
  let best = { lagS: 0, db: Number.POSITIVE_INFINITY };
  for (let lag = Math.round(minS / hopS); lag <= Math.round(maxS / hopS); lag++) {
    const db = envelopeDistance(env, env, lag, skip);
    if (db < best.db) best = { lagS: lag * hopS, db };
  }
  return best;
}

/** `w` cut to `periodS` from `fromS` and repeated to `totalS`: what a looped bed is. */
export function tiled(w: DecodedWav, fromS: number, periodS: number, totalS: number): DecodedWav {
  const ch = w.channels;
  const from = Math.round(fromS * w.sampleRate) * ch;
  const period = Math.round(periodS * w.sampleRate) * ch;
  const samples = new Float32Array(Math.round(totalS * w.sampleRate) * ch);
  for (let i = 0; i < samples.length; i++) samples[i] = w.samples[from + (i % period)]!;
  return { ...w, samples };
}

/** The largest absolute sample. */
export function peakOf(w: DecodedWav): number {
  let p = 0;
  for (const s of w.samples) p = Math.max(p, Math.abs(s));
  return p;
}
