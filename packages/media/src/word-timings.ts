import type { Timing } from '@automovie/contracts';

/** A run of audible frames in a PCM signal, in seconds. */
export interface SpeechSegment {
  startS: number;
  endS: number;
}

/** Tunables of the energy segmenter (defaults fit espeak-ng at 22.05 kHz with `-g 8`). */
export interface SegmentOptions {
  /** Analysis hop in seconds (default 0.005). */
  hopS?: number;
  /** Analysis window in seconds (default 0.012). */
  windowS?: number;
  /** A frame is speech above this level relative to the loud frames, in dB (default -28). */
  thresholdDb?: number;
  /** Silences shorter than this are inside a word (default 0.02 s). */
  minGapS?: number;
}

/**
 * Finds the audible runs of a mono signal from its short-time energy envelope. The reference
 * level is the 95th percentile of frame energies rather than the peak, so one loud plosive does
 * not push quiet fricatives under the threshold.
 */
export function detectSpeechSegments(samples: Float32Array, sampleRate: number, options: SegmentOptions = {}): SpeechSegment[] {
  const hop = Math.max(1, Math.round((options.hopS ?? 0.005) * sampleRate));
  const win = Math.max(hop, Math.round((options.windowS ?? 0.012) * sampleRate));
  const frames = Math.max(0, Math.floor((samples.length - win) / hop) + 1);
  if (frames === 0) return [];
  const energy = new Float64Array(frames);
  for (let f = 0; f < frames; f++) {
    let sum = 0;
    const from = f * hop;
    for (let i = from; i < from + win; i++) sum += samples[i]! ** 2;
    energy[f] = sum / win;
  }
  const sorted = Float64Array.from(energy).sort();
  const ref = sorted[Math.min(frames - 1, Math.floor(frames * 0.95))]!;
  if (ref <= 1e-10) return [];
  const floor = ref * 10 ** ((options.thresholdDb ?? -28) / 10);
  const minGapFrames = Math.ceil((options.minGapS ?? 0.02) / (hop / sampleRate));

  const runs: Array<[number, number]> = [];
  let start = -1;
  for (let f = 0; f <= frames; f++) {
    const on = f < frames && energy[f]! > floor;
    if (on && start < 0) start = f;
    if (!on && start >= 0) {
      const last = runs.at(-1);
      if (last && start - last[1] < minGapFrames) last[1] = f;
      else runs.push([start, f]);
      start = -1;
    }
  }
  const toS = (frame: number) => Math.min(samples.length / sampleRate, (frame * hop + win / 2) / sampleRate);
  return runs.filter(([a, b]) => b - a >= 3).map(([a, b]) => ({ startS: toS(a), endS: toS(b) }));
}

/** A rough syllable count: vowel groups, silent final e, digits read out as numbers. */
export function estimateSyllables(word: string): number {
  const w = word.toLowerCase();
  const digits = w.replace(/[^0-9]/g, '').length;
  const letters = w.replace(/[^a-z]/g, '');
  if (letters.length === 0 && digits === 0) return 0;
  let n = (letters.match(/[aeiouy]+/g) ?? []).length;
  if (letters.length > 2 && /[^aeiouy]e$/.test(letters) && !/[^aeiouy]le$/.test(letters) && n > 1) n--;
  // All-capital tokens without vowels ("FBI", "TV") are spelled out letter by letter.
  if (letters.length > 0 && /^[A-Z]+$/.test(word.replace(/[^A-Za-z]/g, '')) && !/[AEIOUY]/.test(word) && letters.length <= 5)
    n = letters.length;
  return Math.max(letters.length > 0 ? 1 : 0, n) + Math.ceil(digits * 1.4);
}

/**
 * How long a word takes to say, in arbitrary units: syllables carry most of it, consonant
 * clusters the rest ("jumps" outlasts "over" although it has fewer syllables). Zero for tokens
 * that make no sound.
 */
export function spokenWeight(word: string): number {
  const syllables = estimateSyllables(word);
  if (syllables === 0) return 0;
  const consonants = word.toLowerCase().replace(/[^bcdfghjklmnpqrstvwxz]/g, '').length;
  return 0.3 + 0.35 * syllables + 0.2 * consonants;
}

export interface AlignOptions {
  /** The pause the synthesiser put between words, in seconds (default: the median measured pause). */
  wordGapS?: number;
}

/**
 * Maps measured speech segments onto the words of the text.
 *
 * espeak-ng synthesises the text with a small pause between words (`-g`), so each word is
 * normally one audible run. Two things break the one-to-one picture: stop closures (the silence
 * before a p, t or k) split a word into several runs, and some words run together (numbers read as
 * several words, clitics). A monotonic alignment (dynamic programming) decides, for each word,
 * how many runs it covers, or which neighbouring words share one run; its cost prefers durations
 * close to the syllable-count share of the measured speech, and boundaries at the longer pauses.
 *
 * Only where several words share one audible run do we fall back to dividing that run's measured
 * span among them by syllable count: the audio gives no boundary there to measure.
 */
