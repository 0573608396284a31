import hnswlib from 'hnswlib-node';

type Bruteforce = InstanceType<typeof hnswlib.BruteforceSearch>;

/** From this many vectors, unfiltered searches go to a native copy (hnswlib's SIMD brute force). */
export const NATIVE_SEARCH_MIN = 1024;
/** Vectors per native chunk: the copy grows by chunks, so it is never rebuilt (no stall while it grows). */
export const NATIVE_CHUNK = 16_384;

interface NativeChunk {
  index: Bruteforce;
  count: number;
}

/**
 * Normalised vectors in one growable Float32Array, searched exactly (a dot product per vector).
 * Used for small projects and for vectors not yet inserted into a project's HNSW graph. Every
 * vector is tagged with a small label code (its node label) for filtered searches.
 *
 * From NATIVE_SEARCH_MIN vectors on, the set also keeps a copy in hnswlib's BruteforceSearch
 * (inner-product space, the same SIMD kernels as the HNSW graph): an unfiltered search over
 * 100,000 vectors of 256 dimensions takes ≈6× less time there than in this JavaScript loop,
 * which matters while a bulk load waits for the HNSW graph. Filtered searches stay here (the
 * native filter is a JavaScript callback per vector). The copy doubles the set's memory; it is
 * kept in chunks of NATIVE_CHUNK vectors, searched one after the other, so that growing it never
 * copies it (a rebuild of 65,000 vectors would hold the index worker for over a second).
 */
export class VectorSet {
  readonly dim: number;
  private data: Float32Array;
  private labelsBySlot: number[] = [];
  private codes: Uint8Array;
  private readonly slots = new Map<number, number>();
  /** The native copy, once the set has reached NATIVE_SEARCH_MIN vectors. */
  private chunks: NativeChunk[] | null = null;
  private readonly chunkOf = new Map<number, NativeChunk>();
  private readonly scratch: number[] = [];
  private readonly nativeChunk: number;

  /** `nativeChunk`: vectors per chunk of the native copy (default NATIVE_CHUNK). */
  constructor(dim: number, capacity = 64, nativeChunk = NATIVE_CHUNK) {
    this.dim = dim;
    this.nativeChunk = nativeChunk;
    this.data = new Float32Array(Math.max(1, capacity) * dim);
    this.codes = new Uint8Array(Math.max(1, capacity));
  }

  get size(): number {
    return this.labelsBySlot.length;
  }

  has(label: number): boolean {
    return this.slots.has(label);
  }

  codeOf(label: number): number | undefined {
    const slot = this.slots.get(label);
    return slot === undefined ? undefined : this.codes[slot];
  }

  /** The stored vector (a view: copy it before the set changes). */
  get(label: number): Float32Array | undefined {
    const slot = this.slots.get(label);
    return slot === undefined ? undefined : this.data.subarray(slot * this.dim, (slot + 1) * this.dim);
  }

  /** Adds (or overwrites) `label`; `vector` must already be normalised. */
  add(label: number, vector: Float32Array, code: number): void {
    let slot = this.slots.get(label);
    if (slot === undefined) {
      slot = this.labelsBySlot.length;
      if ((slot + 1) * this.dim > this.data.length) this.grow();
      this.labelsBySlot.push(label);
      this.slots.set(label, slot);
    }
    this.data.set(vector, slot * this.dim);
    this.codes[slot] = code;
    if (this.chunks) this.addNative(label, vector);
    else if (this.labelsBySlot.length >= NATIVE_SEARCH_MIN) this.buildNative();
  }

  delete(label: number): boolean {
    const slot = this.slots.get(label);
    if (slot === undefined) return false;
    const last = this.labelsBySlot.length - 1;
    if (slot !== last) {
      const moved = this.labelsBySlot[last]!;
      this.data.copyWithin(slot * this.dim, last * this.dim, (last + 1) * this.dim);
      this.codes[slot] = this.codes[last]!;
      this.labelsBySlot[slot] = moved;
      this.slots.set(moved, slot);
    }
    this.labelsBySlot.pop();
    this.slots.delete(label);
    const chunk = this.chunkOf.get(label);
    if (chunk) {
      chunk.index.removePoint(label);
      chunk.count--;
      this.chunkOf.delete(label);
      const chunks = this.chunks!;
      if (chunk.count === 0 && chunk !== chunks[chunks.length - 1]) chunks.splice(chunks.indexOf(chunk), 1);
    }
    return true;
  }

  labels(): number[] {
    return this.labelsBySlot.slice();
  }

  /** Live vectors per label code. */
  countByCode(): Map<number, number> {
    const counts = new Map<number, number>();
    for (let s = 0; s < this.labelsBySlot.length; s++) {
      const c = this.codes[s]!;
      counts.set(c, (counts.get(c) ?? 0) + 1);
    }
    return counts;
  }

