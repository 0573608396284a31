import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/index.ts';
import { LogCapture } from './helpers.ts';

/** JSON lines with service, version and level names; secrets blanked wherever the usual keys carry them. */
describe('createLogger', () => {
  it('writes JSON lines with the service identity and a level name', () => {
    const out = new LogCapture();
    const log = createLogger({ service: 'story', version: '2.0.0', destination: out });
    log.info({ projectId: 'p1' }, 'hello');
    log.debug('not at info');
    const lines = out.lines();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'info', service: 'story', version: '2.0.0', pid: process.pid, projectId: 'p1', msg: 'hello' });
    expect(typeof lines[0]?.time).toBe('string');
  });

  it('redacts tokens, secrets, passwords, API keys and authorization headers', () => {
    const out = new LogCapture();
    const log = createLogger({ service: 's', version: '1', level: 'debug', destination: out });
    const secrets = ['tok-1', 'tok-2', 'sec-3', 'pw-4', 'key-5', 'Bearer auth-6', 'jwt-7', 'cookie-8', 'at-9'];
    log.info({
      token: 'tok-1',
      upstream: { token: 'tok-2', secret: 'sec-3', password: 'pw-4', apiKey: 'key-5' },
      req: { headers: { authorization: 'Bearer auth-6', cookie: 'cookie-8' } },
      env: { AUTOMOVIE_JWT_SECRET: 'jwt-7' },
      access_token: 'at-9',
      kept: 'visible',
    });
    const text = out.text;
    for (const s of secrets) expect(text).not.toContain(s);
    expect(text).toContain('[REDACTED]');
    expect(text).toContain('visible');
  });

  it('hides signed URL credentials in every part of a line, keeping the paths', () => {
    const out = new LogCapture();
    const log = createLogger({ service: 's', version: '1', destination: out });
    const sig = 'c2lnbmF0dXJlLXZhbHVl';
    const token = 'eyJwcm9qZWN0SWQiOiJwMSJ9.dG9rZW4tc2ln';
    const get = `http://brain:4100/assets/p1/asset-1?exp=1767225600&sig=${sig}`;
    const put = `http://brain:4100/uploads/n0nce?token=${token}`;
    log.info({ url: get, nested: { href: put } }, `fetching ${get}`);
    log.error({ err: new Error(`upload to ${put} failed`) }, 'request failed');
    log.info({ req: { method: 'GET', url: `/assets/p1/asset-1?%73ig=${sig}` } }, 'incoming request');
    const text = out.text;
    expect(text).not.toContain(sig);
    expect(text).not.toContain('dG9rZW4tc2ln');
    const [first, second, third] = out.lines() as Array<{
      url?: string;
      msg?: string;
      nested?: { href: string };
      err?: { message: string; stack: string };
      req?: { url: string };
    }>;
    expect(first?.url).toBe('http://brain:4100/assets/p1/asset-1?exp=1767225600&sig=[REDACTED]');
    expect(first?.msg).toBe('fetching http://brain:4100/assets/p1/asset-1?exp=1767225600&sig=[REDACTED]');
    expect(first?.nested?.href).toBe('http://brain:4100/uploads/n0nce?token=[REDACTED]');
    expect(second?.err?.message).toBe('upload to http://brain:4100/uploads/n0nce?token=[REDACTED] failed');
    expect(second?.err?.stack).toContain('/uploads/n0nce?token=[REDACTED]');
    expect(third?.req?.url).toBe('/assets/p1/asset-1?%73ig=[REDACTED]');
  });
});
