/**
 * The Neo4j backend's own behaviour, without a server: a scripted fake driver records every
 * transaction and query and answers what the test says. What Cypher does with the queries is the
 * concern of graph-neo4j.int.test.ts (a real server); here: every value is a parameter, every query is
 * bound to the project, each write is one transaction that locks the project first, errors map to
 * the brain's codes, vector search picks its path and over-fetches, deletion goes in batches.
 */
import neo4j, { Neo4jError } from 'neo4j-driver';
import { describe, expect, it } from 'vitest';
import { Neo4jGraphStore } from '../src/graph/neo4j.ts';

type Row = Record<string, unknown>;
type Answer = Row[] | Error;

interface Query {
  cypher: string;
  params: Row;
}

const I = (n: number) => neo4j.int(n);
const NOW = '2025-01-01T00:00:00.000Z';
const PROJECT = { id: 'p', name: 'P', status: 'draft', createdAt: NOW, updatedAt: NOW, listSeq: I(1) };
const node = (id: string, props: Row = {}) => ({ id, label: 'Scene', props: JSON.stringify(props), createdAt: NOW, updatedAt: NOW });

/** Plausible answers for every query of the store; a test overrides what it looks at. */
interface State {
  dim: number | null;
  count: number;
  texts: number;
  words: number;
}

function defaults(state: State) {
  const indexState = () => ({
    dim: state.dim === null ? null : I(state.dim),
    count: I(state.count),
    texts: I(state.texts),
    words: I(state.words),
  });
  return (cypher: string, params: Row): Answer => {
    if (cypher.includes('SET p.seq = p.seq + $n')) return [{ base: I(10), deleting: null, ...indexState() }];
    if (cypher.includes('p.deleting IS NULL RETURN p {')) return [{ p: PROJECT }];
    if (cypher.includes('p.deleting IS NULL RETURN p.vectorDim AS dim')) return [indexState()];
    if (cypher.startsWith('MATCH (p:BrainProject {projectId: $projectId}) RETURN p.id')) return [];
    if (cypher.startsWith('MERGE (c:BrainCounter')) return [{ p: PROJECT }];
    if (cypher.includes('SET p.deleting = true')) return [{ id: 'p' }];
    if (cypher.includes('n.id IN $ids RETURN')) return (params.ids as string[]).map((id) => ({ node: node(id) }));
    if (cypher.startsWith('CREATE (n:Entity')) return [{ node: node('x') }];
    if (cypher.includes('RETURN n.props AS props, n.embeddingDim AS dim')) return [{ props: '{"a":1}', dim: null }];
    if (cypher.includes('SET n += $changes')) return [{ node: node('x') }];
    if (cypher.includes('RETURN a IS NOT NULL AS a')) return [{ a: true, b: true }];
    if (cypher.includes('AS row')) return [];
    if (cypher.includes('vector.similarity.cosine')) return [{ id: 'a', label: 'Document', props: '{}', snippet: '', score: 0.9 }];
    if (cypher.includes('fulltext.queryNodes')) return [{ id: 'a', label: 'Document', props: '{}', snippet: 's', score: 2 }];
    if (cypher.includes('count(*) AS c')) return [{ c: I(0) }];
    if (cypher.startsWith('MERGE (m:BrainMember')) return [{ m: { userId: params.userId, role: params.role, addedAt: NOW } }];
    if (cypher.includes('SET p += $set')) return [{ p: PROJECT }];
    return [];
  };
}

class FakeDriver {
  readonly transactions: Array<{ mode: 'read' | 'write'; queries: Query[] }> = [];
  closed = false;
  indexState = 'ONLINE';
  answer: (cypher: string, params: Row) => Answer;

  constructor(answer: (cypher: string, params: Row) => Answer) {
    this.answer = answer;
  }

  get queries(): Query[] {
    return this.transactions.flatMap((t) => t.queries);
  }

