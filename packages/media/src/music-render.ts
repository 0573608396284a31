import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { abortedError } from './errors.ts';
import { type Biquad, gatedLoudness, kWeighting } from './loudness.ts';
import type { Bus, Composition, ScoreNote, Timbre } from './music-compose.ts';
import { seededRandom } from './random.ts';

const OUT_RATE = 44_100;
/** Voices, reverb and meter run at half rate (the bed is low-passed well under 11 kHz); one interpolator doubles it at the end. */
const RATE = 22_050;
/** Taps on each side of the half-band interpolator. */
const HALF_TAPS = 8;
const TABLE = 2048;
const NOISE = 32_768;
/** Frames per render block; the event loop gets a turn every few blocks (the brain renders beds in-process). */
const BLOCK = 4096;
const BLOCKS_PER_YIELD = 8;
/** Samples the loudness gain is applied to between turns of the event loop. */
const NORMALISE_SLICE = 1 << 20;
/** The level the voices are written at before loudness normalisation (a few dB of headroom). */
const PRE_GAIN = 1.6;
const CEILING = 10 ** (-1 / 20);

/** The odd phase of a 2x half-band interpolator: a Blackman-windowed sinc at ±0.5, ±1.5, … samples, unity at DC. */
const HALF_BAND = (() => {
  const c = Array.from({ length: HALF_TAPS }, (_, k) => {
    const t = k + 0.5;
    const sinc = Math.sin(Math.PI * t) / (Math.PI * t);
    const w = 0.42 + 0.5 * Math.cos((Math.PI * t) / (HALF_TAPS + 0.5)) + 0.08 * Math.cos((2 * Math.PI * t) / (HALF_TAPS + 0.5));
    return sinc * w;
  });
  const sum = 2 * c.reduce((a, b) => a + b, 0);
  return Float64Array.from(c, (x) => x / sum);
})();

/** Harmonic amplitudes of each oscillator's single-cycle wavetable. */
const HARMONICS: Record<Exclude<Timbre, 'noise'>, number[]> = {
  pad: [1, 0.5, 0.33, 0.22, 0.14, 0.09, 0.06, 0.04],
  brass: [1, 0.8, 0.6, 0.45, 0.32, 0.22, 0.15, 0.1, 0.07],
  hollow: [1, 0, 0.4, 0, 0.2, 0, 0.1],
  pluck: [1, 0.45, 0.25, 0.12, 0.06],
  glass: [1, 0, 0.3, 0, 0, 0.12],
  bass: [1, 0.4, 0.15, 0.05],
  sine: [1],
  lead: [1, 0.25, 0.18, 0.08, 0.05],
};

let tableCache: Record<Timbre, Float32Array> | undefined;

/** Wavetables with one guard sample (linear interpolation reads `i + 1`); the noise loop is fixed-seed, high-passed white noise. */
function tables(): Record<Timbre, Float32Array> {
  if (tableCache) return tableCache;
  const out = {} as Record<Timbre, Float32Array>;
  for (const [name, hs] of Object.entries(HARMONICS) as Array<[Exclude<Timbre, 'noise'>, number[]]>) {
    const t = new Float32Array(TABLE + 1);
    let peak = 0;
    for (let i = 0; i < TABLE; i++) {
      let v = 0;
      for (let h = 0; h < hs.length; h++) v += hs[h]! * Math.sin((2 * Math.PI * (h + 1) * i) / TABLE);
      t[i] = v;
      peak = Math.max(peak, Math.abs(v));
    }
    for (let i = 0; i < TABLE; i++) t[i] = t[i]! / peak;
    t[TABLE] = t[0]!;
    out[name] = t;
  }
  const rand = seededRandom(0x5eed);
  const noise = new Float32Array(NOISE + 1);
  let prev = 0;
  for (let i = 0; i < NOISE; i++) {
    const w = rand() * 2 - 1;
    noise[i] = (w - prev) * 0.5;
    prev = w;
  }
  noise[NOISE] = noise[0]!;
  out.noise = noise;
  tableCache = out;
  return out;
}

const BUSES: Bus[] = ['pad', 'drone', 'bass', 'lead', 'perc'];

