import { randomUUID } from 'node:crypto';
import {
  AutomovieError,
  fromZodError,
  type GraphNode,
  type GraphRelationship,
  IdSchema,
  isAutomovieError,
  type Project,
  type ProjectRole,
  ProjectRoleSchema,
  ProjectSchema,
  type Properties,
  RelationTypeSchema,
  type SearchHit,
  toAutomovieError,
} from '@automovie/contracts';
import neo4j, { type Driver, type ManagedTransaction, Neo4jError } from 'neo4j-driver';
import type { Logger } from 'pino';
import { BrainError, type BrainErrorCode, invalidInput } from '../errors.ts';
import {
  BM25,
  CypherParams,
  canonicalProperties,
  compileFilters,
  compileGraphQuery,
  cosineFromScore,
  embeddingProperty,
  FTS_PROJECT,
  FTS_TERMS,
  flatPatch,
  flattenProperties,
  ftsTermsValue,
  hitFields,
  int,
  keywordSearchCypher,
  luceneKeywordQuery,
  MAX_DIMENSION,
  nodeProjection,
  normalizeVector,
  overFetchSchedule,
  parseNeo4jVersion,
  SCHEMA_AWAITED,
  schemaStatements,
  TEXT_INDEX,
  toIsoString,
  toNumber,
  vectorIndexName,
} from './neo4j-cypher.ts';
import { analyzeText, queryTerms } from './neo4j-text.ts';
import { type TraversalEdge, traverse } from './neo4j-traversal.ts';
import type {
  Direction,
  GraphQuery,
  GraphStore,
  IndexEntry,
  ListProjectsOptions,
  Member,
  MemberProfile,
  NeighborsOptions,
  NewProject,
  NodeDeletion,
  NodeInput,
  NodePatch,
  PathOptions,
  PathResult,
  ProjectDeletion,
  ProjectPage,
  ProjectPatch,
  PutNodesResult,
  RelationshipInput,
  SearchOptions,
  Subgraph,
} from './store.ts';
import {
  checkClaimKey,
  checkId,
  checkInt,
  checkLabel,
  checkLabels,
  checkProperties,
  checkTimeMs,
  checkTypes,
  crossProject,
  decodeCursor,
  dimensionMismatch,
  encodeCursor,
  lastOwner,
  nodeExists,
  nodeNotFound,
} from './store-args.ts';

export interface Neo4jStoreOptions {
  /** `neo4j://`, `neo4j+s://`, `bolt://`… */
  uri: string;
  user: string;
  password: string;
  /** Default: the server's default database. */
  database?: string;
  /**
   * The dimension of the embeddings the brain writes: a vector index is created for it at start.
   * Vectors of any other dimension are still stored and found, by exact search. Default: none
   * (every vector search is exact, which suits small projects only).
   */
  vectorDimension?: number;
  /**
   * Keeps this store's projects apart from any other store's in the same database, as a key
   * prefix does (several brains on one Neo4j; one namespace per test). Letters, digits and
   * `_ . : -`. Default: none.
   */
  namespace?: string;
  /** Projects with at most this many vectors are searched exactly, without the vector index. Default 2000. */
  exactThreshold?: number;
  /** The most candidates asked from the vector index in one search (see overFetchSchedule). Default 100,000. */
  maxVectorCandidates?: number;
  /** The most relationships one neighbours traversal may read. Default 100,000. */
  maxTraversal?: number;
  /** Relationships, nodes and members deleted per transaction by deleteProject. Default 5000. */
  deleteBatchSize?: number;
  /** How long the driver retries a transaction on transient errors (deadlocks, leader changes…). Default 30 s. */
  maxTransactionRetryMs?: number;
  /** How long to wait at start for the constraints and the full-text index to come online. Default 300 s. */
  schemaTimeoutSeconds?: number;
  logger?: Logger;
}

export const NEO4J_DEFAULTS = {
  exactThreshold: 2000,
  maxVectorCandidates: 100_000,
  maxTraversal: 100_000,
  deleteBatchSize: 5000,
  maxTransactionRetryMs: 30_000,
  schemaTimeoutSeconds: 300,
} as const;

const MAX_K = 1000;
const NAMESPACE = /^[A-Za-z0-9_.:-]{1,64}$/;
const CONSTRAINT_FAILED = 'Neo.ClientError.Schema.ConstraintValidationFailed';
const ProjectFieldsSchema = ProjectSchema.pick({
  name: true,
  logline: true,
  genre: true,
  styleGuide: true,
  budgetUsd: true,
  status: true,
}).partial();
const OPTIONAL_PROJECT_FIELDS = ['logline', 'genre', 'styleGuide', 'budgetUsd'] as const;
const PROJECT_FIELDS = 'p {.id, .name, .logline, .genre, .status, .styleGuide, .budgetUsd, .createdAt, .updatedAt, .listSeq}';
const MEMBER_FIELDS = 'm {.userId, .role, .email, .name, .addedAt}';
const RELATIONSHIP_FIELDS = (r: string) =>
  `{id: ${r}.id, type: type(${r}), from: startNode(${r}).id, to: endNode(${r}).id, props: ${r}.props, createdAt: ${r}.createdAt}`;

type Row = Record<string, unknown>;

/**
 * What a project's node records about its index entries, kept exact by the writes (under the
 * project lock): its vector dimension (one per project) and number of vectors, and the number of
 * texts and of their words, for keyword scoring with the project's own statistics.
 */
interface IndexState {
  dim: number | null;
  count: number;
  texts: number;
  words: number;
}

/** What one node's index entry adds to its project's IndexState: its vector dimension and its number of words (null: none). */
interface EntryStats {
  dim: number | null;
  words: number | null;
}

interface LockedProject extends IndexState {
  /** The project's sequence before this transaction took its numbers (base + 1, base + 2… are this transaction's). */
  base: number;
}

/** A node input checked and serialised, ready to write. */
interface CheckedNode extends CheckedIndex {
  id: string;
  label: string;
  properties: Properties;
}

/** An index entry checked: the text with its analysed words, the vector normalised. */
interface CheckedIndex {
  text: string | null;
  terms: string[];
  vector: number[] | null;
}

interface EdgeRow extends TraversalEdge {
  type: string;
  props: string;
  createdAt: string;
}

/**
 * The Neo4j graph backend (Neo4j 5.18 or later, Community or Enterprise; no plugin).
 *
 * **Model.** Every node of the graph is `(:Entity:<Label> {projectId, id, label, props, …})`: one
 * label shared by all, so one uniqueness constraint on (projectId, id) and one full-text and one
 * vector index cover every kind, plus the domain label for people reading the graph. `props` is the
 * exact JSON of the properties; typed copies (`s_name`, `n_order`… see neo4j-cypher.ts) are what
 * filters compare. Relationships carry `id`, `projectId`, `props`, `createdAt` and `seq`. A
 * project is `(:BrainProject {projectId, …})` and a member `(:BrainMember {projectId, userId, role…})`:
 * every node carries the project it belongs to, and every query matches on it first.
 *
 * **Writes** run in one managed write transaction each (the driver retries it on transient errors:
 * deadlocks, leader switches). Each begins by incrementing the project's `seq`, which write-locks
 * the project node: writes to one project are serialised (no lost updates, ordered `seq` numbers
 * for creation order, a consistent vector dimension, and no write can slip into a project while
 * deleteProject removes it); writes to different projects do not wait for each other.
 *
 * **Search.** Keyword search finds a project's documents through a full-text index whose Lucene
 * query is bounded by the project (`ftsProject`), with words analysed by the brain itself
 * (neo4j-text.ts), and scores them with BM25 over the project's own statistics, so no other
 * project's data moves a project's scores (see keywordSearchCypher). Vector search is exact
 * (vector.similarity.cosine over the project's vectors) for projects with few vectors, and uses the
 * vector index, over-fetching, for larger ones (see vectorSearch). The project node keeps the
 * counts both need (IndexState), exact because every write updates them under the project lock.
 */
