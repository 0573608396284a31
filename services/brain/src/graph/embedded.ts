import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  fromZodError,
  type GraphNode,
  type GraphRelationship,
  type Project,
  type ProjectRole,
  ProjectRoleSchema,
  ProjectSchema,
  type Properties,
  RelationTypeSchema,
  type SearchHit,
} from '@automovie/contracts';
import Database, { type Database as Db, type Statement } from 'better-sqlite3';
import type { Logger } from 'pino';
import { BrainError, invalidInput } from '../errors.ts';
import { queryTerms, toFtsQuery } from './fts-query.ts';
import { newId } from './ids.ts';
import { KeywordIndex } from './keyword-index.ts';
import { compileFilters } from './sqlite-filters.ts';
import { compileQuery } from './sqlite-query.ts';
import { CHECKPOINT_INTERVAL_MS, ftsTable, ftsTableDdl, prepareDatabase } from './sqlite-schema.ts';
import { SqliteTraversal } from './sqlite-traversal.ts';
import type {
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
  LABELS,
  lastOwner,
  nodeExists,
  nodeNotFound,
} from './store-args.ts';
import { VectorIndexClient } from './vector-index.ts';
import type { VectorIndexSettings, VectorIndexState } from './vector-protocol.ts';
import { normalised } from './vector-set.ts';

export interface EmbeddedStoreOptions {
  /** Directory of `graph.db` and `vectors/`; created if missing. */
  dataDir: string;
  /** Projects with fewer vectors are searched exactly (brute force). Default 2000. */
  exactThreshold?: number;
  /** HNSW links per node (M). Default 32. */
  hnswM?: number;
  /** HNSW candidate list while inserting. Default 200 (recall@10 0.965 at 100k film-like vectors; 64 gave 0.83). */
  efConstruction?: number;
  /** HNSW candidate list while searching (raised to the number of results asked for). Default 320. */
  efSearch?: number;
  /** Persist a project's HNSW file after this many changes to it. Default 20,000. */
  persistEveryWrites?: number;
  /** Persist changed HNSW files this often. Default 5 minutes. */
  persistIntervalMs?: number;
  /** Most nodes one traversal (neighbors, path) may visit. Default 100,000. */
  maxTraversal?: number;
  /** Projects with at least this many texts rank keyword searches from postings held in memory (see keyword-index.ts). Default 5,000. */
  keywordIndexMinDocs?: number;
  /** A project written to this recently searches through FTS5 instead of reloading its postings. Default 1,000 ms. */
  keywordIndexQuietMs?: number;
  /** Vector searches waiting for the index worker beyond which more are refused (BRAIN_VECTOR_INDEX_UNAVAILABLE, retryable). Default 64. */
  maxQueuedVectorSearches?: number;
  logger?: Logger;
}

export const EMBEDDED_DEFAULTS = {
  exactThreshold: 2000,
  hnswM: 32,
  efConstruction: 200,
  efSearch: 320,
  persistEveryWrites: 20_000,
  persistIntervalMs: 5 * 60_000,
  maxTraversal: 100_000,
  keywordIndexMinDocs: 5000,
  keywordIndexQuietMs: 1000,
  maxQueuedVectorSearches: 64,
} as const;

const LABEL_CODES = new Map(LABELS.map((l, i) => [l, i]));
const MAX_K = 1000;
const MAX_DIMENSION = 4096;
const SNIPPET_CHARS = 200;
const ProjectFieldsSchema = ProjectSchema.pick({
  name: true,
  logline: true,
  genre: true,
  styleGuide: true,
  budgetUsd: true,
  status: true,
}).partial();

interface ProjectRow {
  pk: number;
  id: string;
  uid: string;
  name: string;
  logline: string | null;
  genre: string | null;
  status: Project['status'];
  style_guide: string | null;
  budget_usd: number | null;
  created_at: string;
  updated_at: string;
  vector_dim: number | null;
  vector_seq: number;
}

interface NodeRow {
  pk: number;
  id: string;
  label: string;
  props: string;
  created_at: string;
  updated_at: string;
}

interface EdgeRow {
  pk: number;
  id: string;
  type: string;
  from_id: string;
  to_id: string;
  props: string;
  created_at: string;
}

interface MemberRow {
  project_id: string;
  user_id: string;
  role: ProjectRole;
  email: string | null;
  name: string | null;
  added_at: string;
}

interface HitRow {
  id: string;
  label: string;
  props: string;
  snippet: string | null;
}

/** A node input checked and serialised, ready to write. */
interface CheckedNode {
  id: string;
  label: string;
  props: string;
  text: string | null;
  vector: Float32Array | null;
}

/**
 * The vector side of one transaction: the project's dimension, its vector sequence (bumped by
 * every vector written or deleted) and the changes, sent to the index worker after the commit.
 */
class VectorTx {
  dim: number | null;
  seq: number;
  changed = false;
  readonly labels: number[] = [];
  readonly codes: number[] = [];
  readonly vectors: Float32Array[] = [];
  readonly deletes: number[] = [];

  constructor(dim: number | null, seq: number) {
    this.dim = dim;
    this.seq = seq;
  }
}

const toProject = (r: ProjectRow): Project => {
  const p: Project = { id: r.id, name: r.name, status: r.status, createdAt: r.created_at, updatedAt: r.updated_at };
  if (r.logline !== null) p.logline = r.logline;
  if (r.genre !== null) p.genre = r.genre;
  if (r.style_guide !== null) p.styleGuide = r.style_guide;
  if (r.budget_usd !== null) p.budgetUsd = r.budget_usd;
  return p;
};

const toMember = (r: MemberRow): Member => {
  const m: Member = { projectId: r.project_id, userId: r.user_id, role: r.role, addedAt: r.added_at };
  if (r.email !== null) m.email = r.email;
  if (r.name !== null) m.name = r.name;
  return m;
};