interface Voice {
  start: number;
  end: number;
  tab: Float32Array;
  len: number;
  phase: number;
  inc: number;
  gainL: number;
  gainR: number;
  attack: number;
  release: number;
  decayK: number;
  tau: number;
  bus: number;
  vibrato: boolean;
  vibPhase: number;
  glideRatio: number;
  glideK: number;
}

function toVoice(n: ScoreNote, tabs: Record<Timbre, Float32Array>, frames: number): Voice {
  const start = Math.round(n.startS * RATE);
  const end = Math.min(frames, Math.max(start + 1, Math.round((n.startS + n.durS) * RATE)));
  const len = n.timbre === 'noise' ? NOISE : TABLE;
  // Equal-power pan.
  const angle = ((n.pan + 1) * Math.PI) / 4;
  const tau = n.decayS > 0 ? n.decayS * RATE : 0;
  return {
    start,
    end,
    tab: tabs[n.timbre],
    len,
    // Noise hits start at different places in the loop so no two sound alike.
    phase: n.timbre === 'noise' ? (start * 7919) % NOISE : 0,
    inc: n.timbre === 'noise' ? n.hz : (n.hz * TABLE) / RATE,
    gainL: n.amp * Math.cos(angle),
    gainR: n.amp * Math.sin(angle),
    attack: Math.max(1, Math.round(n.attackS * RATE)),
    release: Math.max(1, Math.min(end - start, Math.round(n.releaseS * RATE))),
    decayK: tau > 0 ? Math.exp(-1 / tau) : 1,
    tau,
    bus: BUSES.indexOf(n.bus),
    vibrato: n.vibrato === true,
    vibPhase: 0,
    glideRatio: n.glide ? n.glide.ratio - 1 : 0,
    glideK: n.glide ? Math.exp(-1 / (n.glide.tauS * RATE)) : 1,
  };
}

/** Adds the voice's samples inside [c0, c0 + n) to an interleaved stereo block. */
function renderVoice(v: Voice, buf: Float32Array, c0: number, n: number, sine: Float32Array): void {
  const from = Math.max(v.start, c0);
  const to = Math.min(v.end, c0 + n);
  if (to <= from) return;
  const { tab, len, gainL, gainR, attack, decayK } = v;
  const invAttack = 1 / attack;
  const invRelease = 1 / v.release;
  const relStart = v.end - v.release;
  let t = from - v.start;
  let dec = v.tau > 0 ? Math.exp(-t / v.tau) : 1;
  let phase = v.phase;
  let k = (from - c0) * 2;
  if (!v.vibrato && v.glideRatio === 0) {
    const inc = v.inc;
    for (let i = from; i < to; i++, t++) {
      let env = t < attack ? t * invAttack : 1;
      if (i > relStart) env *= (v.end - i) * invRelease;
      env *= dec;
      dec *= decayK;
      const ip = phase | 0;
      const a = tab[ip]!;
      const x = (a + (phase - ip) * (tab[ip + 1]! - a)) * env;
      phase += inc;
      if (phase >= len) phase -= len;
      buf[k++]! += x * gainL;
      buf[k++]! += x * gainR;
    }
  } else {
    // Vibrato (5.2 Hz, up to 0.35 %, fading in over the first 0.3 s) and the drums' falling pitch.
    let glide = v.glideRatio !== 0 ? v.glideRatio * v.glideK ** t : 0;
    const vibInc = (5.2 * TABLE) / RATE;
    const vibRamp = 0.3 * RATE;
    let vp = v.vibPhase;
    for (let i = from; i < to; i++, t++) {
      let env = t < attack ? t * invAttack : 1;
      if (i > relStart) env *= (v.end - i) * invRelease;
      env *= dec;
      dec *= decayK;
      let inc = v.inc * (1 + glide);
      glide *= v.glideK;
      if (v.vibrato) {
        const depth = t < vibRamp ? (0.0035 * t) / vibRamp : 0.0035;
        inc *= 1 + depth * sine[vp | 0]!;
        vp += vibInc;
        if (vp >= TABLE) vp -= TABLE;
      }
      const ip = phase | 0;
      const a = tab[ip]!;
      const x = (a + (phase - ip) * (tab[ip + 1]! - a)) * env;
      phase += inc;
      if (phase >= len) phase -= len;
      buf[k++]! += x * gainL;
      buf[k++]! += x * gainR;
    }
    v.vibPhase = vp;
  }
  v.phase = phase;
}

