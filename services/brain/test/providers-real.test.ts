import { LogCapture, TEST_JWT_SECRET } from '@automovie/testing';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadBrainConfig } from '../src/config.ts';
import type { Provider, ProviderKind } from '../src/generation/provider.ts';
import { createRealProviders } from '../src/generation/providers/real.ts';
import { callContext, type FixtureServer, startFixtureServer } from './providers-fixture-server.ts';

const KEYS = {
  OPENROUTER_API_KEY: 'sk-or-v1-0000000000000000000000000000000000000000000000000000000000000001',
  OPENAI_API_KEY: 'sk-proj-00000000000000000000000000000002',
  FAL_KEY: '3f2a9c1e-7b4d-4e8a-9f01-23456789abcd:0f1e2d3c4b5a69788796a5b4c3d2e1f0',
  ELEVENLABS_API_KEY: 'sk_000000000000000000000000000000000000000000000003',
};

function providers(env: Record<string, string>): { list: Provider[]; logs: LogCapture } {
  const logs = new LogCapture();
  const list = createRealProviders(loadBrainConfig({ AUTOMOVIE_JWT_SECRET: TEST_JWT_SECRET, ...env }), {
    logger: pino({ level: 'debug' }, logs),
  });
  return { list, logs };
}

const chain = (list: Provider[], kind: ProviderKind) => list.filter((p) => p.kind === kind).map((p) => `${p.name}:${p.defaultModel}`);

describe('createRealProviders: only what is configured, in chain order', () => {
  it('returns nothing without keys (offline only) and says so', () => {
    const { list, logs } = providers({});
    expect(list).toEqual([]);
    expect(logs.text).toContain('offline providers only');
  });

  it('builds every real provider when every key is set, without logging a key', () => {
    const { list, logs } = providers({
      ...KEYS,
      OPENAI_COMPAT_BASE_URL: 'http://127.0.0.1:11434/v1',
      OPENAI_COMPAT_MODEL: 'llama3.2',
      OPENAI_COMPAT_VISION_MODEL: 'llava',
    });
    expect(chain(list, 'text')).toEqual([
      'openrouter:google/gemini-2.5-flash',
      'openrouter-backup:openai/gpt-4o-mini',
      'openai-compatible:llama3.2',
    ]);
    expect(chain(list, 'vision')).toEqual([
      'openrouter:google/gemini-2.5-flash',
      'openrouter-backup:openai/gpt-4o-mini',
      'openai-compatible:llava',
    ]);
    expect(chain(list, 'moderation')).toEqual(['openai:omni-moderation-latest']);
    expect(chain(list, 'image')).toEqual(['fal:fal-ai/flux/dev']);
    expect(chain(list, 'video')).toEqual(['fal:fal-ai/kling-video/v1.6/standard/image-to-video']);
    expect(chain(list, 'model3d')).toEqual(['fal:fal-ai/trellis']);
    expect(chain(list, 'speech')).toEqual(['elevenlabs:eleven_multilingual_v2']);
    expect(chain(list, 'music')).toEqual(['elevenlabs:music_v1']);
    expect(chain(list, 'sfx')).toEqual(['elevenlabs:eleven_text_to_sound_v2']);
    expect(list.every((p) => !p.offline)).toBe(true);
    // The local Ollama costs nothing per token; OpenRouter's unknown models are priced high.
    const compat = list.find((p) => p.name === 'openai-compatible' && p.kind === 'text')!;
    expect(compat.estimateCostUsd({ messages: [{ role: 'user', content: 'hi' }], maxTokens: 100 } as never, 'llama3.2')).toBe(0);
    for (const key of Object.values(KEYS)) expect(logs.text).not.toContain(key);
  });

  it('honours model choices, turns the backup off with "none", and takes moderation from an OpenAI compat endpoint', () => {
    const { list } = providers({
      OPENROUTER_API_KEY: KEYS.OPENROUTER_API_KEY,
      OPENROUTER_MODEL: 'anthropic/claude-sonnet-4',
      OPENROUTER_BACKUP_MODEL: 'none',
      OPENAI_COMPAT_BASE_URL: 'https://api.openai.com/v1',
      OPENAI_COMPAT_API_KEY: KEYS.OPENAI_API_KEY,
      OPENAI_COMPAT_MODEL: 'gpt-4.1-mini',
      FAL_KEY: KEYS.FAL_KEY,
      FAL_IMAGE_MODEL: 'fal-ai/flux/schnell',
      FAL_3D_MODEL: 'fal-ai/hunyuan3d/v2',
      ELEVENLABS_API_KEY: KEYS.ELEVENLABS_API_KEY,
      ELEVENLABS_MODEL: 'eleven_flash_v2_5',
    });
    expect(chain(list, 'text')).toEqual(['openrouter:anthropic/claude-sonnet-4', 'openai-compatible:gpt-4.1-mini']);
    expect(chain(list, 'moderation')).toEqual(['openai:omni-moderation-latest']);
    expect(chain(list, 'image')).toEqual(['fal:fal-ai/flux/schnell']);
    expect(chain(list, 'model3d')).toEqual(['fal:fal-ai/hunyuan3d/v2']);
    expect(chain(list, 'speech')).toEqual(['elevenlabs:eleven_flash_v2_5']);
  });

  it('refuses incomplete or malformed provider config, naming the variable', () => {
    expect(() => providers({ OPENAI_COMPAT_BASE_URL: 'http://127.0.0.1:11434/v1' })).toThrow(
      'OPENAI_COMPAT_MODEL: required when OPENAI_COMPAT_BASE_URL is set',
    );
    expect(() => providers({ ELEVENLABS_API_KEY: KEYS.ELEVENLABS_API_KEY, ELEVENLABS_VOICES: 'abc' })).toThrow('ELEVENLABS_VOICES');
    expect(() => providers({ FAL_KEY: KEYS.FAL_KEY, FAL_BASE_URL: 'ftp://x' })).toThrow('FAL_BASE_URL');
  });
});

