import { TEST_JWT_SECRET } from '@automovie/testing';
import { describe, expect, it } from 'vitest';
import { extractToken, MIN_SECRET_LENGTH, redactUrl, TokenAuthority } from '../src/index.ts';

const authority = new TokenAuthority(TEST_JWT_SECRET);

function b64url(obj: unknown): string {
  return Buffer.from(JSON.stringify(obj)).toString('base64url');
}

describe('TokenAuthority', () => {
  it('mints a service token that verifies back to its principal', async () => {
    const before = Math.floor(Date.now() / 1000);
    const token = await authority.mint({ service: 'story', scopes: ['brain:*', 'character:cast_characters'], ttl: '15m' });
    const p = await authority.verify(token);
    expect(p).toMatchObject({ kind: 'service', sub: 'story', service: 'story', scopes: ['brain:*', 'character:cast_characters'] });
    expect(p.userId).toBeUndefined();
    expect(p.tokenId).toMatch(/^[0-9a-f-]{36}$/);
    expect(p.expiresAt).toBeGreaterThanOrEqual(before + 15 * 60);
    expect(p.expiresAt).toBeLessThanOrEqual(before + 15 * 60 + 2);
  });

  it('gives every token its own id', async () => {
    const a = await authority.verify(await authority.mint({ service: 's', scopes: [] }));
    const b = await authority.verify(await authority.mint({ service: 's', scopes: [] }));
    expect(a.tokenId).not.toBe(b.tokenId);
  });

  it('mints on-behalf-of tokens: kind user, the user id, the minting service', async () => {
    const p = await authority.verify(await authority.mint({ service: 'frontend', userId: 'u-7', scopes: ['*'] }));
    expect(p).toMatchObject({ kind: 'user', userId: 'u-7', sub: 'user:u-7', service: 'frontend', scopes: ['*'] });
  });

  it('takes a ttl in seconds', async () => {
    const now = Math.floor(Date.now() / 1000);
    const p = await authority.verify(await authority.mint({ service: 's', scopes: [], ttl: 120 }));
    expect(p.expiresAt! - now).toBeGreaterThanOrEqual(119);
    expect(p.expiresAt! - now).toBeLessThanOrEqual(121);
  });

  it('refuses an expired token (beyond the 5 s clock tolerance)', async () => {
    const token = await authority.mint({ service: 's', scopes: ['*'], ttl: -60 });
    await expect(authority.verify(token)).rejects.toMatchObject({ code: 'UNAUTHENTICATED', message: 'Unauthenticated: token expired' });
  });

  it('refuses a token signed with another secret', async () => {
    const token = await new TokenAuthority('x'.repeat(MIN_SECRET_LENGTH)).mint({ service: 's', scopes: ['*'] });
    await expect(authority.verify(token)).rejects.toMatchObject({ code: 'UNAUTHENTICATED', message: expect.stringMatching(/signature/) });
  });

  it('refuses a token whose payload was tampered with (scopes widened)', async () => {
    const token = await authority.mint({ service: 's', scopes: ['brain:get_node'] });
    const [header, payload, sig] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8'));
    const forged = `${header}.${b64url({ ...claims, scp: ['*'] })}.${sig}`;
    await expect(authority.verify(forged)).rejects.toMatchObject({ code: 'UNAUTHENTICATED', message: expect.stringMatching(/signature/) });
  });

  it('refuses unsigned (alg none) tokens and garbage', async () => {
    const claims = { sub: 's', svc: 's', scp: ['*'], iss: 'automovie', aud: 'automovie-fleet', exp: Math.floor(Date.now() / 1000) + 60 };
    const none = `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claims)}.`;
    await expect(authority.verify(none)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(authority.verify('a.b.c')).rejects.toMatchObject({ code: 'UNAUTHENTICATED', message: expect.stringMatching(/malformed/) });
    await expect(authority.verify('')).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('refuses bad scope strings at mint, naming the index and the value', async () => {
    const err = await authority.mint({ service: 's', scopes: ['brain:*', 'Brain:Get', 'x'] }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'INVALID_INPUT' });
    expect((err as Error).message).toContain('scopes[1]');
    expect((err as Error).message).toContain('"Brain:Get"');
    await expect(authority.mint({ service: 's', scopes: ['brain:get_node', 'nocolon'] })).rejects.toThrow(/scopes\[1\]/);
  });

  it('refuses a secret shorter than the minimum', () => {
    expect(() => new TokenAuthority('short')).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }));
    expect(() => new TokenAuthority('y'.repeat(MIN_SECRET_LENGTH - 1))).toThrow(/at least 32/);
  });
});

describe('extractToken', () => {
  it('reads a bearer Authorization header first, else the access_token query parameter', () => {
    expect(extractToken('Bearer abc.def.ghi', '/mcp?access_token=other')).toBe('abc.def.ghi');
    expect(extractToken('bearer   abc', undefined)).toBe('abc');
    expect(extractToken(undefined, '/mcp?x=1&access_token=q.r.s')).toBe('q.r.s');
    expect(extractToken(undefined, '/mcp?access%5Ftoken=enc')).toBe('enc');
    expect(extractToken('Basic dXNlcjpwYXNz', '/mcp?access_token=q')).toBeUndefined();
    expect(extractToken(undefined, '/mcp')).toBeUndefined();
    expect(extractToken(undefined, undefined)).toBeUndefined();
  });
});

describe('redactUrl', () => {
  it('removes access_token values however the name is spelled, and keeps the rest', () => {
    expect(redactUrl('/mcp?access_token=a.b.c')).toBe('/mcp?access_token=[REDACTED]');
    expect(redactUrl('/mcp?x=1&access_token=a.b.c&y=2')).toBe('/mcp?x=1&access_token=[REDACTED]&y=2');
    expect(redactUrl('/mcp?access%5Ftoken=a.b.c')).toBe('/mcp?access%5Ftoken=[REDACTED]');
    expect(redactUrl('/mcp?ACCESS_TOKEN=a.b.c&access_token=d')).toBe('/mcp?ACCESS_TOKEN=[REDACTED]&access_token=[REDACTED]');
    expect(redactUrl('/mcp?access_token')).toBe('/mcp?access_token=[REDACTED]');
    expect(redactUrl('/mcp?access_tokens=keep')).toBe('/mcp?access_tokens=keep');
    expect(redactUrl('/mcp')).toBe('/mcp');
    expect(redactUrl('/mcp?a=1#access_token=frag')).toBe('/mcp?a=1#access_token=frag');
  });
});