export class Neo4jGraphStore implements GraphStore {
  readonly backend = 'neo4j' as const;
  private readonly driver: Driver;
  private readonly database: string | undefined;
  private readonly namespace: string;
  private readonly vectorDimension: number | undefined;
  private readonly exactThreshold: number;
  private readonly maxVectorCandidates: number;
  private readonly maxTraversal: number;
  private readonly deleteBatchSize: number;
  private readonly logger: Logger | undefined;
  private vectorIndexOnline = false;
  private closed = false;

  /** Use openNeo4jStore, which checks the server and prepares the schema first. */
  constructor(driver: Driver, options: Omit<Neo4jStoreOptions, 'uri' | 'user' | 'password'>) {
    this.driver = driver;
    this.database = options.database;
    this.namespace = options.namespace ?? '';
    this.vectorDimension = options.vectorDimension;
    this.exactThreshold = options.exactThreshold ?? NEO4J_DEFAULTS.exactThreshold;
    this.maxVectorCandidates = options.maxVectorCandidates ?? NEO4J_DEFAULTS.maxVectorCandidates;
    this.maxTraversal = options.maxTraversal ?? NEO4J_DEFAULTS.maxTraversal;
    this.deleteBatchSize = options.deleteBatchSize ?? NEO4J_DEFAULTS.deleteBatchSize;
    this.logger = options.logger;
  }

  // ── projects ────────────────────────────────────────────────────────────────────────────

  async createProject(input: NewProject, ownerId?: string): Promise<Project> {
    this.open();
    const id = input.id === undefined ? randomUUID() : checkId(input.id, 'id');
    const fields = ProjectFieldsSchema.safeParse({ ...input, id: undefined });
    if (!fields.success) throw fromZodError(fields.error);
    if (typeof input.name !== 'string') throw invalidInput('name', 'a project needs a name');
    if (ownerId !== undefined) checkId(ownerId, 'ownerId');
    const key = this.key(id);
    const now = new Date().toISOString();
    const props: Row = {
      projectId: key,
      id,
      namespace: this.namespace,
      name: input.name,
      status: input.status ?? 'draft',
      createdAt: now,
      updatedAt: now,
      seq: int(ownerId === undefined ? 0 : 1),
      vectorCount: int(0),
      textCount: int(0),
      textWords: int(0),
    };
    for (const f of OPTIONAL_PROJECT_FIELDS) if (input[f] !== undefined) props[f] = input[f];
    const exists = () => new BrainError('BRAIN_PROJECT_EXISTS', `Project ${id} already exists`, { data: { projectId: id } });
    const row = await this.write(async (tx) => {
      if ((await rows(tx, 'MATCH (p:BrainProject {projectId: $projectId}) RETURN p.id AS id', { projectId: key })).length > 0)
        throw exists();
      const [created] = await rows(
        tx,
        `MERGE (c:BrainCounter {name: $counter}) ON CREATE SET c.value = 0
         SET c.value = c.value + 1
         WITH c.value AS listSeq
         CREATE (p:BrainProject) SET p = $props, p.listSeq = listSeq
         RETURN ${PROJECT_FIELDS} AS p`,
        { counter: 'projects', props },
      );
      if (ownerId !== undefined) {
        await tx.run('CREATE (m:BrainMember) SET m = $member', {
          member: { projectId: key, userId: ownerId, role: 'owner', addedAt: now, seq: int(1) },
        });
      }
      return created!.p as Row;
    }, exists);
    return toProject(row);
  }

  async getProject(projectId: string): Promise<Project> {
    this.open();
    return this.read((tx) => this.requireProject(tx, projectId));
  }

  async listProjects(options: ListProjectsOptions = {}): Promise<ProjectPage> {
    this.open();
    const limit = checkInt(options.limit, 50, 1, 200, 'limit');
    const before = options.cursor === undefined ? Number.MAX_SAFE_INTEGER : decodeCursor(options.cursor);
    const userId = options.userId === undefined ? undefined : checkId(options.userId, 'userId');
    const params = { namespace: this.namespace, before: int(before), limit: int(limit + 1), userId: userId ?? null };
    const found = await this.read((tx) =>
      rows(
        tx,
        userId === undefined
          ? `MATCH (p:BrainProject)
             WHERE p.namespace = $namespace AND p.listSeq < $before AND p.deleting IS NULL
             RETURN ${PROJECT_FIELDS} AS p ORDER BY p.listSeq DESC LIMIT $limit`
          : `MATCH (m:BrainMember {userId: $userId})
             MATCH (p:BrainProject {projectId: m.projectId})
             WHERE p.namespace = $namespace AND p.listSeq < $before AND p.deleting IS NULL
             RETURN ${PROJECT_FIELDS} AS p ORDER BY p.listSeq DESC LIMIT $limit`,
        params,
      ),
    );
    const projects = found.map((r) => r.p as Row);
    const page: ProjectPage = { projects: projects.slice(0, limit).map(toProject) };
    if (projects.length > limit) page.nextCursor = encodeCursor(toNumber(projects[limit - 1]!.listSeq)!);
    return page;
  }