describe('createRealProviders: the base-URL settings reach the SDKs (one call each against loopback)', () => {
  let server: FixtureServer;
  beforeEach(async () => {
    server = await startFixtureServer();
  });
  afterEach(() => server.close());

  it('OPENROUTER_BASE_URL, FAL_BASE_URL and ELEVENLABS_BASE_URL point the adapters at the fixture server', async () => {
    const { list } = providers({
      OPENROUTER_API_KEY: KEYS.OPENROUTER_API_KEY,
      OPENROUTER_BASE_URL: `${server.origin}/api/v1`,
      FAL_KEY: KEYS.FAL_KEY,
      FAL_BASE_URL: server.origin,
      ELEVENLABS_API_KEY: KEYS.ELEVENLABS_API_KEY,
      ELEVENLABS_BASE_URL: server.origin,
    });
    const text = list.find((p) => p.kind === 'text' && p.name === 'openrouter') as Provider<'text'>;
    const sfx = list.find((p) => p.kind === 'sfx') as Provider<'sfx'>;
    const image = list.find((p) => p.kind === 'image') as Provider<'image'>;

    server.reply({ fixture: 'openrouter-chat-ok' });
    await text.run({ messages: [{ role: 'user', content: 'Go.' }] }, callContext({ model: text.defaultModel }).ctx);
    server.reply({ fixture: 'elevenlabs-sound-ok' });
    await sfx.run({ description: 'rain', durationS: 2 }, callContext({ model: sfx.defaultModel }).ctx);
    // The fal client polls once a second by default: the result is ready at the first poll here.
    server.reply(
      { fixture: 'fal-submit-flux' },
      { fixture: 'fal-status-completed' },
      { fixture: 'fal-result-flux-ok' },
      { fixture: 'fal-file-png' },
    );
    await image.run({ prompt: 'rooftop', width: 64, height: 36, references: [] }, callContext({ model: image.defaultModel }).ctx);

    expect(server.requests.map((r) => `${r.method} ${r.path.replace(/\?.*$/, '')}`)).toEqual([
      'POST /api/v1/chat/completions',
      'POST /v1/sound-generation',
      'POST /fal-ai/flux/dev',
      'GET /fal-ai/flux/requests/764cabcf-b745-4b3e-ae38-1200304cf45b/status',
      'GET /fal-ai/flux/requests/764cabcf-b745-4b3e-ae38-1200304cf45b',
      'GET /files/7dff3c2e/frame.png',
    ]);
    expect(server.requests[0]!.headers['http-referer']).toBeDefined();
    expect(server.requests[0]!.headers['x-title']).toBe('Automovie');
  });
});