const toNode = (projectId: string, r: NodeRow): GraphNode => ({
  id: r.id,
  projectId,
  label: r.label as GraphNode['label'],
  properties: JSON.parse(r.props),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const toRelationship = (projectId: string, r: EdgeRow): GraphRelationship => ({
  id: r.id,
  projectId,
  type: r.type,
  from: r.from_id,
  to: r.to_id,
  properties: JSON.parse(r.props),
  createdAt: r.created_at,
});

const toHit = (r: HitRow, score: number): SearchHit => ({
  id: r.id,
  label: r.label as SearchHit['label'],
  score,
  snippet: r.snippet ?? '',
  properties: JSON.parse(r.props),
});

function checkVector(value: readonly number[], field: string): Float32Array {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_DIMENSION) {
    throw invalidInput(field, `an array of 1 to ${MAX_DIMENSION} numbers`);
  }
  const v = normalised(value);
  if (!v) throw new BrainError('BRAIN_INVALID_VECTOR', `${field}: a vector needs finite numbers, not all zero`, { data: { field } });
  return v;
}

function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: unknown })?.code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** Every fixed statement of the store, prepared once. */
function prepareStatements(db: Db) {
  const nodeCols = 'pk, id, label, props, created_at, updated_at';
  const edgeCols = 'pk, id, type, from_id, to_id, props, created_at';
  return {
    projectById: db.prepare<[string], ProjectRow>('SELECT * FROM projects WHERE id = ?'),
    insertClaim: db.prepare('INSERT INTO claims (key, expires_at) VALUES (?, ?) ON CONFLICT (key) DO NOTHING'),
    claimByKey: db.prepare<[string], { key: string }>('SELECT key FROM claims WHERE key = ?'),
    deleteClaim: db.prepare('DELETE FROM claims WHERE key = ?'),
    pruneClaims: db.prepare('DELETE FROM claims WHERE expires_at < ?'),
    insertProject: db.prepare(
      `INSERT INTO projects (id, uid, name, logline, genre, status, style_guide, budget_usd, created_at, updated_at)
       VALUES (@id, @uid, @name, @logline, @genre, @status, @style_guide, @budget_usd, @created_at, @updated_at)`,
    ),
    updateProject: db.prepare(
      `UPDATE projects SET name = @name, logline = @logline, genre = @genre, status = @status, style_guide = @style_guide,
       budget_usd = @budget_usd, updated_at = @updated_at WHERE pk = @pk`,
    ),
    projectVectors: db.prepare('UPDATE projects SET vector_dim = ?, vector_seq = ? WHERE pk = ?'),
    listAll: db.prepare<[number, number], ProjectRow>('SELECT * FROM projects WHERE pk < ? ORDER BY pk DESC LIMIT ?'),
    listForUser: db.prepare<[string, number, number], ProjectRow>(
      `SELECT p.* FROM members m JOIN projects p ON p.id = m.project_id
       WHERE m.user_id = ? AND p.pk < ? ORDER BY p.pk DESC LIMIT ?`,
    ),
    deleteProjectIndex: db.prepare('DELETE FROM node_index WHERE node_pk IN (SELECT pk FROM nodes WHERE project_id = ?)'),
    deleteProjectNodes: db.prepare('DELETE FROM nodes WHERE project_id = ?'),
    deleteProjectEdges: db.prepare('DELETE FROM edges WHERE project_id = ?'),
    deleteProjectMembers: db.prepare('DELETE FROM members WHERE project_id = ?'),
    deleteProject: db.prepare('DELETE FROM projects WHERE pk = ?'),

    upsertMember: db.prepare(
      `INSERT INTO members (project_id, user_id, role, email, name, added_at, seq)
       VALUES (@projectId, @userId, @role, @email, @name, @addedAt, (SELECT coalesce(max(seq), 0) + 1 FROM members WHERE project_id = @projectId))
       ON CONFLICT (project_id, user_id) DO UPDATE SET role = excluded.role,
         email = coalesce(excluded.email, members.email), name = coalesce(excluded.name, members.name)`,
    ),
    member: db.prepare<[string, string], MemberRow>('SELECT * FROM members WHERE project_id = ? AND user_id = ?'),
    members: db.prepare<[string], MemberRow>('SELECT * FROM members WHERE project_id = ? ORDER BY seq'),
    owners: db.prepare<[string], { n: number }>("SELECT count(*) AS n FROM members WHERE project_id = ? AND role = 'owner'"),
    deleteMember: db.prepare('DELETE FROM members WHERE project_id = ? AND user_id = ?'),

    node: db.prepare<[string, string], NodeRow>(`SELECT ${nodeCols} FROM nodes WHERE project_id = ? AND id = ?`),
    nodeHead: db.prepare<[string, string], { pk: number; label: string }>('SELECT pk, label FROM nodes WHERE project_id = ? AND id = ?'),
    insertNode: db.prepare('INSERT INTO nodes (project_id, id, label, props, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)'),
    setNodeProps: db.prepare('UPDATE nodes SET props = ?, updated_at = ? WHERE pk = ?'),
    deleteNode: db.prepare('DELETE FROM nodes WHERE pk = ?'),
    nodesByIds: db.prepare<[string, string], NodeRow>(
      `SELECT ${nodeCols} FROM nodes WHERE project_id = ? AND id IN (SELECT value FROM json_each(?))`,
    ),
    nodesByPks: db.prepare<[string, string], NodeRow>(
      // `+project_id`: look the rows up by key, never scan the project (the planner would, without statistics).
      `SELECT ${nodeCols} FROM nodes WHERE +project_id = ? AND pk IN (SELECT value FROM json_each(?))`,
    ),
    indexHead: db.prepare<[number], { vseq: number | null; hasText: number }>(
      'SELECT vseq, text IS NOT NULL AS hasText FROM node_index WHERE node_pk = ?',
    ),
    ftsExists: db.prepare<[string], { one: number }>("SELECT 1 AS one FROM sqlite_master WHERE type = 'table' AND name = ?"),
    deleteIndex: db.prepare('DELETE FROM node_index WHERE node_pk = ?'),
    insertIndex: db.prepare('INSERT INTO node_index (node_pk, project_id, label, text, vseq, vec) VALUES (?, ?, ?, ?, ?, ?)'),
    anyVector: db.prepare<[string], { one: number }>('SELECT 1 AS one FROM node_index WHERE project_id = ? AND vseq IS NOT NULL LIMIT 1'),

    insertEdge: db.prepare('INSERT INTO edges (project_id, id, type, from_id, to_id, props, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)'),
    // Two endpoint-index lookups (one statement with OR had SQLite scan the project's edges).
    deleteEdgesFrom: db.prepare('DELETE FROM edges WHERE project_id = ? AND from_id = ?'),
    deleteEdgesTo: db.prepare('DELETE FROM edges WHERE project_id = ? AND to_id = ?'),
    edgesByPks: db.prepare<[string, string], EdgeRow>(
      `SELECT ${edgeCols} FROM edges WHERE +project_id = ? AND pk IN (SELECT value FROM json_each(?))`,
    ),
  };
}

