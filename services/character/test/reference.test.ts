import { hashOf } from '@automovie/film-graph';
import { describe, expect, it } from 'vitest';
import { referenceRequest } from '../src/cast.ts';

const ada = {
  name: 'Ada Bell',
  visualDescription: 'A tall woman with long black hair; wears a moss green coat.',
  identity: { palette: ['#4f7a35', '#8a2f78'], silhouette: 'tall' as const, hair: 'long' as const, accessory: 'none' as const },
};

describe('reference images', () => {
  it('draw the character alone, full length, captioned, on a neutral backdrop', () => {
    const req = referenceRequest('char-ada-bell', ada);
    expect(req.composition).toMatchObject({
      shotType: 'full',
      figures: [{ characterId: 'char-ada-bell', name: 'Ada Bell', identity: ada.identity }],
      location: { elements: [] },
      caption: 'ADA BELL — reference',
    });
    expect(req.prompt).toContain(ada.visualDescription);
    expect(req.height).toBeGreaterThan(req.width);
  });

  it('are keyed by what they are drawn from: same look, same key; a new look or seed, a new key', () => {
    const key = hashOf(referenceRequest('char-ada-bell', ada));
    expect(hashOf(referenceRequest('char-ada-bell', { ...ada }))).toBe(key);
    expect(hashOf(referenceRequest('char-ada-bell', { ...ada, identity: { ...ada.identity, hair: 'bun' } }))).not.toBe(key);
    expect(hashOf(referenceRequest('char-ada-bell', ada, 9))).not.toBe(key);
    expect(referenceRequest('char-ada-bell', ada).seed).not.toBe(referenceRequest('char-eli', ada).seed);
  });
});