/** A small Freeverb-style stereo reverb: four damped feedback combs and two all-passes per side. */
class Reverb {
  readonly #combs: Array<{ buf: Float32Array; i: number; filt: number }>;
  readonly #aps: Array<{ buf: Float32Array; i: number }>;
  readonly #feedback: number;
  readonly #damp: number;

  constructor(size: number, damp: number) {
    // Freeverb's delays (in samples at 44.1 kHz), the right side spread by 23.
    const scale = (d: number) => Math.round((d * RATE) / 44_100);
    const combs = [1116, 1188, 1277, 1356];
    const aps = [556, 441];
    this.#combs = [...combs, ...combs.map((d) => d + 23)].map((d) => ({ buf: new Float32Array(scale(d)), i: 0, filt: 0 }));
    this.#aps = [...aps, ...aps.map((d) => d + 23)].map((d) => ({ buf: new Float32Array(scale(d)), i: 0 }));
    this.#feedback = size;
    this.#damp = damp;
  }

  /** Wet stereo of a mono send, interleaved into `out`. */
  process(send: Float32Array, out: Float32Array, n: number): void {
    const fb = this.#feedback;
    const damp = this.#damp;
    const undamp = 1 - damp;
    for (let side = 0; side < 2; side++) {
      const combs = this.#combs.slice(side * 4, side * 4 + 4);
      const aps = this.#aps.slice(side * 2, side * 2 + 2);
      for (const c of combs) {
        const { buf } = c;
        const size = buf.length;
        let { i, filt } = c;
        for (let f = 0; f < n; f++) {
          const y = buf[i]!;
          filt = y * undamp + filt * damp;
          buf[i] = send[f]! + filt * fb;
          out[f * 2 + side]! += y;
          if (++i === size) i = 0;
        }
        c.i = i;
        c.filt = filt;
      }
      for (const ap of aps) {
        const { buf } = ap;
        const size = buf.length;
        let { i } = ap;
        for (let f = 0; f < n; f++) {
          const x = out[f * 2 + side]!;
          const b = buf[i]!;
          out[f * 2 + side] = b - x;
          buf[i] = x + b * 0.5;
          if (++i === size) i = 0;
        }
        ap.i = i;
      }
    }
  }
}

/** Streaming integrated loudness (BS.1770: K-weighted 400 ms blocks every 100 ms, absolute and relative gates). */
class LoudnessMeter {
  readonly #f: [Biquad, Biquad];
  /** Direct-form II state per channel and stage. */
  readonly #z = new Float64Array(8);
  readonly #sub: number[] = [];
  readonly #subLen = RATE / 10;
  #acc = 0;
  #count = 0;

  constructor() {
    this.#f = kWeighting(RATE);
  }

  push(l: number, r: number): void {
    const [s1, s2] = this.#f;
    const z = this.#z;
    let p = 0;
    for (let c = 0; c < 2; c++) {
      const x = c === 0 ? l : r;
      const o = c * 4;
      const w1 = x - s1.a1 * z[o]! - s1.a2 * z[o + 1]!;
      const y1 = s1.b0 * w1 + s1.b1 * z[o]! + s1.b2 * z[o + 1]!;
      z[o + 1] = z[o]!;
      z[o] = w1;
      const w2 = y1 - s2.a1 * z[o + 2]! - s2.a2 * z[o + 3]!;
      const y2 = w2 - 2 * z[o + 2]! + z[o + 3]!;
      z[o + 3] = z[o + 2]!;
      z[o + 2] = w2;
      p += y2 * y2;
    }
    this.#acc += p;
    if (++this.#count === this.#subLen) {
      this.#sub.push(this.#acc);
      this.#acc = 0;
      this.#count = 0;
    }
  }

