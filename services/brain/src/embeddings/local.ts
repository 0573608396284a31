import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { AutomovieError } from '@automovie/contracts';
import type { EmbeddingProvider, EmbedOptions } from './provider.ts';

/**
 * The offline embedder: feature hashing of character n-grams (3–5, per word with boundary marks)
 * plus word unigrams and bigrams, signed buckets, sublinear tf, L2-normalised. Deterministic and
 * dependency-free; it captures surface similarity (shared words and word pieces), not meaning.
 *
 * Bump the model name whenever the features or weights change: cached and indexed vectors are
 * keyed by it, and vectors of two versions must never be compared.
 */
export const LOCAL_EMBEDDING_MODEL = 'automovie-hash-ngram-v1';
export const LOCAL_DEFAULT_DIMENSION = 256;
export const LOCAL_MIN_DIMENSION = 8;
export const LOCAL_MAX_DIMENSION = 4096;

export interface LocalEmbeddingOptions {
  /** Vector length. Default 256. */
  dimension?: number;
  /** Characters embedded between yields to the event loop in big batches. Default 200,000 (~10 ms). */
  yieldEveryChars?: number;
}

// Feature weights, tuned on scene paraphrases vs unrelated text (test/embeddings-local.test.ts):
// words carry the topic, character n-grams catch inflections and typos, bigrams word order;
// function words are weighted down, or every pair of English sentences looks alike (≈0.18 → 0.04).
const W_CHAR = 1;
const W_WORD = 2;
const W_BIGRAM = 1;
/** Stopwords keep a little weight, so "to be or not to be" still embeds by its words. */
const W_STOP = 0.1;

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
/** Marks the start and end of a word, so `<th` (a word start) differs from `th` inside a word. */
const BOUNDARY = 0x02;
const WORD_SEED = 0x5bd1e995;
const BIGRAM_SEED = 0x27d4eb2f;

// ASCII classes: 0 separator, 1 part of a word, 2 dropped (apostrophes join: don't → dont).
const ASCII_CLASS = new Uint8Array(128);
for (let c = 48; c <= 57; c++) ASCII_CLASS[c] = 1;
for (let c = 65; c <= 90; c++) ASCII_CLASS[c] = 1;
for (let c = 97; c <= 122; c++) ASCII_CLASS[c] = 1;
ASCII_CLASS[39] = 2;
const RIGHT_SINGLE_QUOTE = 0x2019;
/** Anything but printable ASCII and common whitespace takes the Unicode path (which handles all text). */
const NEEDS_UNICODE_PATH = /[^\t\n\r -~]/;
const NOT_WORD = /[^\p{L}\p{N}\p{M}'\u2019]+/gu;

/** 1 + ln(tf), precomputed for small counts. */
const SUBLINEAR = new Float64Array(256);
for (let i = 1; i < SUBLINEAR.length; i++) SUBLINEAR[i] = 1 + Math.log(i);

/** murmur3's finaliser: spreads FNV's weak low bits before bucketing. */
function fmix32(x: number): number {
  let h = x;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * English function words: weighted down (they make unrelated sentences look alike) and skipped by
 * bigrams. Looked up by word hash in a small open-addressing table, so no string is built.
 */
const STOPWORDS =
  'a an the and or but nor so yet if then than as at by for from in into of off on onto out over to up upon with within without ' +
  'about after against along among around before behind below beneath beside between beyond during except near since through ' +
  'toward towards under until via is are was were be been being am do does did doing have has had having will would shall should ' +
  'can could may might must i me my mine myself you your yours yourself he him his himself she her hers herself it its itself we ' +
  'us our ours ourselves they them their theirs themselves this that these those who whom whose which what where when why how ' +
  'there here all any both each few more most other some such no not only own same too very just also s t d ll m re ve';
const STOP_TABLE = new Int32Array(1024);
const STOP_MASK = STOP_TABLE.length - 1;
function wordHash(word: string): number {
  let h = WORD_SEED;
  for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), FNV_PRIME);
  return fmix32(h) | 0;
}
for (const word of STOPWORDS.split(' ')) {
  const h = wordHash(word);
  let slot = h & STOP_MASK;
  while (STOP_TABLE[slot] !== 0) slot = (slot + 1) & STOP_MASK;
  STOP_TABLE[slot] = h;
}
function isStopword(h: number): boolean {
  let slot = h & STOP_MASK;
  for (;;) {
    const k = STOP_TABLE[slot]!;
    if (k === h) return true;
    if (k === 0) return false;
    slot = (slot + 1) & STOP_MASK;
  }
}

