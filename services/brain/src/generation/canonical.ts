import { createHash } from 'node:crypto';

/**
 * Canonical JSON: object keys sorted, `undefined` members dropped, byte arrays replaced by their
 * sha256, so two requests that mean the same thing hash the same whatever order their fields were
 * built in. Numbers print as JSON prints them (NaN and infinities are refused: they cannot be inputs).
 */
export function canonicalJson(value: unknown): string {
  return write(value);
}

function write(v: unknown): string {
  if (v === null) return 'null';
  if (v instanceof Uint8Array) return JSON.stringify(`sha256:${sha256Hex(v)}`);
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(v)) throw new TypeError('canonical JSON: numbers must be finite');
      return JSON.stringify(v);
    case 'object': {
      if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? 'null' : write(x))).join(',')}]`;
      const keys = Object.keys(v as object)
        .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
        .sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${write((v as Record<string, unknown>)[k])}`).join(',')}}`;
    }
    default:
      throw new TypeError(`canonical JSON: cannot encode a ${typeof v}`);
  }
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The seed of a request that named none: derived from what is asked, so the same request draws the same output. */
export function seedOf(requestHash: string): number {
  return Number.parseInt(requestHash.slice(0, 8), 16) & 0x7fffffff;
}