  async updateProject(projectId: string, patch: ProjectPatch): Promise<Project> {
    this.open();
    if (typeof patch !== 'object' || patch === null) throw invalidInput('patch', 'an object of fields');
    const clean = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== null && v !== undefined));
    const fields = ProjectFieldsSchema.safeParse(clean);
    if (!fields.success) throw fromZodError(fields.error);
    const set: Row = { updatedAt: new Date().toISOString() };
    if (typeof patch.name === 'string') set.name = patch.name;
    if (typeof patch.status === 'string') set.status = patch.status;
    // null clears an optional field: `SET p += {field: null}` removes the property.
    for (const f of OPTIONAL_PROJECT_FIELDS) if (patch[f] !== undefined) set[f] = patch[f];
    const row = await this.write(async (tx) => {
      await this.lockProject(tx, projectId);
      const [updated] = await rows(tx, `MATCH (p:BrainProject {projectId: $projectId}) SET p += $set RETURN ${PROJECT_FIELDS} AS p`, {
        projectId: this.key(projectId),
        set,
      });
      return updated!.p as Row;
    });
    return toProject(row);
  }

  /**
   * Deletes the project in batches (a managed transaction cannot run `CALL { … } IN TRANSACTIONS`,
   * and one transaction for a large project would hold its whole deletion in memory). The first
   * transaction marks the project as deleting, which hides it from every other call at once; the
   * last one removes the project node itself, together with whatever the batches left. A deletion
   * cut short (a crash) leaves a hidden project that calling deleteProject again finishes.
   */
  async deleteProject(projectId: string): Promise<ProjectDeletion> {
    this.open();
    checkId(projectId, 'projectId');
    const params = { projectId: this.key(projectId), batch: int(this.deleteBatchSize) };
    const marked = await this.write((tx) =>
      rows(tx, 'MATCH (p:BrainProject {projectId: $projectId}) SET p.deleting = true RETURN p.id AS id', params),
    );
    const result: ProjectDeletion = { deleted: marked.length > 0, nodesDeleted: 0, relationshipsDeleted: 0, membersDeleted: 0 };
    if (!result.deleted) return result;
    const count = async (tx: ManagedTransaction, cypher: string) => toNumber((await rows(tx, cypher, params))[0]?.c) ?? 0;
    for (let done = false; !done; ) {
      const step = await this.write(async (tx) => {
        // The lock waits for any write already in the project to finish.
        const live = await rows(tx, 'MATCH (p:BrainProject {projectId: $projectId}) SET p.seq = p.seq + 1 RETURN p.id AS id', params);
        if (live.length === 0) return { done: true, rels: 0, nodes: 0, members: 0 };
        const batch = this.deleteBatchSize;
        const rels = await count(tx, 'MATCH (:Entity {projectId: $projectId})-[r]->() WITH r LIMIT $batch DELETE r RETURN count(*) AS c');
        const nodes =
          rels < batch
            ? await count(tx, 'MATCH (n:Entity {projectId: $projectId}) WITH n LIMIT $batch DETACH DELETE n RETURN count(*) AS c')
            : 0;
        const members =
          rels < batch && nodes < batch
            ? await count(tx, 'MATCH (m:BrainMember {projectId: $projectId}) WITH m LIMIT $batch DELETE m RETURN count(*) AS c')
            : 0;
        const last = rels < batch && nodes < batch && members < batch;
        if (last) await tx.run('MATCH (p:BrainProject {projectId: $projectId}) DETACH DELETE p', params);
        return { done: last, rels, nodes, members };
      });
      result.relationshipsDeleted += step.rels;
      result.nodesDeleted += step.nodes;
      result.membersDeleted += step.members;
      done = step.done;
    }
    return result;
  }

  // ── members ─────────────────────────────────────────────────────────────────────────────

  async setMember(projectId: string, userId: string, role: ProjectRole, profile: MemberProfile = {}): Promise<Member> {
    this.open();
    checkId(userId, 'userId');
    if (!ProjectRoleSchema.safeParse(role).success) throw invalidInput('role', `one of ${ProjectRoleSchema.options.join(', ')}`);
    if (profile.email !== undefined && typeof profile.email !== 'string') throw invalidInput('email', 'a string');
    if (profile.name !== undefined && typeof profile.name !== 'string') throw invalidInput('name', 'a string');
    const row = await this.write(async (tx) => {
      const locked = await this.lockProject(tx, projectId);
      const params = {
        projectId: this.key(projectId),
        userId,
        role,
        email: profile.email ?? null,
        name: profile.name ?? null,
        now: new Date().toISOString(),
        seq: int(locked.base + 1),
      };
      const [current] = await rows(tx, 'MATCH (m:BrainMember {projectId: $projectId, userId: $userId}) RETURN m.role AS role', params);
      if (current?.role === 'owner' && role !== 'owner' && (await this.ownerCount(tx, projectId)) === 1) throw lastOwner(projectId, userId);
      const [member] = await rows(
        tx,
        `MERGE (m:BrainMember {projectId: $projectId, userId: $userId})
         ON CREATE SET m.addedAt = $now, m.seq = $seq
         SET m.role = $role, m.email = coalesce($email, m.email), m.name = coalesce($name, m.name)
         RETURN ${MEMBER_FIELDS} AS m`,
        params,
      );
      return member!.m as Row;
    });
    return toMember(projectId, row);
  }

  async removeMember(projectId: string, userId: string): Promise<boolean> {
    this.open();
    return this.write(async (tx) => {
      await this.lockProject(tx, projectId);
      if (typeof userId !== 'string') return false;
      const params = { projectId: this.key(projectId), userId };
      const [current] = await rows(tx, 'MATCH (m:BrainMember {projectId: $projectId, userId: $userId}) RETURN m.role AS role', params);
      if (!current) return false;
      if (current.role === 'owner' && (await this.ownerCount(tx, projectId)) === 1) throw lastOwner(projectId, userId);
      await tx.run('MATCH (m:BrainMember {projectId: $projectId, userId: $userId}) DELETE m', params);
      return true;
    });
  }

  async listMembers(projectId: string): Promise<Member[]> {
    this.open();
    const found = await this.read(async (tx) => {
      await this.requireProject(tx, projectId);
      return rows(tx, `MATCH (m:BrainMember {projectId: $projectId}) RETURN ${MEMBER_FIELDS} AS m ORDER BY m.seq`, {
        projectId: this.key(projectId),
      });
    });
    return found.map((r) => toMember(projectId, r.m as Row));
  }

  async getRole(projectId: string, userId: string): Promise<ProjectRole | undefined> {
    this.open();
    const found = await this.read(async (tx) => {
      await this.requireProject(tx, projectId);
      if (typeof userId !== 'string') return [];
      return rows(tx, 'MATCH (m:BrainMember {projectId: $projectId, userId: $userId}) RETURN m.role AS role', {
        projectId: this.key(projectId),
        userId,
      });
    });
    return found[0]?.role as ProjectRole | undefined;
  }

  // ── nodes and relationships ─────────────────────────────────────────────────────────────

  async createNode(projectId: string, input: NodeInput): Promise<GraphNode> {
    this.open();
    const node = checkNode(projectId, input, 'node');
    const key = this.key(projectId);
    const now = new Date().toISOString();
    const row = await this.write(
      async (tx) => {
        const locked = await this.lockProject(tx, projectId);
        if (
          (await rows(tx, 'MATCH (n:Entity {projectId: $projectId, id: $id}) RETURN n.id AS id', { projectId: key, id: node.id })).length >
          0
        ) {
          throw nodeExists(projectId, node.id);
        }
        const state = planIndex(projectId, locked, [], [entryStats(node)]);
        const props = entityProperties(key, node, now, now, locked.base + 1);
        const [created] = await rows(
          tx,
          `CREATE (n:Entity:${labelToken(node.label)}) SET n = $props RETURN ${nodeProjection('n')} AS node`,
          {
            props,
          },
        );
        await this.saveIndexState(tx, projectId, locked, state);
        return created!.node as Row;
      },
      () => nodeExists(projectId, node.id),
    );
    return toNode(projectId, row);
  }

  async getNode(projectId: string, id: string): Promise<GraphNode> {
    this.open();
    const row = await this.read(async (tx) => {
      await this.requireProject(tx, projectId);
      const [found] = await this.nodesByIds(tx, projectId, [id]);
      if (!found) throw nodeNotFound(projectId, id);
      return found;
    });
    return row;
  }

  async updateNode(projectId: string, id: string, patch: NodePatch): Promise<GraphNode> {
    this.open();
    if (typeof patch !== 'object' || patch === null) throw invalidInput('patch', 'an object');
    const set = checkProperties(patch.properties, 'properties');
    const remove = patch.remove ?? [];
    if (!Array.isArray(remove)) throw invalidInput('remove', 'an array of property names');
    const entry = patch.index === undefined || patch.index === null ? null : checkIndex(patch.index, 'index');
    const key = this.key(projectId);
    const row = await this.write(async (tx) => {
      const locked = await this.lockProject(tx, projectId);
      const [current] = await rows(
        tx,
        'MATCH (n:Entity {projectId: $projectId, id: $id}) RETURN n.props AS props, n.embeddingDim AS dim, n.ftsLength AS words',
        { projectId: key, id },
      );
      if (!current) throw nodeNotFound(projectId, id);
      const before = JSON.parse(current.props as string) as Properties;
      const merged: Record<string, unknown> = { ...before, ...set };
      for (const name of remove) delete merged[name];
      const after = canonicalProperties(merged);
      const changes: Row = {
        ...flatPatch(flattenProperties(before), flattenProperties(after)),
        props: JSON.stringify(after),
        updatedAt: new Date().toISOString(),
      };
      let state: IndexState | undefined;
      if (patch.index !== undefined) {
        const old = storedStats(current);
        Object.assign(changes, clearedIndex(old.dim));
        if (entry) Object.assign(changes, indexProperties(key, entry));
        state = planIndex(projectId, locked, [old], entry ? [entryStats(entry)] : []);
      }
      const [updated] = await rows(
        tx,
        `MATCH (n:Entity {projectId: $projectId, id: $id}) SET n += $changes RETURN ${nodeProjection('n')} AS node`,
        { projectId: key, id, changes },
      );
      if (state) await this.saveIndexState(tx, projectId, locked, state);
      return updated!.node as Row;
    });
    return toNode(projectId, row);
  }

  async deleteNode(projectId: string, id: string): Promise<NodeDeletion> {
    this.open();
    return this.write(async (tx) => {
      const locked = await this.lockProject(tx, projectId);
      const [gone] = await rows(
        tx,
        `MATCH (n:Entity {projectId: $projectId, id: $id})
         OPTIONAL MATCH (n)-[r]-()
         WITH n, count(DISTINCT r) AS rels
         WITH n, rels, n.embeddingDim AS dim, n.ftsLength AS words
         DETACH DELETE n
         RETURN rels, dim, words`,
        { projectId: this.key(projectId), id: typeof id === 'string' ? id : '' },
      );
      if (!gone) return { deleted: false, relationshipsDeleted: 0 };
      await this.saveIndexState(tx, projectId, locked, planIndex(projectId, locked, [storedStats(gone)], []));
      return { deleted: true, relationshipsDeleted: toNumber(gone.rels) ?? 0 };
    });
  }

  async putNodesAtomic(projectId: string, inputs: readonly NodeInput[]): Promise<PutNodesResult> {
    this.open();
    if (!Array.isArray(inputs)) throw invalidInput('nodes', 'an array of nodes');
    const nodes: CheckedNode[] = [];
    const seen = new Set<string>();
    inputs.forEach((input, i) => {
      const node = checkNode(projectId, input, `nodes[${i}]`);
      if (seen.has(node.id)) throw invalidInput(`nodes[${i}].id`, `${node.id} appears twice in the batch`);
      seen.add(node.id);
      nodes.push(node);
    });
    const dims = nodes.flatMap((n) => (n.vector ? [n.vector.length] : []));
    for (const d of dims) if (d !== dims[0]) throw dimensionMismatch(projectId, dims[0]!, d);
    const key = this.key(projectId);
    const now = new Date().toISOString();
    const items = await this.write(
      async (tx) => {
        const locked = await this.lockProject(tx, projectId, Math.max(1, nodes.length));
        const heads = new Map(
          (
            await rows(
              tx,
              `UNWIND $ids AS id
               MATCH (n:Entity {projectId: $projectId, id: id})
               RETURN n.id AS id, n.label AS label, n.createdAt AS createdAt, n.seq AS seq, n.embeddingDim AS dim, n.ftsLength AS words`,
              { projectId: key, ids: nodes.map((n) => n.id) },
            )
          ).map((r) => [r.id as string, r]),
        );
        const replaced: EntryStats[] = [];
        for (const node of nodes) {
          const head = heads.get(node.id);
          if (!head) continue;
          if (head.label !== node.label) {
            throw new BrainError(
              'BRAIN_LABEL_MISMATCH',
              `Node ${node.id} is a ${String(head.label)}, not a ${node.label}; nothing was stored`,
              {
                data: { projectId, id: node.id, label: head.label },
              },
            );
          }
          replaced.push(storedStats(head));
        }
        const state = planIndex(projectId, locked, replaced, nodes.map(entryStats));
        const creates = new Map<string, Row[]>();
        const replaces: Row[] = [];
        nodes.forEach((node, i) => {
          const head = heads.get(node.id);
          if (head) {
            // A replaced node keeps its creation time and place; everything else is the new input.
            replaces.push(entityProperties(key, node, toIsoString(head.createdAt), now, toNumber(head.seq)!));
          } else {
            const list = creates.get(node.label) ?? [];
            list.push(entityProperties(key, node, now, now, locked.base + 1 + i));
            creates.set(node.label, list);
          }
        });
        // Cypher 5 has no dynamic labels: one CREATE per label of the batch.
        for (const [label, list] of creates) {
          await tx.run(`UNWIND $rows AS row CREATE (n:Entity:${labelToken(label)}) SET n = row`, { rows: list });
        }
        if (replaces.length > 0) {
          await tx.run('UNWIND $rows AS row MATCH (n:Entity {projectId: $projectId, id: row.id}) SET n = row', {
            projectId: key,
            rows: replaces,
          });
        }
        await this.saveIndexState(tx, projectId, locked, state);
        return nodes.map((n) => ({ id: n.id, created: !heads.has(n.id) }));
      },
      () => new BrainError('BRAIN_NODE_EXISTS', `A node of this batch was created meanwhile in project ${projectId}; nothing was stored`),
    );
    const created = items.filter((i) => i.created).length;
    return { items, created, replaced: items.length - created };
  }

  async createRelationship(projectId: string, input: RelationshipInput): Promise<GraphRelationship> {
    this.open();
    if (typeof input !== 'object' || input === null) throw invalidInput('relationship', 'a relationship');
    if (input.projectId !== undefined && input.projectId !== projectId) throw crossProject(projectId, input.projectId);
    const id = input.id === undefined ? randomUUID() : checkId(input.id, 'id');
    if (!RelationTypeSchema.safeParse(input.type).success) throw invalidInput('type', 'relation types are SCREAMING_SNAKE_CASE (max 64)');
    const from = checkId(input.from, 'from');
    const to = checkId(input.to, 'to');
    const properties = canonicalProperties(checkProperties(input.properties, 'properties'));
    const key = this.key(projectId);
    const now = new Date().toISOString();
    const exists = () =>
      new BrainError('BRAIN_RELATIONSHIP_EXISTS', `Relationship ${id} already exists in project ${projectId}`, { data: { projectId, id } });
    await this.write(async (tx) => {
      const locked = await this.lockProject(tx, projectId);
      const params = { projectId: key, id, from, to };
      const [ends] = await rows(
        tx,
        `OPTIONAL MATCH (a:Entity {projectId: $projectId, id: $from})
         OPTIONAL MATCH (b:Entity {projectId: $projectId, id: $to})
         RETURN a IS NOT NULL AS a, b IS NOT NULL AS b`,
        params,
      );
      for (const [end, nodeId, found] of [
        ['from', from, ends?.a],
        ['to', to, ends?.b],
      ] as const) {
        if (found !== true) {
          throw new BrainError('BRAIN_NODE_NOT_FOUND', `No node ${nodeId} in project ${projectId} (the relationship's ${end})`, {
            data: { projectId, id: nodeId, end },
          });
        }
      }
      // Relationship ids cannot have a constraint (those need a fixed type), so a caller's id is
      // checked under the project lock. Generated ids are UUIDs and need no check.
      if (input.id !== undefined) {
        const taken = await rows(tx, 'MATCH (:Entity {projectId: $projectId})-[r]->() WHERE r.id = $id RETURN r.id AS id LIMIT 1', params);
        if (taken.length > 0) throw exists();
      }
      await tx.run(
        `MATCH (a:Entity {projectId: $projectId, id: $from})
         MATCH (b:Entity {projectId: $projectId, id: $to})
         CREATE (a)-[r:${relationToken(input.type)}]->(b) SET r = $props`,
        { ...params, props: { id, projectId: key, props: JSON.stringify(properties), createdAt: now, seq: int(locked.base + 1) } },
      );
    });
    return { id, projectId, type: input.type, from, to, properties, createdAt: now };
  }

  // ── traversal and queries ───────────────────────────────────────────────────────────────

  /**
   * Breadth-first (neo4j-traversal.ts), one query per level and direction, all in one read
   * transaction: nearest first, and the followed relationships among the nodes on the paths to the
   * returned ones, as the embedded backend does. A variable-length Cypher pattern would enumerate
   * paths (exponential in dense graphs) and could not stop at the limit.
   */
  async getNeighbors(projectId: string, id: string, options: NeighborsOptions = {}): Promise<Subgraph> {
    this.open();
    const depth = checkInt(options.depth, 1, 1, 3, 'depth');
    const limit = checkInt(options.limit, 100, 1, 1000, 'limit');
    const direction = options.direction ?? 'both';
    if (direction !== 'out' && direction !== 'in' && direction !== 'both') throw invalidInput('direction', 'out, in or both');
    const types = checkTypes(options.types, 'types');
    const labels = checkLabels(options.labels, 'labels');
    return this.read(async (tx) => {
      await this.requireProject(tx, projectId);
      const [start] = await this.nodesByIds(tx, projectId, [id]);
      if (!start) throw nodeNotFound(projectId, id);
      let read = 0;
      const found = await traverse<EdgeRow>(id, { depth, labels, limit }, async (frontier) => {
        const edges = await this.edgesOf(tx, projectId, frontier, direction, types, this.maxTraversal - read);
        read += edges.size;
        return edges.byNode;
      });
      return {
        nodes: await this.nodesByIds(tx, projectId, found.nodeIds),
        relationships: found.edges.map((e) => toRelationship(projectId, e)),
      };
    });
  }

  async findPath(projectId: string, from: string, to: string, options: PathOptions = {}): Promise<PathResult> {
    this.open();
    const maxDepth = checkInt(options.maxDepth, 4, 1, 6, 'maxDepth');
    const types = checkTypes(options.types, 'types');
    const key = this.key(projectId);
    return this.read(async (tx) => {
      await this.requireProject(tx, projectId);
      const ends = await this.nodesByIds(tx, projectId, [from, to]);
      for (const nodeId of [from, to]) if (!ends.some((n) => n.id === nodeId)) throw nodeNotFound(projectId, nodeId);
      if (from === to) return { found: true, nodes: ends.slice(0, 1), relationships: [] };
      const typed = types && types.length > 0 ? ' AND all(r IN relationships(path) WHERE type(r) IN $types)' : '';
      // The bound of a variable-length pattern cannot be a parameter: maxDepth is a checked integer.
      const [path] = await rows(
        tx,
        `MATCH (a:Entity {projectId: $projectId, id: $from})
         MATCH (b:Entity {projectId: $projectId, id: $to})
         MATCH path = shortestPath((a)-[*..${maxDepth}]-(b))
         WHERE all(x IN nodes(path) WHERE x.projectId = $projectId)${typed}
         RETURN [x IN nodes(path) | ${nodeProjection('x')}] AS nodes,
                [r IN relationships(path) | ${RELATIONSHIP_FIELDS('r')}] AS rels`,
        { projectId: key, from, to, types: types ?? [] },
      );
      if (!path) return { found: false, nodes: [], relationships: [] };
      return {
        found: true,
        nodes: (path.nodes as Row[]).map((n) => toNode(projectId, n)),
        relationships: (path.rels as Row[]).map((r) => toRelationship(projectId, r)),
      };
    });
  }

  async queryGraph(projectId: string, query: GraphQuery): Promise<GraphNode[][]> {
    this.open();
    return this.read(async (tx) => {
      await this.requireProject(tx, projectId);
      const compiled = compileGraphQuery(this.key(projectId), query);
      const found = await rows(tx, compiled.cypher, compiled.params);
      return found.map((r) => (r.row as Row[]).map((n) => toNode(projectId, n)));
    });
  }

  // ── search ──────────────────────────────────────────────────────────────────────────────

  /**
   * Exact for projects with at most `exactThreshold` vectors (and for vectors of a dimension that
   * has no index): vector.similarity.cosine over the project's vectors, whose cost is bounded by
   * the project. Larger projects use the vector index. That index is global — one HNSW graph over
   * every project — so its top-k may be other projects' vectors (or filtered-out ones): the search
   * over-fetches (k×4, ×16, … see overFetchSchedule) and keeps the project's until k pass or the
   * index has no more. Either way the scores are recomputed exactly for the hits (an index may
   * quantise its vectors), so both paths give the same cosine similarity.
   */
  async vectorSearch(projectId: string, vector: readonly number[], k: number, options: SearchOptions = {}): Promise<SearchHit[]> {
    this.open();
    k = checkInt(k, 10, 1, MAX_K, 'k');
    const labels = checkLabels(options.labels, 'labels');
    const query = checkVector(vector, 'vector');
    const params = new CypherParams('f', { projectId: this.key(projectId), vector: query, k: int(k) });
    const filter = this.searchFilter('n', labels, options.where, params);
    const useIndex = query.length === this.vectorDimension && (await this.vectorIndexReady());
    const hits = await this.read(async (tx) => {
      const project = await this.indexState(tx, projectId);
      if (project.dim === null || project.count === 0) return [];
      if (query.length !== project.dim) throw dimensionMismatch(projectId, project.dim, query.length);
      params.values.dim = int(project.dim);
      const embedding = `n.\`${embeddingProperty(project.dim)}\``;
      if (!useIndex || project.count <= this.exactThreshold) {
        return rows(
          tx,
          `MATCH (n:Entity)
           WHERE n.projectId = $projectId AND n.embeddingDim = $dim AND ${filter}
           WITH n, vector.similarity.cosine(${embedding}, $vector) AS score
           ORDER BY score DESC, n.seq ASC
           LIMIT $k
           RETURN ${hitFields('n')}, score`,
          params.values,
        );
      }
      let found: Row[] = [];
      for (const ask of overFetchSchedule(k, this.maxVectorCandidates)) {
        const result = await rows(
          tx,
          `CALL db.index.vector.queryNodes($index, $ask, $vector) YIELD node
           WITH collect(node) AS candidates
           WITH size(candidates) AS fetched,
                [n IN candidates WHERE n.projectId = $projectId AND n.embeddingDim = $dim AND ${filter}] AS passing
           UNWIND (CASE WHEN size(passing) = 0 THEN [null] ELSE passing END) AS n
           WITH fetched, n, CASE WHEN n IS NULL THEN null ELSE vector.similarity.cosine(${embedding}, $vector) END AS score
           ORDER BY score DESC, n.seq ASC
           LIMIT $k
           RETURN fetched, ${hitFields('n')}, score`,
          { ...params.values, index: vectorIndexName(project.dim), ask: int(ask) },
        );
        const fetched = toNumber(result[0]?.fetched) ?? 0;
        found = result.filter((r) => r.id !== null && r.id !== undefined);
        if (found.length >= k || fetched < ask) break;
        if (ask >= this.maxVectorCandidates) {
          this.logger?.warn({ projectId, k, found: found.length, ask }, 'vector search reached maxVectorCandidates before k hits');
        }
      }
      return found;
    });
    return hits.map((r) => {
      const score = cosineFromScore(r.score as number);
      return { ...toHit(r, score), vectorScore: score };
    });
  }

  /**
   * Full-text search scored with BM25 over the project's own statistics (see keywordSearchCypher):
   * what other projects hold or write never changes a project's scores or ranking.
   */
  async keywordSearch(projectId: string, query: string, k: number, options: SearchOptions = {}): Promise<SearchHit[]> {
    this.open();
    k = checkInt(k, 10, 1, MAX_K, 'k');
    if (typeof query !== 'string') throw invalidInput('query', 'a string');
    const labels = checkLabels(options.labels, 'labels');
    const key = this.key(projectId);
    const params = new CypherParams('f', { projectId: key, index: TEXT_INDEX, k: int(k), k1: BM25.k1, b: BM25.b });
    const filter = this.searchFilter('node', labels, options.where, params);
    const lucene = luceneKeywordQuery(key, query);
    const found = await this.read(async (tx) => {
      const project = await this.indexState(tx, projectId);
      if (lucene === undefined || project.texts === 0) return [];
      return rows(tx, keywordSearchCypher(filter), {
        ...params.values,
        lucene,
        terms: queryTerms(query),
        docs: project.texts,
        avgLength: Math.max(1, project.words / project.texts),
      });
    });
    return found.map((r, i) => ({ ...toHit(r, r.score as number), keywordRank: i + 1 }));
  }

  // ── single-use claims ───────────────────────────────────────────────────────────────────
  // (:BrainClaim {key, namespace, expiresAt, claim}); `key` is unique (brain_claim_key), so MERGE
  // takes the key's lock and of concurrent claims exactly one creates the node. The random `claim`
  // tells the creator apart, also when the driver retries a transaction whose commit did happen.

  async claimOnce(key: string, expiresAtMs: number): Promise<boolean> {
    this.open();
    const params = {
      key: this.claimKey(checkClaimKey(key)),
      namespace: this.namespace,
      expiresAt: int(checkTimeMs(expiresAtMs, 'expiresAtMs')),
      claim: randomUUID(),
    };
    const [row] = await this.write((tx) =>
      rows(
        tx,
        `MERGE (c:BrainClaim {key: $key})
         ON CREATE SET c.namespace = $namespace, c.expiresAt = $expiresAt, c.claim = $claim
         RETURN c.claim = $claim AS mine`,
        params,
      ),
    );
    return row?.mine === true;
  }

  async isClaimed(key: string): Promise<boolean> {
    this.open();
    const found = await this.read((tx) =>
      rows(tx, 'MATCH (c:BrainClaim {key: $key}) RETURN c.key AS key', { key: this.claimKey(checkClaimKey(key)) }),
    );
    return found.length > 0;
  }

  async releaseClaim(key: string): Promise<boolean> {
    this.open();
    const [row] = await this.write((tx) =>
      rows(tx, 'MATCH (c:BrainClaim {key: $key}) DELETE c RETURN count(*) AS n', { key: this.claimKey(checkClaimKey(key)) }),
    );
    return (toNumber(row?.n) ?? 0) > 0;
  }

  async pruneClaims(beforeMs: number): Promise<number> {
    this.open();
    const params = { namespace: this.namespace, before: int(checkTimeMs(beforeMs, 'beforeMs')), batch: int(this.deleteBatchSize) };
    let pruned = 0;
    for (;;) {
      const [row] = await this.write((tx) =>
        rows(
          tx,
          `MATCH (c:BrainClaim) WHERE c.namespace = $namespace AND c.expiresAt < $before
           WITH c LIMIT $batch DELETE c RETURN count(*) AS n`,
          params,
        ),
      );
      const n = toNumber(row?.n) ?? 0;
      pruned += n;
      if (n < this.deleteBatchSize) return pruned;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.driver.close();
  }

  // ── internals ───────────────────────────────────────────────────────────────────────────

  private open(): void {
    if (this.closed) throw new BrainError('BRAIN_STORE_CLOSED', 'The graph store is closed');
  }

  /** The stored key of a project: its id, behind the store's namespace if it has one. */
  private key(projectId: string): string {
    return this.namespace === '' ? projectId : `${this.namespace}/${projectId}`;
  }

  private claimKey(key: string): string {
    return this.namespace === '' ? key : `${this.namespace}/${key}`;
  }

  private read<T>(work: (tx: ManagedTransaction) => Promise<T>): Promise<T> {
    return this.transaction('read', work);
  }

  /** A write transaction; `onConstraint` names what a uniqueness constraint violation means here. */
  private write<T>(work: (tx: ManagedTransaction) => Promise<T>, onConstraint?: () => BrainError): Promise<T> {
    return this.transaction('write', work, onConstraint);
  }

  /**
   * Runs `work` as a managed transaction: the driver retries it on transient errors (deadlocks,
   * leader changes, lost connections) within maxTransactionRetryMs; errors thrown by `work`
   * itself (BrainErrors) roll it back and are not retried.
   */
  private async transaction<T>(
    mode: 'read' | 'write',
    work: (tx: ManagedTransaction) => Promise<T>,
    onConstraint?: () => BrainError,
  ): Promise<T> {
    this.open();
    const session = this.driver.session({
      defaultAccessMode: mode === 'read' ? neo4j.session.READ : neo4j.session.WRITE,
      ...(this.database === undefined ? {} : { database: this.database }),
    });
    try {
      return mode === 'read' ? await session.executeRead(work) : await session.executeWrite(work);
    } catch (err) {
      throw this.storeError(err, onConstraint);
    } finally {
      await session.close().catch(() => undefined);
    }
  }

  private storeError(err: unknown, onConstraint?: () => BrainError): AutomovieError {
    if (err instanceof AutomovieError || isAutomovieError(err)) return toAutomovieError(err);
    if (this.closed) return new BrainError('BRAIN_STORE_CLOSED', 'The graph store is closed', { cause: err });
    if (err instanceof Neo4jError) {
      if (err.code === CONSTRAINT_FAILED && onConstraint) {
        const mapped = onConstraint();
        return new BrainError(mapped.code as BrainErrorCode, mapped.message, { data: mapped.data, cause: err });
      }
      if (Neo4jError.isRetryable(err)) {
        return new AutomovieError('UNAVAILABLE', `The graph database is unavailable: ${err.message}`, {
          cause: err,
          data: { neo4jCode: err.code },
        });
      }
      if (err.code.includes('TransactionTimedOut')) {
        return new AutomovieError('TIMEOUT', `The graph database timed out: ${err.message}`, { cause: err, data: { neo4jCode: err.code } });
      }
      return new AutomovieError('INTERNAL', `Neo4j error ${err.code}: ${err.message}`, { cause: err, data: { neo4jCode: err.code } });
    }
    return toAutomovieError(err);
  }

  /** The project's fields; BRAIN_PROJECT_NOT_FOUND if it does not exist (or is being deleted). */
  private async requireProject(tx: ManagedTransaction, projectId: string): Promise<Project> {
    const [found] =
      typeof projectId === 'string' && IdSchema.safeParse(projectId).success
        ? await rows(tx, `MATCH (p:BrainProject {projectId: $projectId}) WHERE p.deleting IS NULL RETURN ${PROJECT_FIELDS} AS p`, {
            projectId: this.key(projectId),
          })
        : [];
    if (!found) throw projectNotFound(projectId);
    return toProject(found.p as Row);
  }

  /**
   * Write-locks the project for the rest of the transaction and takes `n` sequence numbers.
   * Cypher takes the write lock before it reads `p.seq` on the right-hand side (a direct
   * dependency), so concurrent writers queue here; what is read after is the latest committed state.
   */
  private async lockProject(tx: ManagedTransaction, projectId: string, n = 1): Promise<LockedProject> {
    const [found] =
      typeof projectId === 'string' && IdSchema.safeParse(projectId).success
        ? await rows(
            tx,
            `MATCH (p:BrainProject {projectId: $projectId})
             SET p.seq = p.seq + $n
             RETURN p.seq - $n AS base, p.deleting AS deleting, ${INDEX_STATE}`,
            { projectId: this.key(projectId), n: int(n) },
          )
        : [];
    if (!found || found.deleting === true) throw projectNotFound(projectId);
    return { base: toNumber(found.base)!, ...toIndexState(found) };
  }

  private async indexState(tx: ManagedTransaction, projectId: string): Promise<IndexState> {
    const [found] =
      typeof projectId === 'string' && IdSchema.safeParse(projectId).success
        ? await rows(tx, `MATCH (p:BrainProject {projectId: $projectId}) WHERE p.deleting IS NULL RETURN ${INDEX_STATE}`, {
            projectId: this.key(projectId),
          })
        : [];
    if (!found) throw projectNotFound(projectId);
    return toIndexState(found);
  }

  private async saveIndexState(tx: ManagedTransaction, projectId: string, before: IndexState, after: IndexState): Promise<void> {
    if (before.dim === after.dim && before.count === after.count && before.texts === after.texts && before.words === after.words) return;
    await tx.run(
      `MATCH (p:BrainProject {projectId: $projectId})
       SET p.vectorDim = $dim, p.vectorCount = $count, p.textCount = $texts, p.textWords = $words`,
      {
        projectId: this.key(projectId),
        dim: after.dim === null ? null : int(after.dim),
        count: int(after.count),
        texts: int(after.texts),
        words: int(after.words),
      },
    );
  }

  private async ownerCount(tx: ManagedTransaction, projectId: string): Promise<number> {
    const [found] = await rows(tx, "MATCH (m:BrainMember {projectId: $projectId, role: 'owner'}) RETURN count(m) AS n", {
      projectId: this.key(projectId),
    });
    return toNumber(found?.n) ?? 0;
  }

  /** The nodes with these ids that exist, in the order of `ids`. */
  private async nodesByIds(tx: ManagedTransaction, projectId: string, ids: readonly unknown[]): Promise<GraphNode[]> {
    const wanted = ids.filter((id): id is string => typeof id === 'string');
    if (wanted.length === 0) return [];
    const found = await rows(tx, `MATCH (n:Entity) WHERE n.projectId = $projectId AND n.id IN $ids RETURN ${nodeProjection('n')} AS node`, {
      projectId: this.key(projectId),
      ids: [...new Set(wanted)],
    });
    const byId = new Map(found.map((r) => [(r.node as Row).id as string, r.node as Row]));
    return wanted.flatMap((id) => {
      const r = byId.get(id);
      return r ? [toNode(projectId, r)] : [];
    });
  }

  /**
   * The relationships of the frontier nodes in `direction` (outgoing before incoming for both,
   * each in creation order), grouped by frontier node. BRAIN_TRAVERSAL_LIMIT beyond `budget`.
   */
  private async edgesOf(
    tx: ManagedTransaction,
    projectId: string,
    frontier: readonly string[],
    direction: Direction,
    types: readonly string[] | undefined,
    budget: number,
  ): Promise<{ byNode: Map<string, EdgeRow[]>; size: number }> {
    const typed = types && types.length > 0 ? ' AND type(r) IN $types' : '';
    const params = { projectId: this.key(projectId), frontier, types: types ?? [], cap: int(Math.max(0, budget) + 1) };
    const byNode = new Map<string, EdgeRow[]>();
    let size = 0;
    for (const d of direction === 'both' ? (['out', 'in'] as const) : [direction]) {
      // A self-loop is both outgoing and incoming: with both, it is reported once (as outgoing).
      const pattern = d === 'out' ? '(u:Entity)-[r]->(v:Entity)' : '(u:Entity)<-[r]-(v:Entity)';
      const selfLoop = d === 'in' && direction === 'both' ? ' AND v <> u' : '';
      const found = await rows(
        tx,
        `MATCH ${pattern}
         WHERE u.projectId = $projectId AND u.id IN $frontier AND v.projectId = $projectId${typed}${selfLoop}
         RETURN u.id AS u, r.id AS id, type(r) AS type, r.props AS props, r.createdAt AS createdAt, v.id AS v, v.label AS vLabel
         ORDER BY r.seq
         LIMIT $cap`,
        params,
      );
      size += found.length;
      if (size > budget) {
        throw new BrainError(
          'BRAIN_TRAVERSAL_LIMIT',
          `The traversal read more than ${this.maxTraversal} relationships; narrow it with types, labels or depth`,
          { data: { maxTraversal: this.maxTraversal } },
        );
      }
      for (const r of found) {
        const u = r.u as string;
        const v = r.v as string;
        const edge: EdgeRow = {
          u,
          id: r.id as string,
          type: r.type as string,
          from: d === 'out' ? u : v,
          to: d === 'out' ? v : u,
          props: r.props as string,
          createdAt: toIsoString(r.createdAt),
          other: v,
          otherLabel: r.vLabel as string,
        };
        const list = byNode.get(u) ?? [];
        list.push(edge);
        byNode.set(u, list);
      }
    }
    return { byNode, size };
  }

  /** The label and property filters of a search, on the node `variable`. */
  private searchFilter(
    variable: string,
    labels: readonly string[] | undefined,
    where: SearchOptions['where'],
    params: CypherParams,
  ): string {
    const parts: string[] = [];
    if (labels && labels.length > 0) parts.push(`${variable}.label IN ${params.add([...labels])}`);
    const filters = compileFilters(variable, where, params, 'where');
    if (filters !== 'true') parts.push(filters);
    return parts.length === 0 ? 'true' : parts.join(' AND ');
  }

  /** Whether the vector index of vectorDimension is online (checked until it is, then remembered). */
  private async vectorIndexReady(): Promise<boolean> {
    if (this.vectorIndexOnline || this.vectorDimension === undefined) return this.vectorIndexOnline;
    try {
      const result = await this.driver.executeQuery(
        'SHOW INDEXES YIELD name, state WHERE name = $name RETURN state',
        { name: vectorIndexName(this.vectorDimension) },
        { routing: neo4j.routing.READ, ...(this.database === undefined ? {} : { database: this.database }) },
      );
      this.vectorIndexOnline = result.records[0]?.get('state') === 'ONLINE';
      if (!this.vectorIndexOnline) this.logger?.info('the vector index is not online yet: vector searches are exact meanwhile');
    } catch (err) {
      this.logger?.warn({ err }, 'could not read the state of the vector index: vector searches are exact meanwhile');
    }
    return this.vectorIndexOnline;
  }
}

