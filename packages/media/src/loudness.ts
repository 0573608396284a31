/**
 * The parts of ITU-R BS.1770-4 / EBU R128 integrated loudness that every meter shares: the
 * K-weighting filters for a sample rate and the gating of 400 ms block powers. Callers feed the
 * filters and cut the blocks their own way (a whole buffer at once, or streaming).
 */

export type Biquad = { b0: number; b1: number; b2: number; a1: number; a2: number };

/** The two K-weighting stages for a sample rate (the BS.1770 analogue prototypes, bilinear-transformed). */
export function kWeighting(fs: number): [Biquad, Biquad] {
  // Stage 1: high shelf, +4 dB above ~1.7 kHz (the head's acoustic effect).
  const k = Math.tan((Math.PI * 1681.974450955533) / fs);
  const q1 = 0.7071752369554196;
  const vh = 10 ** (3.999843853973347 / 20);
  const vb = vh ** 0.4996667741545416;
  const a0 = 1 + k / q1 + k * k;
  const shelf: Biquad = {
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
  const highpass: Biquad = { b0: 1, b1: -2, b2: 1, a1: (2 * (k2 * k2 - 1)) / d, a2: (1 - k2 / q2 + k2 * k2) / d };
  return [shelf, highpass];
}

/**
 * Integrated loudness (LUFS) from the mean squares of the K-weighted 400 ms blocks (channels
 * summed): an absolute gate at -70 LUFS, then a relative gate 10 LU under the absolute-gated mean.
 * -Infinity when no block passes (silence, or no block at all).
 */
export function gatedLoudness(blockMeanSquares: readonly number[]): number {
  const lufs = (ms: number) => -0.691 + 10 * Math.log10(ms);
  const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const absGated = blockMeanSquares.filter((ms) => lufs(ms) > -70);
  if (absGated.length === 0) return Number.NEGATIVE_INFINITY;
  const relGate = lufs(mean(absGated)) - 10;
  return lufs(mean(absGated.filter((ms) => lufs(ms) > relGate)));
}
