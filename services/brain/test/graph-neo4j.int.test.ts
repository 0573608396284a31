/**
 * The graph store contract against a real Neo4j (5.18 or later), when NEO4J_URI is set (with
 * NEO4J_USER, default neo4j, and NEO4J_PASSWORD; NEO4J_DATABASE optional). Without it, the suite
 * is reported as skipped.
 *
 * Each test gets a store in a namespace of its own (a fresh random prefix of every project key),
 * so tests see an empty graph even in a shared database, and its projects are deleted afterwards.
 * The contract runs twice: once searching vectors exactly (small projects) and once through the
 * vector index with its over-fetching (exactThreshold 0), which other namespaces' vectors in the
 * same global index put to the test.
 */
import { randomUUID } from 'node:crypto';
import { describe, vi } from 'vitest';
import { type Neo4jGraphStore, openNeo4jStore } from '../src/graph/neo4j.ts';
import { describeGraphStoreContract, type StoreFixture } from './graph-contract.ts';

const uri = process.env.NEO4J_URI;
const connection = {
  uri: uri ?? '',
  user: process.env.NEO4J_USER ?? 'neo4j',
  password: process.env.NEO4J_PASSWORD ?? '',
  ...(process.env.NEO4J_DATABASE ? { database: process.env.NEO4J_DATABASE } : {}),
};
/** The contract's vectors have 8 components. */
const DIMENSION = 8;

/** Deletes every project of the namespace (through a store of its own if the test closed its store). */
async function wipe(namespace: string, store: Neo4jGraphStore, closed: boolean): Promise<void> {
  const janitor = closed ? await openNeo4jStore({ ...connection, namespace, vectorDimension: DIMENSION }) : store;
  try {
    for (;;) {
      const page = await janitor.listProjects({ limit: 200 });
      if (page.projects.length === 0) break;
      for (const p of page.projects) await janitor.deleteProject(p.id);
    }
  } finally {
    await janitor.close();
  }
}

function fixture(exactThreshold?: number): () => Promise<StoreFixture> {
  return async () => {
    const namespace = `test-${randomUUID()}`;
    const store = await openNeo4jStore({
      ...connection,
      namespace,
      vectorDimension: DIMENSION,
      ...(exactThreshold === undefined ? {} : { exactThreshold }),
    });
    let closed = false;
    const close = store.close.bind(store);
    store.close = async () => {
      closed = true;
      await close();
    };
    return { store, cleanup: () => wipe(namespace, store, closed) };
  };
}

describe.skipIf(!uri)('Neo4j backend (NEO4J_URI)', () => {
  // A real server over the network: slower than the unit project's default.
  vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });
  describeGraphStoreContract('neo4j, exact vector search', fixture());
  describeGraphStoreContract('neo4j, vector index with over-fetching', fixture(0));
});
