import type {
  GraphNode,
  GraphRelationship,
  Membership,
  NodeLabel,
  Project,
  ProjectRole,
  Properties,
  PropertyFilter,
  SearchHit,
} from '@automovie/contracts';

/**
 * The graph store port: the brain's knowledge graph behind one interface, implemented by the
 * embedded backend (SQLite + HNSW, `embedded.ts`) and by Neo4j. Every backend passes the one
 * contract suite in `test/graph-contract.ts`.
 *
 * Isolation is the first rule: every project-scoped method takes `projectId` and never reads or
 * writes another project's data, whatever ids it is given. Ids are unique per project — the same
 * id in two projects names two different nodes. A project that does not exist is refused with
 * BRAIN_PROJECT_NOT_FOUND by every project-scoped method except `deleteProject`.
 *
 * Errors are AutomovieErrors with the stable codes of `../errors.ts`.
 */
export interface GraphStore {
  /** Which backend this is, for logs and health. */
  readonly backend: 'embedded' | 'neo4j';

  // ── projects ──────────────────────────────────────────────────────────────────────────
  /** Creates a project (BRAIN_PROJECT_EXISTS if the id is taken); `ownerId` becomes its owner in the same write. */
  createProject(input: NewProject, ownerId?: string): Promise<Project>;
  /** BRAIN_PROJECT_NOT_FOUND if missing. */
  getProject(projectId: string): Promise<Project>;
  /** Newest first; with `userId`, only the projects that user is a member of. */
  listProjects(options?: ListProjectsOptions): Promise<ProjectPage>;
  /** Sets the given fields; `null` clears an optional one. */
  updateProject(projectId: string, patch: ProjectPatch): Promise<Project>;
  /** Deletes the project and everything of it: nodes, relationships, index entries, vectors, members. */
  deleteProject(projectId: string): Promise<ProjectDeletion>;

  // ── members ───────────────────────────────────────────────────────────────────────────
  /** Adds a member or changes their role; demoting the last owner is BRAIN_LAST_OWNER. */
  setMember(projectId: string, userId: string, role: ProjectRole, profile?: MemberProfile): Promise<Member>;
  /** False if the user was not a member; removing the last owner is BRAIN_LAST_OWNER. */
  removeMember(projectId: string, userId: string): Promise<boolean>;
  /** Oldest member first. */
  listMembers(projectId: string): Promise<Member[]>;
  /** The user's role, or undefined if they are not a member. */
  getRole(projectId: string, userId: string): Promise<ProjectRole | undefined>;

  // ── nodes and relationships ───────────────────────────────────────────────────────────
  /** BRAIN_NODE_EXISTS if `input.id` is taken in the project; a missing id gets a new one. */
  createNode(projectId: string, input: NodeInput): Promise<GraphNode>;
  /** BRAIN_NODE_NOT_FOUND if missing. */
  getNode(projectId: string, id: string): Promise<GraphNode>;
  /** Merges `properties`, then removes `remove`; `index` replaces (object) or drops (null) the index entry. */
  updateNode(projectId: string, id: string, patch: NodePatch): Promise<GraphNode>;
  /** Deletes the node, its relationships and its index entry; `deleted: false` if it did not exist. */
  deleteNode(projectId: string, id: string): Promise<NodeDeletion>;
  /**
   * Creates or replaces many nodes in one transaction: all are written and indexed, or none (any
   * invalid item, duplicate id or label mismatch refuses the whole batch). A replaced node keeps
   * its createdAt and relationships; its properties and index entry become exactly the given ones.
   */
  putNodesAtomic(projectId: string, inputs: readonly NodeInput[]): Promise<PutNodesResult>;
  /** Both ends must be nodes of `projectId` (BRAIN_NODE_NOT_FOUND names the missing end). */
  createRelationship(projectId: string, input: RelationshipInput): Promise<GraphRelationship>;

  // ── traversal and queries ─────────────────────────────────────────────────────────────
  /**
   * Nodes reachable from `id` within `depth` hops, nearest first (breadth-first), at most `limit`.
   * `labels` filters the nodes returned, not the ones passed through. `relationships` are the
   * ones followed to reach the returned nodes (their paths from `id`, plus any other followed
   * relationship between two nodes on those paths).
   */
  getNeighbors(projectId: string, id: string, options?: NeighborsOptions): Promise<Subgraph>;
  /** A shortest path (relationships followed in either direction), at most `maxDepth` relationships long. */
  findPath(projectId: string, from: string, to: string, options?: PathOptions): Promise<PathResult>;
  /**
   * A structured read-only query: start nodes by label and filters, then up to 3 hops. Each row
   * is the path of nodes matched, start first. `orderBy` sorts by a property of the LAST node of
   * the path (missing values last); ties, and unordered queries, follow the start nodes' creation
   * order (rows of one start node come in a stable, backend-defined order).
   */
  queryGraph(projectId: string, query: GraphQuery): Promise<GraphNode[][]>;

  // ── search ────────────────────────────────────────────────────────────────────────────
  /**
   * The `k` nodes whose embedding is nearest to `vector` by cosine similarity (score), best first.
   * Exact below the backend's threshold, approximate above it. Empty if the project has no vectors;
   * BRAIN_VECTOR_DIMENSION if `vector` has another length than the project's vectors.
   */
  vectorSearch(projectId: string, vector: readonly number[], k: number, options?: SearchOptions): Promise<SearchHit[]>;
  /**
   * Full-text search over index texts, best first (score: higher is better; keywordRank: 1-based).
   * `query` is plain words, never search syntax: quotes, `*`, `NEAR(`, `OR`… are just text.
   * A result matches any of the query's words; results with more (and rarer) words rank first.
   */
  keywordSearch(projectId: string, query: string, k: number, options?: SearchOptions): Promise<SearchHit[]>;