/**
 * Connects to Neo4j, checks the server (reachable, credentials, version 5.18 or later) and creates
 * the constraints and indexes the store needs (idempotent: `IF NOT EXISTS`), then waits for the
 * constraints and the full-text index to come online. The vector index is not waited for: until it
 * is online (a new index over existing vectors is built in the background), searches are exact.
 */
export async function openNeo4jStore(options: Neo4jStoreOptions): Promise<Neo4jGraphStore> {
  const logger = options.logger;
  const dim = options.vectorDimension;
  if (dim !== undefined && !(Number.isInteger(dim) && dim >= 1 && dim <= MAX_DIMENSION)) {
    throw new AutomovieError('INVALID_CONFIG', `Neo4j store: vectorDimension must be an integer from 1 to ${MAX_DIMENSION}`);
  }
  if (options.namespace !== undefined && !NAMESPACE.test(options.namespace)) {
    throw new AutomovieError('INVALID_CONFIG', 'Neo4j store: namespace must be letters, digits and _ . : - (max 64)');
  }
  const driver = neo4j.driver(options.uri, neo4j.auth.basic(options.user, options.password), {
    maxTransactionRetryTime: options.maxTransactionRetryMs ?? NEO4J_DEFAULTS.maxTransactionRetryMs,
    userAgent: 'automovie-brain',
    ...(logger
      ? {
          logging: {
            level: 'warn' as const,
            logger: (level: string, message: string) =>
              level === 'error' ? logger.error({ neo4j: true }, message) : logger.warn({ neo4j: true }, message),
          },
        }
      : {}),
  });
  const database = options.database === undefined ? {} : { database: options.database };
  try {
    try {
      await driver.verifyConnectivity(database);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      throw new AutomovieError('UNAVAILABLE', `Cannot connect to Neo4j at ${options.uri}: ${message}`, { cause: err });
    }
    const info = await driver.getServerInfo(database);
    const version = parseNeo4jVersion(info.agent);
    if (version.supported === false) {
      throw new AutomovieError('INVALID_CONFIG', `${info.agent ?? 'This server'} is not supported: the brain needs Neo4j 5.18 or later`);
    }
    if (version.supported === undefined) logger?.warn({ agent: info.agent }, 'unknown Neo4j version: the brain needs Neo4j 5.18 or later');
    for (const statement of schemaStatements(options.vectorDimension)) {
      try {
        await driver.executeQuery(statement, {}, database);
      } catch (err) {
        // Another replica starting at the same moment may have created it first.
        if (!(err instanceof Neo4jError && /AlreadyExists/.test(err.code))) throw err;
      }
    }
    const timeout = int(options.schemaTimeoutSeconds ?? NEO4J_DEFAULTS.schemaTimeoutSeconds);
    for (const name of SCHEMA_AWAITED) await driver.executeQuery('CALL db.awaitIndex($name, $timeout)', { name, timeout }, database);
    const stuck = await driver.executeQuery(
      'MATCH (p:BrainProject) WHERE p.namespace = $namespace AND p.deleting = true RETURN p.id AS id LIMIT 20',
      { namespace: options.namespace ?? '' },
      { routing: neo4j.routing.READ, ...database },
    );
    if (stuck.records.length > 0) {
      logger?.warn(
        { projects: stuck.records.map((r) => r.get('id')) },
        'projects whose deletion was interrupted: call delete_project again to finish',
      );
    }
    logger?.info({ agent: info.agent, database: options.database, vectorDimension: options.vectorDimension }, 'Neo4j graph store ready');
  } catch (err) {
    await driver.close().catch(() => undefined);
    throw isAutomovieError(err) ? err : toAutomovieError(err);
  }
  return new Neo4jGraphStore(driver, options);
}