type Statements = ReturnType<typeof prepareStatements>;

/**
 * The embedded graph backend: one SQLite database (better-sqlite3, WAL) holding projects,
 * members, nodes, edges, index entries, an FTS5 index and the vectors themselves, plus a worker
 * thread holding per-project HNSW indexes derived from those vectors (see vector-worker.ts).
 *
 * better-sqlite3 is synchronous: each method runs its statements and its transaction without
 * yielding, so no other call interleaves with it. Vector changes reach the worker after their
 * commit, in commit order, and before any later search.
 */
export class EmbeddedGraphStore implements GraphStore {
  readonly backend = 'embedded' as const;
  private readonly db: Db;
  private readonly vectors: VectorIndexClient;
  private readonly traversal: SqliteTraversal;
  private readonly logger: Logger | undefined;
  private readonly cache = new Map<string, Statement>();
  /** Projects (by pk) known to have their FTS5 table. */
  private readonly ftsTables = new Set<number>();
  /** Per project (pk): the document count read at some version of its FTS5 table. */
  private readonly keyword: KeywordIndex;
  private readonly ftsCounts = new Map<number, { version: number; docs: number }>();
  private closed = false;
  private readonly s: Statements;

  private constructor(db: Db, vectors: VectorIndexClient, maxTraversal: number, logger: Logger | undefined, keyword: KeywordIndex) {
    this.db = db;
    this.keyword = keyword;
    this.vectors = vectors;
    this.logger = logger;
    this.traversal = new SqliteTraversal(db, maxTraversal);
    this.s = prepareStatements(db);
  }

  /** Opens (creating if needed) the store in `options.dataDir`. */
  static open(options: EmbeddedStoreOptions): EmbeddedGraphStore {
    const settings: VectorIndexSettings = {
      exactThreshold: options.exactThreshold ?? EMBEDDED_DEFAULTS.exactThreshold,
      m: options.hnswM ?? EMBEDDED_DEFAULTS.hnswM,
      efConstruction: options.efConstruction ?? EMBEDDED_DEFAULTS.efConstruction,
      efSearch: options.efSearch ?? EMBEDDED_DEFAULTS.efSearch,
      persistEveryWrites: options.persistEveryWrites ?? EMBEDDED_DEFAULTS.persistEveryWrites,
      persistIntervalMs: options.persistIntervalMs ?? EMBEDDED_DEFAULTS.persistIntervalMs,
    };
    const vectorsDir = join(options.dataDir, 'vectors');
    mkdirSync(vectorsDir, { recursive: true });
    const dbPath = join(options.dataDir, 'graph.db');
    const db = new Database(dbPath);
    let dbUid: string;
    try {
      ({ dbUid } = prepareDatabase(db));
      removeOrphanIndexFiles(db, vectorsDir);
    } catch (err) {
      db.close();
      throw err;
    }
    const vectors = new VectorIndexClient(
      { dbPath, vectorsDir, dbUid, labels: LABELS, settings, checkpointIntervalMs: CHECKPOINT_INTERVAL_MS },
      options.logger,
      options.maxQueuedVectorSearches ?? EMBEDDED_DEFAULTS.maxQueuedVectorSearches,
    );
    vectors.start();
    return new EmbeddedGraphStore(
      db,
      vectors,
      options.maxTraversal ?? EMBEDDED_DEFAULTS.maxTraversal,
      options.logger,
      new KeywordIndex(db, {
        minDocs: options.keywordIndexMinDocs ?? EMBEDDED_DEFAULTS.keywordIndexMinDocs,
        quietMs: options.keywordIndexQuietMs ?? EMBEDDED_DEFAULTS.keywordIndexQuietMs,
      }),
    );
  }

  // ── projects ────────────────────────────────────────────────────────────────────────────

  async createProject(input: NewProject, ownerId?: string): Promise<Project> {
    this.open();
    const id = input.id === undefined ? newId() : checkId(input.id, 'id');
    const fields = ProjectFieldsSchema.safeParse({ ...input, id: undefined });
    if (!fields.success) throw fromZodError(fields.error);
    if (typeof input.name !== 'string') throw invalidInput('name', 'a project needs a name');
    if (ownerId !== undefined) checkId(ownerId, 'ownerId');
    const now = new Date().toISOString();
    const row = {
      id,
      uid: randomUUID(),
      name: input.name,
      logline: input.logline ?? null,
      genre: input.genre ?? null,
      status: input.status ?? 'draft',
      style_guide: input.styleGuide ?? null,
      budget_usd: input.budgetUsd ?? null,
      created_at: now,
      updated_at: now,
    };
    this.db.transaction(() => {
      try {
        this.s.insertProject.run(row);
      } catch (err) {
        if (isUniqueViolation(err))
          throw new BrainError('BRAIN_PROJECT_EXISTS', `Project ${id} already exists`, { data: { projectId: id } });
        throw err;
      }
      if (ownerId !== undefined) {
        this.s.upsertMember.run({ projectId: id, userId: ownerId, role: 'owner', email: null, name: null, addedAt: now });
      }
    })();
    return toProject(this.requireProject(id));
  }

