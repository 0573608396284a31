import { hash } from 'node:crypto';
import type { EmbeddingInputType, EmbeddingProviderName } from './provider.ts';

/**
 * The content-hash key of a vector: sha256 (hex) of provider, model, dimension, input type (for
 * providers whose vectors depend on it; '' otherwise) and the exact text.
 */
export function embeddingCacheKey(
  provider: EmbeddingProviderName,
  model: string,
  dimension: number,
  inputType: EmbeddingInputType | '',
  text: string,
): string {
  return hash('sha256', `${provider}\u0000${model}\u0000${dimension}\u0000${inputType}\u0000${text}`, 'hex');
}

/** One cached vector with what it was made by, as a persistent store keeps it. */
export interface EmbeddingCacheEntry {
  key: string;
  provider: EmbeddingProviderName;
  model: string;
  dimension: number;
  vector: Float32Array;
}

/**
 * A persistent layer under the in-memory cache (e.g. a table of the graph store). Failures are
 * logged and treated as misses: the cache saves money, it must not fail an embedding.
 */
export interface EmbeddingCacheStore {
  /** The vectors found among `keys`; absent keys are misses. */
  getMany(keys: readonly string[]): Promise<Map<string, Float32Array>>;
  setMany(entries: readonly EmbeddingCacheEntry[]): Promise<void>;
}

export interface LruOptions {
  /** Most vectors kept. Default 50,000. */
  maxEntries?: number;
  /** Most bytes kept (vectors plus an estimate of per-entry overhead). Default 128 MiB. */
  maxBytes?: number;
}

/** Rough per-entry cost besides the vector: the 64-char key, the Map slot, the typed-array object. */
const ENTRY_OVERHEAD = 64 * 2 + 160;

/** An LRU of vectors by key, bounded by entries and by bytes (a Map keeps insertion order). */
export class VectorLru {
  readonly maxEntries: number;
  readonly maxBytes: number;
  readonly #map = new Map<string, Float32Array>();
  #bytes = 0;

  constructor(opts: LruOptions = {}) {
    this.maxEntries = opts.maxEntries ?? 50_000;
    this.maxBytes = opts.maxBytes ?? 128 * 1024 * 1024;
  }

  get size(): number {
    return this.#map.size;
  }

  get bytes(): number {
    return this.#bytes;
  }

  get(key: string): Float32Array | undefined {
    const v = this.#map.get(key);
    if (v !== undefined) {
      this.#map.delete(key);
      this.#map.set(key, v);
    }
    return v;
  }

  set(key: string, vector: Float32Array): void {
    if (this.maxEntries <= 0) return;
    const old = this.#map.get(key);
    if (old !== undefined) {
      this.#map.delete(key);
      this.#bytes -= old.byteLength + ENTRY_OVERHEAD;
    }
    this.#map.set(key, vector);
    this.#bytes += vector.byteLength + ENTRY_OVERHEAD;
    while (this.#map.size > this.maxEntries || (this.#bytes > this.maxBytes && this.#map.size > 1)) {
      const [oldestKey, oldest] = this.#map.entries().next().value as [string, Float32Array];
      this.#map.delete(oldestKey);
      this.#bytes -= oldest.byteLength + ENTRY_OVERHEAD;
    }
  }

  clear(): void {
    this.#map.clear();
    this.#bytes = 0;
  }
}