  // ── single-use claims ─────────────────────────────────────────────────────────────────
  // Keys outside any project (an upload URL's nonce…) that can be used once: kept beside the
  // graph so every replica of the brain sees them and they survive restarts.
  /**
   * Records `key` as used: true if this call recorded it, false if it already was. Of concurrent
   * calls with one key, exactly one gets true. `expiresAtMs` is when the claim may be forgotten.
   */
  claimOnce(key: string, expiresAtMs: number): Promise<boolean>;
  /** Whether `key` is claimed. */
  isClaimed(key: string): Promise<boolean>;
  /** Forgets a claim (its holder's work failed, so the key may be used again); false if there was none. */
  releaseClaim(key: string): Promise<boolean>;
  /** Forgets every claim whose expiry is before `beforeMs`; how many. */
  pruneClaims(beforeMs: number): Promise<number>;

  /** Flushes what the backend keeps in memory and releases it; later calls fail with BRAIN_STORE_CLOSED. */
  close(): Promise<void>;
}

export type Direction = 'out' | 'in' | 'both';

export interface NewProject {
  /** Default: a new id. */
  id?: string;
  name: string;
  logline?: string;
  genre?: string;
  styleGuide?: string;
  budgetUsd?: number;
  /** Default: draft. */
  status?: Project['status'];
}

export interface ProjectPatch {
  name?: string;
  logline?: string | null;
  genre?: string | null;
  styleGuide?: string | null;
  budgetUsd?: number | null;
  status?: Project['status'];
}

export interface ListProjectsOptions {
  /** Only this user's projects. Default: every project. */
  userId?: string;
  /** Default 50, at most 200. */
  limit?: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
}

export interface ProjectPage {
  projects: Project[];
  /** Present when there may be more. */
  nextCursor?: string;
}

export interface ProjectDeletion {
  deleted: boolean;
  nodesDeleted: number;
  relationshipsDeleted: number;
  membersDeleted: number;
}

export interface MemberProfile {
  email?: string;
  name?: string;
}

export interface Member extends Membership {
  email?: string;
  name?: string;
}

/** What makes a node findable: `text` is keyword-indexed, `embedding` goes to the vector index. */
export interface IndexEntry {
  text?: string;
  embedding?: readonly number[];
}

export interface NodeInput {
  /** Default: a new id. */
  id?: string;
  label: NodeLabel;
  /** Default: {}. */
  properties?: Properties;
  index?: IndexEntry;
  /** When present (e.g. a node read from an export), it must be the call's project: else BRAIN_CROSS_PROJECT. */
  projectId?: string;
}

export interface NodePatch {
  properties?: Properties;
  remove?: readonly string[];
  /** undefined: unchanged; null: no index entry any more; an entry: replaces the old one. */
  index?: IndexEntry | null;
}

export interface NodeDeletion {
  deleted: boolean;
  relationshipsDeleted: number;
}

export interface PutNodesResult {
  /** In input order. */
  items: Array<{ id: string; created: boolean }>;
  created: number;
  replaced: number;
}

export interface RelationshipInput {
  /** Default: a new id. */
  id?: string;
  type: string;
  from: string;
  to: string;
  properties?: Properties;
  /** When present, it must be the call's project: else BRAIN_CROSS_PROJECT. */
  projectId?: string;
}

export interface NeighborsOptions {
  /** 1 to 3; default 1. */
  depth?: number;
  /** Default both. */
  direction?: Direction;
  /** Follow only these relation types. */
  types?: readonly string[];
  /** Return only nodes with one of these labels. */
  labels?: readonly NodeLabel[];
  /** 1 to 1000; default 100. */
  limit?: number;
}

export interface Subgraph {
  nodes: GraphNode[];
  relationships: GraphRelationship[];
}

export interface PathOptions {
  /** 1 to 6; default 4. */
  maxDepth?: number;
  types?: readonly string[];
}

export interface PathResult {
  found: boolean;
  /** From `from` to `to`; empty when not found. */
  nodes: GraphNode[];
  /** nodes.length - 1 relationships, in path order. */
  relationships: GraphRelationship[];
}

export interface QueryHop {
  /** Follow only this relation type. */
  type?: string;
  /** Default out. */
  direction?: Direction;
  label?: NodeLabel;
  where?: readonly PropertyFilter[];
}

export interface GraphQuery {
  start: { label: NodeLabel; where?: readonly PropertyFilter[] };
  /** At most 3. */
  hops?: readonly QueryHop[];
  orderBy?: { property: string; direction?: 'asc' | 'desc' };
  /** 1 to 1000; default 100. */
  limit?: number;
  /** Default 0, at most 100,000. */
  skip?: number;
}

export interface SearchOptions {
  /** Only nodes with one of these labels. */
  labels?: readonly NodeLabel[];
  /** Only nodes whose properties pass every filter (e.g. a workflow's kind). */
  where?: readonly PropertyFilter[];
}

/**
 * What property filters (query start and hops, search `where`) mean, on every backend; kept as
 * text so backends and their tests can cite it. A filter that breaks these rules is
 * BRAIN_INVALID_QUERY.
 */
export const FILTER_SEMANTICS = `
eq/ne: same JSON type and value (1 ≠ "1"; objects and arrays compare as JSON); eq null matches a missing or null property, ne null an existing one.
A missing (or null) property fails every other operator, ne included (as in Cypher).
lt/lte/gt/gte: numbers with numbers, strings with strings (code-point order); the value must be a number or a string.
in: the value is an array; the property equals one of its items.
contains: a string property containing the (string) value, case-sensitive, or an array property with an item equal to the value.
startsWith: a string property starting with the (string) value.
exists: value true (default) or false; a null property does not exist.
`;
