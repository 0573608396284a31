import { AutomovieError } from '@automovie/contracts';
import { TEST_JWT_SECRET } from '@automovie/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { baseConfigSchema, loadConfig } from '../src/index.ts';

const good = { PORT: '4100', AUTOMOVIE_JWT_SECRET: TEST_JWT_SECRET };

function configError(env: Record<string, string | undefined>, schema: z.ZodType = baseConfigSchema): AutomovieError {
  try {
    loadConfig(schema, env);
  } catch (e) {
    if (e instanceof AutomovieError) return e;
    throw e;
  }
  throw new Error('loadConfig accepted the environment');
}

/** Config is parsed once from the environment, with defaults, frozen; a bad value names the variable and the rule. */
describe('loadConfig', () => {
  it('parses and coerces the environment, fills defaults, and freezes the result', () => {
    const c = loadConfig(baseConfigSchema, { ...good, SHUTDOWN_GRACE_MS: '2500', UNRELATED: 'x' });
    expect(c).toEqual({
      HOST: '127.0.0.1',
      PORT: 4100,
      LOG_LEVEL: 'info',
      AUTOMOVIE_JWT_SECRET: TEST_JWT_SECRET,
      AUTOMOVIE_DATA_DIR: '.data',
      SHUTDOWN_GRACE_MS: 2500,
      MCP_MAX_MESSAGE_BYTES: 4 << 20,
      MCP_HEARTBEAT_MS: 30_000,
    });
    expect(Object.isFrozen(c)).toBe(true);
    expect(() => {
      (c as { PORT: number }).PORT = 1;
    }).toThrow(TypeError);
  });

  it('refuses a short secret and a non-numeric port, naming each variable and its rule', () => {
    const err = configError({ PORT: 'eighty', AUTOMOVIE_JWT_SECRET: 'short' });
    expect(err.code).toBe('INVALID_CONFIG');
    expect(err.status).toBe(500);
    expect(err.message).toMatch(/^Invalid configuration: /);
    expect(err.message).toMatch(/PORT: .*expected number/);
    expect(err.message).toContain('AUTOMOVIE_JWT_SECRET: must be at least 32 characters');
    expect(err.data).toEqual({
      issues: [
        { variable: 'PORT', message: expect.stringMatching(/expected number/) },
        { variable: 'AUTOMOVIE_JWT_SECRET', message: 'must be at least 32 characters' },
      ],
    });
  });

  it('names missing variables, out-of-range numbers and unknown enum values', () => {
    const err = configError({ PORT: '70000', LOG_LEVEL: 'loud', MCP_HEARTBEAT_MS: '5', SHUTDOWN_GRACE_MS: '1.5' });
    const vars = (err.data as { issues: { variable: string; message: string }[] }).issues.map((i) => i.variable).sort();
    expect(vars).toEqual(['AUTOMOVIE_JWT_SECRET', 'LOG_LEVEL', 'MCP_HEARTBEAT_MS', 'PORT', 'SHUTDOWN_GRACE_MS']);
    expect(err.message).toMatch(/PORT: .*<=65535/);
    expect(err.message).toMatch(/LOG_LEVEL: .*"info"/);
    expect(err.message).toMatch(/MCP_HEARTBEAT_MS: .*>=100/);
    expect(err.message).toMatch(/SHUTDOWN_GRACE_MS: .*int/);
    expect(err.message).toMatch(/AUTOMOVIE_JWT_SECRET: .*expected string, received undefined/);
  });

  it('treats an empty variable as unset: it gets its default, or is reported missing — never coerced to 0', () => {
    // `PORT=` (as compose files leave it) must not quietly mean "any free port".
    const err = configError({ ...good, PORT: '' });
    expect(err.message).toMatch(/PORT: /);
    const c = loadConfig(baseConfigSchema, { ...good, SHUTDOWN_GRACE_MS: '', LOG_LEVEL: '' });
    expect(c.SHUTDOWN_GRACE_MS).toBe(10_000);
    expect(c.LOG_LEVEL).toBe('info');
  });

  it('never puts the secret’s value in the error', () => {
    const secret = 'abc-secret-but-too-short';
    const err = configError({ PORT: 'x', AUTOMOVIE_JWT_SECRET: secret });
    expect(err.message).not.toContain(secret);
    expect(JSON.stringify(err.data)).not.toContain(secret);
  });

  it('works with a service’s extended schema', () => {
    const schema = baseConfigSchema.extend({ NEO4J_URI: z.url(), PORT: baseConfigSchema.shape.PORT.default(4100) });
    expect(loadConfig(schema, { AUTOMOVIE_JWT_SECRET: TEST_JWT_SECRET, NEO4J_URI: 'bolt://db:7687' }).PORT).toBe(4100);
    expect(configError({ AUTOMOVIE_JWT_SECRET: TEST_JWT_SECRET, NEO4J_URI: 'not a url' }, schema).message).toMatch(/NEO4J_URI: /);
  });

  it('reads MCP_ALLOWED_HOSTS as a list of lowercase names', () => {
    expect(loadConfig(baseConfigSchema, { ...good, MCP_ALLOWED_HOSTS: ' Brain , brain.automovie.svc,,' }).MCP_ALLOWED_HOSTS).toEqual([
      'brain',
      'brain.automovie.svc',
    ]);
    expect(loadConfig(baseConfigSchema, good).MCP_ALLOWED_HOSTS).toBeUndefined();
  });

  it('takes optional backpressure limits', () => {
    const c = loadConfig(baseConfigSchema, { ...good, MCP_HIGH_WATER_MARK_BYTES: '65536', MCP_MAX_BUFFERED_BYTES: '1048576' });
    expect(c.MCP_HIGH_WATER_MARK_BYTES).toBe(65536);
    expect(c.MCP_MAX_BUFFERED_BYTES).toBe(1048576);
    expect(configError({ ...good, MCP_MAX_BUFFERED_BYTES: '10' }).message).toMatch(/MCP_MAX_BUFFERED_BYTES: .*>=1024/);
  });
});
