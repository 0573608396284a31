import { brainCatalog, EVENTS_STREAM } from '@automovie/contracts';
import { McpClient } from '@automovie/mcp-ws';
import {
  type RedisServer,
  type StartedService,
  startRedis,
  startService,
  TEST_JWT_SECRET,
  type TempDir,
  tempDir,
  testToken,
} from '@automovie/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer, loadBrainConfig } from '../src/server.ts';
import { BytesImageProvider, HashVisionProvider, ScriptedTextProvider } from './generation-fixtures.ts';

const t = brainCatalog.tools;
const KEY = 'sk-or-v1-integration-test-key-0123456789';

async function failure(p: Promise<unknown>): Promise<{ code: string; message: string; data?: Record<string, unknown> }> {
  try {
    await p;
  } catch (err) {
    return err as { code: string; message: string; data?: Record<string, unknown> };
  }
  throw new Error('expected the call to fail');
}

describe('generation tools over MCP (embedded graph, real Redis, a real adapter that cannot connect)', () => {
  let redis: RedisServer;
  let data: TempDir;
  let brain: StartedService;
  let events: Redis;
  const text = new ScriptedTextProvider('scripted', ['ok'], { priceUsd: 0.01 });
  const image = new BytesImageProvider(0.05);
  const vision = new HashVisionProvider();
  const clients: McpClient[] = [];
  const as = async (userId: string | undefined) => {
    const c = new McpClient({
      url: brain.mcpUrl,
      token: await testToken({ service: 'test', scopes: ['brain:*'], ...(userId ? { userId } : {}) }),
    });
    clients.push(c);
    return c;
  };
  let alice: McpClient;
  let vic: McpClient;
  let p1: string;

  beforeAll(async () => {
    redis = await startRedis();
    data = await tempDir('automovie-brain-gen-');
    const config = loadBrainConfig({
      AUTOMOVIE_JWT_SECRET: TEST_JWT_SECRET,
      PORT: '0',
      LOG_LEVEL: 'silent',
      AUTOMOVIE_DATA_DIR: data.path,
      REDIS_URL: redis.url,
      // A real OpenRouter adapter with a key, pointed at a closed port: it fails fast and the chain falls back.
      OPENROUTER_API_KEY: KEY,
      OPENROUTER_BASE_URL: 'http://127.0.0.1:9/api/v1',
      OPENROUTER_BACKUP_MODEL: 'none',
      GENERATION_RETRY_BASE_MS: '5',
      GENERATION_MAX_RETRIES: '1',
    });
    brain = await startService(() => buildServer(config, { providers: [text, image, vision] }));
    events = new Redis(redis.url);
    alice = await as('alice');
    vic = await as('vic');
    p1 = (await alice.call(t.create_project, { name: 'Lighthouse', budgetUsd: 5 })).project.id;
    await alice.call(t.add_member, { projectId: p1, userId: 'vic', role: 'viewer' });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    events?.disconnect();
    await brain?.stop();
    await data?.remove();
    await redis?.stop();
  });

  it('lists the chains: the configured real provider first, then the others; embeddings too', async () => {
    const { providers } = await alice.call(t.list_providers, { kind: 'text' });
    expect(providers.map((p) => [p.name, p.order, p.offline])).toEqual([
      ['openrouter', 0, false],
      ['scripted', 1, false],
      ['offline', 2, true],
    ]);
    const all = (await alice.call(t.list_providers, {})).providers;
    expect(all.some((p) => p.kind === 'embeddings' && p.name === 'local')).toBe(true);
    expect(JSON.stringify(all)).not.toContain(KEY);
  });

  it('generates text (falling back past the unreachable provider), answers the repeat from the cache, records both', async () => {
    const messages = [{ role: 'user' as const, content: 'A logline about a lighthouse' }];
    const r1 = await alice.call(t.generate_text, { projectId: p1, messages });
    expect(r1).toMatchObject({ provider: 'scripted', model: 'scripted-model', cached: false, costUsd: 0.01 });
    expect(r1.text).toContain('A logline about a lighthouse');
    const r2 = await alice.call(t.generate_text, { projectId: p1, messages });
    expect(r2).toMatchObject({ cached: true, costUsd: 0, text: r1.text });
    expect(JSON.stringify([r1, r2])).not.toContain(KEY);

    const { executions } = await alice.call(t.list_prompt_executions, { projectId: p1, kind: 'text' });
    expect(executions.slice(0, 2).map((e) => [e.id, e.status])).toEqual([
      [r2.executionId, 'cached'],
      [r1.executionId, 'succeeded'],
    ]);
    expect(executions[1]?.inputs).toEqual({ messages });
    expect(executions[1]?.attempts).toBeGreaterThanOrEqual(2); // openrouter tried (and refused), then scripted
    const older = await alice.call(t.list_prompt_executions, { projectId: p1, before: executions[0]?.createdAt });
    expect(older.executions.map((e) => e.id)).not.toContain(r2.executionId);

    const usage = await alice.call(t.get_usage, { projectId: p1 });
    expect(usage.rows.find((r) => r.provider === 'scripted' && r.kind === 'text')).toMatchObject({ calls: 2, cachedCalls: 1 });
    expect(usage.budgetUsd).toBe(5);
    expect(usage.remainingUsd).toBeCloseTo(5 - usage.totalCostUsd, 8);

    // The domain events of both calls reached the stream.
    const entries = await events.xrange(EVENTS_STREAM, '-', '+');
    const types = entries.map(([, f]) => JSON.parse(f[3] as string) as { type: string; data: { executionId?: string } });
    expect(types.filter((e) => e.type === 'generation.completed').map((e) => e.data.executionId)).toEqual(
      expect.arrayContaining([r1.executionId, r2.executionId]),
    );
  });

  it('returns structured output parsed and validated', async () => {
    text.script = [{ text: 'Sure!\n```json\n{"title": "The Keeper", "beats": 3}\n```' }];
    const r = await alice.call(t.generate_text, {
      projectId: p1,
      messages: [{ role: 'user', content: 'title and beat count' }],
      jsonSchema: { type: 'object', properties: { title: { type: 'string' }, beats: { type: 'integer' } }, required: ['title', 'beats'] },
      provider: 'scripted',
    });
    expect(r.json).toEqual({ title: 'The Keeper', beats: 3 });
    text.script = ['ok'];
  });

  it('versions a template and executes it with variables, routing and an output schema', async () => {
    const base = {
      projectId: p1,
      name: 'logline.twist',
      body: 'Give {{count}} twists for: {{logline}}',
      variables: [
        { name: 'logline', required: true },
        { name: 'count', required: true, schema: { type: 'integer', minimum: 1, maximum: 5 } },
      ],
    };
    const v1 = await alice.call(t.upsert_prompt_template, base);
    const v2 = await alice.call(t.upsert_prompt_template, {
      ...base,
      system: 'You are a story editor.',
      outputSchema: { type: 'object', properties: { twists: { type: 'array', items: { type: 'string' } } }, required: ['twists'] },
      routing: { provider: 'scripted' },
    });
    expect([v1.template.version, v2.template.version]).toEqual([1, 2]);
    const listed = await alice.call(t.list_prompt_templates, { projectId: p1, name: 'logline.twist' });
    expect(listed.templates.map((x) => x.version)).toEqual([2, 1]);

    text.script = [{ text: '{"twists": ["The keeper is the ghost"]}' }];
    const r = await alice.call(t.execute_prompt, {
      projectId: p1,
      template: 'logline.twist',
      variables: { logline: 'A keeper', count: 1 },
    });
    expect(r).toMatchObject({
      template: 'logline.twist',
      version: 2,
      provider: 'scripted',
      output: { twists: ['The keeper is the ghost'] },
    });
    const sent = text.calls.at(-1)?.req;
    expect(sent?.messages).toEqual([
      { role: 'system', content: 'You are a story editor.' },
      { role: 'user', content: 'Give 1 twists for: A keeper' },
    ]);
    expect(sent?.template).toEqual({ name: 'logline.twist', version: 2, builtin: false, variables: { logline: 'A keeper', count: 1 } });
    const old = await alice.call(t.execute_prompt, {
      projectId: p1,
      template: 'logline.twist',
      version: 1,
      variables: { logline: 'A keeper', count: 2 },
    });
    expect(old.output).toBe(old.text);
    text.script = ['ok'];

    const bad = await failure(
      alice.call(t.execute_prompt, { projectId: p1, template: 'logline.twist', variables: { logline: 'A keeper', count: 9 } }),
    );
    expect(bad).toMatchObject({ code: 'BRAIN_TEMPLATE_VARIABLES' });
    expect(bad.message).toContain('count: (root): must be <= 5');
    const byTemplate = await alice.call(t.list_prompt_executions, { projectId: p1, template: 'logline.twist' });
    expect(byTemplate.executions.map((e) => e.templateVersion)).toEqual([1, 2]);
  });

  it('drafts a built-in template offline and checks content offline', async () => {
    const r = await alice.call(t.execute_prompt, {
      projectId: p1,
      template: 'story.outlines',
      variables: { idea: 'An old lighthouse keeper befriends a stranded gull', optionCount: 2 },
      provider: 'offline',
    });
    expect(r).toMatchObject({ template: 'story.outlines', version: 1, provider: 'offline', costUsd: 0 });
    expect((r.output as { options: unknown[] }).options).toHaveLength(2);
    const again = await alice.call(t.execute_prompt, {
      projectId: p1,
      template: 'story.outlines',
      variables: { idea: 'An old lighthouse keeper befriends a stranded gull', optionCount: 2 },
      provider: 'offline',
    });
    expect(again).toMatchObject({ cached: true, output: r.output });
    const m = await alice.call(t.moderate_content, { projectId: p1, text: 'A quiet walk along the pier at dusk.' });
    expect(m).toMatchObject({ flagged: false, provider: 'offline' });
  });

  it('generates an image from a reference, stores it as an asset, and describes it', async () => {
    const ref = await alice.call(t.generate_image, { projectId: p1, prompt: 'Mara, portrait', width: 64, height: 64 });
    expect(ref.asset).toMatchObject({ kind: 'image', provider: 'bytes', costUsd: 0.05, width: 64 });
    const shot = await alice.call(t.generate_image, {
      projectId: p1,
      prompt: 'Mara at the window',
      width: 64,
      height: 64,
      referenceAssetIds: [ref.asset.id],
    });
    expect(shot.asset.id).not.toBe(ref.asset.id);
    const derived = await alice.call(t.get_node_neighbors, { projectId: p1, id: shot.asset.id, direction: 'out', types: ['DERIVED_FROM'] });
    expect(derived.nodes.map((n) => n.id)).toEqual([ref.asset.id]);
    const got = await alice.call(t.get_asset, { projectId: p1, assetId: shot.asset.id });
    expect(got.asset.sha256).toBe(shot.asset.sha256);

    const d = await alice.call(t.describe_image, { projectId: p1, assetId: shot.asset.id, question: 'who?' });
    expect(d.description).toContain(`${shot.asset.bytes} bytes`);
    expect(d.provider).toBe('hash-vision');

    const notImage = await failure(alice.call(t.generate_image, { projectId: p1, prompt: 'x', referenceAssetIds: ['asset-missing'] }));
    expect(notImage.code).toBe('BRAIN_ASSET_NOT_FOUND');
  });

  it('lets viewers read usage and executions but not spend', async () => {
    const e = await failure(vic.call(t.generate_text, { projectId: p1, messages: [{ role: 'user', content: 'hi' }] }));
    expect(e.code).toBe('FORBIDDEN');
    expect((await vic.call(t.get_usage, { projectId: p1 })).totalCalls).toBeGreaterThan(0);
    expect((await vic.call(t.list_prompt_executions, { projectId: p1, limit: 1 })).executions).toHaveLength(1);
    expect((await failure(vic.call(t.upsert_prompt_template, { projectId: p1, name: 'x.y', body: 'hi' }))).code).toBe('FORBIDDEN');
  });

  it('refuses a call over the budget before spending, naming the numbers', async () => {
    const p2 = (await alice.call(t.create_project, { name: 'Tight', budgetUsd: 0.005 })).project.id;
    const callsBefore = text.calls.length;
    const e = await failure(
      alice.call(t.generate_text, { projectId: p2, messages: [{ role: 'user', content: 'expensive' }], provider: 'scripted' }),
    );
    expect(e.code).toBe('BRAIN_BUDGET_EXCEEDED');
    expect(e.message).toContain('of its $0.0050 budgetUsd; this call to scripted scripted-model is estimated at $0.0100');
    expect(text.calls.length).toBe(callsBefore);
  });
});
