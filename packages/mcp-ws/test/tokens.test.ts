import { TEST_JWT_SECRET } from '@automovie/testing';
import { describe, expect, it } from 'vitest';
import { extractToken, MIN_SECRET_LENGTH, redactUrl, redactUrlsInText, SENSITIVE_URL_PARAMS, TokenAuthority } from '../src/index.ts';

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
  });

  it('redacts asset URL signatures and upload tokens, keeping the path and exp', () => {
    const get = 'http://brain:4100/assets/p1/asset-0123?exp=1767225600&sig=Zm9vYmFyYmF6cXV4';
    expect(redactUrl(get)).toBe('http://brain:4100/assets/p1/asset-0123?exp=1767225600&sig=[REDACTED]');
    const put = '/uploads/nonce-1234567?token=eyJwIjoxfQ.c2lnbmF0dXJl';
    expect(redactUrl(put)).toBe('/uploads/nonce-1234567?token=[REDACTED]');
    expect(SENSITIVE_URL_PARAMS).toEqual(expect.arrayContaining(['access_token', 'sig', 'token']));
  });

  it('decodes encoded names, and redacts every occurrence of a repeated one', () => {
    expect(redactUrl('/a?%73ig=x1&S%49G=x2&si%67=x3')).toBe('/a?%73ig=[REDACTED]&S%49G=[REDACTED]&si%67=[REDACTED]');
    expect(redactUrl('/a?sig=x1&sig=x2&exp=9&sig=x3')).toBe('/a?sig=[REDACTED]&sig=[REDACTED]&exp=9&sig=[REDACTED]');
    expect(redactUrl('/a?to%6Ben=t&x-amz-signature=s&X-Amz-Credential=c')).toBe(
      '/a?to%6Ben=[REDACTED]&x-amz-signature=[REDACTED]&X-Amz-Credential=[REDACTED]',
    );
    // Names that only start or end like a sensitive one are not it.
    expect(redactUrl('/a?sigma=1&design=2&tokens=3&sig_=4')).toBe('/a?sigma=1&design=2&tokens=3&sig_=4');
    // An empty value, and a value holding '=' or an encoded '&'.
    expect(redactUrl('/a?sig=&token=a=b%26c&k=v')).toBe('/a?sig=[REDACTED]&token=[REDACTED]&k=v');
  });

  it('redacts parameters in a fragment and in user info, and leaves URLs without any alone', () => {
    expect(redactUrl('/mcp?a=1#access_token=frag&state=s')).toBe('/mcp?a=1#access_token=[REDACTED]&state=s');
    expect(redactUrl('/x#sig=frag')).toBe('/x#sig=[REDACTED]');
    expect(redactUrl('/x?sig=q#frag')).toBe('/x?sig=[REDACTED]#frag');
    expect(redactUrl('/x?a=1#?sig=s')).toBe('/x?a=1#?sig=[REDACTED]');
    expect(redactUrl('redis://:hunter2@redis:6379/0')).toBe('redis://:[REDACTED]@redis:6379/0');
    expect(redactUrl('https://ann:pw@host/p?sig=s')).toBe('https://ann:[REDACTED]@host/p?sig=[REDACTED]');
    expect(redactUrl('/assets/p/a')).toBe('/assets/p/a');
    expect(redactUrl('ws://127.0.0.1:4100/mcp')).toBe('ws://127.0.0.1:4100/mcp');
  });

  it('takes its own list of names', () => {
    expect(redactUrl('/a?sig=1&key=2', { params: ['KEY'] })).toBe('/a?sig=1&key=[REDACTED]');
  });
});

describe('redactUrlsInText', () => {
  it('redacts URLs inside messages, stacks and JSON log lines', () => {
    const sig = 'Zm9vYmFyYmF6cXV4';
    const line = JSON.stringify({
      msg: `Reply was already sent in the "/assets/p1/a1?exp=1&sig=${sig}" (GET) route`,
      err: { message: `fetch http://brain/uploads/n1?token=abc.${sig} failed`, stack: `Error: x?%73ig=${sig}\n    at y` },
      url: `/assets/p1/a1?SIG=${sig}#access_token=${sig}`,
    });
    const out = redactUrlsInText(line);
    expect(out).not.toContain(sig);
    expect(out).toContain('/assets/p1/a1?exp=1&sig=[REDACTED]');
    expect(out).toContain('/uploads/n1?token=[REDACTED]');
    expect(JSON.parse(out).url).toBe('/assets/p1/a1?SIG=[REDACTED]#access_token=[REDACTED]');
  });

  it('leaves text without sensitive parameters as it is', () => {
    for (const text of ['plain words', 'a=b c=d', '/assets/p/a?exp=12&x=1', 'mail ann@example.com', 'x ?sigma=2']) {
      expect(redactUrlsInText(text)).toBe(text);
    }
    expect(redactUrlsInText('connect redis://user:secret@h:1 failed')).toBe('connect redis://user:[REDACTED]@h:1 failed');
  });
});