  session() {
    const run = (mode: 'read' | 'write') => async (work: (tx: unknown) => Promise<unknown>) => {
      const t = { mode, queries: [] as Query[] };
      this.transactions.push(t);
      const tx = {
        run: async (cypher: string, params: Row = {}) => {
          t.queries.push({ cypher, params });
          const a = this.answer(cypher, params);
          if (a instanceof Error) throw a;
          return { records: a.map((r) => ({ toObject: () => r, get: (k: string) => r[k] })) };
        },
      };
      return work(tx);
    };
    return { executeRead: run('read'), executeWrite: run('write'), close: async () => {} };
  }

  async executeQuery(cypher: string) {
    return { records: cypher.startsWith('SHOW INDEXES') ? [{ get: () => this.indexState }] : [] };
  }

  async close() {
    this.closed = true;
  }
}

function setup(
  options: { dim?: number | null; count?: number; texts?: number; words?: number; exactThreshold?: number; vectorDimension?: number } = {},
) {
  const state: State = {
    dim: options.dim === undefined ? 8 : options.dim,
    count: options.count ?? 0,
    texts: options.texts ?? 3,
    words: options.words ?? 12,
  };
  const driver = new FakeDriver(defaults(state));
  const store = new Neo4jGraphStore(driver as never, {
    namespace: 'ns',
    vectorDimension: options.vectorDimension ?? 8,
    exactThreshold: options.exactThreshold ?? 10,
    deleteBatchSize: 100,
  });
  return { driver, store, state };
}

async function rejection(p: Promise<unknown>): Promise<{ code: string; status: number; retryable: boolean; cause?: unknown }> {
  try {
    await p;
  } catch (err) {
    return err as { code: string; status: number; retryable: boolean; cause?: unknown };
  }
  throw new Error('expected a rejection');
}

const neo4jError = (code: string) => new Neo4jError(`simulated ${code}`, code as never, '50N42', 'simulated');
const basis = (i: number, dim = 8) => Array.from({ length: dim }, (_, j) => (j === i ? 1 : 0));

