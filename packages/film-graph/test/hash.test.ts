import { describe, expect, it } from 'vitest';
import { hashOf, seedOf, stableStringify } from '../src/index.ts';

const value = { text: 'Hi.', voice: { gender: 'female', pitch: 60 }, seed: 7, list: [1, 'two', null, { z: 1, a: undefined }], n: 0.15 };

describe('stable hashing', () => {
  it('hashes key order away and drops undefined properties', () => {
    expect(stableStringify({ b: 1, a: [{ d: 2, c: undefined }] })).toBe('{"a":[{"d":2}],"b":1}');
    expect(hashOf({ b: 1, a: 2 })).toBe(hashOf({ a: 2, b: 1 }));
    expect(hashOf({ a: 1 })).not.toBe(hashOf({ a: 2 }));
  });

  it('gives the values the services computed before it moved here (idempotency keys and stored records stay valid)', () => {
    // Computed with services/{audio,character,video,visual}/src/hash.ts (identical) before the move.
    expect(stableStringify(value)).toBe(
      '{"list":[1,"two",null,{"z":1}],"n":0.15,"seed":7,"text":"Hi.","voice":{"gender":"female","pitch":60}}',
    );
    expect(hashOf(value)).toBe('71a4df7bbd1c9920e5b21b45a05ee0b6a06590b314d160bf83ff4d4b357cb1a1');
    expect(hashOf('mara')).toBe('7b131ebe503c09c6ee4dbaa834d85192b01539ed5f5d24c55086e60e4bfcda1f');
    expect(hashOf(undefined)).toBe('74234e98afe7498fb5daf1f36ac2d78acc339464f950703b8c019892f982b90b');
    expect(hashOf([])).toBe('4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945');
    expect(seedOf('char-mara-quinn')).toBe(767362687);
    expect(seedOf('')).toBe(1672528962);
  });
});
