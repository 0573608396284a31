import { type Biquad, gatedLoudness, kWeighting } from '@automovie/media';

/**
 * Integrated loudness (ITU-R BS.1770-4 / EBU R128) of interleaved PCM: K-weighting (a high-shelf
 * and a high-pass biquad, coefficients derived for the sample rate), 400 ms blocks every 100 ms,
 * an absolute gate at -70 LUFS and a relative gate 10 LU under the absolute-gated mean. Channels
 * are weighted 1 (mono, stereo). -Infinity for silence or audio shorter than one block.
 */
export function integratedLoudness(samples: Float32Array, sampleRate: number, channels: number): number {
  const frames = Math.floor(samples.length / channels);
  const block = Math.round(0.4 * sampleRate);
  const step = Math.round(0.1 * sampleRate);
  if (frames < block) return Number.NEGATIVE_INFINITY;

  // Per-frame K-weighted power, summed over channels.
  const power = new Float64Array(frames);
  const [s1, s2] = kWeighting(sampleRate);
  for (let c = 0; c < channels; c++) {
    const f1 = biquad(s1);
    const f2 = biquad(s2);
    for (let i = 0; i < frames; i++) {
      const y = f2(f1(samples[i * channels + c]!));
      power[i] = power[i]! + y * y;
    }
  }
  // Prefix sums make every block's mean square one subtraction.
  const prefix = new Float64Array(frames + 1);
  for (let i = 0; i < frames; i++) prefix[i + 1] = prefix[i]! + power[i]!;
  const z: number[] = [];
  for (let start = 0; start + block <= frames; start += step) z.push((prefix[start + block]! - prefix[start]!) / block);

  return gatedLoudness(z);
}

function biquad(c: Biquad): (x: number) => number {
  let x1 = 0;
  let x2 = 0;
  let y1 = 0;
  let y2 = 0;
  return (x) => {
    const y = c.b0 * x + c.b1 * x1 + c.b2 * x2 - c.a1 * y1 - c.a2 * y2;
    x2 = x1;
    x1 = x;
    y2 = y1;
    y1 = y;
    return y;
  };
}
