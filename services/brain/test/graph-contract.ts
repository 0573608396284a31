/**
 * The one contract every graph store backend must pass (embedded here; Neo4j when NEO4J_URI is
 * set). Call `describeGraphStoreContract(name, factory)` from a test file; the factory gives a
 * fresh, empty store per test and a cleanup that closes and deletes it.
 */
import type { GraphNode, PropertyFilter } from '@automovie/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GraphStore, NodeInput } from '../src/graph/store.ts';

export interface StoreFixture {
  store: GraphStore;
  cleanup: () => Promise<void>;
}

/** Resolves to the error the promise rejects with; fails the test if it resolves. */
async function rejection(p: Promise<unknown>): Promise<{ code: string; status: number; message: string; data?: unknown }> {
  try {
    await p;
  } catch (err) {
    return err as { code: string; status: number; message: string };
  }
  throw new Error('expected the call to fail, but it succeeded');
}

async function expectCode(p: Promise<unknown>, code: string, status?: number): Promise<void> {
  const err = await rejection(p);
  expect(err.code, err.message).toBe(code);
  if (status !== undefined) expect(err.status).toBe(status);
}

/** A deterministic pseudo-random generator (xorshift32). */
export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

/** A random unit vector of `dim` components. */
export function randomVector(next: () => number, dim: number): number[] {
  const v = Array.from({ length: dim }, () => next() * 2 - 1);
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

const DIM = 8;
const basis = (i: number, dim = DIM): number[] => Array.from({ length: dim }, (_, j) => (j === i ? 1 : 0));
/** Mostly along axis i, a little along axis j. */
const near = (i: number, j: number, w = 0.2): number[] => basis(i).map((x, k) => x + (k === j ? w : 0));

const ids = (nodes: readonly { id: string }[]): string[] => nodes.map((n) => n.id);
const sorted = (xs: string[]): string[] => [...xs].sort();

export function describeGraphStoreContract(name: string, factory: () => Promise<StoreFixture>): void {
  describe(`graph store contract: ${name}`, () => {
    let fx: StoreFixture;
    let store: GraphStore;

    beforeEach(async () => {
      fx = await factory();
      store = fx.store;
    });
    afterEach(async () => {
      await fx.cleanup();
    });

    async function project(id: string, ownerId?: string) {
      return store.createProject({ id, name: `Project ${id}` }, ownerId);
    }

    /**
     * story -HAS_SCENE-> s1 -HAS_SHOT-> sh1 -HAS_SHOT-> sh2 (a chain),
     * hero -FEATURES-> story, story -SET_IN-> loc, s1 -SET_IN-> loc.
     */
    async function smallGraph(projectId: string) {
      await project(projectId);
      const mk = (id: string, label: NodeInput['label'], properties = {}) => store.createNode(projectId, { id, label, properties });
      await mk('story', 'Story', { title: 'The Heist' });
      await mk('s1', 'Scene', { number: 1 });
      await mk('sh1', 'Shot', { order: 1 });
      await mk('sh2', 'Shot', { order: 2 });
      await mk('hero', 'Character', { name: 'Ada' });
      await mk('loc', 'Location', { name: 'Vault' });
      await mk('lonely', 'Character', { name: 'Nobody' });
      const rel = (from: string, to: string, type: string) => store.createRelationship(projectId, { from, to, type });
      await rel('story', 's1', 'HAS_SCENE');
      await rel('s1', 'sh1', 'HAS_SHOT');
      await rel('sh1', 'sh2', 'HAS_SHOT');
      await rel('hero', 'story', 'FEATURES');
      await rel('story', 'loc', 'SET_IN');
      await rel('s1', 'loc', 'SET_IN');
    }

    describe('projects', () => {
      it('creates, reads and lists projects, newest first, page by page', async () => {
        const created = await store.createProject({ id: 'p1', name: 'First', logline: 'A heist', genre: 'thriller', budgetUsd: 12 });
        expect(created).toMatchObject({ id: 'p1', name: 'First', logline: 'A heist', genre: 'thriller', budgetUsd: 12, status: 'draft' });
        expect(Date.parse(created.createdAt)).not.toBeNaN();
        expect(await store.getProject('p1')).toEqual(created);
        for (const id of ['p2', 'p3', 'p4', 'p5']) await project(id);
        const seen: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await store.listProjects({ limit: 2, ...(cursor ? { cursor } : {}) });
          seen.push(...ids(page.projects));
          cursor = page.nextCursor;
          pages++;
        } while (cursor && pages < 10);
        expect(seen).toEqual(['p5', 'p4', 'p3', 'p2', 'p1']);
        expect(pages).toBe(3);
        const all = await store.listProjects({ limit: 5 });
        expect(all.nextCursor).toBeUndefined();
      });

      it('gives a new project an id when none is given, and refuses a taken id', async () => {
        const p = await store.createProject({ name: 'Untitled' });
        expect(p.id).toMatch(/^[A-Za-z0-9][A-Za-z0-9_.:-]*$/);
        await project('dup');
        await expectCode(project('dup'), 'BRAIN_PROJECT_EXISTS', 409);
      });

      it('lists only the projects a user is a member of', async () => {
        await project('a', 'u1');
        await project('b', 'u2');
        await project('c', 'u1');
        await store.setMember('b', 'u1', 'viewer');
        await project('d');
        expect(ids((await store.listProjects({ userId: 'u1' })).projects)).toEqual(['c', 'b', 'a']);
        expect(ids((await store.listProjects({ userId: 'u2' })).projects)).toEqual(['b']);
        expect((await store.listProjects({ userId: 'nobody' })).projects).toEqual([]);
      });

      it('refuses a cursor it did not make', async () => {
        await expectCode(store.listProjects({ cursor: 'not-a-cursor' }), 'BRAIN_INVALID_CURSOR', 400);
      });

      it('updates fields, clears optional ones with null, and refuses unknown projects', async () => {
        const before = await store.createProject({ id: 'p', name: 'Old', genre: 'drama', logline: 'x' });
        const after = await store.updateProject('p', { name: 'New', genre: null, status: 'in_production', budgetUsd: 5 });
        expect(after).toMatchObject({ id: 'p', name: 'New', logline: 'x', status: 'in_production', budgetUsd: 5 });
        expect(after.genre).toBeUndefined();
        expect(after.createdAt).toBe(before.createdAt);
        expect(after.updatedAt >= before.updatedAt).toBe(true);
        expect(await store.getProject('p')).toEqual(after);
        await expectCode(store.updateProject('nope', { name: 'x' }), 'BRAIN_PROJECT_NOT_FOUND', 404);
        await expectCode(store.getProject('nope'), 'BRAIN_PROJECT_NOT_FOUND', 404);
        await expectCode(store.updateProject('p', { status: 'bogus' as never }), 'INVALID_INPUT', 400);
      });
    });

    describe('members', () => {
      it('adds members with roles, changes roles and lists them oldest first', async () => {
        await project('p', 'owner1');
        expect(await store.getRole('p', 'owner1')).toBe('owner');
        const m = await store.setMember('p', 'w', 'writer', { email: 'w@example.com', name: 'Wendy' });
        expect(m).toMatchObject({ projectId: 'p', userId: 'w', role: 'writer', email: 'w@example.com', name: 'Wendy' });
        await store.setMember('p', 'v', 'viewer');
        await store.setMember('p', 'w', 'director');
        expect(await store.getRole('p', 'w')).toBe('director');
        expect(await store.getRole('p', 'stranger')).toBeUndefined();
        const members = await store.listMembers('p');
        expect(members.map((x) => [x.userId, x.role])).toEqual([
          ['owner1', 'owner'],
          ['w', 'director'],
          ['v', 'viewer'],
        ]);
        expect(members[1]!.email).toBe('w@example.com');
      });

      it('removes members, but never the last owner', async () => {
        await project('p', 'o1');
        await store.setMember('p', 'v', 'viewer');
        expect(await store.removeMember('p', 'v')).toBe(true);
        expect(await store.removeMember('p', 'v')).toBe(false);
        await expectCode(store.removeMember('p', 'o1'), 'BRAIN_LAST_OWNER', 409);
        await expectCode(store.setMember('p', 'o1', 'writer'), 'BRAIN_LAST_OWNER', 409);
        expect(await store.getRole('p', 'o1')).toBe('owner');
        await store.setMember('p', 'o2', 'owner');
        expect(await store.removeMember('p', 'o1')).toBe(true);
        await expectCode(store.removeMember('p', 'o2'), 'BRAIN_LAST_OWNER');
        expect((await store.listMembers('p')).map((m) => m.userId)).toEqual(['o2']);
      });

      it('refuses member operations on unknown projects and bad roles', async () => {
        await expectCode(store.setMember('nope', 'u', 'viewer'), 'BRAIN_PROJECT_NOT_FOUND');
        await expectCode(store.removeMember('nope', 'u'), 'BRAIN_PROJECT_NOT_FOUND');
        await expectCode(store.listMembers('nope'), 'BRAIN_PROJECT_NOT_FOUND');
        await expectCode(store.getRole('nope', 'u'), 'BRAIN_PROJECT_NOT_FOUND');
        await project('p');
        await expectCode(store.setMember('p', 'u', 'king' as never), 'INVALID_INPUT', 400);
      });
    });

    describe('nodes', () => {
      it('creates, reads, merges, removes properties and deletes nodes', async () => {
        await project('p');
        const n = await store.createNode('p', { id: 'c1', label: 'Character', properties: { name: 'Ada', age: 30, traits: ['brave'] } });
        expect(n).toMatchObject({ id: 'c1', projectId: 'p', label: 'Character', properties: { name: 'Ada', age: 30, traits: ['brave'] } });
        expect(await store.getNode('p', 'c1')).toEqual(n);
        const auto = await store.createNode('p', { label: 'Location' });
        expect(auto.id).toMatch(/^[A-Za-z0-9]/);
        expect(auto.properties).toEqual({});

        const u = await store.updateNode('p', 'c1', { properties: { age: 31, voice: { pitch: 2 } }, remove: ['traits'] });
        expect(u.properties).toEqual({ name: 'Ada', age: 31, voice: { pitch: 2 } });
        expect(u.label).toBe('Character');
        expect(u.createdAt).toBe(n.createdAt);
        expect(u.updatedAt >= n.updatedAt).toBe(true);
        expect(await store.getNode('p', 'c1')).toEqual(u);

        expect(await store.deleteNode('p', 'c1')).toEqual({ deleted: true, relationshipsDeleted: 0 });
        await expectCode(store.getNode('p', 'c1'), 'BRAIN_NODE_NOT_FOUND', 404);
        expect(await store.deleteNode('p', 'c1')).toEqual({ deleted: false, relationshipsDeleted: 0 });
      });

      it('refuses taken ids, unknown nodes and projects, and bad input', async () => {
        await project('p');
        await store.createNode('p', { id: 'x', label: 'Scene' });
        await expectCode(store.createNode('p', { id: 'x', label: 'Scene' }), 'BRAIN_NODE_EXISTS', 409);
        await expectCode(store.getNode('p', 'y'), 'BRAIN_NODE_NOT_FOUND', 404);
        await expectCode(store.updateNode('p', 'y', { properties: { a: 1 } }), 'BRAIN_NODE_NOT_FOUND', 404);
        await expectCode(store.createNode('nope', { label: 'Scene' }), 'BRAIN_PROJECT_NOT_FOUND', 404);
        await expectCode(store.getNode('nope', 'x'), 'BRAIN_PROJECT_NOT_FOUND', 404);
        await expectCode(store.createNode('p', { label: 'Dragon' as never }), 'INVALID_INPUT', 400);
        await expectCode(store.createNode('p', { id: 'has space', label: 'Scene' }), 'INVALID_INPUT', 400);
        await expectCode(store.createNode('p', { label: 'Scene', properties: { 'bad-key': 1 } }), 'INVALID_INPUT', 400);
        await expectCode(store.createNode('p', { label: 'Scene', projectId: 'other' }), 'BRAIN_CROSS_PROJECT', 400);
        expect(await store.queryGraph('p', { start: { label: 'Scene' } })).toHaveLength(1);
      });

      it('deletes a node with its relationships', async () => {
        await smallGraph('p');
        expect(await store.deleteNode('p', 's1')).toEqual({ deleted: true, relationshipsDeleted: 3 });
        const around = await store.getNeighbors('p', 'story');
        expect(sorted(ids(around.nodes))).toEqual(['hero', 'loc']);
        expect(around.relationships.every((r) => r.from !== 's1' && r.to !== 's1')).toBe(true);
        expect((await store.getNeighbors('p', 'sh1')).nodes.map((n) => n.id)).toEqual(['sh2']);
      });
    });

    describe('single-use claims', () => {
      it('claims a key once, releases it for another use, and prunes expired claims', async () => {
        const far = Date.now() + 3_600_000;
        expect(await store.isClaimed('upload:a')).toBe(false);
        expect(await store.claimOnce('upload:a', far)).toBe(true);
        expect(await store.claimOnce('upload:a', far)).toBe(false);
        expect(await store.isClaimed('upload:a')).toBe(true);
        expect(await store.releaseClaim('upload:a')).toBe(true);
        expect(await store.releaseClaim('upload:a')).toBe(false);
        expect(await store.claimOnce('upload:a', far)).toBe(true);

        expect(await store.claimOnce('upload:old', 1000)).toBe(true);
        expect(await store.pruneClaims(2000)).toBe(1);
        expect(await store.isClaimed('upload:old')).toBe(false);
        expect(await store.isClaimed('upload:a')).toBe(true);
        await expectCode(store.claimOnce('', far), 'INVALID_INPUT');
        await expectCode(store.claimOnce('k', -1), 'INVALID_INPUT');
      });

      it('gives a key to exactly one of many concurrent claims', async () => {
        const results = await Promise.all(Array.from({ length: 8 }, () => store.claimOnce('upload:race', Date.now() + 60_000)));
        expect(results.filter(Boolean)).toHaveLength(1);
      });
    });

    describe('relationships', () => {
      it('creates relationships between nodes of the project', async () => {
        await project('p');
        await store.createNode('p', { id: 'a', label: 'Character' });
        await store.createNode('p', { id: 'b', label: 'Character' });
        const r = await store.createRelationship('p', { from: 'a', to: 'b', type: 'RELATES_TO', properties: { kind: 'sibling' } });
        expect(r).toMatchObject({ projectId: 'p', from: 'a', to: 'b', type: 'RELATES_TO', properties: { kind: 'sibling' } });
        expect(r.id).toMatch(/^[A-Za-z0-9]/);
        const withId = await store.createRelationship('p', { id: 'r1', from: 'b', to: 'a', type: 'RELATES_TO' });
        expect(withId.id).toBe('r1');
        await expectCode(
          store.createRelationship('p', { id: 'r1', from: 'a', to: 'b', type: 'RELATES_TO' }),
          'BRAIN_RELATIONSHIP_EXISTS',
          409,
        );
        const n = await store.getNeighbors('p', 'a');
        expect(n.relationships.map((x) => x.properties)).toEqual([{ kind: 'sibling' }, {}]);
      });

      it('refuses missing ends, bad types and records of another project', async () => {
        await project('p');
        await store.createNode('p', { id: 'a', label: 'Character' });
        const err = await rejection(store.createRelationship('p', { from: 'a', to: 'ghost', type: 'KNOWS' }));
        expect(err.code).toBe('BRAIN_NODE_NOT_FOUND');
        expect(err.data).toMatchObject({ id: 'ghost', end: 'to' });
        await expectCode(store.createRelationship('p', { from: 'ghost', to: 'a', type: 'KNOWS' }), 'BRAIN_NODE_NOT_FOUND');
        await expectCode(store.createRelationship('p', { from: 'a', to: 'a', type: 'not-a-type' }), 'INVALID_INPUT', 400);
        await expectCode(store.createRelationship('p', { from: 'a', to: 'a', type: 'KNOWS', projectId: 'q' }), 'BRAIN_CROSS_PROJECT');
        expect((await store.getNeighbors('p', 'a')).relationships).toEqual([]);
      });
    });

    describe('putNodesAtomic', () => {
      it('creates and replaces nodes in one call, keeping createdAt and relationships of replaced ones', async () => {
        await project('p');
        const first = await store.putNodesAtomic('p', [
          { id: 'd1', label: 'Document', properties: { title: 'One', tags: ['a'] }, index: { text: 'alpha bravo', embedding: basis(0) } },
          { id: 'd2', label: 'Document', properties: { title: 'Two' }, index: { text: 'charlie delta', embedding: basis(1) } },
        ]);
        expect(first).toEqual({
          items: [
            { id: 'd1', created: true },
            { id: 'd2', created: true },
          ],
          created: 2,
          replaced: 0,
        });
        const d1 = await store.getNode('p', 'd1');
        await store.createRelationship('p', { from: 'd1', to: 'd2', type: 'DERIVED_FROM' });
        const second = await store.putNodesAtomic('p', [
          { id: 'd1', label: 'Document', properties: { title: 'One, again' }, index: { text: 'echo foxtrot', embedding: basis(2) } },
          { id: 'd3', label: 'Document', properties: {}, index: { text: 'golf hotel' } },
        ]);
        expect(second).toMatchObject({ created: 1, replaced: 1 });
        const again = await store.getNode('p', 'd1');
        expect(again.properties).toEqual({ title: 'One, again' });
        expect(again.createdAt).toBe(d1.createdAt);
        expect(ids((await store.getNeighbors('p', 'd1')).nodes)).toEqual(['d2']);
        // The index entry was replaced: old words and vector no longer find d1.
        expect(ids(await store.keywordSearch('p', 'alpha', 5))).toEqual([]);
        expect(ids(await store.keywordSearch('p', 'foxtrot', 5))).toEqual(['d1']);
        expect((await store.vectorSearch('p', basis(2), 1))[0]!.id).toBe('d1');
        const hits = await store.vectorSearch('p', basis(0), 3);
        expect(hits.find((h) => h.id === 'd1')?.score ?? 0).toBeLessThan(0.5);
      });

      it('stores nothing when one item of the batch is bad', async () => {
        await project('p');
        await store.createNode('p', { id: 'taken', label: 'Character' });
        await store.putNodesAtomic('p', [{ id: 'seed', label: 'Document', index: { text: 'seed', embedding: basis(0) } }]);
        const good = (id: string, i: number): NodeInput => ({
          id,
          label: 'Document',
          properties: { n: i },
          index: { text: `zulu word${i}`, embedding: basis(i % DIM) },
        });
        const batches: Array<{ bad: NodeInput; code: string }> = [
          { bad: { id: 'bad', label: 'Nope' as never }, code: 'INVALID_INPUT' },
          { bad: { id: 'bad id', label: 'Document' }, code: 'INVALID_INPUT' },
          { bad: { id: 'bad', label: 'Document', index: { embedding: [1, 2, 3] } }, code: 'BRAIN_VECTOR_DIMENSION' },
          { bad: { id: 'bad', label: 'Document', index: { embedding: basis(0).map(() => 0) } }, code: 'BRAIN_INVALID_VECTOR' },
          { bad: { id: 'bad', label: 'Document', index: { embedding: [Number.NaN, ...basis(0).slice(1)] } }, code: 'BRAIN_INVALID_VECTOR' },
          { bad: { id: 'taken', label: 'Document' }, code: 'BRAIN_LABEL_MISMATCH' },
          { bad: { id: 'g1', label: 'Document' }, code: 'INVALID_INPUT' },
          { bad: { id: 'bad', label: 'Document', projectId: 'q' }, code: 'BRAIN_CROSS_PROJECT' },
        ];
        for (const { bad, code } of batches) {
          const batch = [good('g1', 1), good('g2', 2), bad, good('g3', 3)];
          await expectCode(store.putNodesAtomic('p', batch), code);
        }
        for (const id of ['g1', 'g2', 'g3', 'bad']) await expectCode(store.getNode('p', id), 'BRAIN_NODE_NOT_FOUND');
        expect(await store.keywordSearch('p', 'zulu', 10)).toEqual([]);
        expect(ids(await store.vectorSearch('p', basis(1), 10))).toEqual(['seed']);
        expect((await store.getNode('p', 'taken')).label).toBe('Character');
      });
    });

    describe('neighbors', () => {
      it('follows direction, depth and relation types', async () => {
        await smallGraph('p');
        expect(sorted(ids((await store.getNeighbors('p', 'story')).nodes))).toEqual(['hero', 'loc', 's1']);
        expect(sorted(ids((await store.getNeighbors('p', 'story', { direction: 'out' })).nodes))).toEqual(['loc', 's1']);
        expect(ids((await store.getNeighbors('p', 'story', { direction: 'in' })).nodes)).toEqual(['hero']);
        expect(ids((await store.getNeighbors('p', 'story', { types: ['HAS_SCENE'] })).nodes)).toEqual(['s1']);
        const d2 = await store.getNeighbors('p', 'story', { depth: 2, direction: 'out' });
        expect(sorted(ids(d2.nodes))).toEqual(['loc', 's1', 'sh1']);
        const d3 = await store.getNeighbors('p', 'story', { depth: 3, direction: 'out', types: ['HAS_SCENE', 'HAS_SHOT'] });
        expect(ids(d3.nodes)).toEqual(['s1', 'sh1', 'sh2']); // nearest first
        expect(d3.relationships.map((r) => `${r.from}>${r.to}`)).toEqual(['story>s1', 's1>sh1', 'sh1>sh2']);
        expect(ids((await store.getNeighbors('p', 'sh2', { direction: 'out' })).nodes)).toEqual([]);
        expect(ids((await store.getNeighbors('p', 'lonely', { depth: 3 })).nodes)).toEqual([]);
      });

      it('filters returned nodes by label (passing through others) and stops at the limit', async () => {
        await smallGraph('p');
        const shots = await store.getNeighbors('p', 'story', { depth: 3, direction: 'out', labels: ['Shot'] });
        expect(ids(shots.nodes)).toEqual(['sh1', 'sh2']);
        // The relationships are the paths to them, through the scene that is not returned.
        expect(sorted(shots.relationships.map((r) => `${r.from}>${r.to}`))).toEqual(['s1>sh1', 'sh1>sh2', 'story>s1']);
        const one = await store.getNeighbors('p', 'story', { depth: 3, limit: 1 });
        expect(one.nodes).toHaveLength(1);
        const two = await store.getNeighbors('p', 'story', { depth: 3, limit: 2 });
        expect(two.nodes).toHaveLength(2);
        const all = await store.getNeighbors('p', 'story', { depth: 3 });
        expect(sorted(ids(all.nodes))).toEqual(['hero', 'loc', 's1', 'sh1', 'sh2']);
        for (const r of all.relationships) {
          expect([...ids(all.nodes), 'story']).toContain(r.from);
          expect([...ids(all.nodes), 'story']).toContain(r.to);
        }
        expect(all.relationships).toHaveLength(6);
      });

      it('refuses unknown nodes and out-of-range options', async () => {
        await smallGraph('p');
        await expectCode(store.getNeighbors('p', 'ghost'), 'BRAIN_NODE_NOT_FOUND', 404);
        await expectCode(store.getNeighbors('p', 'story', { depth: 4 }), 'INVALID_INPUT', 400);
        await expectCode(store.getNeighbors('p', 'story', { depth: 0 }), 'INVALID_INPUT');
        await expectCode(store.getNeighbors('p', 'story', { limit: 0 }), 'INVALID_INPUT');
        await expectCode(store.getNeighbors('p', 'story', { types: ['lower'] }), 'INVALID_INPUT');
      });
    });

    describe('findPath', () => {
      it('finds a shortest path following relationships either way', async () => {
        await smallGraph('p');
        const path = await store.findPath('p', 'hero', 'sh2');
        expect(path.found).toBe(true);
        expect(ids(path.nodes)).toEqual(['hero', 'story', 's1', 'sh1', 'sh2']);
        expect(path.relationships.map((r) => r.type)).toEqual(['FEATURES', 'HAS_SCENE', 'HAS_SHOT', 'HAS_SHOT']);
        // Against the direction of the relationships too: the shorter way through loc.
        const back = await store.findPath('p', 'loc', 'sh1');
        expect(ids(back.nodes)).toEqual(['loc', 's1', 'sh1']);
        expect(await store.findPath('p', 'hero', 'hero')).toMatchObject({ found: true, relationships: [] });
      });

      it('respects maxDepth and types, and reports no path', async () => {
        await smallGraph('p');
        expect((await store.findPath('p', 'hero', 'sh2', { maxDepth: 3 })).found).toBe(false);
        expect((await store.findPath('p', 'hero', 'sh2', { maxDepth: 4 })).found).toBe(true);
        const viaScene = await store.findPath('p', 'story', 'loc', { types: ['HAS_SCENE'] });
        expect(viaScene).toEqual({ found: false, nodes: [], relationships: [] });
        expect(ids((await store.findPath('p', 'story', 'loc', { types: ['HAS_SCENE', 'SET_IN'] })).nodes)).toEqual(['story', 'loc']);
        expect((await store.findPath('p', 'hero', 'lonely')).found).toBe(false);
        await expectCode(store.findPath('p', 'hero', 'ghost'), 'BRAIN_NODE_NOT_FOUND');
        await expectCode(store.findPath('p', 'hero', 'sh2', { maxDepth: 7 }), 'INVALID_INPUT');
      });
    });

    describe('queryGraph', () => {
      async function scenes() {
        await project('p');
        const data: Array<[string, Record<string, unknown>]> = [
          ['a', { number: 1, heading: 'INT. VAULT - NIGHT', intExt: 'INT', tags: ['heist', 'night'], rating: 4.5, done: true }],
          ['b', { number: 2, heading: 'EXT. STREET - DAY', intExt: 'EXT', tags: ['chase'], rating: 3, done: false }],
          ['c', { number: 3, heading: 'INT. CAR - NIGHT', intExt: 'INT', tags: [], done: true, note: null }],
          ['d', { number: '4', heading: 'EXT. ROOF - DAWN', intExt: 'EXT', rating: 5 }],
        ];
        for (const [id, properties] of data) {
          await store.createNode('p', { id, label: 'Scene', properties: properties as NodeInput['properties'] });
        }
        await store.createNode('p', { id: 'other', label: 'Shot', properties: { number: 1 } });
      }
      const q = async (where: PropertyFilter[], extra: Partial<Parameters<GraphStore['queryGraph']>[1]> = {}) =>
        (await store.queryGraph('p', { start: { label: 'Scene', where }, ...extra })).map((row) => row.map((n) => n.id).join('/'));

      it('filters start nodes with every operator', async () => {
        await scenes();
        expect(await q([])).toEqual(['a', 'b', 'c', 'd']);
        expect(await q([{ property: 'number', op: 'eq', value: 2 }])).toEqual(['b']);
        expect(await q([{ property: 'number', op: 'eq', value: '4' }])).toEqual(['d']); // types differ: 4 ≠ "4"
        expect(await q([{ property: 'done', op: 'eq', value: true }])).toEqual(['a', 'c']);
        expect(await q([{ property: 'done', op: 'ne', value: true }])).toEqual(['b']); // missing fails ne
        expect(await q([{ property: 'intExt', op: 'ne', value: 'INT' }])).toEqual(['b', 'd']);
        expect(await q([{ property: 'number', op: 'lt', value: 3 }])).toEqual(['a', 'b']);
        expect(await q([{ property: 'number', op: 'lte', value: 3 }])).toEqual(['a', 'b', 'c']);
        expect(await q([{ property: 'rating', op: 'gt', value: 3 }])).toEqual(['a', 'd']);
        expect(await q([{ property: 'rating', op: 'gte', value: 3 }])).toEqual(['a', 'b', 'd']);
        expect(await q([{ property: 'heading', op: 'gt', value: 'F' }])).toEqual(['a', 'c']);
        expect(await q([{ property: 'number', op: 'in', value: [1, 3, '4'] }])).toEqual(['a', 'c', 'd']);
        expect(await q([{ property: 'heading', op: 'contains', value: 'NIGHT' }])).toEqual(['a', 'c']);
        expect(await q([{ property: 'heading', op: 'contains', value: 'night' }])).toEqual([]); // case-sensitive
        expect(await q([{ property: 'tags', op: 'contains', value: 'chase' }])).toEqual(['b']);
        expect(await q([{ property: 'heading', op: 'startsWith', value: 'EXT.' }])).toEqual(['b', 'd']);
        expect(await q([{ property: 'rating', op: 'exists' }])).toEqual(['a', 'b', 'd']);
        expect(await q([{ property: 'rating', op: 'exists', value: false }])).toEqual(['c']);
        expect(await q([{ property: 'note', op: 'exists' }])).toEqual([]); // null does not exist
        expect(await q([{ property: 'note', op: 'eq', value: null }])).toEqual(['a', 'b', 'c', 'd']);
        expect(await q([{ property: 'tags', op: 'eq', value: ['chase'] }])).toEqual(['b']);
        expect(
          await q([
            { property: 'intExt', op: 'eq', value: 'INT' },
            { property: 'number', op: 'gt', value: 1 },
          ]),
        ).toEqual(['c']);
        expect(await q([{ property: 'nope', op: 'eq', value: 1 }])).toEqual([]);
      });

      it('orders by a property (missing values last), skips and limits', async () => {
        await scenes();
        expect(await q([], { orderBy: { property: 'rating' } })).toEqual(['b', 'a', 'd', 'c']);
        expect(await q([], { orderBy: { property: 'rating', direction: 'desc' } })).toEqual(['d', 'a', 'b', 'c']);
        expect(await q([], { orderBy: { property: 'heading' }, limit: 2 })).toEqual(['d', 'b']);
        expect(await q([], { orderBy: { property: 'heading' }, limit: 2, skip: 2 })).toEqual(['c', 'a']);
        expect(await q([], { skip: 10 })).toEqual([]);
      });

      it('follows hops with type, direction, label and filters', async () => {
        await smallGraph('p');
        await store.createNode('p', { id: 's2', label: 'Scene', properties: { number: 2 } });
        await store.createRelationship('p', { from: 'story', to: 's2', type: 'HAS_SCENE' });
        await store.createNode('p', { id: 'sh3', label: 'Shot', properties: { order: 3 } });
        await store.createRelationship('p', { from: 's2', to: 'sh3', type: 'HAS_SHOT' });
        const rows = async (query: Parameters<GraphStore['queryGraph']>[1]) =>
          (await store.queryGraph('p', query)).map((row) => row.map((n) => n.id).join('/'));

        expect(await rows({ start: { label: 'Story' }, hops: [{ type: 'HAS_SCENE' }] })).toEqual(['story/s1', 'story/s2']);
        expect(
          await rows({ start: { label: 'Story' }, hops: [{ type: 'HAS_SCENE' }], orderBy: { property: 'number', direction: 'desc' } }),
        ).toEqual(['story/s2', 'story/s1']);
        expect(
          await rows({ start: { label: 'Story' }, hops: [{ type: 'HAS_SCENE', where: [{ property: 'number', op: 'eq', value: 2 }] }] }),
        ).toEqual(['story/s2']);
        expect(await rows({ start: { label: 'Story' }, hops: [{ type: 'HAS_SCENE' }, { type: 'HAS_SHOT', label: 'Shot' }] })).toEqual([
          'story/s1/sh1',
          'story/s2/sh3',
        ]);
        expect(
          await rows({
            start: { label: 'Story' },
            hops: [{ type: 'HAS_SCENE' }, { type: 'HAS_SHOT' }, { type: 'HAS_SHOT' }],
          }),
        ).toEqual(['story/s1/sh1/sh2']);
        expect(await rows({ start: { label: 'Location' }, hops: [{ direction: 'in', type: 'SET_IN' }] })).toEqual(['loc/story', 'loc/s1']);
        expect(await rows({ start: { label: 'Location' }, hops: [{ direction: 'out' }] })).toEqual([]);
        expect(
          await rows({
            start: { label: 'Character', where: [{ property: 'name', op: 'eq', value: 'Ada' }] },
            hops: [{ direction: 'both' }],
          }),
        ).toEqual(['hero/story']);
        // A path never uses the same relationship twice: story-s1 then back over the same edge is not a row.
        const twoWays = await rows({
          start: { label: 'Scene', where: [{ property: 'number', op: 'eq', value: 1 }] },
          hops: [{ direction: 'both' }, { direction: 'both' }],
        });
        expect(twoWays).not.toContain('s1/story/s1');
        expect(twoWays).toContain('s1/story/loc');
        expect(twoWays).toContain('s1/loc/story');
        expect(twoWays).toContain('s1/sh1/sh2');
        expect(await rows({ start: { label: 'Character' }, hops: [{ type: 'FEATURES' }], orderBy: { property: 'title' } })).toEqual([
          'hero/story',
        ]);
        expect(await rows({ start: { label: 'Shot' }, hops: [{ label: 'Character', direction: 'both' }] })).toEqual([]);
      });

      it('refuses bad queries with BRAIN_INVALID_QUERY', async () => {
        await scenes();
        const bad: Array<Parameters<GraphStore['queryGraph']>[1]> = [
          { start: { label: 'Scene', where: [{ property: 'a b', op: 'eq', value: 1 }] } },
          { start: { label: 'Scene', where: [{ property: 'number', op: 'lt', value: true }] } },
          { start: { label: 'Scene', where: [{ property: 'number', op: 'in', value: 3 }] } },
          { start: { label: 'Scene', where: [{ property: 'number', op: 'startsWith', value: 3 }] } },
          { start: { label: 'Scene', where: [{ property: 'number', op: 'like' as never, value: 3 }] } },
          { start: { label: 'Scene', where: [{ property: 'number', op: 'eq' }] } },
          { start: { label: 'Scene' }, hops: [{}, {}, {}, {}] },
          { start: { label: 'Scene' }, hops: [{ type: 'lower' }] },
          { start: { label: 'Scene' }, orderBy: { property: "x') --" } },
          { start: { label: 'Scene' }, limit: 0 },
          { start: { label: 'Scene' }, limit: 1001 },
          { start: { label: 'Scene' }, skip: -1 },
          { start: { label: 'Dragon' as never } },
        ];
        for (const query of bad) await expectCode(store.queryGraph('p', query), 'BRAIN_INVALID_QUERY', 400);
      });
    });

    describe('vector search', () => {
      it('puts the nearest vector first, with cosine similarity as score', async () => {
        await project('p');
        for (let i = 0; i < DIM; i++) {
          await store.createNode('p', {
            id: `n${i}`,
            label: i % 2 ? 'Document' : 'Workflow',
            properties: { i, kind: i < 4 ? 'low' : 'high' },
            index: { text: `text of node ${i}`, embedding: basis(i) },
          });
        }
        const hits = await store.vectorSearch('p', near(3, 5), 3);
        expect(ids(hits)).toEqual(['n3', 'n5', expect.any(String)]);
        expect(hits[0]!.score).toBeCloseTo(1 / Math.hypot(1, 0.2), 5);
        expect(hits[0]!.vectorScore).toBeCloseTo(hits[0]!.score, 6);
        expect(hits[0]!.score).toBeGreaterThan(hits[1]!.score);
        expect(hits[0]).toMatchObject({ label: 'Document', properties: { i: 3 }, snippet: 'text of node 3' });
        // Scale does not matter: cosine.
        expect(
          ids(
            await store.vectorSearch(
              'p',
              basis(6).map((x) => x * 42),
              1,
            ),
          ),
        ).toEqual(['n6']);
        expect(await store.vectorSearch('p', basis(0), 100)).toHaveLength(DIM);
      });

      it('filters by label and by properties', async () => {
        await project('p');
        for (let i = 0; i < DIM; i++) {
          await store.createNode('p', {
            id: `n${i}`,
            label: i % 2 ? 'Document' : 'Workflow',
            properties: { i, kind: i < 4 ? 'low' : 'high' },
            index: { embedding: basis(i) },
          });
        }
        expect(ids(await store.vectorSearch('p', near(3, 4), 2, { labels: ['Workflow'] }))).toEqual(['n4', expect.any(String)]);
        expect(ids(await store.vectorSearch('p', basis(3), 8, { labels: ['Workflow'] })).every((id) => Number(id.slice(1)) % 2 === 0)).toBe(
          true,
        );
        expect(ids(await store.vectorSearch('p', basis(3), 8, { labels: ['Character'] }))).toEqual([]);
        const high = await store.vectorSearch('p', near(3, 5), 2, { where: [{ property: 'kind', op: 'eq', value: 'high' }] });
        expect(ids(high)).toEqual(['n5', expect.any(String)]);
        expect(high.every((h) => h.properties.kind === 'high')).toBe(true);
        const both = await store.vectorSearch('p', basis(1), 10, { labels: ['Document'], where: [{ property: 'i', op: 'gt', value: 4 }] });
        expect(sorted(ids(both))).toEqual(['n5', 'n7']);
      });

      it('follows updates and deletions of embeddings', async () => {
        await project('p');
        await store.createNode('p', { id: 'a', label: 'Scene', index: { embedding: basis(0) } });
        await store.createNode('p', { id: 'b', label: 'Scene', index: { embedding: basis(1) } });
        await store.updateNode('p', 'a', { index: { embedding: basis(2) } });
        expect(ids(await store.vectorSearch('p', basis(2), 1))).toEqual(['a']);
        expect((await store.vectorSearch('p', basis(0), 2)).every((h) => h.score < 0.5)).toBe(true);
        await store.updateNode('p', 'a', { index: null });
        expect(ids(await store.vectorSearch('p', basis(2), 5))).toEqual(['b']);
        await store.updateNode('p', 'a', { properties: { touched: true } });
        expect(ids(await store.vectorSearch('p', basis(2), 5))).toEqual(['b']);
        await store.deleteNode('p', 'b');
        expect(await store.vectorSearch('p', basis(1), 5)).toEqual([]);
      });

      it('keeps one dimension per project and refuses vectors without a direction', async () => {
        await project('p');
        expect(await store.vectorSearch('p', basis(0), 5)).toEqual([]);
        await store.createNode('p', { id: 'a', label: 'Scene', index: { embedding: basis(0) } });
        await expectCode(store.vectorSearch('p', [1, 0, 0], 5), 'BRAIN_VECTOR_DIMENSION', 400);
        await expectCode(store.createNode('p', { label: 'Scene', index: { embedding: [1, 0] } }), 'BRAIN_VECTOR_DIMENSION', 400);
        await expectCode(store.updateNode('p', 'a', { index: { embedding: [1, 0] } }), 'BRAIN_VECTOR_DIMENSION');
        await expectCode(
          store.vectorSearch(
            'p',
            basis(0).map(() => 0),
            5,
          ),
          'BRAIN_INVALID_VECTOR',
          400,
        );
        await expectCode(store.vectorSearch('p', basis(0), 0), 'INVALID_INPUT', 400);
        await expectCode(store.vectorSearch('nope', basis(0), 5), 'BRAIN_PROJECT_NOT_FOUND');
        // Once the project has no vectors left, a new dimension may start.
        await store.deleteNode('p', 'a');
        await store.createNode('p', { id: 'b', label: 'Scene', index: { embedding: [0, 1, 0] } });
        expect(ids(await store.vectorSearch('p', [0, 1, 0], 5))).toEqual(['b']);
      });
    });

    describe('keyword search', () => {
      async function docs() {
        await project('p');
        const texts: Array<[string, NodeInput['label'], string]> = [
          ['d1', 'Document', 'The detective walks near the river at night'],
          ['d2', 'Document', 'A river of gold flows through the vault; gold everywhere, gold gold'],
          ['d3', 'Workflow', 'Storyboard render for the river chase'],
          ['d4', 'Document', 'Either this or that: "quoted" words, stars * and NEAR(things) AND more'],
          ['d5', 'Document', 'Café résumé naïve'],
        ];
        for (const [id, label, text] of texts) await store.createNode('p', { id, label, properties: { kind: label }, index: { text } });
      }

      it('finds words, best matches first, with a snippet of the indexed text', async () => {
        await docs();
        expect(sorted(ids(await store.keywordSearch('p', 'river', 10)))).toEqual(['d1', 'd2', 'd3']);
        const gold = await store.keywordSearch('p', 'gold river', 10);
        expect(gold[0]!.id).toBe('d2');
        expect(gold[0]).toMatchObject({ keywordRank: 1, label: 'Document', snippet: expect.stringMatching(/^A river of gold/) });
        expect(gold[0]!.score).toBeGreaterThanOrEqual(gold[1]!.score);
        expect(gold.map((h) => h.keywordRank)).toEqual(gold.map((_, i) => i + 1));
        expect(ids(await store.keywordSearch('p', 'walking', 10))).toEqual(['d1']); // stemmed
        expect(ids(await store.keywordSearch('p', 'cafe RESUME', 10))).toEqual(['d5']); // case and accents folded
        expect(ids(await store.keywordSearch('p', 'river', 1))).toHaveLength(1);
        expect(await store.keywordSearch('p', 'submarine', 10)).toEqual([]);
      });

      it('filters by label and by properties', async () => {
        await docs();
        expect(ids(await store.keywordSearch('p', 'river', 10, { labels: ['Workflow'] }))).toEqual(['d3']);
        expect(
          sorted(ids(await store.keywordSearch('p', 'river', 10, { where: [{ property: 'kind', op: 'eq', value: 'Document' }] }))),
        ).toEqual(['d1', 'd2']);
      });

      it('treats search syntax as plain words', async () => {
        await docs();
        const attempts = [
          '"',
          '""',
          '"unbalanced',
          '*',
          'riv*',
          'NEAR(',
          'NEAR(river night',
          'OR',
          'river OR',
          'AND',
          'NOT river',
          '-river',
          '^river',
          'text:river',
          '{text}: river',
          '(river',
          'river)',
          "'; DROP TABLE nodes; --",
          '\u0000',
          '',
          '   ',
        ];
        for (const query of attempts) {
          await expect(store.keywordSearch('p', query, 10), query).resolves.toBeInstanceOf(Array);
        }
        expect(ids(await store.keywordSearch('p', 'NEAR(', 10))).toEqual(expect.arrayContaining(['d1', 'd4']));
        expect(ids(await store.keywordSearch('p', 'OR', 10))).toEqual(['d4']);
        expect(ids(await store.keywordSearch('p', '"quoted"', 10))).toEqual(['d4']);
        expect(sorted(ids(await store.keywordSearch('p', 'NOT river', 10)))).toEqual(['d1', 'd2', 'd3']);
        expect(await store.keywordSearch('p', '*', 10)).toEqual([]);
        expect(await store.keywordSearch('p', '"', 10)).toEqual([]);
        expect((await store.queryGraph('p', { start: { label: 'Document' } })).length).toBe(4);
      });
    });

    describe('isolation between projects', () => {
      /** Everything of a project a caller can see, for before/after comparisons. */
      async function snapshot(projectId: string) {
        const labels = ['Character', 'Scene', 'Document', 'Story'] as const;
        const nodes: GraphNode[] = [];
        for (const label of labels) nodes.push(...(await store.queryGraph(projectId, { start: { label } })).map((r) => r[0]!));
        const neighbors = [];
        for (const n of nodes) neighbors.push(await store.getNeighbors(projectId, n.id, { depth: 3 }));
        return {
          project: await store.getProject(projectId),
          members: await store.listMembers(projectId),
          nodes,
          neighbors,
          vector: await store.vectorSearch(projectId, basis(0), 10),
          keyword: await store.keywordSearch(projectId, 'banana kiwi shared', 10),
        };
      }

      async function twoProjects() {
        for (const p of ['A', 'B']) {
          await project(p, `owner${p}`);
          await store.createNode(p, {
            id: 'shared',
            label: 'Character',
            properties: { owner: p },
            index: { text: p === 'A' ? 'shared apple' : 'shared banana', embedding: p === 'A' ? basis(1) : basis(0) },
          });
          await store.createNode(p, { id: 'scene', label: 'Scene', properties: { owner: p } });
          await store.createRelationship(p, { from: 'shared', to: 'scene', type: 'FEATURES' });
        }
        await store.setMember('B', 'userB', 'writer');
        await store.putNodesAtomic('B', [
          { id: 'bOnly', label: 'Document', properties: { secret: 'kiwi' }, index: { text: 'kiwi secret', embedding: basis(0) } },
        ]);
        await store.createRelationship('B', { from: 'bOnly', to: 'shared', type: 'RELATES_TO' });
      }

      it('never reads or writes another project through ids, whatever the call', async () => {
        await twoProjects();
        const before = await snapshot('B');

        await expectCode(store.getNode('A', 'bOnly'), 'BRAIN_NODE_NOT_FOUND');
        expect((await store.getNode('A', 'shared')).properties).toEqual({ owner: 'A' });
        await expectCode(store.updateNode('A', 'bOnly', { properties: { secret: 'stolen' } }), 'BRAIN_NODE_NOT_FOUND');
        await expectCode(store.updateNode('A', 'bOnly', { index: null }), 'BRAIN_NODE_NOT_FOUND');
        expect(await store.deleteNode('A', 'bOnly')).toEqual({ deleted: false, relationshipsDeleted: 0 });
        await expectCode(store.createRelationship('A', { from: 'shared', to: 'bOnly', type: 'KNOWS' }), 'BRAIN_NODE_NOT_FOUND');
        await expectCode(store.createRelationship('A', { from: 'bOnly', to: 'shared', type: 'KNOWS' }), 'BRAIN_NODE_NOT_FOUND');
        await expectCode(
          store.createRelationship('A', { from: 'shared', to: 'scene', type: 'KNOWS', projectId: 'B' }),
          'BRAIN_CROSS_PROJECT',
        );
        await expectCode(store.createNode('A', { id: 'x', label: 'Scene', projectId: 'B' }), 'BRAIN_CROSS_PROJECT');
        await expectCode(store.getNeighbors('A', 'bOnly'), 'BRAIN_NODE_NOT_FOUND');
        const aNeighbors = await store.getNeighbors('A', 'shared', { depth: 3 });
        expect(ids(aNeighbors.nodes)).toEqual(['scene']);
        expect(aNeighbors.nodes.every((n) => n.projectId === 'A' && n.properties.owner === 'A')).toBe(true);
        expect(aNeighbors.relationships.every((r) => r.projectId === 'A')).toBe(true);
        await expectCode(store.findPath('A', 'shared', 'bOnly'), 'BRAIN_NODE_NOT_FOUND');
        expect(ids((await store.findPath('A', 'scene', 'shared')).nodes)).toEqual(['scene', 'shared']);
        const aDocs = await store.queryGraph('A', { start: { label: 'Document' } });
        expect(aDocs).toEqual([]);
        const aChars = await store.queryGraph('A', { start: { label: 'Character' }, hops: [{ direction: 'both' }] });
        expect(aChars.flat().every((n) => n.projectId === 'A' && n.properties.owner === 'A')).toBe(true);
        const vec = await store.vectorSearch('A', basis(0), 10);
        expect(ids(vec)).toEqual(['shared']);
        expect(vec[0]!.properties).toEqual({ owner: 'A' });
        expect(vec[0]!.score).toBeLessThan(0.5);
        expect(await store.keywordSearch('A', 'kiwi banana', 10)).toEqual([]);
        expect(await store.removeMember('A', 'userB')).toBe(false);
        expect(await store.getRole('A', 'userB')).toBeUndefined();
        expect((await store.listMembers('A')).map((m) => m.userId)).toEqual(['ownerA']);
        expect(ids((await store.listProjects({ userId: 'userB' })).projects)).toEqual(['B']);
        // The same id in A is a new, separate node.
        const put = await store.putNodesAtomic('A', [
          { id: 'bOnly', label: 'Document', properties: { mine: true }, index: { text: 'mine' } },
        ]);
        expect(put.created).toBe(1);
        expect((await store.getNode('A', 'bOnly')).properties).toEqual({ mine: true });
        expect((await store.getNode('B', 'bOnly')).properties).toEqual({ secret: 'kiwi' });
        await store.updateNode('A', 'shared', { properties: { touched: true } });
        await store.deleteNode('A', 'scene');

        expect(await snapshot('B')).toEqual(before);
        expect(await store.deleteProject('A')).toMatchObject({ deleted: true });
        expect(await snapshot('B')).toEqual(before);
      });
    });

    describe('deleteProject', () => {
      it('removes everything of the project and only of it', async () => {
        await smallGraph('p');
        await store.setMember('p', 'u1', 'owner');
        await store.setMember('p', 'u2', 'viewer');
        await store.putNodesAtomic('p', [
          { id: 'doc', label: 'Document', properties: { content: 'plums' }, index: { text: 'plums', embedding: basis(0) } },
          { id: 'wf', label: 'Workflow', properties: { kind: 'render' }, index: { text: 'render plums', embedding: basis(1) } },
        ]);
        await project('keep');
        await store.createNode('keep', { id: 'doc', label: 'Document', index: { text: 'plums', embedding: basis(0) } });

        expect(await store.deleteProject('p')).toEqual({ deleted: true, nodesDeleted: 9, relationshipsDeleted: 6, membersDeleted: 2 });
        expect(await store.deleteProject('p')).toEqual({ deleted: false, nodesDeleted: 0, relationshipsDeleted: 0, membersDeleted: 0 });
        await expectCode(store.getProject('p'), 'BRAIN_PROJECT_NOT_FOUND');
        await expectCode(store.getNode('p', 'doc'), 'BRAIN_PROJECT_NOT_FOUND');
        await expectCode(store.vectorSearch('p', basis(0), 5), 'BRAIN_PROJECT_NOT_FOUND');
        expect(ids((await store.listProjects()).projects)).toEqual(['keep']);
        expect((await store.listProjects({ userId: 'u1' })).projects).toEqual([]);

        // The same id again is a new, empty project: nothing of the old one comes back.
        await project('p', 'u3');
        expect(await store.listMembers('p')).toMatchObject([{ userId: 'u3', role: 'owner' }]);
        await expectCode(store.getNode('p', 'doc'), 'BRAIN_NODE_NOT_FOUND');
        expect(await store.queryGraph('p', { start: { label: 'Document' } })).toEqual([]);
        expect(await store.keywordSearch('p', 'plums', 10)).toEqual([]);
        expect(await store.vectorSearch('p', basis(0), 10)).toEqual([]);
        await store.createNode('p', { id: 'fresh', label: 'Document', index: { text: 'plums', embedding: basis(0) } });
        expect(ids(await store.vectorSearch('p', basis(1), 10))).toEqual(['fresh']);
        expect(ids(await store.keywordSearch('p', 'plums', 10))).toEqual(['fresh']);
        expect(ids(await store.vectorSearch('keep', basis(0), 10))).toEqual(['doc']);
        expect(ids(await store.keywordSearch('keep', 'plums', 10))).toEqual(['doc']);
      });
    });

    describe('close', () => {
      it('refuses calls once closed', async () => {
        await project('p');
        await store.close();
        await expectCode(store.getProject('p'), 'BRAIN_STORE_CLOSED', 503);
        await store.close();
      });
    });
  });
}