  /** The `k` vectors with the highest dot product with `query` (normalised: cosine similarity), best first. */
  search(query: Float32Array, k: number, allowed?: ReadonlySet<number> | null): Scored[] {
    if (this.chunks && !allowed) return this.searchNative(query, k);
    const top = new TopK(k);
    const { dim, data, codes } = this;
    const n = this.labelsBySlot.length;
    for (let s = 0; s < n; s++) {
      if (allowed && !allowed.has(codes[s]!)) continue;
      let dot = 0;
      const o = s * dim;
      for (let j = 0; j < dim; j++) dot += data[o + j]! * query[j]!;
      if (dot > top.floor) top.push(this.labelsBySlot[s]!, dot);
    }
    return top.sorted();
  }

  private searchNative(query: Float32Array, k: number): Scored[] {
    const arr = intoNumbers(query, this.scratch);
    const top = new TopK(k);
    for (const chunk of this.chunks!) {
      const n = Math.min(k, chunk.count);
      if (n === 0) continue;
      const res = chunk.index.searchKnn(arr, n);
      // Inner-product space: distance = 1 − dot.
      for (let i = 0; i < res.neighbors.length; i++) top.push(res.neighbors[i]!, 1 - res.distances[i]!);
    }
    return top.sorted();
  }

  private addNative(label: number, vector: Float32Array): void {
    const arr = intoNumbers(vector, this.scratch);
    const held = this.chunkOf.get(label);
    if (held) {
      held.index.addPoint(arr, label); // overwrites the point in place
      return;
    }
    const chunks = this.chunks!;
    let chunk = chunks[chunks.length - 1];
    if (!chunk || chunk.count >= this.nativeChunk) {
      const index = new hnswlib.BruteforceSearch('ip', this.dim);
      index.initIndex(this.nativeChunk);
      chunk = { index, count: 0 };
      chunks.push(chunk);
    }
    chunk.index.addPoint(arr, label);
    chunk.count++;
    this.chunkOf.set(label, chunk);
  }

  private buildNative(): void {
    this.chunks = [];
    for (let s = 0; s < this.labelsBySlot.length; s++) {
      this.addNative(this.labelsBySlot[s]!, this.data.subarray(s * this.dim, (s + 1) * this.dim));
    }
  }

  private grow(): void {
    const next = new Float32Array(Math.max(this.data.length * 2, this.dim * 64));
    next.set(this.data);
    this.data = next;
    const codes = new Uint8Array(next.length / this.dim);
    codes.set(this.codes);
    this.codes = codes;
  }
}

/**
 * `v` copied into `scratch` (reused between calls): hnswlib-node takes points only as JavaScript
 * arrays of numbers.
 */
export function intoNumbers(v: Float32Array, scratch: number[]): number[] {
  if (scratch.length !== v.length) scratch.length = v.length;
  for (let i = 0; i < v.length; i++) scratch[i] = v[i]!;
  return scratch;
}

export interface Scored {
  label: number;
  score: number;
}

/** A bounded min-heap keeping the `k` highest scores seen. */
export class TopK {
  private readonly k: number;
  private readonly heap: Scored[] = [];

  constructor(k: number) {
    this.k = k;
  }

  /** Scores at or below this cannot enter (−Infinity until the heap is full). */
  get floor(): number {
    return this.heap.length < this.k ? Number.NEGATIVE_INFINITY : this.heap[0]!.score;
  }

  push(label: number, score: number): void {
    const h = this.heap;
    if (h.length < this.k) {
      h.push({ label, score });
      let i = h.length - 1;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (h[p]!.score <= h[i]!.score) break;
        [h[p], h[i]] = [h[i]!, h[p]!];
        i = p;
      }
      return;
    }
    if (this.k === 0 || score <= h[0]!.score) return;
    h[0] = { label, score };
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && h[l]!.score < h[m]!.score) m = l;
      if (r < h.length && h[r]!.score < h[m]!.score) m = r;
      if (m === i) break;
      [h[m], h[i]] = [h[i]!, h[m]!];
      i = m;
    }
  }

  sorted(): Scored[] {
    return this.heap.slice().sort((a, b) => b.score - a.score || a.label - b.label);
  }
}

/** Normalises to unit length into a new Float32Array; undefined for a zero or non-finite vector. */
export function normalised(vector: ArrayLike<number>): Float32Array | undefined {
  let sum = 0;
  for (let i = 0; i < vector.length; i++) {
    const x = vector[i]!;
    if (typeof x !== 'number' || !Number.isFinite(x)) return undefined;
    sum += x * x;
  }
  if (!(sum > 0) || !Number.isFinite(sum)) return undefined;
  const inv = 1 / Math.sqrt(sum);
  const out = new Float32Array(vector.length);
  for (let i = 0; i < vector.length; i++) out[i] = vector[i]! * inv;
  return out;
}
