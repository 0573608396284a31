import { LogCapture } from '@automovie/testing';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { loadBrainConfig } from '../src/config.ts';
import { buildChains } from '../src/generation/chains.ts';
import { routerOptionsOf } from '../src/generation/config.ts';
import type { Provider } from '../src/generation/provider.ts';
import { secretValuesOf } from '../src/generation/redact.ts';
import { ScriptedTextProvider } from './generation-fixtures.ts';

const base = { AUTOMOVIE_JWT_SECRET: 'x'.repeat(40), AUTOMOVIE_DATA_DIR: '/tmp/automovie-chains-test' };
const names = (ps: readonly Provider[] | undefined) => (ps ?? []).map((p) => p.name);

describe('provider chains and gateway config', () => {
  const real1 = new ScriptedTextProvider('openrouter');
  const real2 = new ScriptedTextProvider('openai-compatible');
  const offline = new ScriptedTextProvider('offline', ['ok'], { offline: true });

  it('puts the real providers first and the offline ones last by default', () => {
    const chains = buildChains([offline, real1, real2], loadBrainConfig(base), pino({ level: 'silent' }));
    expect(names(chains.get('text'))).toEqual(['openrouter', 'openai-compatible', 'offline']);
    expect(chains.get('image')).toEqual([]);
  });

  it('orders by GENERATION_CHAIN_<KIND>, with `offline` as an alias, skipping (and saying so) what is not configured', () => {
    const logs = new LogCapture();
    const config = loadBrainConfig({ ...base, GENERATION_CHAIN_TEXT: 'offline, openai-compatible,fal' });
    const chains = buildChains([offline, real1, real2], config, pino({ level: 'warn' }, logs));
    expect(names(chains.get('text'))).toEqual(['offline', 'openai-compatible']);
    expect(logs.lines()[0]).toMatchObject({ kind: 'text', provider: 'fal', available: ['offline', 'openrouter', 'openai-compatible'] });
    const onlyMissing = buildChains(
      [offline, real1],
      loadBrainConfig({ ...base, GENERATION_CHAIN_TEXT: 'nope' }),
      pino({ level: 'silent' }),
    );
    expect(names(onlyMissing.get('text'))).toEqual(['offline']);
  });

  it('parses the router settings and refuses malformed ones naming the key', () => {
    const c = loadBrainConfig({
      ...base,
      GENERATION_TIMEOUTS_MS: 'text=1000, video=60000',
      GENERATION_RATE_LIMITS: 'fal=60',
      GENERATION_MAX_RETRIES: '0',
      GENERATION_PRICES: '{"fal":{"fal-ai/flux/dev":{"perMegapixel":0.025}}}',
    });
    expect(routerOptionsOf(c)).toMatchObject({ timeoutsMs: { text: 1000, video: 60000 }, rateLimits: { fal: 60 }, maxRetries: 0 });
    expect(c.GENERATION_PRICES).toEqual({ fal: { 'fal-ai/flux/dev': { perMegapixel: 0.025 } } });
    expect(() => loadBrainConfig({ ...base, GENERATION_RATE_LIMITS: 'fal:60' })).toThrow(/GENERATION_RATE_LIMITS/);
    expect(() => loadBrainConfig({ ...base, GENERATION_PRICES: '{"fal":{"m":{"perFrame":1}}}' })).toThrow(/GENERATION_PRICES/);
    expect(() => loadBrainConfig({ ...base, GENERATION_CHAIN_TEXT: 'a;b' })).toThrow(/GENERATION_CHAIN_TEXT/);
  });

  it('collects the credential values to blank out of provider messages', () => {
    const c = loadBrainConfig({ ...base, OPENROUTER_API_KEY: 'sk-or-0123456789', FAL_KEY: 'fal-key-0123456789' });
    expect(secretValuesOf(c)).toEqual(expect.arrayContaining(['sk-or-0123456789', 'fal-key-0123456789', 'x'.repeat(40)]));
  });
});