/**
 * Scratch buffers reused across calls (the embedder is synchronous, so one set per process is
 * safe): the text as char codes with words separated by boundary marks, and an open-addressing
 * table counting features, reset by generation stamps instead of clearing.
 */
class Scratch {
  codes = new Uint16Array(1024);
  wordStart = new Int32Array(256);
  wordEnd = new Int32Array(256);
  keys = new Int32Array(4096);
  counts = new Int32Array(4096);
  weights = new Float64Array(4096);
  stamps = new Int32Array(4096);
  used = new Int32Array(2048);
  usedCount = 0;
  mask = 0;
  shift = 0;
  generation = 0;

  ensureText(chars: number): void {
    const need = chars * 2 + 2;
    if (this.codes.length < need) this.codes = new Uint16Array(need);
    const words = chars + 1;
    if (this.wordStart.length < words) {
      this.wordStart = new Int32Array(words);
      this.wordEnd = new Int32Array(words);
    }
  }

  /**
   * Readies the table for at most `features` distinct features. Only the first power of two ≥ 2×
   * features slots are used, so a short text after a long one still works in a cache-sized region.
   */
  begin(features: number): void {
    let size = 1024;
    while (size < features * 2) size *= 2;
    if (this.keys.length < size) {
      this.keys = new Int32Array(size);
      this.counts = new Int32Array(size);
      this.weights = new Float64Array(size);
      this.stamps = new Int32Array(size);
      this.used = new Int32Array(size >>> 1);
      this.generation = 0;
    }
    this.mask = size - 1;
    this.shift = 32 - Math.log2(size);
    this.generation++;
    if (this.generation === 0x7fffffff) {
      this.stamps.fill(0);
      this.generation = 1;
    }
    this.usedCount = 0;
  }

  add(key: number, weight: number): void {
    const { keys, stamps, mask, generation } = this;
    let slot = Math.imul(key, 0x9e3779b1) >>> this.shift;
    while (stamps[slot] === generation) {
      if (keys[slot] === key) {
        this.counts[slot]!++;
        return;
      }
      slot = (slot + 1) & mask;
    }
    stamps[slot] = generation;
    keys[slot] = key;
    this.counts[slot] = 1;
    this.weights[slot] = weight;
    this.used[this.usedCount++] = slot;
  }
}

const scratch = new Scratch();

/** Lowercases ASCII inline; other text is NFKC-normalised, lowercased and stripped by one regex. */
function prepare(text: string): string {
  if (!NEEDS_UNICODE_PATH.test(text)) return text;
  return text.normalize('NFKC').toLowerCase().replace(NOT_WORD, ' ');
}

/**
 * Writes the words of `text` into `s.codes` as `·word··word·` (· = BOUNDARY) and their spans into
 * `s.wordStart`/`s.wordEnd`; returns the number of words.
 */
function tokenize(text: string, s: Scratch): number {
  s.ensureText(text.length);
  const codes = s.codes;
  const starts = s.wordStart;
  const ends = s.wordEnd;
  let out = 0;
  let words = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    let cls: number;
    if (c < 128) {
      cls = ASCII_CLASS[c]!;
      if (cls === 1 && c <= 90 && c >= 65) c += 32;
    } else {
      cls = c === RIGHT_SINGLE_QUOTE ? 2 : 1;
    }
    if (cls === 1) {
      if (!inWord) {
        codes[out++] = BOUNDARY;
        starts[words] = out;
        inWord = true;
      }
      codes[out++] = c;
    } else if (cls === 0 && inWord) {
      ends[words++] = out;
      codes[out++] = BOUNDARY;
      inWord = false;
    }
  }
  if (inWord) {
    ends[words++] = out;
    codes[out++] = BOUNDARY;
  }
  return words;
}

