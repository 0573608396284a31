/** Cosine similarity of two vectors of the same length (the dot product, for unit vectors). */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

/**
 * Checks a provider's vector and returns it L2-normalised as a Float32Array, or returns the reason
 * it is unusable (wrong type or length, a non-finite or non-number component, all zeros).
 */
export function toUnitVector(raw: unknown, dimension: number): Float32Array | string {
  const isArray = Array.isArray(raw);
  if (!isArray && !(raw instanceof Float32Array) && !(raw instanceof Float64Array)) {
    return `embedding is ${raw === null ? 'null' : typeof raw}, not an array of numbers`;
  }
  const values = raw as ArrayLike<unknown>;
  if (values.length !== dimension) return `embedding has ${values.length} dimensions, expected ${dimension}`;
  const out = new Float32Array(dimension);
  let norm = 0;
  for (let i = 0; i < dimension; i++) {
    const x = values[i];
    if (typeof x !== 'number' || !Number.isFinite(x)) return `embedding[${i}] is ${x === null ? 'null' : String(x)}, not a finite number`;
    out[i] = x;
    norm += x * x;
  }
  if (norm === 0) return 'embedding is all zeros';
  const inv = 1 / Math.sqrt(norm);
  for (let i = 0; i < dimension; i++) out[i] = out[i]! * inv;
  return out;
}
