import { describe, expect, it } from 'vitest';
import { fingerprint, relayFraction } from '../../src/steps/shared.ts';

describe('step helpers', () => {
  it('fingerprints JSON values stably', () => {
    expect(fingerprint({ a: 1 })).toBe(fingerprint({ a: 1 }));
    expect(fingerprint({ a: 1 })).not.toBe(fingerprint({ a: 2 }));
    expect(fingerprint(undefined)).toBe(fingerprint(null));
  });

  it('turns progress notifications into fractions', () => {
    expect(relayFraction(3, 10)).toBe(0.3);
    expect(relayFraction(0.5, undefined)).toBe(0.5);
    expect(relayFraction(7, undefined)).toBe(0);
    expect(relayFraction(12, 10)).toBe(1);
    expect(relayFraction(Number.NaN, 10)).toBe(0);
  });
});