// ── rows and records ──────────────────────────────────────────────────────────────────────

async function rows(tx: ManagedTransaction, cypher: string, params: Record<string, unknown>): Promise<Row[]> {
  const result = await tx.run(cypher, params);
  return result.records.map((r) => r.toObject() as Row);
}

function toProject(r: Row): Project {
  const p: Project = {
    id: r.id as string,
    name: r.name as string,
    status: r.status as Project['status'],
    createdAt: toIsoString(r.createdAt),
    updatedAt: toIsoString(r.updatedAt),
  };
  if (typeof r.logline === 'string') p.logline = r.logline;
  if (typeof r.genre === 'string') p.genre = r.genre;
  if (typeof r.styleGuide === 'string') p.styleGuide = r.styleGuide;
  if (r.budgetUsd !== null && r.budgetUsd !== undefined) p.budgetUsd = toNumber(r.budgetUsd)!;
  return p;
}

function toMember(projectId: string, r: Row): Member {
  const m: Member = { projectId, userId: r.userId as string, role: r.role as ProjectRole, addedAt: toIsoString(r.addedAt) };
  if (typeof r.email === 'string') m.email = r.email;
  if (typeof r.name === 'string') m.name = r.name;
  return m;
}

function toNode(projectId: string, r: Row): GraphNode {
  return {
    id: r.id as string,
    projectId,
    label: r.label as GraphNode['label'],
    properties: JSON.parse(r.props as string),
    createdAt: toIsoString(r.createdAt),
    updatedAt: toIsoString(r.updatedAt),
  };
}