export function alignWords(words: string[], segments: SpeechSegment[], durationS: number, options: AlignOptions = {}): Timing[] {
  const weights = words.map(spokenWeight);
  const spoken = words.map((_, i) => i).filter((i) => weights[i]! > 0);
  const out: Timing[] = words.map((text) => ({ text, startS: 0, endS: 0 }));
  if (spoken.length > 0) {
    const spans =
      segments.length === 0
        ? distribute(
            spoken.map((i) => weights[i]!),
            { startS: 0, endS: durationS },
          )
        : alignSpoken(
            spoken.map((i) => weights[i]!),
            segments,
            options.wordGapS,
          );
    spoken.forEach((wordIndex, k) => {
      out[wordIndex]!.startS = spans[k]!.startS;
      out[wordIndex]!.endS = spans[k]!.endS;
    });
  }
  // Tokens that make no sound ("—", "&") sit at the end of the previous word (or the start of the next).
  let prevEnd = spoken.length > 0 ? out[spoken[0]!]!.startS : 0;
  for (let i = 0; i < words.length; i++) {
    if (weights[i]! > 0) prevEnd = out[i]!.endS;
    else out[i]!.startS = out[i]!.endS = prevEnd;
  }
  // Guard against rounding: monotonic and inside [0, duration].
  let cursor = 0;
  for (const t of out) {
    t.startS = round3(Math.min(durationS, Math.max(cursor, t.startS)));
    t.endS = round3(Math.min(durationS, Math.max(t.startS, t.endS)));
    cursor = t.endS;
  }
  return out;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** Splits one span among words in proportion to their syllables. */
function distribute(weights: number[], span: SpeechSegment): SpeechSegment[] {
  const total = weights.reduce((a, b) => a + b, 0) || 1;
  const len = span.endS - span.startS;
  const out: SpeechSegment[] = [];
  let acc = 0;
  for (const w of weights) {
    const startS = span.startS + (len * acc) / total;
    acc += w;
    out.push({ startS, endS: span.startS + (len * acc) / total });
  }
  return out;
}

const MAX_GROUP = 8;

function alignSpoken(weights: number[], segs: SpeechSegment[], wordGapS: number | undefined): SpeechSegment[] {
  const n = weights.length;
  const m = segs.length;
  const speech = segs.reduce((a, s) => a + (s.endS - s.startS), 0);
  const totalWeight = weights.reduce((a, b) => a + b, 0);
  const expected = weights.map((w) => (speech * w) / totalWeight);
  const gaps = segs.slice(1).map((s, j) => s.startS - segs[j]!.endS);
  // Without a hint, a typical word gap is taken as the median pause (closures pull it down, sentence pauses up).
  const sortedGaps = [...gaps].sort((a, b) => a - b);
  const typicalGap = Math.max(0.02, wordGapS ?? sortedGaps[Math.floor(sortedGaps.length / 2)] ?? 0.08);

  const prefixDur = [0];
  for (const s of segs) prefixDur.push(prefixDur.at(-1)! + (s.endS - s.startS));
  const prefixExp = [0];
  for (const e of expected) prefixExp.push(prefixExp.at(-1)! + e);
  const durCost = (actual: number, want: number) => ((actual - want) / (0.4 * want + 0.06)) ** 2;

  // cost[i][j]: best cost of aligning the first i words with the first j segments.
  const cost = Array.from({ length: n + 1 }, () => new Float64Array(m + 1).fill(Number.POSITIVE_INFINITY));
  const back = Array.from({ length: n + 1 }, () => new Int32Array(m + 1));
  const kOf = Array.from({ length: n + 1 }, () => new Int8Array(m + 1));
  cost[0]![0] = 0;
  for (let i = 0; i <= n; i++) {
    for (let j = 0; j <= m; j++) {
      const here = cost[i]![j]!;
      if (!Number.isFinite(here) || i === n || j === m) continue;
      // A word ending at a short pause (a closure, not a word gap) costs; the last run ends a word for free.
      const endCost = (at: number) => (at >= m ? 0 : 2 * Math.max(0, 1 - gaps[at - 1]! / typicalGap) ** 2);
      // One word over l runs: every pause it swallows costs in proportion to its length.
      let inner = 0;
      for (let l = 1; l <= MAX_GROUP && j + l <= m; l++) {
        if (l > 1) inner += gaps[j + l - 2]! / typicalGap;
        const c = here + durCost(prefixDur[j + l]! - prefixDur[j]!, expected[i]!) + 1.5 * inner ** 2 + endCost(j + l);
        if (c < cost[i + 1]![j + l]!) {
          cost[i + 1]![j + l] = c;
          back[i + 1]![j + l] = l;
          kOf[i + 1]![j + l] = 1;
        }
      }
      // k ≥ 2 words in one run.
      for (let k = 2; k <= MAX_GROUP && i + k <= n; k++) {
        const c = here + durCost(prefixDur[j + 1]! - prefixDur[j]!, prefixExp[i + k]! - prefixExp[i]!) + 3 * (k - 1) + endCost(j + 1);
        if (c < cost[i + k]![j + 1]!) {
          cost[i + k]![j + 1] = c;
          back[i + k]![j + 1] = 1;
          kOf[i + k]![j + 1] = k;
        }
      }
    }
  }
  if (!Number.isFinite(cost[n]![m]!)) {
    // More runs or words than the grouping limit can pair: fall back to the whole measured span.
    return distribute(weights, { startS: segs[0]!.startS, endS: segs.at(-1)!.endS });
  }
  const spans: SpeechSegment[] = new Array(n);
  let i = n;
  let j = m;
  while (i > 0) {
    const l = back[i]![j]!;
    const k = kOf[i]![j]!;
    const span = { startS: segs[j - l]!.startS, endS: segs[j - 1]!.endS };
    if (k === 1) spans[i - 1] = span;
    else
      distribute(weights.slice(i - k, i), span).forEach((s, q) => {
        spans[i - k + q] = s;
      });
    i -= k;
    j -= l;
  }
  return spans;
}