describe('Neo4j store: queries', () => {
  it('passes every value as a parameter and binds every entity query to the namespaced project', async () => {
    const { driver, store } = setup({ count: 50 });
    const hostile = `'"}) DETACH DELETE n //`;
    await store.createNode('p', {
      id: 'x',
      label: 'Scene',
      properties: { title: hostile, list: [hostile] },
      index: { text: `${hostile} words`, embedding: basis(0) },
    });
    await store.updateNode('p', 'x', { properties: { note: hostile }, index: { text: hostile } });
    await store.putNodesAtomic('p', [{ id: 'y', label: 'Document', properties: { body: hostile } }]);
    await store.createRelationship('p', { from: 'x', to: 'y', type: 'RELATES_TO', properties: { why: hostile } });
    await store.queryGraph('p', {
      start: { label: 'Scene', where: [{ property: 'title', op: 'contains', value: hostile }] },
      hops: [{ type: 'RELATES_TO' }],
    });
    await store.keywordSearch('p', hostile, 5, { where: [{ property: 'title', op: 'eq', value: hostile }] });
    await store.vectorSearch('p', basis(1), 5, { where: [{ property: 'title', op: 'startsWith', value: hostile }] });
    await store.getNeighbors('p', 'x', { depth: 2, types: ['RELATES_TO'] });
    await store.findPath('p', 'x', 'y', { types: ['RELATES_TO'] });
    await store.setMember('p', 'u', 'viewer', { name: hostile });
    expect(driver.queries.length).toBeGreaterThan(20);
    for (const q of driver.queries) {
      expect(q.cypher).not.toContain(hostile);
      expect(q.cypher).not.toContain('DETACH DELETE n //');
      if (q.cypher.startsWith('CREATE (n:Entity') || q.cypher.includes('CREATE (n:Entity')) {
        // Created nodes carry the project in their property map.
        const created = (q.params.rows as Row[] | undefined) ?? [q.params.props as Row];
        for (const props of created) expect(props.projectId).toBe('ns/p');
      } else if (/:Entity\b|BrainMember|BrainProject \{projectId/.test(q.cypher)) {
        expect(q.cypher, q.cypher).toContain('$projectId');
        expect(q.params.projectId, q.cypher).toBe('ns/p');
      }
    }
    // The hostile text did reach the database, as parameters.
    expect(JSON.stringify(driver.queries.map((q) => q.params))).toContain(JSON.stringify(hostile).slice(1, -1));
  });

  it('runs each write as one transaction that locks the project first', async () => {
    const { driver, store } = setup();
    const writes: Array<() => Promise<unknown>> = [
      () => store.createNode('p', { id: 'x', label: 'Scene' }),
      () => store.updateNode('p', 'x', { properties: { a: 2 } }),
      () => store.deleteNode('p', 'x'),
      () =>
        store.putNodesAtomic('p', [
          { id: 'a', label: 'Document' },
          { id: 'b', label: 'Workflow' },
          { id: 'c', label: 'Document' },
        ]),
      () => store.createRelationship('p', { from: 'a', to: 'b', type: 'KNOWS' }),
      () => store.setMember('p', 'u', 'writer'),
      () => store.updateProject('p', { name: 'Q' }),
    ];
    for (const write of writes) {
      const before = driver.transactions.length;
      await write();
      const txs = driver.transactions.slice(before);
      expect(txs.map((t) => t.mode)).toEqual(['write']);
      expect(txs[0]!.queries[0]!.cypher).toContain('SET p.seq = p.seq + $n');
    }
    // A batch takes one sequence number per node, for creation order.
    const put = driver.transactions[3]!.queries[0]!;
    expect(put.params.n).toEqual(I(3));
  });

  it('creates a batch with one statement per label and replaces existing nodes whole', async () => {
    const { driver, store } = setup();
    const answer = driver.answer;
    driver.answer = (cypher, params) =>
      cypher.includes('UNWIND $ids AS id')
        ? [{ id: 'old', label: 'Document', createdAt: '2020-01-01T00:00:00.000Z', seq: I(3), dim: null }]
        : answer(cypher, params);
    const result = await store.putNodesAtomic('p', [
      { id: 'old', label: 'Document', properties: { v: 2 } },
      { id: 'n1', label: 'Document' },
      { id: 'n2', label: 'Workflow' },
    ]);
    expect(result).toEqual({
      items: [
        { id: 'old', created: false },
        { id: 'n1', created: true },
        { id: 'n2', created: true },
      ],
      created: 2,
      replaced: 1,
    });
    const creates = driver.queries.filter((q) => q.cypher.includes('CREATE (n:Entity'));
    expect(creates.map((q) => /:Entity:`(\w+)`/.exec(q.cypher)![1])).toEqual(['Document', 'Workflow']);
    const replace = driver.queries.find((q) => q.cypher.includes('SET n = row') && q.cypher.includes('MATCH'))!;
    const [row] = replace.params.rows as Row[];
    // Replaced: keeps createdAt and seq, properties become exactly the new ones.
    expect(row).toMatchObject({ id: 'old', createdAt: '2020-01-01T00:00:00.000Z', seq: I(3), props: '{"v":2}', n_v: 2 });
  });

  it('refuses a label change in a batch inside the transaction, writing nothing', async () => {
    const { driver, store } = setup();
    const answer = driver.answer;
    driver.answer = (cypher, params) =>
      cypher.includes('UNWIND $ids AS id')
        ? [{ id: 'taken', label: 'Character', createdAt: NOW, seq: I(1), dim: null }]
        : answer(cypher, params);
    const err = await rejection(
      store.putNodesAtomic('p', [
        { id: 'g1', label: 'Document' },
        { id: 'taken', label: 'Document' },
      ]),
    );
    expect(err.code).toBe('BRAIN_LABEL_MISMATCH');
    expect(driver.queries.some((q) => /CREATE|SET n/.test(q.cypher))).toBe(false);
  });
});

describe('Neo4j store: vectors', () => {
  it('keeps one dimension per project, and lets it change once the project has no vectors', async () => {
    for (const count of [1, 5]) {
      const full = setup({ dim: 8, count });
      expect((await rejection(full.store.createNode('p', { label: 'Scene', index: { embedding: [1, 0, 0] } }))).code).toBe(
        'BRAIN_VECTOR_DIMENSION',
      );
      expect(full.driver.queries.some((q) => q.cypher.startsWith('CREATE'))).toBe(false);
    }

    const empty = setup({ dim: 8, count: 0 });
    await empty.store.createNode('p', { label: 'Scene', index: { embedding: [1, 0, 0] } });
    const saved = empty.driver.queries.find((q) => q.cypher.includes('SET p.vectorDim'))!;
    expect(saved.params).toMatchObject({ dim: I(3), count: I(1), texts: I(3), words: I(12) });
    const created = empty.driver.queries.find((q) => q.cypher.startsWith('CREATE'))!;
    expect((created.params.props as Row).embedding_3).toEqual([1, 0, 0]);
    expect((created.params.props as Row).embeddingDim).toEqual(I(3));
  });

  it('refuses vectors without a direction and mixed dimensions in a batch, before any query', async () => {
    const { driver, store } = setup();
    expect((await rejection(store.vectorSearch('p', [0, 0, 0], 3))).code).toBe('BRAIN_INVALID_VECTOR');
    expect(
      (
        await rejection(
          store.putNodesAtomic('p', [
            { label: 'Scene', index: { embedding: basis(0) } },
            { label: 'Scene', index: { embedding: [1, 2] } },
          ]),
        )
      ).code,
    ).toBe('BRAIN_VECTOR_DIMENSION');
    expect(driver.queries).toEqual([]);
  });

  it('searches small projects exactly, without the index', async () => {
    const { driver, store } = setup({ count: 10, exactThreshold: 10 });
    const hits = await store.vectorSearch('p', basis(0), 3);
    expect(driver.queries.some((q) => q.cypher.includes('db.index.vector.queryNodes'))).toBe(false);
    const exact = driver.queries.find((q) => q.cypher.includes('vector.similarity.cosine'))!;
    expect(exact.cypher).toContain('n.`embedding_8`');
    expect(exact.params).toMatchObject({ projectId: 'ns/p', dim: I(8), k: I(3) });
    // Neo4j's score (1 + cos) / 2 comes back as the cosine.
    expect(hits[0]!.score).toBeCloseTo(0.8, 12);
    expect(hits[0]!.vectorScore).toBeCloseTo(0.8, 12);
  });

  it('over-fetches from the index (k×4, ×16…) until k hits of the project pass', async () => {
    const { driver, store } = setup({ count: 5000 });
    const asks: number[] = [];
    const answer = driver.answer;
    driver.answer = (cypher, params) => {
      if (!cypher.includes('db.index.vector.queryNodes')) return answer(cypher, params);
      const ask = (params.ask as { toNumber(): number }).toNumber();
      asks.push(ask);
      // Other projects fill the index's top results until the window is wide enough.
      const hits = ask >= 192 ? 3 : 1;
      return Array.from({ length: hits }, (_, i) => ({
        fetched: I(ask),
        id: `n${i}`,
        label: 'Document',
        props: '{}',
        snippet: '',
        score: 1 - i / 10,
      }));
    };
    const hits = await store.vectorSearch('p', basis(0), 3, { labels: ['Document'] });
    expect(asks).toEqual([12, 48, 192]);
    expect(hits.map((h) => h.id)).toEqual(['n0', 'n1', 'n2']);
    const q = driver.queries.find((x) => x.cypher.includes('db.index.vector.queryNodes'))!;
    expect(q.params.index).toBe('brain_entity_embedding_8');
    expect(q.cypher).toMatch(/n\.projectId = \$projectId AND n\.embeddingDim = \$dim AND n\.label IN \$f0/);
  });

  it('stops over-fetching when the index has no more', async () => {
    const { driver, store } = setup({ count: 5000 });
    const asks: number[] = [];
    const answer = driver.answer;
    driver.answer = (cypher, params) => {
      if (!cypher.includes('db.index.vector.queryNodes')) return answer(cypher, params);
      asks.push((params.ask as { toNumber(): number }).toNumber());
      return [{ fetched: I(7), id: null, label: null, props: null, snippet: '', score: null }];
    };
    expect(await store.vectorSearch('p', basis(0), 3)).toEqual([]);
    expect(asks).toEqual([12]);
  });

  it('searches exactly while the vector index is not online, and for dimensions without an index', async () => {
    const offline = setup({ count: 5000 });
    offline.driver.indexState = 'POPULATING';
    await offline.store.vectorSearch('p', basis(0), 3);
    expect(offline.driver.queries.some((q) => q.cypher.includes('queryNodes'))).toBe(false);

    const other = setup({ dim: 3, count: 5000 });
    await other.store.vectorSearch('p', [1, 0, 0], 3);
    expect(other.driver.queries.some((q) => q.cypher.includes('queryNodes'))).toBe(false);
    expect(other.driver.queries.some((q) => q.cypher.includes('n.`embedding_3`'))).toBe(true);
  });

  it('refuses a query vector of another dimension than the project’s', async () => {
    const { store } = setup({ dim: 8, count: 3 });
    expect((await rejection(store.vectorSearch('p', [1, 0], 3))).code).toBe('BRAIN_VECTOR_DIMENSION');
    const none = setup({ dim: 8, count: 0 });
    expect(await none.store.vectorSearch('p', [1, 0], 3)).toEqual([]);
  });
});

describe('Neo4j store: keyword search', () => {
  it('finds with a Lucene query bounded by the project, and scores with the project’s own statistics', async () => {
    const { driver, store } = setup({ texts: 4, words: 30 });
    const hits = await store.keywordSearch('p', 'Walking OR "gold"', 5, { labels: ['Document'] });
    const q = driver.queries.find((x) => x.cypher.includes('fulltext.queryNodes'))!;
    expect(q.params.lucene).toBe('+ftsProject:"ns\\/p" +(ftsTerms:"walk" OR ftsTerms:"or" OR ftsTerms:"gold")');
    expect(q.params).toMatchObject({
      index: 'brain_entity_text',
      terms: ['walk', 'or', 'gold'],
      docs: 4,
      avgLength: 7.5,
      k1: 1.2,
      b: 0.75,
    });
    expect(q.cypher).toMatch(/WHERE node\.label IN \$f0\nWITH node, reduce/);
    expect(hits).toMatchObject([{ id: 'a', keywordRank: 1, score: 2 }]);
  });

  it('sends nothing to the index for text without words, or a project without texts', async () => {
    const { driver, store } = setup();
    expect(await store.keywordSearch('p', '*** "', 5)).toEqual([]);
    const empty = setup({ texts: 0, words: 0 });
    expect(await empty.store.keywordSearch('p', 'river', 5)).toEqual([]);
    for (const d of [driver, empty.driver]) {
      expect(d.queries.some((x) => x.cypher.includes('fulltext'))).toBe(false);
      expect(d.queries.some((x) => x.cypher.includes('BrainProject'))).toBe(true); // the project is still checked
    }
  });

  it('indexes normalised words with the project key, and the original text for snippets', async () => {
    const { driver, store } = setup();
    await store.createNode('p', { id: 'd', label: 'Document', index: { text: 'Café walks' } });
    const props = driver.queries.find((q) => q.cypher.startsWith('CREATE'))!.params.props as Row;
    expect(props).toMatchObject({ indexText: 'Café walks', ftsTerms: ' cafe  walk ', ftsLength: I(2), ftsProject: 'ns/p' });
    await store.createNode('p', { id: 'e', label: 'Document', index: { text: '***' } });
    const bare = driver.queries.filter((q) => q.cypher.startsWith('CREATE')).at(-1)!.params.props as Row;
    expect(bare.indexText).toBe('***');
    expect(bare).not.toHaveProperty('ftsTerms');
    expect(bare).not.toHaveProperty('ftsLength');
  });

  it('keeps the project’s text statistics exact through creates, replaces and deletes', async () => {
    const { driver, store } = setup({ texts: 3, words: 12 });
    const saved = () => driver.queries.filter((q) => q.cypher.includes('SET p.vectorDim')).at(-1)!.params;
    await store.createNode('p', { id: 'd', label: 'Document', index: { text: 'one two three' } });
    expect(saved()).toMatchObject({ texts: I(4), words: I(15) });
    const answer = driver.answer;
    driver.answer = (c, p) => (c.includes('DETACH DELETE n\n') ? [{ rels: I(0), dim: null, words: I(5) }] : answer(c, p));
    await store.deleteNode('p', 'd');
    expect(saved()).toMatchObject({ texts: I(2), words: I(7) });
    driver.answer = (c, p) =>
      c.includes('UNWIND $ids AS id')
        ? [{ id: 'old', label: 'Document', createdAt: NOW, seq: I(1), dim: null, words: I(4) }]
        : answer(c, p);
    await store.putNodesAtomic('p', [
      { id: 'old', label: 'Document', index: { text: 'a b' } },
      { id: 'new', label: 'Document', index: { text: 'c' } },
    ]);
    expect(saved()).toMatchObject({ texts: I(4), words: I(11) });
  });
});

describe('Neo4j store: errors', () => {
  it('maps constraint violations to the brain’s codes', async () => {
    const node = setup();
    const answer = node.driver.answer;
    node.driver.answer = (c, p) =>
      c.startsWith('CREATE (n:Entity') ? neo4jError('Neo.ClientError.Schema.ConstraintValidationFailed') : answer(c, p);
    const err = await rejection(node.store.createNode('p', { id: 'x', label: 'Scene' }));
    expect([err.code, err.status]).toEqual(['BRAIN_NODE_EXISTS', 409]);
    expect(err.cause).toBeInstanceOf(Neo4jError);

    const project = setup();
    project.driver.answer = (c, p) =>
      c.startsWith('MERGE (c:BrainCounter')
        ? neo4jError('Neo.ClientError.Schema.ConstraintValidationFailed')
        : defaults({ dim: null, count: 0, texts: 0, words: 0 })(c, p);
    expect((await rejection(project.store.createProject({ id: 'p', name: 'P' }))).code).toBe('BRAIN_PROJECT_EXISTS');
  });

  it('reports transient failures the driver could not retry away as UNAVAILABLE, others as INTERNAL with their cause', async () => {
    const { driver, store } = setup();
    driver.answer = () => neo4jError('Neo.TransientError.Transaction.DeadlockDetected');
    const transient = await rejection(store.getProject('p'));
    expect([transient.code, transient.status, transient.retryable]).toEqual(['UNAVAILABLE', 503, true]);
    driver.answer = () => neo4jError('Neo.ClientError.Statement.SyntaxError');
    const internal = await rejection(store.getProject('p'));
    expect([internal.code, internal.status]).toEqual(['INTERNAL', 500]);
    expect(internal.cause).toBeInstanceOf(Neo4jError);
  });

  it('refuses unknown and deleting projects, and every call once closed', async () => {
    const { driver, store } = setup();
    driver.answer = (c) => (c.includes('SET p.seq = p.seq + $n') ? [{ base: I(1), deleting: true, dim: null, count: I(0) }] : []);
    expect((await rejection(store.createNode('p', { label: 'Scene' }))).code).toBe('BRAIN_PROJECT_NOT_FOUND');
    expect((await rejection(store.getProject('p'))).code).toBe('BRAIN_PROJECT_NOT_FOUND');
    expect((await rejection(store.getProject('not an id'))).code).toBe('BRAIN_PROJECT_NOT_FOUND');
    await store.close();
    await store.close();
    expect(driver.closed).toBe(true);
    const closed = await rejection(store.getNode('p', 'x'));
    expect([closed.code, closed.status]).toEqual(['BRAIN_STORE_CLOSED', 503]);
  });
});

describe('Neo4j store: deleting a project', () => {
  it('hides it first, then deletes in batched transactions until nothing is left', async () => {
    const { driver, store } = setup();
    const rounds = [
      { rels: 100, nodes: 0, members: 0 },
      { rels: 40, nodes: 100, members: 0 },
      { rels: 0, nodes: 60, members: 3 },
    ];
    let round = -1;
    driver.answer = (cypher) => {
      if (cypher.includes('SET p.deleting = true')) return [{ id: 'p' }];
      if (cypher.includes('SET p.seq = p.seq + 1')) {
        round++;
        return [{ id: 'p' }];
      }
      const r = rounds[round]!;
      if (cypher.includes('-[r]->()')) return [{ c: I(r.rels) }];
      if (cypher.includes('DETACH DELETE n')) return [{ c: I(r.nodes) }];
      if (cypher.includes('BrainMember')) return [{ c: I(r.members) }];
      return [];
    };
    expect(await store.deleteProject('p')).toEqual({ deleted: true, relationshipsDeleted: 140, nodesDeleted: 160, membersDeleted: 3 });
    expect(driver.transactions.map((t) => t.mode)).toEqual(['write', 'write', 'write', 'write']);
    // Only the last transaction removes the project node; none runs CALL … IN TRANSACTIONS.
    const dropped = driver.transactions.map((t) => t.queries.some((q) => q.cypher.includes('DETACH DELETE p')));
    expect(dropped).toEqual([false, false, false, true]);
    expect(driver.queries.some((q) => /IN TRANSACTIONS/.test(q.cypher))).toBe(false);
    expect(driver.queries.filter((q) => q.cypher.includes('LIMIT $batch')).every((q) => q.params.batch?.toString() === '100')).toBe(true);
  });

  it('reports an unknown project as not deleted', async () => {
    const { driver, store } = setup();
    driver.answer = () => [];
    expect(await store.deleteProject('p')).toEqual({ deleted: false, nodesDeleted: 0, relationshipsDeleted: 0, membersDeleted: 0 });
    expect((await rejection(store.deleteProject('bad id'))).code).toBe('INVALID_INPUT');
  });
});

describe('Neo4j store: single-use claims', () => {
  it('claims with one MERGE on the namespaced key, and tells the creator by its own claim id', async () => {
    const { driver, store } = setup();
    const held = new Map<string, string>();
    driver.answer = (cypher, params) => {
      if (cypher.startsWith('MERGE (c:BrainClaim')) {
        const key = params.key as string;
        if (!held.has(key)) held.set(key, params.claim as string);
        return [{ mine: held.get(key) === params.claim }];
      }
      return [];
    };
    expect(await store.claimOnce('upload:n1', 1_767_225_600_000)).toBe(true);
    expect(await store.claimOnce('upload:n1', 1_767_225_600_000)).toBe(false);
    const merge = driver.queries.filter((q) => q.cypher.startsWith('MERGE (c:BrainClaim'));
    expect(merge.map((q) => q.params.key)).toEqual(['ns/upload:n1', 'ns/upload:n1']);
    expect(merge[0]?.params.expiresAt?.toString()).toBe('1767225600000');
    expect(merge[0]?.params.claim).not.toBe(merge[1]?.params.claim);
    expect(driver.transactions.map((t) => t.mode)).toEqual(['write', 'write']);
    expect((await rejection(store.claimOnce('', 1))).code).toBe('INVALID_INPUT');
    expect((await rejection(store.claimOnce('k', Number.NaN))).code).toBe('INVALID_INPUT');
  });

  it('checks, releases and prunes claims of its own namespace, pruning in batches', async () => {
    const { driver, store } = setup();
    const batches = [100, 100, 7];
    driver.answer = (cypher) => {
      if (cypher.startsWith('MATCH (c:BrainClaim {key: $key}) RETURN')) return [{ key: 'ns/k' }];
      if (cypher.startsWith('MATCH (c:BrainClaim {key: $key}) DELETE')) return [{ n: I(1) }];
      if (cypher.includes('c.expiresAt < $before')) return [{ n: I(batches.shift() ?? 0) }];
      return [];
    };
    expect(await store.isClaimed('k')).toBe(true);
    expect(await store.releaseClaim('k')).toBe(true);
    expect(await store.pruneClaims(1000)).toBe(207);
    const prunes = driver.queries.filter((q) => q.cypher.includes('c.expiresAt < $before'));
    expect(prunes).toHaveLength(3);
    expect(prunes.every((q) => q.params.namespace === 'ns' && q.params.before?.toString() === '1000')).toBe(true);
    expect(driver.transactions.map((t) => t.mode)).toEqual(['read', 'write', 'write', 'write', 'write']);
  });
});
