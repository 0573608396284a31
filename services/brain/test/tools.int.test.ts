import { brainCatalog, EVENTS_STREAM, EventEnvelopeSchema } from '@automovie/contracts';
import { McpClient } from '@automovie/mcp-ws';
import { type RedisServer, startRedis, testToken } from '@automovie/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBrain, type TestBrain } from './helpers.ts';

const t = brainCatalog.tools;

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (err) {
    return (err as { code?: string }).code ?? String(err);
  }
}

describe('brain tools over MCP (embedded graph, real Redis)', () => {
  let redis: RedisServer;
  let brain: TestBrain;
  let events: Redis;
  const clients: McpClient[] = [];
  const as = async (userId: string | undefined, scopes = ['brain:*']) => {
    const c = new McpClient({ url: brain.mcpUrl, token: await testToken({ service: 'test', scopes, ...(userId ? { userId } : {}) }) });
    clients.push(c);
    return c;
  };
  let alice: McpClient; // owner of p1
  let bob: McpClient; // owner of p2
  let vic: McpClient; // viewer of p1
  let svc: McpClient; // a service on its own behalf
  let p1: string;
  let p2: string;

  beforeAll(async () => {
    redis = await startRedis();
    brain = await startTestBrain({ REDIS_URL: redis.url });
    events = new Redis(redis.url);
    alice = await as('alice');
    bob = await as('bob');
    vic = await as('vic');
    svc = await as(undefined);
    p1 = (await alice.call(t.create_project, { name: 'Lighthouse', genre: 'drama' })).project.id;
    p2 = (await bob.call(t.create_project, { name: 'Heist' })).project.id;
    await alice.call(t.add_member, { projectId: p1, userId: 'vic', role: 'viewer' });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    events?.disconnect();
    await brain?.stop();
    await redis?.stop();
  });

  it('builds and reads a story graph: nodes, relationships, neighbors, paths, queries', async () => {
    const mara = (await alice.call(t.create_node, { projectId: p1, label: 'Character', properties: { name: 'Mara', age: 61 } })).node;
    const tom = (await alice.call(t.create_node, { projectId: p1, label: 'Character', properties: { name: 'Tom', age: 9 } })).node;
    const scene = (
      await alice.call(t.create_node, { projectId: p1, label: 'Scene', properties: { number: 1, heading: 'EXT. LIGHTHOUSE - DUSK' } })
    ).node;
    const loc = (await alice.call(t.create_node, { projectId: p1, label: 'Location', properties: { name: 'Lighthouse' } })).node;
    await alice.call(t.create_relationship, { projectId: p1, from: scene.id, to: mara.id, type: 'FEATURES' });
    await alice.call(t.create_relationship, { projectId: p1, from: scene.id, to: loc.id, type: 'SET_IN' });
    await alice.call(t.create_relationship, {
      projectId: p1,
      from: mara.id,
      to: tom.id,
      type: 'RELATES_TO',
      properties: { kind: 'grandmother' },
    });

    const n1 = await alice.call(t.get_node_neighbors, { projectId: p1, id: scene.id, direction: 'out' });
    expect(n1.nodes.map((n) => n.id).sort()).toEqual([mara.id, loc.id].sort());
    const n2 = await alice.call(t.get_node_neighbors, { projectId: p1, id: scene.id, depth: 2, labels: ['Character'] });
    expect(n2.nodes.map((n) => n.properties.name).sort()).toEqual(['Mara', 'Tom']);

    const path = await alice.call(t.find_path, { projectId: p1, from: loc.id, to: tom.id });
    expect(path.found).toBe(true);
    expect(path.nodes.map((n) => n.id)).toEqual([loc.id, scene.id, mara.id, tom.id]);

    const q = await alice.call(t.query_graph, {
      projectId: p1,
      start: { label: 'Scene', where: [{ property: 'number', op: 'eq', value: 1 }] },
      hops: [{ type: 'FEATURES', direction: 'out', label: 'Character', where: [{ property: 'age', op: 'gt', value: 50 }] }],
    });
    expect(q.rows.map((r) => r.map((n) => n.id))).toEqual([[scene.id, mara.id]]);

    const updated = await alice.call(t.update_node, { projectId: p1, id: mara.id, properties: { age: 62 }, remove: ['name'] });
    expect(updated.node.properties).toEqual({ age: 62 });
    const del = await alice.call(t.delete_node, { projectId: p1, id: tom.id });
    expect(del).toEqual({ deleted: true, relationshipsDeleted: 1 });
    expect(await code(alice.call(t.get_node, { projectId: p1, id: tom.id }))).toBe('BRAIN_NODE_NOT_FOUND');
  });

  it('stores documents and finds them by meaning and by words', async () => {
    const docs = [
      { id: 'keeper', title: 'The keeper', content: 'The lighthouse keeper climbs the spiral stairs at dusk to light the lamp.' },
      { id: 'storm', content: 'A storm batters the rocky coast; waves crash over the pier and the boats.' },
      { id: 'bread', content: 'Recipe: bake the bread at 200 degrees for forty minutes.' },
    ];
    const stored = await alice.call(t.bulk_store_documents, { projectId: p1, documents: docs });
    expect(stored).toEqual({ ids: ['keeper', 'storm', 'bread'], created: 3, replaced: 0 });

    for (const mode of ['hybrid', 'vector', 'keyword'] as const) {
      const r = await alice.call(t.semantic_search, {
        projectId: p1,
        query: 'who keeps the lighthouse lamp',
        k: 3,
        mode,
        labels: ['Document'],
      });
      expect(r.results[0]?.id, mode).toBe('keeper');
    }
    const storm = await alice.call(t.semantic_search, {
      projectId: p1,
      query: 'waves crashing on the coast in a storm',
      k: 1,
      mode: 'vector',
    });
    expect(storm.results[0]?.id).toBe('storm');

    const batch = await alice.call(t.batch_similarity_search, {
      projectId: p1,
      queries: ['bake bread', 'lighthouse stairs'],
      k: 1,
      labels: ['Document'],
    });
    expect(batch.results.map((r) => r[0]?.id)).toEqual(['bread', 'keeper']);

    const doc = await alice.call(t.get_document, { projectId: p1, id: 'keeper' });
    expect(doc.document).toMatchObject({ id: 'keeper', title: 'The keeper', content: docs[0]?.content });
    const again = await alice.call(t.store_document, { projectId: p1, id: 'bread', content: 'Sourdough needs a starter fed daily.' });
    expect(again).toEqual({ id: 'bread', created: false });
    const sour = await alice.call(t.semantic_search, { projectId: p1, query: 'sourdough starter', k: 1, mode: 'keyword' });
    expect(sour.results[0]?.id).toBe('bread');

    const emb = await alice.call(t.embed_text, { text: 'who keeps the lighthouse lamp' });
    const byVec = await alice.call(t.search_by_embedding, { projectId: p1, embedding: emb.embedding, k: 1, labels: ['Document'] });
    expect(byVec.results[0]?.id).toBe('keeper');

    expect(await alice.call(t.delete_document, { projectId: p1, id: 'storm' })).toEqual({ deleted: true });
    const gone = await alice.call(t.semantic_search, { projectId: p1, query: 'storm waves coast', k: 5, labels: ['Document'] });
    expect(gone.results.map((h) => h.id)).not.toContain('storm');
  });

  it('keeps workflow records and finds similar ones, by kind', async () => {
    await alice.call(t.store_workflow_data, {
      projectId: p1,
      id: 'w1',
      kind: 'outline_choice',
      status: 'done',
      description: 'Chose a tragic ending at sea',
      data: { option: 2 },
    });
    await alice.call(t.store_workflow_data, {
      projectId: p1,
      id: 'w2',
      kind: 'render',
      status: 'failed',
      description: 'Storyboard render of the storm scene failed',
      data: {},
    });
    const r = await alice.call(t.search_similar_workflows, { projectId: p1, query: 'a sad ending on the sea', k: 2 });
    expect(r.results[0]?.workflow.id).toBe('w1');
    const renders = await alice.call(t.search_similar_workflows, { projectId: p1, query: 'a sad ending on the sea', kind: 'render', k: 2 });
    expect(renders.results.map((x) => x.workflow.id)).toEqual(['w2']);
    expect((await alice.call(t.get_workflow_data, { projectId: p1, id: 'w1' })).workflow).toMatchObject({
      kind: 'outline_choice',
      data: { option: 2 },
    });
  });

  it('never lets one project reach another, whatever ids it is given', async () => {
    const secret = (
      await bob.call(t.create_node, {
        projectId: p2,
        label: 'Character',
        properties: { name: 'The Fence' },
        indexText: 'the fence sells stolen diamonds',
      })
    ).node;
    await bob.call(t.store_document, { projectId: p2, id: 'plan', content: 'The vault opens at midnight.' });
    const before = JSON.stringify(await bob.call(t.get_node_neighbors, { projectId: p2, id: secret.id }));

    // Alice is not a member of p2: every tool with p2 is refused as not found.
    const p2Calls: Array<Promise<unknown>> = [
      alice.call(t.get_project, { projectId: p2 }),
      alice.call(t.get_node, { projectId: p2, id: secret.id }),
      alice.call(t.update_node, { projectId: p2, id: secret.id, properties: { name: 'x' } }),
      alice.call(t.delete_node, { projectId: p2, id: secret.id }),
      alice.call(t.create_node, { projectId: p2, label: 'Scene', properties: {} }),
      alice.call(t.get_document, { projectId: p2, id: 'plan' }),
      alice.call(t.delete_document, { projectId: p2, id: 'plan' }),
      alice.call(t.store_document, { projectId: p2, content: 'x' }),
      alice.call(t.semantic_search, { projectId: p2, query: 'vault' }),
      alice.call(t.query_graph, { projectId: p2, start: { label: 'Character' } }),
      alice.call(t.get_node_neighbors, { projectId: p2, id: secret.id }),
      alice.call(t.find_path, { projectId: p2, from: secret.id, to: secret.id }),
      alice.call(t.update_project, { projectId: p2, name: 'mine' }),
      alice.call(t.delete_project, { projectId: p2, confirm: true }),
      alice.call(t.add_member, { projectId: p2, userId: 'alice', role: 'owner' }),
      alice.call(t.remove_member, { projectId: p2, userId: 'bob' }),
      alice.call(t.store_workflow_data, { projectId: p2, kind: 'x', status: 'y' }),
      alice.call(t.search_similar_workflows, { projectId: p2, query: 'x' }),
      alice.call(t.search_by_embedding, { projectId: p2, embedding: new Array(256).fill(0.1) }),
    ];
    for (const c of await Promise.all(p2Calls.map(code))) expect(c).toBe('BRAIN_PROJECT_NOT_FOUND');

    // p2's ids used inside p1 find nothing and link nothing.
    expect(await code(alice.call(t.get_node, { projectId: p1, id: secret.id }))).toBe('BRAIN_NODE_NOT_FOUND');
    expect(await code(alice.call(t.get_document, { projectId: p1, id: 'plan' }))).toBe('BRAIN_NODE_NOT_FOUND');
    const scene = (await alice.call(t.create_node, { projectId: p1, label: 'Scene', properties: {} })).node;
    expect(await code(alice.call(t.create_relationship, { projectId: p1, from: scene.id, to: secret.id, type: 'FEATURES' }))).toBe(
      'BRAIN_NODE_NOT_FOUND',
    );
    const leak = await alice.call(t.semantic_search, {
      projectId: p1,
      query: 'the fence sells stolen diamonds; the vault opens at midnight',
      k: 50,
    });
    expect(leak.results.map((h) => h.id)).not.toContain(secret.id);
    expect(leak.results.map((h) => h.id)).not.toContain('plan');
    expect((await alice.call(t.list_projects, {})).projects.map((p) => p.id)).toEqual([p1]);

    expect(JSON.stringify(await bob.call(t.get_node_neighbors, { projectId: p2, id: secret.id }))).toBe(before);
    expect((await bob.call(t.get_document, { projectId: p2, id: 'plan' })).document.content).toBe('The vault opens at midnight.');
  });

  it("refuses a viewer's writes, and changes nothing", async () => {
    const node = (await alice.call(t.create_node, { projectId: p1, label: 'Shot', properties: { order: 1 } })).node;
    const writes: Array<Promise<unknown>> = [
      vic.call(t.create_node, { projectId: p1, label: 'Shot', properties: {} }),
      vic.call(t.update_node, { projectId: p1, id: node.id, properties: { order: 2 } }),
      vic.call(t.delete_node, { projectId: p1, id: node.id }),
      vic.call(t.create_relationship, { projectId: p1, from: node.id, to: node.id, type: 'X' }),
      vic.call(t.store_document, { projectId: p1, content: 'x' }),
      vic.call(t.bulk_store_documents, { projectId: p1, documents: [{ content: 'x' }] }),
      vic.call(t.delete_document, { projectId: p1, id: 'keeper' }),
      vic.call(t.store_workflow_data, { projectId: p1, kind: 'x', status: 'y' }),
      vic.call(t.update_project, { projectId: p1, name: 'viewer was here' }),
      vic.call(t.delete_project, { projectId: p1, confirm: true }),
      vic.call(t.add_member, { projectId: p1, userId: 'eve', role: 'owner' }),
      vic.call(t.remove_member, { projectId: p1, userId: 'alice' }),
    ];
    for (const c of await Promise.all(writes.map(code))) expect(c).toBe('FORBIDDEN');
    expect((await vic.call(t.get_node, { projectId: p1, id: node.id })).node.properties).toEqual({ order: 1 });
    expect((await vic.call(t.get_project, { projectId: p1 })).project.name).toBe('Lighthouse');
    expect((await vic.call(t.get_document, { projectId: p1, id: 'keeper' })).document.id).toBe('keeper');
  });

  it('publishes a domain event and writes an audit entry for every write', async () => {
    const before = (await events.xlen(EVENTS_STREAM)) as number;
    const n = (await alice.call(t.create_node, { projectId: p1, label: 'Beat', properties: { order: 1 } })).node;
    await alice.call(t.update_node, { projectId: p1, id: n.id, properties: { order: 2 } });
    await alice.call(t.delete_node, { projectId: p1, id: n.id });
    const entries = await events.xrange(EVENTS_STREAM, '-', '+');
    const latest = entries.slice(before).map(([, f]) => EventEnvelopeSchema.parse(JSON.parse(f[3] as string)));
    expect(latest.map((e) => e.type)).toEqual(['node.created', 'node.updated', 'node.deleted']);
    expect(latest.every((e) => e.projectId === p1 && e.actor === 'user:alice' && e.source === 'brain')).toBe(true);
    expect(latest[1]?.data).toMatchObject({ id: n.id, label: 'Beat', fields: ['order'] });
  });

  it('refuses bad input with errors that name the field and the rule', async () => {
    const cases: Array<[string, Record<string, unknown>, RegExp]> = [
      ['create_node', { projectId: p1, label: 'Unicorn', properties: {} }, /label: Invalid option/],
      ['create_node', { projectId: p1, label: 'Scene', properties: { 'bad key': 1 } }, /properties/],
      ['create_node', { projectId: 42, label: 'Scene' }, /projectId: .*expected string/],
      ['store_document', { projectId: p1, content: '' }, /content: .*>=1/],
      ['store_document', { projectId: p1, content: 'x'.repeat(1_000_001) }, /content: .*<=1000000/],
      ['bulk_store_documents', { projectId: p1, documents: [] }, /documents: .*>=1/],
      ['bulk_store_documents', { projectId: p1, documents: Array.from({ length: 1001 }, () => ({ content: 'x' })) }, /documents: .*<=1000/],
      ['batch_embed_texts', { texts: [] }, /texts: .*>=1/],
      ['search_by_embedding', { projectId: p1, embedding: [1, null, 3] }, /embedding\[1\]: .*expected number/],
      ['semantic_search', { projectId: p1, query: 'x', k: 0 }, /k: .*>=1/],
      ['query_graph', { projectId: p1, start: { label: 'Scene' }, hops: [{}, {}, {}, {}] }, /hops: .*<=3/],
      ['get_node_neighbors', { projectId: p1, id: 'x', depth: 4 }, /depth: .*<=3/],
      ['create_relationship', { projectId: p1, from: 'a', to: 'b', type: 'features' }, /type: relation types are SCREAMING_SNAKE_CASE/],
      ['delete_project', { projectId: p1, confirm: false }, /confirm/],
    ];
    for (const [tool, input, message] of cases) {
      const err = await alice.callTool(tool, input).then(
        () => undefined,
        (e: Error & { code?: string }) => e,
      );
      expect(err?.code, tool).toBe('INVALID_INPUT');
      expect(err?.message, tool).toMatch(message);
    }
    expect(await code(alice.call(t.search_by_embedding, { projectId: p1, embedding: [0.1, 0.2, 0.3] }))).toBe('BRAIN_VECTOR_DIMENSION');
  });

  it('manages members by role: producers add, the last owner stays, owners delete projects', async () => {
    await alice.call(t.add_member, { projectId: p1, userId: 'pat', role: 'producer' });
    const pat = await as('pat');
    await pat.call(t.add_member, { projectId: p1, userId: 'wes', role: 'writer' });
    expect(await code(pat.call(t.add_member, { projectId: p1, userId: 'pat', role: 'owner' }))).toBe('FORBIDDEN');
    expect(await code(pat.call(t.delete_project, { projectId: p1, confirm: true }))).toBe('FORBIDDEN');
    expect(await code(alice.call(t.remove_member, { projectId: p1, userId: 'alice' }))).toBe('BRAIN_LAST_OWNER');
    const members = (await alice.call(t.get_project, { projectId: p1 })).members.map((m) => `${m.userId}:${m.role}`);
    expect(members.sort()).toEqual(['alice:owner', 'pat:producer', 'vic:viewer', 'wes:writer']);

    const tmp = (await alice.call(t.create_project, { name: 'Scratch' })).project.id;
    await alice.call(t.store_document, { projectId: tmp, content: 'temporary notes about a lighthouse' });
    expect((await alice.call(t.delete_project, { projectId: tmp, confirm: true })).deleted).toBe(true);
    expect(await code(svc.call(t.get_project, { projectId: tmp }))).toBe('BRAIN_PROJECT_NOT_FOUND');
  });
});