/** Embeds one text into `out` (length = dimension), L2-normalised. */
function embedInto(text: string, out: Float32Array, acc: Float64Array): void {
  const s = scratch;
  const prepared = prepare(text);
  const words = tokenize(prepared, s);
  const codes = s.codes;
  // A word of length L yields at most 3L n-grams, itself and one bigram.
  s.begin(prepared.length * 3 + words * 2 + 4);

  let prevWord = 0;
  for (let w = 0; w < words; w++) {
    const start = s.wordStart[w]!;
    const end = s.wordEnd[w]!;
    let wh = WORD_SEED;
    for (let i = start; i < end; i++) wh = Math.imul(wh ^ codes[i]!, FNV_PRIME);
    wh = fmix32(wh) | 0;
    const stop = isStopword(wh);
    const wChar = stop ? W_CHAR * W_STOP : W_CHAR;
    // Character n-grams over the word with its boundary marks: positions start-1 .. end.
    const last = end; // index of the closing boundary
    for (let i = start - 1; i <= last - 2; i++) {
      let h = FNV_OFFSET;
      h = Math.imul(h ^ codes[i]!, FNV_PRIME);
      h = Math.imul(h ^ codes[i + 1]!, FNV_PRIME);
      h = Math.imul(h ^ codes[i + 2]!, FNV_PRIME);
      s.add(h, wChar);
      if (i + 3 > last) continue;
      h = Math.imul(h ^ codes[i + 3]!, FNV_PRIME);
      s.add(h, wChar);
      if (i + 4 > last) continue;
      h = Math.imul(h ^ codes[i + 4]!, FNV_PRIME);
      s.add(h, wChar);
    }
    if (stop) {
      s.add(wh, W_WORD * W_STOP);
      continue;
    }
    s.add(wh, W_WORD);
    // Bigrams join neighbouring content words, skipping function words ("heir throne" in "heir to the throne").
    if (prevWord !== 0) s.add(fmix32(Math.imul(prevWord, 0x9e3779b1) ^ wh ^ BIGRAM_SEED) | 0, W_BIGRAM);
    prevWord = wh;
  }

  if (s.usedCount === 0) {
    // Nothing word-like ("!!!", "…"): fall back to the whole text, so distinct inputs still differ.
    let h = FNV_OFFSET ^ 0x7f4a7c15;
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), FNV_PRIME);
    s.add(h | 0, 1);
  }

  const dim = acc.length;
  acc.fill(0);
  const { used, keys, counts, weights } = s;
  for (let u = 0; u < s.usedCount; u++) {
    const slot = used[u]!;
    const tf = counts[slot]!;
    const w = weights[slot]! * (tf < 256 ? SUBLINEAR[tf]! : 1 + Math.log(tf));
    const h = fmix32(keys[slot]!);
    const bucket = (h & 0x7fffffff) % dim;
    // The top bit picks the sign, so colliding features cancel out on average instead of piling up.
    acc[bucket] = acc[bucket]! + (h & 0x80000000 ? -w : w);
  }
  let norm = 0;
  for (let i = 0; i < dim; i++) norm += acc[i]! * acc[i]!;
  if (norm === 0) {
    // Every feature cancelled out (vanishingly rare): a fixed unit vector keeps the contract.
    out[0] = 1;
    return;
  }
  const inv = 1 / Math.sqrt(norm);
  for (let i = 0; i < dim; i++) out[i] = acc[i]! * inv;
}

/** The offline, deterministic provider: identical text → identical vector, on any machine. */
export class LocalEmbeddingProvider implements EmbeddingProvider {
  readonly name = 'local' as const;
  readonly model = LOCAL_EMBEDDING_MODEL;
  readonly dimension: number;
  readonly inputTypeSensitive = false;
  readonly #yieldEveryChars: number;
  readonly #acc: Float64Array;

  constructor(opts: LocalEmbeddingOptions = {}) {
    const dimension = opts.dimension ?? LOCAL_DEFAULT_DIMENSION;
    if (!Number.isInteger(dimension) || dimension < LOCAL_MIN_DIMENSION || dimension > LOCAL_MAX_DIMENSION) {
      throw new AutomovieError(
        'INVALID_CONFIG',
        `local embedding dimension: must be an integer from ${LOCAL_MIN_DIMENSION} to ${LOCAL_MAX_DIMENSION}, got ${dimension}`,
      );
    }
    this.dimension = dimension;
    this.#yieldEveryChars = opts.yieldEveryChars ?? 200_000;
    this.#acc = new Float64Array(dimension);
  }

  /** Synchronous embedding of one text (what `embed` does per text); for hot paths and benchmarks. */
  embedOne(text: string): Float32Array {
    const out = new Float32Array(this.dimension);
    embedInto(text, out, this.#acc);
    return out;
  }

  async embed(texts: readonly string[], opts: EmbedOptions = {}): Promise<Float32Array[]> {
    const vectors: Float32Array[] = new Array(texts.length);
    let sinceYield = 0;
    let batchStart = 0;
    for (let i = 0; i < texts.length; i++) {
      opts.signal?.throwIfAborted();
      const text = texts[i]!;
      vectors[i] = this.embedOne(text);
      sinceYield += text.length;
      // Big batches (1000 × 32k chars is seconds of CPU) must not starve the event loop.
      if (sinceYield >= this.#yieldEveryChars && i < texts.length - 1) {
        opts.onBatch?.(batchStart, vectors.slice(batchStart, i + 1));
        batchStart = i + 1;
        sinceYield = 0;
        await yieldToLoop();
      }
    }
    if (batchStart < texts.length) opts.onBatch?.(batchStart, vectors.slice(batchStart));
    return vectors;
  }
}
