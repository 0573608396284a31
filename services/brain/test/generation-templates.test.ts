import { BUILTIN_TEMPLATES, type BuiltinTemplateName } from '@automovie/contracts';
import { type TempDir, tempDir } from '@automovie/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseJsonAnswer, SchemaValidator, structuredOutput } from '../src/generation/structured.ts';
import { type BuiltinTemplateDef, interpolate, TemplateService, variableRefs } from '../src/generation/templates.ts';
import { EmbeddedGraphStore } from '../src/graph/embedded.ts';
import { type GatewayFixture, gatewayFixture, ScriptedTextProvider, textCall } from './generation-fixtures.ts';

async function codeOf(p: Promise<unknown> | (() => unknown)): Promise<{ code: string; message: string }> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (err) {
    return err as { code: string; message: string };
  }
  throw new Error('expected a failure');
}

const builtins = Object.fromEntries(
  (Object.keys(BUILTIN_TEMPLATES) as BuiltinTemplateName[]).map((name) => [
    name,
    { description: `built-in ${name}`, system: 'You write films.', body: `Do ${name} for {{idea}}`, variables: [] },
  ]),
) as unknown as Record<BuiltinTemplateName, BuiltinTemplateDef>;

describe('structured output', () => {
  const validator = new SchemaValidator();
  const schema = {
    type: 'object',
    properties: { title: { type: 'string', minLength: 3 }, n: { type: 'integer' } },
    required: ['title', 'n'],
    additionalProperties: false,
  };
  let f: GatewayFixture;
  afterEach(async () => {
    await f?.close();
  });

  it('finds the JSON in fenced or chatty answers and names what is wrong', () => {
    expect(parseJsonAnswer('```json\n{"a":1}\n```')).toEqual({ ok: true, value: { a: 1 } });
    expect(parseJsonAnswer('Here you go: {"a": [1, 2]} — enjoy')).toEqual({ ok: true, value: { a: [1, 2] } });
    expect(parseJsonAnswer('no json here')).toMatchObject({ ok: false });
    expect(validator.check(schema, { title: 'ab', n: 1.5, x: 1 }, 'jsonSchema')).toBe(
      '(root): must NOT have additional properties (x); /title: must NOT have fewer than 3 characters; /n: must be integer',
    );
  });

  it('refuses an invalid schema before any provider is called', async () => {
    const e = await codeOf(() => structuredOutput(validator, { type: 'object', properties: { a: { type: 'nonsense' } } }, 'jsonSchema'));
    expect(e.code).toBe('BRAIN_INVALID_SCHEMA');
    expect(e.message).toMatch(/^jsonSchema: not a valid JSON Schema/);
  });

  it('retries once with the validation error appended, then returns the valid answer', async () => {
    const a = new ScriptedTextProvider('alpha', [{ text: '{"title": "Hi"}' }, { text: '{"title": "Hello", "n": 3}' }]);
    f = await gatewayFixture({ text: [a] });
    const r = await f.gateway.answer({ ...textCall(f.projectId, 'give json'), ...structuredOutput(validator, schema, 'jsonSchema') });
    expect(JSON.parse(r.result.text)).toEqual({ title: 'Hello', n: 3 });
    expect(a.calls).toHaveLength(2);
    const retry = a.calls[1]?.req.messages ?? [];
    expect(retry.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(retry[1]?.content).toBe('{"title": "Hi"}');
    expect(retry[2]?.content).toContain("(root): must have required property 'n'");
    expect(r).toMatchObject({ attempts: 2, costUsd: 0.02 });
    // The repaired answer is cached under the repaired conversation, the invalid first one under nothing:
    // asking again pays the first call again (it could be answered validly this time) but not the repair.
    a.script = [{ text: '{"title": "Again", "n": 4}' }];
    const again = await f.gateway.answer({ ...textCall(f.projectId, 'give json'), ...structuredOutput(validator, schema, 'jsonSchema') });
    expect(JSON.parse(again.result.text)).toEqual({ title: 'Again', n: 4 });
  });

  it('fails clearly after the retry, stores nothing invalid, and still meters what was spent', async () => {
    const a = new ScriptedTextProvider('alpha', [{ text: 'not json at all' }, { text: '{"title": "x"}' }]);
    f = await gatewayFixture({ text: [a] });
    const e = await codeOf(
      f.gateway.answer({ ...textCall(f.projectId, 'give json'), ...structuredOutput(validator, schema, 'jsonSchema') }),
    );
    expect(e.code).toBe('BRAIN_OUTPUT_SCHEMA');
    expect(e.message).toContain('also after a retry with the validation error');
    expect(e.message).toContain('/title: must NOT have fewer than 3 characters');
    const [row] = f.db.usage(f.projectId);
    expect(row).toMatchObject({ failedCalls: 1, costUsd: 0.02 });
    // Nothing was cached: the same request goes to the provider again.
    a.script = [{ text: '{"title": "Fine", "n": 1}' }];
    const ok = await f.gateway.answer({ ...textCall(f.projectId, 'give json'), ...structuredOutput(validator, schema, 'jsonSchema') });
    expect(ok.cached).toBe(false);
    const executions = await f.store.queryGraph(f.projectId, { start: { label: 'PromptExecution' }, orderBy: { property: 'at' } });
    expect(executions.map((r) => r[0]?.properties.status)).toEqual(['failed', 'succeeded']);
    expect(executions[0]?.[0]?.properties.output).toBeUndefined();
  });
});

describe('prompt templates', () => {
  let dir: TempDir;
  let store: EmbeddedGraphStore;
  let templates: TemplateService;
  let projectId: string;
  beforeEach(async () => {
    dir = await tempDir('automovie-tmpl-');
    store = EmbeddedGraphStore.open({ dataDir: dir.path });
    projectId = (await store.createProject({ name: 'Templates' })).id;
    templates = new TemplateService(store, builtins, new SchemaValidator());
  });
  afterEach(async () => {
    await store.close();
    await dir.remove();
  });

  it('interpolates strings as they are and other values as JSON', () => {
    expect(variableRefs('{{a}} and {{ b }} and {{a}}')).toEqual(['a', 'b']);
    expect(interpolate('Hi {{name}}: {{ data }}{{missing}}.', { name: 'Mara', data: { n: 1 } })).toBe('Hi Mara: {\n  "n": 1\n}.');
  });

  it('saves versions, keeps the old ones, and lists the newest of each', async () => {
    const v1 = await templates.upsert(projectId, {
      name: 'logline.punchup',
      body: 'Punch up {{logline}}',
      variables: [{ name: 'logline', required: true }],
    });
    const v2 = await templates.upsert(projectId, {
      name: 'logline.punchup',
      body: 'Punch up {{logline}} in {{tone}}',
      variables: [
        { name: 'logline', required: true },
        { name: 'tone', required: false, schema: { enum: ['wry', 'dark'] } },
      ],
    });
    expect([v1.version, v2.version, v1.id, v2.id]).toEqual([1, 2, 'tmpl-logline.punchup-v1', 'tmpl-logline.punchup-v2']);
    expect((await templates.get(projectId, 'logline.punchup')).version).toBe(2);
    expect((await templates.get(projectId, 'logline.punchup', 1)).body).toBe('Punch up {{logline}}');
    const all = await templates.list(projectId);
    expect(all.filter((t) => t.builtin).map((t) => t.name)).toEqual(Object.keys(BUILTIN_TEMPLATES).sort());
    expect(all.filter((t) => !t.builtin).map((t) => [t.name, t.version])).toEqual([['logline.punchup', 2]]);
    expect((await templates.list(projectId, 'logline.punchup')).map((t) => t.version)).toEqual([2, 1]);
    // Shadowing a built-in starts at version 2; version 1 stays the built-in.
    const own = await templates.upsert(projectId, {
      name: 'story.outlines',
      body: 'Mine: {{idea}}',
      variables: [{ name: 'idea', required: true }],
    });
    expect(own.version).toBe(2);
    expect((await templates.get(projectId, 'story.outlines', 1)).builtin).toBe(true);
    expect((await templates.get(projectId, 'story.outlines')).builtin).toBe(false);
  });

  it('refuses variable references that are not declared and bad variable schemas', async () => {
    const e1 = await codeOf(
      templates.upsert(projectId, { name: 'x.y', body: 'Hi {{who}} {{what}}', variables: [{ name: 'who', required: true }] }),
    );
    expect(e1).toMatchObject({ code: 'BRAIN_TEMPLATE_VARIABLES', message: 'body: {{what}} is not declared in variables' });
    const e2 = await codeOf(
      templates.upsert(projectId, { name: 'x.y', body: 'Hi', variables: [{ name: 'who', required: true, schema: { type: 'bogus' } }] }),
    );
    expect(e2.code).toBe('BRAIN_INVALID_SCHEMA');
    expect(e2.message).toMatch(/^variables\[0\]\.schema: /);
  });

  it('validates variables: required, unknown, schema; built-ins by their zod schemas with defaults', async () => {
    const t = await templates.upsert(projectId, {
      name: 'scene.mood',
      body: '{{scene}} / {{count}}',
      variables: [
        { name: 'scene', required: true },
        { name: 'count', required: false, schema: { type: 'integer', minimum: 1 } },
      ],
    });
    expect(templates.prepare(t, { scene: 'Kitchen', count: 2 }).user).toBe('Kitchen / 2');
    expect(await codeOf(() => templates.prepare(t, {}))).toMatchObject({
      code: 'BRAIN_TEMPLATE_VARIABLES',
      message: 'variables of scene.mood v1: scene: required',
    });
    expect((await codeOf(() => templates.prepare(t, { scene: 'K', count: 0 }))).message).toContain('count: (root): must be >= 1');
    expect((await codeOf(() => templates.prepare(t, { scene: 'K', mood: 'x' }))).message).toBe(
      'variables: mood is not a variable of scene.mood (scene, count)',
    );
    const builtin = await templates.get(projectId, 'story.outlines');
    const prepared = templates.prepare(builtin, { idea: 'A lighthouse keeper adopts a gull' });
    expect(prepared.variables).toMatchObject({ optionCount: 3, targetDurationS: 60 });
    expect(prepared.user).toBe('Do story.outlines for A lighthouse keeper adopts a gull');
    expect((await codeOf(() => templates.prepare(builtin, { idea: 'x' }))).message).toMatch(/^variables of story.outlines: idea: /);
    expect(builtin.outputSchema).toMatchObject({ type: 'object', required: ['options'] });
  });

  it('answers BRAIN_TEMPLATE_NOT_FOUND for unknown names and versions', async () => {
    expect((await codeOf(templates.get(projectId, 'nope'))).code).toBe('BRAIN_TEMPLATE_NOT_FOUND');
    expect((await codeOf(templates.get(projectId, 'story.outlines', 5))).message).toBe(
      `template: story.outlines has no version 5 in project ${projectId}`,
    );
  });
});