function toRelationship(projectId: string, r: Row | EdgeRow): GraphRelationship {
  return {
    id: r.id as string,
    projectId,
    type: r.type as string,
    from: r.from as string,
    to: r.to as string,
    properties: JSON.parse(r.props as string),
    createdAt: toIsoString(r.createdAt),
  };
}

function toHit(r: Row, score: number): SearchHit {
  return {
    id: r.id as string,
    label: r.label as SearchHit['label'],
    score,
    snippet: typeof r.snippet === 'string' ? r.snippet : '',
    properties: JSON.parse(r.props as string),
  };
}

// ── what is stored ────────────────────────────────────────────────────────────────────────

/**
 * The index properties of an entry: the text (for snippets); its words for the full-text index,
 * each between spaces (` walk  river `) so a word's occurrences can be counted without overlap;
 * their number; the project key that bounds a Lucene query; the vector under its dimension.
 */
function indexProperties(projectKey: string, entry: CheckedIndex): Row {
  const out: Row = {};
  if (entry.text !== null) {
    out.indexText = entry.text;
    if (entry.terms.length > 0) {
      out[FTS_TERMS] = ftsTermsValue(entry.terms);
      out.ftsLength = int(entry.terms.length);
      out[FTS_PROJECT] = projectKey;
    }
  }
  if (entry.vector !== null) {
    out.embeddingDim = int(entry.vector.length);
    out[embeddingProperty(entry.vector.length)] = entry.vector;
  }
  return out;
}

