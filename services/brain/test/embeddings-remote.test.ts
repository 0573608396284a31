import { describe, expect, it } from 'vitest';
import { approxTokens, planBatches, runLimited } from '../src/embeddings/batching.ts';
import { parseRetryAfter, scrub } from '../src/embeddings/remote.ts';
import { toUnitVector } from '../src/embeddings/vector.ts';

const headers = (h: Record<string, string>) => new Headers(h);

describe('batch planning', () => {
  it('estimates tokens high: ~3 ASCII chars per token, one per non-ASCII unit', () => {
    expect(approxTokens('a'.repeat(300))).toBe(101);
    expect(approxTokens('映画の撮影')).toBe(6);
    expect(approxTokens('')).toBe(1);
  });

  it('splits by items and by tokens, in order; an oversized text goes alone', () => {
    const texts = ['a'.repeat(30), 'b'.repeat(30), 'c'.repeat(30), 'd'.repeat(3000), 'e', 'f', 'g'];
    const spans = planBatches(texts, { maxItems: 2, maxTokens: 25 });
    expect(spans.map((s) => [s.start, s.end])).toEqual([
      [0, 2],
      [2, 3],
      [3, 4],
      [4, 6],
      [6, 7],
    ]);
    expect(planBatches([], { maxItems: 2, maxTokens: 25 })).toEqual([]);
    expect(planBatches(['x', 'y', 'z'], { maxItems: 10, maxTokens: 1000 }).map((s) => [s.start, s.end])).toEqual([[0, 3]]);
  });

  it('runLimited keeps to the concurrency, and the first failure aborts the rest and is thrown', async () => {
    let inFlight = 0;
    let peak = 0;
    await runLimited([1, 2, 3, 4, 5], 2, undefined, async () => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
    });
    expect(peak).toBe(2);

    const started: number[] = [];
    let sawAbort = false;
    const run = runLimited([1, 2, 3, 4], 2, undefined, async (n, signal) => {
      started.push(n);
      if (n === 1) throw new Error('batch 1 failed');
      await new Promise((r) => setTimeout(r, 20));
      sawAbort = signal.aborted;
    });
    await expect(run).rejects.toThrow('batch 1 failed');
    expect(started).toEqual([1, 2]);
    expect(sawAbort).toBe(true);
  });
});

describe('Retry-After', () => {
  it('reads seconds, OpenAI’s retry-after-ms, and HTTP dates; ignores junk', () => {
    expect(parseRetryAfter(headers({ 'retry-after': '3' }))).toBe(3000);
    expect(parseRetryAfter(headers({ 'retry-after': '0.5' }))).toBe(500);
    expect(parseRetryAfter(headers({ 'retry-after-ms': '1234.2', 'retry-after': '9' }))).toBe(1235);
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter(headers({ 'retry-after': 'Wed, 01 Jan 2025 00:00:07 GMT' }), now)).toBe(7000);
    expect(parseRetryAfter(headers({ 'retry-after': 'soon' }))).toBeUndefined();
    expect(parseRetryAfter(headers({ 'retry-after': '-1' }))).toBeUndefined();
    expect(parseRetryAfter(headers({}))).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});

describe('scrub', () => {
  it('removes the key, bearer tokens and key-shaped strings, and bounds the length', () => {
    const key = 'my-custom-gateway-key-0001';
    expect(scrub(`bad key ${key}!`, key)).toBe('bad key [REDACTED]!');
    expect(scrub('header was Authorization: Bearer abc.def-ghi', key)).toBe('header was Authorization: Bearer [REDACTED]');
    expect(scrub('Incorrect API key provided: sk-proj-abcdefgh12345678.', key)).toBe('Incorrect API key provided: [REDACTED].');
    expect(scrub('key jina_0123456789abcdef rejected', key)).toBe('key [REDACTED] rejected');
    expect(scrub('x'.repeat(1000), key)).toHaveLength(301);
    expect(scrub('line\n\n  two', key)).toBe('line two');
  });
});

describe('toUnitVector', () => {
  it('normalises a good vector and explains a bad one', () => {
    const v = toUnitVector([3, 4], 2);
    expect(v).toEqual(new Float32Array([0.6, 0.8]));
    expect(toUnitVector([1, 2, 3], 2)).toBe('embedding has 3 dimensions, expected 2');
    expect(toUnitVector([0, 0], 2)).toBe('embedding is all zeros');
    expect(toUnitVector([1, Number.POSITIVE_INFINITY], 2)).toBe('embedding[1] is Infinity, not a finite number');
    expect(toUnitVector([1, '2'], 2)).toBe('embedding[1] is 2, not a finite number');
    expect(toUnitVector('AAAA', 1)).toBe('embedding is string, not an array of numbers');
    expect(toUnitVector(null, 1)).toBe('embedding is null, not an array of numbers');
  });
});