  async getProject(projectId: string): Promise<Project> {
    this.open();
    return toProject(this.requireProject(projectId));
  }

  async listProjects(options: ListProjectsOptions = {}): Promise<ProjectPage> {
    this.open();
    const limit = checkInt(options.limit, 50, 1, 200, 'limit');
    let before = Number.MAX_SAFE_INTEGER;
    if (options.cursor !== undefined) before = decodeCursor(options.cursor);
    const rows =
      options.userId === undefined
        ? this.s.listAll.all(before, limit + 1)
        : this.s.listForUser.all(checkId(options.userId, 'userId'), before, limit + 1);
    const page: ProjectPage = { projects: rows.slice(0, limit).map(toProject) };
    if (rows.length > limit) page.nextCursor = encodeCursor(rows[limit - 1]!.pk);
    return page;
  }

  async updateProject(projectId: string, patch: ProjectPatch): Promise<Project> {
    this.open();
    const clean = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== null && v !== undefined));
    const fields = ProjectFieldsSchema.safeParse(clean);
    if (!fields.success) throw fromZodError(fields.error);
    const row = this.requireProject(projectId);
    const pick = <T>(v: T | null | undefined, old: T | null): T | null => (v === undefined ? old : v);
    this.s.updateProject.run({
      pk: row.pk,
      name: patch.name ?? row.name,
      logline: pick(patch.logline, row.logline),
      genre: pick(patch.genre, row.genre),
      status: patch.status ?? row.status,
      style_guide: pick(patch.styleGuide, row.style_guide),
      budget_usd: pick(patch.budgetUsd, row.budget_usd),
      updated_at: new Date().toISOString(),
    });
    return toProject(this.requireProject(projectId));
  }

  async deleteProject(projectId: string): Promise<ProjectDeletion> {
    this.open();
    checkId(projectId, 'projectId');
    const result = this.db.transaction((): ProjectDeletion => {
      const row = this.s.projectById.get(projectId);
      if (!row) return { deleted: false, nodesDeleted: 0, relationshipsDeleted: 0, membersDeleted: 0 };
      this.s.deleteProjectIndex.run(projectId);
      this.keyword.drop(row.pk);
      this.db.exec(`DROP TABLE IF EXISTS ${ftsTable(row.pk)}`);
      this.ftsTables.delete(row.pk);
      this.ftsCounts.delete(row.pk);
      const fts = ftsTable(row.pk);
      for (const sql of this.cache.keys()) if (sql.includes(`${fts} `) || sql.includes(`${fts}_`)) this.cache.delete(sql);
      const nodesDeleted = this.s.deleteProjectNodes.run(projectId).changes;
      const relationshipsDeleted = this.s.deleteProjectEdges.run(projectId).changes;
      const membersDeleted = this.s.deleteProjectMembers.run(projectId).changes;
      this.s.deleteProject.run(row.pk);
      return { deleted: true, nodesDeleted, relationshipsDeleted, membersDeleted };
    })();
    if (result.deleted) this.vectors.drop(projectId);
    return result;
  }

  // ── members ─────────────────────────────────────────────────────────────────────────────

  async setMember(projectId: string, userId: string, role: ProjectRole, profile: MemberProfile = {}): Promise<Member> {
    this.open();
    checkId(userId, 'userId');
    if (!ProjectRoleSchema.safeParse(role).success) throw invalidInput('role', `one of ${ProjectRoleSchema.options.join(', ')}`);
    this.requireProject(projectId);
    return this.db.transaction(() => {
      const current = this.s.member.get(projectId, userId);
      if (current?.role === 'owner' && role !== 'owner' && this.s.owners.get(projectId)!.n === 1) {
        throw lastOwner(projectId, userId);
      }
      this.s.upsertMember.run({
        projectId,
        userId,
        role,
        email: profile.email ?? null,
        name: profile.name ?? null,
        addedAt: new Date().toISOString(),
      });
      return toMember(this.s.member.get(projectId, userId)!);
    })();
  }

  async removeMember(projectId: string, userId: string): Promise<boolean> {
    this.open();
    this.requireProject(projectId);
    return this.db.transaction(() => {
      const current = this.s.member.get(projectId, userId);
      if (!current) return false;
      if (current.role === 'owner' && this.s.owners.get(projectId)!.n === 1) throw lastOwner(projectId, userId);
      this.s.deleteMember.run(projectId, userId);
      return true;
    })();
  }

  async listMembers(projectId: string): Promise<Member[]> {
    this.open();
    this.requireProject(projectId);
    return this.s.members.all(projectId).map(toMember);
  }

  async getRole(projectId: string, userId: string): Promise<ProjectRole | undefined> {
    this.open();
    this.requireProject(projectId);
    return this.s.member.get(projectId, userId)?.role;
  }

  // ── nodes and relationships ─────────────────────────────────────────────────────────────

  async createNode(projectId: string, input: NodeInput): Promise<GraphNode> {
    this.open();
    const project = this.requireProject(projectId);
    const node = this.checkNode(projectId, input, 'node');
    const vtx = this.planVectors(project, [node.vector]);
    const now = new Date().toISOString();
    this.db.transaction(() => {
      if (this.s.nodeHead.get(projectId, node.id)) throw nodeExists(projectId, node.id);
      const pk = Number(this.s.insertNode.run(projectId, node.id, node.label, node.props, now, now).lastInsertRowid);
      this.writeIndex(project, pk, node, vtx);
      this.finishVectors(project, vtx);
    })();
    this.sendChanges(project, vtx);
    return toNode(projectId, this.s.node.get(projectId, node.id)!);
  }

  async getNode(projectId: string, id: string): Promise<GraphNode> {
    this.open();
    this.requireProject(projectId);
    const row = this.s.node.get(projectId, id);
    if (!row) throw nodeNotFound(projectId, id);
    return toNode(projectId, row);
  }

  async updateNode(projectId: string, id: string, patch: NodePatch): Promise<GraphNode> {
    this.open();
    const project = this.requireProject(projectId);
    const row = this.s.node.get(projectId, id);
    if (!row) throw nodeNotFound(projectId, id);
    const set = checkProperties(patch.properties, 'properties');
    const remove = patch.remove ?? [];
    if (!Array.isArray(remove)) throw invalidInput('remove', 'an array of property names');
    const props = { ...(JSON.parse(row.props) as Properties), ...set };
    for (const key of remove) delete props[key];
    let entry: CheckedNode | null = null;
    if (patch.index) entry = { id, label: row.label, props: '', ...this.checkIndex(patch.index, 'index') };
    const vtx = this.planVectors(project, [entry?.vector ?? null]);
    this.db.transaction(() => {
      this.s.setNodeProps.run(JSON.stringify(props), new Date().toISOString(), row.pk);
      if (patch.index !== undefined) {
        this.dropIndex(project, row.pk, vtx);
        if (entry) this.writeIndex(project, row.pk, entry, vtx);
        this.finishVectors(project, vtx);
      }
    })();
    this.sendChanges(project, vtx);
    return toNode(projectId, this.s.node.get(projectId, id)!);
  }

  async deleteNode(projectId: string, id: string): Promise<NodeDeletion> {
    this.open();
    const project = this.requireProject(projectId);
    const vtx = new VectorTx(project.vector_dim, project.vector_seq);
    const result = this.db.transaction((): NodeDeletion => {
      const head = this.s.nodeHead.get(projectId, id);
      if (!head) return { deleted: false, relationshipsDeleted: 0 };
      const relationshipsDeleted = this.s.deleteEdgesFrom.run(projectId, id).changes + this.s.deleteEdgesTo.run(projectId, id).changes;
      this.dropIndex(project, head.pk, vtx);
      this.s.deleteNode.run(head.pk);
      this.finishVectors(project, vtx);
      return { deleted: true, relationshipsDeleted };
    })();
    this.sendChanges(project, vtx);
    return result;
  }

  async putNodesAtomic(projectId: string, inputs: readonly NodeInput[]): Promise<PutNodesResult> {
    this.open();
    const project = this.requireProject(projectId);
    if (!Array.isArray(inputs)) throw invalidInput('nodes', 'an array of nodes');
    const nodes: CheckedNode[] = [];
    const ids = new Set<string>();
    for (let i = 0; i < inputs.length; i++) {
      const node = this.checkNode(projectId, inputs[i]!, `nodes[${i}]`);
      if (ids.has(node.id)) throw invalidInput(`nodes[${i}].id`, `${node.id} appears twice in the batch`);
      ids.add(node.id);
      nodes.push(node);
    }
    const vtx = this.planVectors(
      project,
      nodes.map((n) => n.vector),
    );
    const now = new Date().toISOString();
    const items = this.db.transaction(() => {
      const out: PutNodesResult['items'] = [];
      for (const node of nodes) {
        const head = this.s.nodeHead.get(projectId, node.id);
        let pk: number;
        if (head) {
          if (head.label !== node.label) {
            throw new BrainError('BRAIN_LABEL_MISMATCH', `Node ${node.id} is a ${head.label}, not a ${node.label}; nothing was stored`, {
              data: { projectId, id: node.id, label: head.label },
            });
          }
          pk = head.pk;
          this.s.setNodeProps.run(node.props, now, pk);
          this.dropIndex(project, pk, vtx);
        } else {
          pk = Number(this.s.insertNode.run(projectId, node.id, node.label, node.props, now, now).lastInsertRowid);
        }
        this.writeIndex(project, pk, node, vtx);
        out.push({ id: node.id, created: !head });
      }
      this.finishVectors(project, vtx);
      return out;
    })();
    this.sendChanges(project, vtx);
    const created = items.filter((i) => i.created).length;
    return { items, created, replaced: items.length - created };
  }

  async createRelationship(projectId: string, input: RelationshipInput): Promise<GraphRelationship> {
    this.open();
    if (input.projectId !== undefined && input.projectId !== projectId) throw crossProject(projectId, input.projectId);
    this.requireProject(projectId);
    const id = input.id === undefined ? newId() : checkId(input.id, 'id');
    if (!RelationTypeSchema.safeParse(input.type).success) throw invalidInput('type', 'relation types are SCREAMING_SNAKE_CASE (max 64)');
    const from = checkId(input.from, 'from');
    const to = checkId(input.to, 'to');
    const props = JSON.stringify(checkProperties(input.properties, 'properties'));
    const now = new Date().toISOString();
    this.db.transaction(() => {
      for (const [end, nodeId] of [
        ['from', from],
        ['to', to],
      ] as const) {
        if (!this.s.nodeHead.get(projectId, nodeId)) {
          throw new BrainError('BRAIN_NODE_NOT_FOUND', `No node ${nodeId} in project ${projectId} (the relationship's ${end})`, {
            data: { projectId, id: nodeId, end },
          });
        }
      }
      try {
        this.s.insertEdge.run(projectId, id, input.type, from, to, props, now);
      } catch (err) {
        if (isUniqueViolation(err)) {
          throw new BrainError('BRAIN_RELATIONSHIP_EXISTS', `Relationship ${id} already exists in project ${projectId}`, {
            data: { projectId, id },
          });
        }
        throw err;
      }
    })();
    return { id, projectId, type: input.type, from, to, properties: JSON.parse(props), createdAt: now };
  }

  // ── traversal and queries ───────────────────────────────────────────────────────────────

  async getNeighbors(projectId: string, id: string, options: NeighborsOptions = {}): Promise<Subgraph> {
    this.open();
    this.requireProject(projectId);
    const depth = checkInt(options.depth, 1, 1, 3, 'depth');
    const limit = checkInt(options.limit, 100, 1, 1000, 'limit');
    const direction = options.direction ?? 'both';
    if (direction !== 'out' && direction !== 'in' && direction !== 'both') throw invalidInput('direction', 'out, in or both');
    const types = checkTypes(options.types, 'types');
    const labels = checkLabels(options.labels, 'labels');
    if (!this.s.nodeHead.get(projectId, id)) throw nodeNotFound(projectId, id);
    // One read transaction: the traversal and the rows it returns are one snapshot.
    return this.db.transaction((): Subgraph => {
      const found = this.traversal.neighbors(projectId, id, { depth, direction, types, labels, limit });
      return { nodes: this.nodesInOrder(projectId, found.nodeIds), relationships: this.edgesInOrder(projectId, found.edgePks) };
    })();
  }

  async findPath(projectId: string, from: string, to: string, options: PathOptions = {}): Promise<PathResult> {
    this.open();
    this.requireProject(projectId);
    const maxDepth = checkInt(options.maxDepth, 4, 1, 6, 'maxDepth');
    const types = checkTypes(options.types, 'types');
    for (const id of [from, to]) if (!this.s.nodeHead.get(projectId, id)) throw nodeNotFound(projectId, id);
    return this.db.transaction((): PathResult => {
      const path = this.traversal.path(projectId, from, to, { maxDepth, types });
      if (!path) return { found: false, nodes: [], relationships: [] };
      return { found: true, nodes: this.nodesInOrder(projectId, path.nodeIds), relationships: this.edgesInOrder(projectId, path.edgePks) };
    })();
  }

  async queryGraph(projectId: string, query: GraphQuery): Promise<GraphNode[][]> {
    this.open();
    this.requireProject(projectId);
    const compiled = compileQuery(projectId, query);
    const rows = this.db.transaction(() => {
      const raw = this.prepareCached(compiled.sql)
        .raw()
        .all(...compiled.params) as number[][];
      const pks = [...new Set(raw.flat())];
      const byPk = new Map(this.s.nodesByPks.all(projectId, JSON.stringify(pks)).map((r) => [r.pk, toNode(projectId, r)]));
      return raw.map((row) => row.map((pk) => byPk.get(pk)!));
    })();
    return rows;
  }

  // ── search ──────────────────────────────────────────────────────────────────────────────

  async vectorSearch(projectId: string, vector: readonly number[], k: number, options: SearchOptions = {}): Promise<SearchHit[]> {
    this.open();
    const project = this.requireProject(projectId);
    k = checkInt(k, 10, 1, MAX_K, 'k');
    const labels = checkLabels(options.labels, 'labels');
    const query = checkVector(vector, 'vector');
    if (project.vector_dim === null) return [];
    if (query.length !== project.vector_dim) throw dimensionMismatch(projectId, project.vector_dim, query.length);
    const codes = labels ? labels.map((l) => LABEL_CODES.get(l)!) : null;
    const { sql, params } = this.hitSql(project, 'vseq', labels, options.where);
    const stmt = this.prepareCached(sql);
    // Over-fetch when property filters may drop some; ask for more until k pass or the index runs out.
    let ask = options.where && options.where.length > 0 ? Math.min(MAX_K * 10, k * 4) : k;
    for (;;) {
      const found = await this.vectors.search(projectId, project.uid, query, ask, codes);
      if (found.labels.length === 0) return [];
      const score = new Map(found.labels.map((l, i) => [l, found.scores[i]!]));
      const rows = stmt.all(...params.head, JSON.stringify(found.labels), ...params.tail) as Array<HitRow & { key: number }>;
      const hits = rows
        .map((r) => ({ ...toHit(r, score.get(r.key)!), vectorScore: score.get(r.key)! }))
        .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
      if (hits.length >= k || found.labels.length < ask || ask >= MAX_K * 100) return hits.slice(0, k);
      ask *= 4;
    }
  }

  async keywordSearch(projectId: string, query: string, k: number, options: SearchOptions = {}): Promise<SearchHit[]> {
    this.open();
    const project = this.requireProject(projectId);
    k = checkInt(k, 10, 1, MAX_K, 'k');
    if (typeof query !== 'string') throw invalidInput('query', 'a string');
    const labels = checkLabels(options.labels, 'labels');
    const terms = queryTerms(query);
    if (terms.length === 0 || !this.hasFts(project)) return [];
    const docs = this.ftsDocCount(project);
    const words = this.keyword.significant(project.pk, terms, docs);
    const match = toFtsQuery(words);
    const fts = ftsTable(project.pk);
    // FTS5 ranks on its own (never reading properties); the hits are then read by key, filtered.
    const ranked = this.prepareCached(`SELECT rowid AS pk, bm25(${fts}) AS bm FROM ${fts} WHERE ${fts} MATCH ? ORDER BY bm LIMIT ?`);
    const { sql, params } = this.hitSql(project, 'pk', labels, options.where);
    const hydrate = this.prepareCached(sql);
    const filtered = (labels && labels.length > 0) || (options.where && options.where.length > 0);
    let ask = filtered ? k * 4 : k;
    for (;;) {
      // Held postings when the project is big and quiet (the same bm25, without FTS5 scoring every match).
      const top = this.keyword.search(project.pk, words, ask, docs) ?? (ranked.all(match, ask) as Array<{ pk: number; bm: number }>);
      if (top.length === 0) return [];
      const rows = hydrate.all(...params.head, JSON.stringify(top.map((r) => r.pk)), ...params.tail) as Array<HitRow & { key: number }>;
      const byPk = new Map(rows.map((r) => [r.key, r]));
      const hits: SearchHit[] = [];
      for (const r of top) {
        const row = byPk.get(r.pk);
        if (row) hits.push({ ...toHit(row, -r.bm), keywordRank: hits.length + 1 });
        if (hits.length === k) break;
      }
      if (hits.length >= k || top.length < ask || ask >= MAX_K * 100) return hits;
      ask *= 4;
    }
  }

  // ── single-use claims ───────────────────────────────────────────────────────────────────

  async claimOnce(key: string, expiresAtMs: number): Promise<boolean> {
    this.open();
    // One statement under SQLite's write lock: of two inserts of one key, exactly one changes a row.
    return this.s.insertClaim.run(checkClaimKey(key), checkTimeMs(expiresAtMs, 'expiresAtMs')).changes === 1;
  }

  async isClaimed(key: string): Promise<boolean> {
    this.open();
    return this.s.claimByKey.get(checkClaimKey(key)) !== undefined;
  }

  async releaseClaim(key: string): Promise<boolean> {
    this.open();
    return this.s.deleteClaim.run(checkClaimKey(key)).changes === 1;
  }

  async pruneClaims(beforeMs: number): Promise<number> {
    this.open();
    return this.s.pruneClaims.run(checkTimeMs(beforeMs, 'beforeMs')).changes;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.vectors.close();
    } finally {
      // Keeps the planner's statistics current (cheap: only tables that changed much are analysed).
      this.db.pragma('optimize');
      this.db.close();
    }
  }

  // ── for tests and operations (not part of the port) ─────────────────────────────────────

  /** What the project's vector index is doing (mode, size, how it was loaded…); null if no such project. */
  inspectVectorIndex(projectId: string): Promise<VectorIndexState | null> {
    this.open();
    return this.vectors.inspect(projectId);
  }

  /** Writes every changed HNSW file now. */
  persistVectorIndexes(): Promise<void> {
    this.open();
    return this.vectors.persist();
  }

  /**
   * Closes without persisting the vector indexes, as a crash would leave them (the database is
   * closed cleanly: its committed transactions are durable either way).
   */
  async closeWithoutPersisting(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.vectors.kill();
    this.db.close();
  }

  // ── internals ───────────────────────────────────────────────────────────────────────────

  private open(): void {
    if (this.closed) throw new BrainError('BRAIN_STORE_CLOSED', 'The graph store is closed');
  }

  private requireProject(projectId: string): ProjectRow {
    const row = typeof projectId === 'string' ? this.s.projectById.get(projectId) : undefined;
    if (!row) throw new BrainError('BRAIN_PROJECT_NOT_FOUND', `No project ${String(projectId)}`, { data: { projectId } });
    return row;
  }

  private prepareCached(sql: string): Statement {
    let stmt = this.cache.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      if (this.cache.size >= 256) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(sql, stmt);
    }
    return stmt;
  }

  private checkIndex(entry: IndexEntry, field: string): { text: string | null; vector: Float32Array | null } {
    if (typeof entry !== 'object' || entry === null) throw invalidInput(field, 'an object with text and/or embedding');
    if (entry.text !== undefined && typeof entry.text !== 'string') throw invalidInput(`${field}.text`, 'a string');
    return {
      text: entry.text === undefined || entry.text === '' ? null : entry.text,
      vector: entry.embedding === undefined ? null : checkVector(entry.embedding, `${field}.embedding`),
    };
  }

  private checkNode(projectId: string, input: NodeInput, field: string): CheckedNode {
    if (typeof input !== 'object' || input === null) throw invalidInput(field, 'a node');
    if (input.projectId !== undefined && input.projectId !== projectId) throw crossProject(projectId, input.projectId);
    const id = input.id === undefined ? newId() : checkId(input.id, `${field}.id`);
    const label = checkLabel(input.label, `${field}.label`);
    const props = JSON.stringify(checkProperties(input.properties, `${field}.properties`));
    const index = input.index === undefined ? { text: null, vector: null } : this.checkIndex(input.index, `${field}.index`);
    return { id, label, props, ...index };
  }

  /** The project's vector dimension and next sequence after writing `vectors` (one dimension per project). */
  private planVectors(project: ProjectRow, vectors: ReadonlyArray<Float32Array | null>): VectorTx {
    let dim = project.vector_dim;
    let batchDim: number | null = null;
    for (const v of vectors) {
      if (!v) continue;
      if (batchDim === null) batchDim = v.length;
      else if (v.length !== batchDim) throw dimensionMismatch(project.id, batchDim, v.length);
    }
    if (batchDim !== null && batchDim !== dim) {
      // A project takes the dimension of its first vector; it can change only once it has none.
      if (dim !== null && this.s.anyVector.get(project.id)) throw dimensionMismatch(project.id, dim, batchDim);
      dim = batchDim;
    }
    return new VectorTx(dim, project.vector_seq);
  }

  private writeIndex(project: ProjectRow, pk: number, node: CheckedNode, vtx: VectorTx): void {
    if (node.text === null && node.vector === null) return;
    const projectId = project.id;
    let vseq: number | null = null;
    let blob: Buffer | null = null;
    if (node.vector) {
      vseq = ++vtx.seq;
      // HNSW labels are 32-bit: four billion vector writes per project.
      if (vseq > 0xffffffff) throw new BrainError('BRAIN_INVALID_VECTOR', `Project ${projectId} has used up its vector sequence numbers`);
      blob = Buffer.from(node.vector.buffer, node.vector.byteOffset, node.vector.byteLength);
      vtx.changed = true;
      vtx.labels.push(vseq);
      vtx.codes.push(LABEL_CODES.get(node.label)!);
      vtx.vectors.push(node.vector);
    }
    this.s.insertIndex.run(pk, projectId, node.label, node.text, vseq, blob);
    if (node.text !== null) {
      this.ensureFts(project);
      this.prepareCached(`INSERT INTO ${ftsTable(project.pk)} (rowid, text) VALUES (?, ?)`).run(pk, node.text);
      this.keyword.touched(project.pk);
    }
  }

  /** Documents in the project's FTS5 table (cached until its next write). */
  private ftsDocCount(project: ProjectRow): number {
    const version = this.keyword.version(project.pk);
    const cached = this.ftsCounts.get(project.pk);
    if (cached && cached.version === version) return cached.docs;
    const docs = (this.prepareCached(`SELECT count(*) AS n FROM ${ftsTable(project.pk)}_docsize`).get() as { n: number }).n;
    this.ftsCounts.set(project.pk, { version, docs });
    return docs;
  }

  /** Creates the project's FTS5 table if it has none yet (inside the caller's transaction). */
  private ensureFts(project: ProjectRow): void {
    if (this.ftsTables.has(project.pk)) return;
    this.db.exec(ftsTableDdl(project.pk));
    this.ftsTables.add(project.pk);
  }

  private hasFts(project: ProjectRow): boolean {
    if (this.ftsTables.has(project.pk)) return true;
    if (!this.s.ftsExists.get(ftsTable(project.pk))) return false;
    this.ftsTables.add(project.pk);
    return true;
  }

  private dropIndex(project: ProjectRow, pk: number, vtx: VectorTx): void {
    const old = this.s.indexHead.get(pk);
    if (!old) return;
    if (old.hasText && this.hasFts(project)) {
      this.prepareCached(`DELETE FROM ${ftsTable(project.pk)} WHERE rowid = ?`).run(pk);
      this.keyword.touched(project.pk);
    }
    if (old.vseq !== null) {
      vtx.changed = true;
      vtx.seq++;
      vtx.deletes.push(old.vseq);
    }
    this.s.deleteIndex.run(pk);
  }

  /** Inside the transaction: records the project's vector dimension and sequence. */
  private finishVectors(project: ProjectRow, vtx: VectorTx): void {
    if (vtx.changed || vtx.dim !== project.vector_dim) this.s.projectVectors.run(vtx.dim, vtx.seq, project.pk);
  }

  private sendChanges(project: ProjectRow, vtx: VectorTx): void {
    if (!vtx.changed) return;
    const dim = vtx.dim ?? 0;
    const packed = new Float32Array(vtx.vectors.length * dim);
    vtx.vectors.forEach((v, i) => {
      packed.set(v, i * dim);
    });
    this.vectors.write({
      op: 'write',
      projectId: project.id,
      uid: project.uid,
      dim,
      seq: vtx.seq,
      addLabels: vtx.labels,
      addCodes: vtx.codes,
      addVectors: packed,
      deletes: vtx.deletes,
    });
  }

  /** The SELECT that turns vector labels (vseq) or FTS rowids (pk) into hits, with the label and property filters. */
  private hitSql(
    project: ProjectRow,
    key: 'vseq' | 'pk',
    labels: readonly string[] | undefined,
    where: SearchOptions['where'],
  ): { sql: string; params: { head: unknown[]; tail: unknown[] } } {
    const head: unknown[] = [project.id, project.id];
    const tail: unknown[] = [];
    let filter = '';
    if (labels && labels.length > 0) {
      filter += ' AND n.label IN (SELECT value FROM json_each(?))';
      tail.push(JSON.stringify(labels));
    }
    if (where && where.length > 0) filter += ` AND ${compileFilters('n.props', where, tail, 'where')}`;
    // Driven by the keys: (project_id, vseq) or the rowid, then the node by rowid; `+` keeps the
    // planner from scanning the project through another index instead.
    const column = key === 'vseq' ? 'ni.vseq' : 'ni.node_pk';
    const projectTerm = key === 'vseq' ? 'ni.project_id' : '+ni.project_id';
    const sql = `SELECT ${column} AS key, n.id, n.label, n.props, substr(ni.text, 1, ${SNIPPET_CHARS}) AS snippet
      FROM node_index ni CROSS JOIN nodes n ON n.pk = ni.node_pk
      WHERE ${projectTerm} = ? AND +n.project_id = ? AND ${column} IN (SELECT value FROM json_each(?))${filter}`;
    return { sql, params: { head, tail } };
  }

  private nodesInOrder(projectId: string, ids: readonly string[]): GraphNode[] {
    if (ids.length === 0) return [];
    const byId = new Map(this.s.nodesByIds.all(projectId, JSON.stringify(ids)).map((r) => [r.id, r]));
    return ids.flatMap((id) => {
      const r = byId.get(id);
      return r ? [toNode(projectId, r)] : [];
    });
  }

  private edgesInOrder(projectId: string, pks: readonly number[]): GraphRelationship[] {
    if (pks.length === 0) return [];
    const byPk = new Map(this.s.edgesByPks.all(projectId, JSON.stringify(pks)).map((r) => [r.pk, r]));
    return pks.flatMap((pk) => {
      const r = byPk.get(pk);
      return r ? [toRelationship(projectId, r)] : [];
    });
  }
}

/** Opens the embedded graph store (see EmbeddedGraphStore). */
export function openEmbeddedGraphStore(options: EmbeddedStoreOptions): EmbeddedGraphStore {
  return EmbeddedGraphStore.open(options);
}

/** Index files of projects that no longer exist (deleted while the process was down, or before a crash). */
function removeOrphanIndexFiles(db: Db, vectorsDir: string): void {
  const exists = db.prepare<[string], { one: number }>('SELECT 1 AS one FROM projects WHERE id = ?');
  for (const name of readdirSync(vectorsDir)) {
    const m = /^(.+?)\.(hnsw|meta\.json)(\.tmp)?$/.exec(name);
    if (!m) continue;
    if (m[3] || !exists.get(m[1]!)) rmSync(join(vectorsDir, name), { force: true });
  }
}
