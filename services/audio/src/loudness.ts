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

  const lufs = (ms: number) => -0.691 + 10 * Math.log10(ms);
  const absGated = z.filter((ms) => lufs(ms) > -70);
  if (absGated.length === 0) return Number.NEGATIVE_INFINITY;
  const relGate = lufs(mean(absGated)) - 10;
  const gated = absGated.filter((ms) => lufs(ms) > relGate);
  return lufs(mean(gated));
}

function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

type Coefficients = { b0: number; b1: number; b2: number; a1: number; a2: number };

/** The two K-weighting stages for a sample rate (the BS.1770 analogue prototypes, bilinear-transformed). */
export function kWeighting(fs: number): [Coefficients, Coefficients] {
  // Stage 1: high shelf, +4 dB above ~1.7 kHz (the head's acoustic effect).
  const k = Math.tan((Math.PI * 1681.974450955533) / fs);
  const q1 = 0.7071752369554196;
  const vh = 10 ** (3.999843853973347 / 20);
  const vb = vh ** 0.4996667741545416;
  const a0 = 1 + k / q1 + k * k;
  const shelf: Coefficients = {
    b0: (vh + (vb * k) / q1 + k * k) / a0,
    b1: (2 * (k * k - vh)) / a0,
    b2: (vh - (vb * k) / q1 + k * k) / a0,
    a1: (2 * (k * k - 1)) / a0,
    a2: (1 - k / q1 + k * k) / a0,
  };
  // Stage 2: the RLB high-pass at ~38 Hz.
  const k2 = Math.tan((Math.PI * 38.13547087602444) / fs);
  const q2 = 0.5003270373238773;
  const d = 1 + k2 / q2 + k2 * k2;
  const highpass: Coefficients = { b0: 1, b1: -2, b2: 1, a1: (2 * (k2 * k2 - 1)) / d, a2: (1 - k2 / q2 + k2 * k2) / d };
  return [shelf, highpass];
}

function biquad(c: Coefficients): (x: number) => number {
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
