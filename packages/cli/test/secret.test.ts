import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TokenAuthority } from '@automovie/mcp-ws';
import { TEST_JWT_SECRET, type TempDir, tempDir } from '@automovie/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveCallToken } from '../src/credentials.ts';
import { CliError } from '../src/errors.ts';
import { ensureFleetSecret, readFleetSecret } from '../src/secret.ts';

describe('fleet secret', () => {
  let dir: TempDir;
  beforeEach(async () => {
    dir = await tempDir('automovie-cli-secret-');
  });
  afterEach(() => dir.remove());

  it('is created once in <data-dir>/jwt-secret: 48 random bytes, base64url, mode 0600; then reused', () => {
    const dataDir = join(dir.path, 'nested', '.data');
    expect(readFleetSecret({}, dataDir)).toBeUndefined();
    const first = ensureFleetSecret({}, dataDir);
    expect(first.source).toBe('created');
    expect(first.secret).toMatch(/^[A-Za-z0-9_-]{64}$/);
    const path = join(dataDir, 'jwt-secret');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8').trim()).toBe(first.secret);
    const again = ensureFleetSecret({}, dataDir);
    expect(again).toEqual({ secret: first.secret, source: 'file', path });
  });

  it('comes from AUTOMOVIE_JWT_SECRET first, and no file is written then', () => {
    const s = ensureFleetSecret({ AUTOMOVIE_JWT_SECRET: TEST_JWT_SECRET }, dir.path);
    expect(s).toEqual({ secret: TEST_JWT_SECRET, source: 'env' });
    expect(readFleetSecret({}, dir.path)).toBeUndefined();
  });

  it('refuses a short secret, naming where it came from', () => {
    expect(() => readFleetSecret({ AUTOMOVIE_JWT_SECRET: 'short' }, dir.path)).toThrow(/AUTOMOVIE_JWT_SECRET is too short: at least 32/);
    mkdirSync(dir.path, { recursive: true });
    writeFileSync(join(dir.path, 'jwt-secret'), 'tiny\n');
    expect(() => readFleetSecret({}, dir.path)).toThrow(CliError);
    expect(() => readFleetSecret({}, dir.path)).toThrow(/jwt-secret is too short/);
  });
});

describe('resolveCallToken', () => {
  let dir: TempDir;
  beforeEach(async () => {
    dir = await tempDir('automovie-cli-token-');
  });
  afterEach(() => dir.remove());

  it('prefers --token, then AUTOMOVIE_TOKEN', async () => {
    expect(await resolveCallToken({ token: 'a', env: { AUTOMOVIE_TOKEN: 'b' }, dataDir: dir.path })).toBe('a');
    expect(await resolveCallToken({ env: { AUTOMOVIE_TOKEN: 'b', AUTOMOVIE_JWT_SECRET: TEST_JWT_SECRET }, dataDir: dir.path })).toBe('b');
  });

  it('else mints a short-lived operator token (sub cli, scope *) from the fleet secret', async () => {
    const token = await resolveCallToken({ env: { AUTOMOVIE_JWT_SECRET: TEST_JWT_SECRET }, dataDir: dir.path });
    const p = await new TokenAuthority(TEST_JWT_SECRET).verify(token);
    expect(p).toMatchObject({ kind: 'service', sub: 'cli', service: 'cli', scopes: ['*'] });
    expect(p.expiresAt! - Date.now() / 1000).toBeLessThanOrEqual(300);
  });

  it('says how to get credentials when there are none', async () => {
    const err = await resolveCallToken({ env: {}, dataDir: dir.path }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).code).toBe('CLI_NO_CREDENTIALS');
    expect((err as CliError).message).toMatch(/--token.*AUTOMOVIE_TOKEN.*AUTOMOVIE_JWT_SECRET.*automovie up/);
  });
});