  /** LUFS; -Infinity for silence or less than one block. */
  integrated(): number {
    const blocks: number[] = [];
    for (let i = 0; i + 4 <= this.#sub.length; i++)
      blocks.push((this.#sub[i]! + this.#sub[i + 1]! + this.#sub[i + 2]! + this.#sub[i + 3]!) / (4 * this.#subLen));
    return gatedLoudness(blocks);
  }
}

function wavHeader(out: Uint8Array, frames: number): void {
  const view = new DataView(out.buffer, out.byteOffset, 44);
  const ascii = (at: number, s: string) => {
    for (let i = 0; i < s.length; i++) out[at + i] = s.charCodeAt(i);
  };
  const dataBytes = frames * 4;
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + dataBytes, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, 2, true);
  view.setUint32(24, OUT_RATE, true);
  view.setUint32(28, OUT_RATE * 4, true);
  view.setUint16(32, 4, true);
  view.setUint16(34, 16, true);
  ascii(36, 'data');
  view.setUint32(40, dataBytes, true);
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Renders a composition to a 44.1 kHz stereo 16-bit WAV of exactly `durationS` (to the sample):
 * wavetable voices into five buses (pad tremolo, drone swell), a reverb on the sends, a gentle
 * low-pass, fades, then one gain that brings the integrated loudness to the composition's target
 * with the peak kept under -1 dBFS.
 */
export async function renderComposition(c: Composition, opts: { signal?: AbortSignal } = {}): Promise<Uint8Array> {
  const frames = Math.round(c.durationS * OUT_RATE);
  const out = new Uint8Array(44 + frames * 4);
  wavHeader(out, frames);
  const pcm = new Int16Array(out.buffer, out.byteOffset + 44, frames * 2);
  // Half-rate frames enough to interpolate every output frame (the interpolator looks HALF_TAPS ahead).
  const genFrames = Math.ceil(frames / 2) + HALF_TAPS + 1;
  const r = new BedRenderer(c, pcm, frames, genFrames);
  for (let c0 = 0, block = 0; c0 < genFrames; c0 += BLOCK, block++) {
    if (block % BLOCKS_PER_YIELD === BLOCKS_PER_YIELD - 1) await yieldToLoop();
    if (opts.signal?.aborted) throw abortedError(opts.signal);
    r.block(c0, Math.min(BLOCK, genFrames - c0));
  }
  const map = r.normalisation();
  if (map)
    for (let at = 0; at < pcm.length; at += NORMALISE_SLICE) {
      await yieldToLoop();
      const end = Math.min(pcm.length, at + NORMALISE_SLICE);
      for (let i = at; i < end; i++) pcm[i] = map[pcm[i]! + 32768]!;
    }
  if (!LITTLE_ENDIAN) for (let i = 0; i < pcm.length; i++) pcm[i] = ((pcm[i]! & 0xff) << 8) | ((pcm[i]! >> 8) & 0xff);
  return out;
}

/** The block-by-block state of one render (kept out of the async loop so the hot loops run on plain locals). */
class BedRenderer {
  readonly #c: Composition;
  readonly #pcm: Int16Array;
  readonly #frames: number;
  readonly #sine: Float32Array;
  readonly #voices: Voice[];
  #next = 0;
  #active: Voice[] = [];
  readonly #buses = BUSES.map(() => new Float32Array(BLOCK * 2));
  readonly #sends: number[];
  readonly #send = new Float32Array(BLOCK);
  readonly #mix = new Float32Array(BLOCK * 2);
  /** Half-rate frames awaiting interpolation: 2·HALF_TAPS carried from the last block, then this block's. */
  readonly #hist = new Float32Array((BLOCK + 2 * HALF_TAPS) * 2);
  /** The next output frame to write and the half-rate frame it comes from. */
  #outAt = 0;
  #nextGen = 0;
  readonly #fadeIn: number;
  readonly #fadeOut: number;
  readonly #reverb: Reverb;
  readonly #meter = new LoudnessMeter();
  #lpL = 0;
  #lpR = 0;
  #tremPhase = 0;
  #swellPhase = 0;
  #peak = 0;

  constructor(c: Composition, pcm: Int16Array, frames: number, genFrames: number) {
    this.#c = c;
    this.#pcm = pcm;
    this.#frames = frames;
    this.#fadeIn = Math.max(1, Math.round(c.sound.fadeInS * OUT_RATE));
    this.#fadeOut = Math.max(2, Math.min(frames, Math.round(c.sound.fadeOutS * OUT_RATE)));
    const tabs = tables();
    this.#sine = tabs.sine;
    this.#voices = c.notes.map((n) => toVoice(n, tabs, genFrames)).filter((v) => v.start < genFrames);
    this.#voices.sort((a, b) => a.start - b.start);
    this.#sends = BUSES.map((b) => c.sound.sends[b] * 0.5);
    this.#reverb = new Reverb(c.sound.reverb.size, c.sound.reverb.damp);
  }

  block(c0: number, n: number): void {
    const buses = this.#buses;
    for (const b of buses) b.fill(0);
    const voices = this.#voices;
    while (this.#next < voices.length && voices[this.#next]!.start < c0 + n) this.#active.push(voices[this.#next++]!);
    for (const v of this.#active) renderVoice(v, buses[v.bus]!, c0, n, this.#sine);
    this.#active = this.#active.filter((v) => v.end > c0 + n);
    this.#modulate(n);
    const send = this.#send;
    send.fill(0);
    for (const [bi, b] of buses.entries()) {
      const s = this.#sends[bi]!;
      if (s > 0) for (let f = 0; f < n; f++) send[f]! += (b[f * 2]! + b[f * 2 + 1]!) * s;
    }
    const mix = this.#mix;
    mix.fill(0);
    this.#reverb.process(send, mix, n);
    // Freeverb's input scaling, so the wet level reads as a fraction of the dry.
    const wetGain = this.#c.sound.reverb.wet * 0.12;
    const [pad, drone, bass, lead, perc] = buses as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
    for (let j = 0; j < n * 2; j++) mix[j] = mix[j]! * wetGain + pad[j]! + drone[j]! + bass[j]! + lead[j]! + perc[j]!;
    this.#master(c0, n);
  }

  /** The pad's tremolo and the drone's slow swell. */
  #modulate(n: number): void {
    const sine = this.#sine;
    const trem = this.#c.sound.tremolo;
    const pad = this.#buses[0]!;
    const drone = this.#buses[1]!;
    if (trem) {
      const inc = (trem.hz * TABLE) / RATE;
      const lo = 1 - trem.depth * 0.5;
      const half = trem.depth * 0.5;
      let ph = this.#tremPhase;
      for (let f = 0; f < n; f++) {
        const g = lo + half * sine[ph | 0]!;
        pad[f * 2]! *= g;
        pad[f * 2 + 1]! *= g;
        ph += inc;
        if (ph >= TABLE) ph -= TABLE;
      }
      this.#tremPhase = ph;
    }
    const swellInc = (this.#c.sound.droneSwellHz * TABLE) / RATE;
    if (swellInc > 0) {
      let ph = this.#swellPhase;
      for (let f = 0; f < n; f++) {
        const g = 0.7 + 0.3 * sine[ph | 0]!;
        drone[f * 2]! *= g;
        drone[f * 2 + 1]! *= g;
        ph += swellInc;
        if (ph >= TABLE) ph -= TABLE;
      }
      this.#swellPhase = ph;
    }
  }

  /** The fade gain at an output frame: squared ramp in, smoothstep out to exactly zero on the last frame. */
  #fade(i: number): number {
    const fadeIn = this.#fadeIn;
    const fadeOut = this.#fadeOut;
    let g = 1;
    if (i < fadeIn) g *= (i / fadeIn) ** 2;
    const left = this.#frames - 1 - i;
    if (left < fadeOut) {
      const x = Math.max(0, left) / (fadeOut - 1);
      g *= x * x * (3 - 2 * x);
    }
    return g;
  }

  /** Low-pass, pre-gain and meter at half rate; then interpolation to 44.1 kHz, fades and the 16-bit write. */
  #master(c0: number, n: number): void {
    const mix = this.#mix;
    const hist = this.#hist;
    const meter = this.#meter;
    const lp = 1 - Math.exp((-2 * Math.PI * this.#c.sound.lowpassHz) / RATE);
    const carry = 2 * HALF_TAPS;
    let lpL = this.#lpL;
    let lpR = this.#lpR;
    for (let f = 0; f < n; f++) {
      lpL += lp * (mix[f * 2]! - lpL);
      lpR += lp * (mix[f * 2 + 1]! - lpR);
      const l = lpL * PRE_GAIN;
      const r = lpR * PRE_GAIN;
      hist[(carry + f) * 2] = l;
      hist[(carry + f) * 2 + 1] = r;
      // The meter hears the fades as the output will have them.
      const o = 2 * (c0 + f);
      if (o < this.#fadeIn || o >= this.#frames - this.#fadeOut) {
        const g = this.#fade(o);
        meter.push(l * g, r * g);
      } else meter.push(l, r);
    }
    this.#lpL = lpL;
    this.#lpR = lpR;

    // Position p of the history holds half-rate frame c0 - carry + p, which gives output frames 2·that and 2·that + 1.
    const pcm = this.#pcm;
    const frames = this.#frames;
    const [h0, h1, h2, h3, h4, h5, h6, h7] = HALF_BAND as unknown as [number, number, number, number, number, number, number, number];
    const fadeInEnd = this.#fadeIn;
    const fadeOutStart = frames - this.#fadeOut;
    let peak = this.#peak;
    let at = this.#outAt;
    const last = carry + n - HALF_TAPS;
    let p = this.#nextGen - c0 + carry;
    for (; p < last && at < frames; p++) {
      const a = p * 2;
      const b = a + 2;
      // The sample itself, then the one halfway to the next (8 taps each side).
      const evenL = hist[a]!;
      const evenR = hist[a + 1]!;
      const oddL =
        h0 * (hist[a]! + hist[b]!) +
        h1 * (hist[a - 2]! + hist[b + 2]!) +
        h2 * (hist[a - 4]! + hist[b + 4]!) +
        h3 * (hist[a - 6]! + hist[b + 6]!) +
        h4 * (hist[a - 8]! + hist[b + 8]!) +
        h5 * (hist[a - 10]! + hist[b + 10]!) +
        h6 * (hist[a - 12]! + hist[b + 12]!) +
        h7 * (hist[a - 14]! + hist[b + 14]!);
      const oddR =
        h0 * (hist[a + 1]! + hist[b + 1]!) +
        h1 * (hist[a - 1]! + hist[b + 3]!) +
        h2 * (hist[a - 3]! + hist[b + 5]!) +
        h3 * (hist[a - 5]! + hist[b + 7]!) +
        h4 * (hist[a - 7]! + hist[b + 9]!) +
        h5 * (hist[a - 9]! + hist[b + 11]!) +
        h6 * (hist[a - 11]! + hist[b + 13]!) +
        h7 * (hist[a - 13]! + hist[b + 15]!);
      for (let phase = 0; phase < 2 && at < frames; phase++, at++) {
        let l = phase === 0 ? evenL : oddL;
        let r = phase === 0 ? evenR : oddR;
        if (at < fadeInEnd || at >= fadeOutStart) {
          const g = this.#fade(at);
          l *= g;
          r *= g;
        }
        if (l > 0.9 || l < -0.9) l = softClip(l);
        if (r > 0.9 || r < -0.9) r = softClip(r);
        const al = l < 0 ? -l : l;
        const ar = r < 0 ? -r : r;
        if (al > peak) peak = al;
        if (ar > peak) peak = ar;
        // Int16Array stores truncate: adding ±0.5 rounds half away from zero.
        pcm[at * 2] = l * 32767 + (l < 0 ? -0.5 : 0.5);
        pcm[at * 2 + 1] = r * 32767 + (r < 0 ? -0.5 : 0.5);
      }
    }
    this.#outAt = at;
    this.#nextGen = c0 - carry + p;
    this.#peak = peak;
    // Keep the last 2·HALF_TAPS frames for the next block's look-back and look-ahead.
    hist.copyWithin(0, n * 2, (carry + n) * 2);
  }

  /** One gain to the target loudness, never past the ceiling. */
  /**
   * The one gain to the target loudness (never past the ceiling) as a map of every 16-bit value
   * (cheaper than a multiply and round per sample); undefined when the gain is 1.
   */
  normalisation(): Int16Array | undefined {
    const lufs = this.#meter.integrated();
    let gain = Number.isFinite(lufs) ? 10 ** ((this.#c.sound.lufs - lufs) / 20) : 1;
    if (this.#peak > 0) gain = Math.min(gain, CEILING / this.#peak);
    if (Math.abs(gain - 1) <= 1e-4) return undefined;
    const map = new Int16Array(65536);
    for (let v = -32768; v < 32768; v++) map[v + 32768] = Math.max(-32768, Math.min(32767, Math.round(v * gain)));
    return map;
  }
}

/** Transparent below 0.9; above, bends smoothly towards 1 so a rare pile-up never wraps. */
function softClip(x: number): number {
  const a = Math.abs(x);
  if (a <= 0.9) return x;
  return Math.sign(x) * (0.9 + 0.1 * Math.tanh((a - 0.9) / 0.1));
}