/** Removes (`SET n += …` with nulls) every index property, the vector of `dim` included. */
function clearedIndex(dim: number | null): Row {
  const out: Row = { indexText: null, [FTS_TERMS]: null, ftsLength: null, [FTS_PROJECT]: null, embeddingDim: null };
  if (dim !== null) out[embeddingProperty(dim)] = null;
  return out;
}

/** Every property of an entity node, for `CREATE … SET n = $props` or a full replace. */
function entityProperties(projectKey: string, node: CheckedNode, createdAt: string, updatedAt: string, seq: number): Row {
  const properties = canonicalProperties(node.properties);
  return {
    ...flattenProperties(properties),
    ...indexProperties(projectKey, node),
    projectId: projectKey,
    id: node.id,
    label: node.label,
    props: JSON.stringify(properties),
    createdAt,
    updatedAt,
    seq: int(seq),
  };
}

const INDEX_STATE =
  'p.vectorDim AS dim, coalesce(p.vectorCount, 0) AS count, coalesce(p.textCount, 0) AS texts, coalesce(p.textWords, 0) AS words';

function toIndexState(r: Row): IndexState {
  return { dim: toNumber(r.dim) ?? null, count: toNumber(r.count) ?? 0, texts: toNumber(r.texts) ?? 0, words: toNumber(r.words) ?? 0 };
}

function entryStats(entry: CheckedIndex): EntryStats {
  return { dim: entry.vector?.length ?? null, words: entry.text !== null && entry.terms.length > 0 ? entry.terms.length : null };
}

/** The stats of a stored entry, from `dim` (embeddingDim) and `words` (ftsLength) columns. */
function storedStats(r: Row): EntryStats {
  return { dim: toNumber(r.dim) ?? null, words: toNumber(r.words) ?? null };
}

/** The project's index state after removing the `removed` entries and adding the `added` ones. */
function planIndex(projectId: string, state: IndexState, removed: readonly EntryStats[], added: readonly EntryStats[]): IndexState {
  const dims = added.flatMap((e) => (e.dim === null ? [] : [e.dim]));
  const dim = dims[0];
  for (const d of dims) if (d !== dim) throw dimensionMismatch(projectId, dim!, d);
  // A project takes the dimension of its first vector; it can change only once it has none.
  if (dim !== undefined && state.dim !== null && state.dim !== dim && state.count > 0) throw dimensionMismatch(projectId, state.dim, dim);
  const sum = (entries: readonly EntryStats[], f: (e: EntryStats) => number) => entries.reduce((n, e) => n + f(e), 0);
  return {
    dim: dim ?? state.dim,
    count: state.count - sum(removed, (e) => (e.dim === null ? 0 : 1)) + dims.length,
    texts: state.texts - sum(removed, (e) => (e.words === null ? 0 : 1)) + sum(added, (e) => (e.words === null ? 0 : 1)),
    words: state.words - sum(removed, (e) => e.words ?? 0) + sum(added, (e) => e.words ?? 0),
  };
}

// ── input checks (the tools validate first; these guard direct callers) ──────────────────

/** A checked label, as a Cypher label token (labels cannot be parameters). */
function labelToken(label: string): string {
  return `\`${checkLabel(label, 'label')}\``;
}

/** A checked relation type, as a Cypher relationship type token (types cannot be parameters). */
function relationToken(type: string): string {
  if (!RelationTypeSchema.safeParse(type).success) throw invalidInput('type', 'relation types are SCREAMING_SNAKE_CASE (max 64)');
  return `\`${type}\``;
}

function checkVector(value: readonly number[], field: string): number[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_DIMENSION) {
    throw invalidInput(field, `an array of 1 to ${MAX_DIMENSION} numbers`);
  }
  const v = normalizeVector(value);
  if (!v) throw new BrainError('BRAIN_INVALID_VECTOR', `${field}: a vector needs finite numbers, not all zero`, { data: { field } });
  return v;
}

function checkIndex(entry: IndexEntry, field: string): CheckedIndex {
  if (typeof entry !== 'object' || entry === null) throw invalidInput(field, 'an object with text and/or embedding');
  if (entry.text !== undefined && typeof entry.text !== 'string') throw invalidInput(`${field}.text`, 'a string');
  const text = entry.text === undefined || entry.text === '' ? null : entry.text;
  return {
    text,
    terms: text === null ? [] : analyzeText(text),
    vector: entry.embedding === undefined ? null : checkVector(entry.embedding, `${field}.embedding`),
  };
}

function checkNode(projectId: string, input: NodeInput, field: string): CheckedNode {
  if (typeof input !== 'object' || input === null) throw invalidInput(field, 'a node');
  if (input.projectId !== undefined && input.projectId !== projectId) throw crossProject(projectId, input.projectId);
  const id = input.id === undefined ? randomUUID() : checkId(input.id, `${field}.id`);
  const label = checkLabel(input.label, `${field}.label`);
  const properties = checkProperties(input.properties, `${field}.properties`);
  const index = input.index === undefined ? { text: null, terms: [], vector: null } : checkIndex(input.index, `${field}.index`);
  return { id, label, properties, ...index };
}

// ── errors ────────────────────────────────────────────────────────────────────────────────

function projectNotFound(projectId: string): BrainError {
  return new BrainError('BRAIN_PROJECT_NOT_FOUND', `No project ${String(projectId)}`, { data: { projectId } });
}
