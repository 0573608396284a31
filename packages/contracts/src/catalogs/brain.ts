import { z } from 'zod';
import { ProjectRoleSchema } from '../auth.ts';
import {
  CreatableLabelSchema,
  DirectionSchema,
  IdSchema,
  JsonValueSchema,
  MAX_BATCH,
  MAX_DOCUMENT_CHARS,
  MAX_EMBED_TEXT_CHARS,
  MembershipSchema,
  NodeLabelSchema,
  NodeSchema,
  ProjectIdSchema,
  ProjectSchema,
  PropertiesSchema,
  PropertyFilterSchema,
  PropertyKeySchema,
  RelationshipSchema,
  RelationTypeSchema,
  SearchHitSchema,
  SearchModeSchema,
  VectorSchema,
} from '../graph.ts';
import { defineCatalog, defineTool } from '../tool.ts';
import { generationTools } from './brain-generation.ts';
import { commonTools } from './common.ts';

const text = z.string().min(1).max(MAX_EMBED_TEXT_CHARS);
const k = z.number().int().min(1).max(100).default(10).describe('How many results.');
const labels = z.array(NodeLabelSchema).min(1).max(14).optional().describe('Only nodes with one of these labels.');
const EmbeddingProviderSchema = z.enum(['local', 'jina', 'openai']);

const embeddingOut = {
  dimension: z.number().int().positive(),
  provider: z.string(),
  model: z.string(),
};

// ── embeddings and search ─────────────────────────────────────────────────────────────────
export const embed_text = defineTool({
  name: 'embed_text',
  description: 'Embeds one text with the configured embedding provider (cached by content hash).',
  input: z.object({ text, provider: EmbeddingProviderSchema.optional().describe('Default: the configured provider.') }),
  output: z.object({ embedding: z.array(z.number()), cached: z.boolean(), ...embeddingOut }),
  scope: 'embed',
  readOnly: true,
});

export const batch_embed_texts = defineTool({
  name: 'batch_embed_texts',
  description: 'Embeds many texts in one call, batching provider requests; order is kept.',
  input: z.object({ texts: z.array(text).min(1).max(MAX_BATCH), provider: EmbeddingProviderSchema.optional() }),
  output: z.object({ embeddings: z.array(z.array(z.number())), cachedCount: z.number().int(), ...embeddingOut }),
  scope: 'embed',
  readOnly: true,
});

export const search_by_embedding = defineTool({
  name: 'search_by_embedding',
  description: "Nearest neighbours of a vector in the project's vector index (cosine similarity).",
  input: z.object({ projectId: ProjectIdSchema, embedding: VectorSchema, k, labels }),
  output: z.object({ results: z.array(SearchHitSchema) }),
  scope: 'graph.read',
  readOnly: true,
});

export const semantic_search = defineTool({
  name: 'semantic_search',
  description: "Searches the project's indexed text: vector and keyword results fused by reciprocal rank (hybrid), or either alone.",
  input: z.object({
    projectId: ProjectIdSchema,
    query: text,
    k,
    labels,
    mode: SearchModeSchema.default('hybrid'),
  }),
  output: z.object({ results: z.array(SearchHitSchema) }),
  scope: 'graph.read',
  readOnly: true,
});

export const batch_similarity_search = defineTool({
  name: 'batch_similarity_search',
  description: 'Runs several semantic searches in one call; results come back in the order of the queries.',
  input: z.object({
    projectId: ProjectIdSchema,
    queries: z.array(text).min(1).max(64),
    k,
    labels,
    mode: SearchModeSchema.default('hybrid'),
  }),
  output: z.object({ results: z.array(z.array(SearchHitSchema)) }),
  scope: 'graph.read',
  readOnly: true,
});

// ── nodes and relationships ───────────────────────────────────────────────────────────────
const nodeOut = z.object({ node: NodeSchema });
const indexText = z
  .string()
  .min(1)
  .max(MAX_EMBED_TEXT_CHARS)
  .optional()
  .describe('Text that makes this node findable by semantic_search (embedded and keyword-indexed).');

export const create_node = defineTool({
  name: 'create_node',
  description: 'Creates a node of the knowledge graph in a project.',
  input: z.object({
    projectId: ProjectIdSchema,
    label: CreatableLabelSchema,
    id: IdSchema.optional().describe('Default: a new id.'),
    properties: PropertiesSchema.default({}),
    indexText,
  }),
  output: nodeOut,
  scope: 'graph.write',
});

export const update_node = defineTool({
  name: 'update_node',
  description: 'Merges properties into a node (and removes the ones named in `remove`).',
  input: z.object({
    projectId: ProjectIdSchema,
    id: IdSchema,
    properties: PropertiesSchema.default({}),
    remove: z.array(PropertyKeySchema).max(100).default([]),
    indexText,
  }),
  output: nodeOut,
  scope: 'graph.write',
});

export const get_node = defineTool({
  name: 'get_node',
  description: 'Reads one node.',
  input: z.object({ projectId: ProjectIdSchema, id: IdSchema }),
  output: nodeOut,
  scope: 'graph.read',
  readOnly: true,
});

export const delete_node = defineTool({
  name: 'delete_node',
  description: 'Deletes a node, its relationships and its index entries.',
  input: z.object({ projectId: ProjectIdSchema, id: IdSchema }),
  output: z.object({ deleted: z.boolean(), relationshipsDeleted: z.number().int() }),
  scope: 'graph.write',
});

export const create_relationship = defineTool({
  name: 'create_relationship',
  description: 'Creates a typed relationship between two nodes of the same project.',
  input: z.object({
    projectId: ProjectIdSchema,
    from: IdSchema,
    to: IdSchema,
    type: RelationTypeSchema,
    properties: PropertiesSchema.default({}),
  }),
  output: z.object({ relationship: RelationshipSchema }),
  scope: 'graph.write',
});

export const get_node_neighbors = defineTool({
  name: 'get_node_neighbors',
  description: 'Nodes reachable from a node within `depth` hops, filtered by relation types and labels.',
  input: z.object({
    projectId: ProjectIdSchema,
    id: IdSchema,
    depth: z.number().int().min(1).max(3).default(1),
    direction: DirectionSchema.default('both'),
    types: z.array(RelationTypeSchema).min(1).max(20).optional(),
    labels,
    limit: z.number().int().min(1).max(1000).default(100),
  }),
  output: z.object({ nodes: z.array(NodeSchema), relationships: z.array(RelationshipSchema) }),
  scope: 'graph.read',
  readOnly: true,
});

export const find_path = defineTool({
  name: 'find_path',
  description: 'A shortest path between two nodes (relationships followed in either direction).',
  input: z.object({
    projectId: ProjectIdSchema,
    from: IdSchema,
    to: IdSchema,
    maxDepth: z.number().int().min(1).max(6).default(4),
    types: z.array(RelationTypeSchema).min(1).max(20).optional(),
  }),
  output: z.object({
    found: z.boolean(),
    nodes: z.array(NodeSchema),
    relationships: z.array(RelationshipSchema),
  }),
  scope: 'graph.read',
  readOnly: true,
});

const HopSchema = z.object({
  type: RelationTypeSchema.optional().describe('Follow only this relation type.'),
  direction: DirectionSchema.default('out'),
  label: NodeLabelSchema.optional(),
  where: z.array(PropertyFilterSchema).max(10).default([]),
});

export const query_graph = defineTool({
  name: 'query_graph',
  description:
    'A structured, read-only graph query: start nodes by label and property filters, then up to 3 relationship hops, with ordering and a limit. Each row is the path of nodes matched.',
  input: z.object({
    projectId: ProjectIdSchema,
    start: z.object({ label: NodeLabelSchema, where: z.array(PropertyFilterSchema).max(10).default([]) }),
    hops: z.array(HopSchema).max(3).default([]),
    orderBy: z.object({ property: PropertyKeySchema, direction: z.enum(['asc', 'desc']).default('asc') }).optional(),
    limit: z.number().int().min(1).max(1000).default(100),
    skip: z.number().int().min(0).max(100_000).default(0),
  }),
  output: z.object({ rows: z.array(z.array(NodeSchema)) }),
  scope: 'graph.read',
  readOnly: true,
});

// ── documents and workflows ───────────────────────────────────────────────────────────────
const DocumentInputSchema = z.object({
  id: IdSchema.optional().describe('Default: a new id. An existing id replaces that document.'),
  title: z.string().max(500).optional(),
  content: z.string().min(1).max(MAX_DOCUMENT_CHARS),
  metadata: PropertiesSchema.default({}),
});
const DocumentSchema = z.object({
  id: IdSchema,
  projectId: IdSchema,
  title: z.string().optional(),
  content: z.string(),
  metadata: z.record(z.string(), JsonValueSchema),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

export const store_document = defineTool({
  name: 'store_document',
  description: 'Stores a document in a project: kept, embedded and keyword-indexed for search.',
  input: z.object({ projectId: ProjectIdSchema, ...DocumentInputSchema.shape }),
  output: z.object({ id: IdSchema, created: z.boolean() }),
  scope: 'graph.write',
});

export const bulk_store_documents = defineTool({
  name: 'bulk_store_documents',
  description: `Stores up to ${MAX_BATCH} documents atomically: all are stored and indexed, or none.`,
  input: z.object({ projectId: ProjectIdSchema, documents: z.array(DocumentInputSchema).min(1).max(MAX_BATCH) }),
  output: z.object({ ids: z.array(IdSchema), created: z.number().int(), replaced: z.number().int() }),
  scope: 'graph.write',
});

export const get_document = defineTool({
  name: 'get_document',
  description: 'Reads one document.',
  input: z.object({ projectId: ProjectIdSchema, id: IdSchema }),
  output: z.object({ document: DocumentSchema }),
  scope: 'graph.read',
  readOnly: true,
});

export const delete_document = defineTool({
  name: 'delete_document',
  description: 'Deletes a document and its index entries.',
  input: z.object({ projectId: ProjectIdSchema, id: IdSchema }),
  output: z.object({ deleted: z.boolean() }),
  scope: 'graph.write',
});

const WorkflowSchema = z.object({
  id: IdSchema,
  projectId: IdSchema,
  kind: z.string(),
  status: z.string(),
  description: z.string().optional(),
  data: z.record(z.string(), JsonValueSchema),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

export const store_workflow_data = defineTool({
  name: 'store_workflow_data',
  description: 'Stores (or replaces) a workflow record — a run, a step, a choice — indexed for similarity search.',
  input: z.object({
    projectId: ProjectIdSchema,
    id: IdSchema.optional(),
    kind: z.string().min(1).max(100),
    status: z.string().min(1).max(50),
    description: z.string().max(MAX_EMBED_TEXT_CHARS).optional().describe('What it is, in words: what similarity search matches.'),
    data: PropertiesSchema.default({}),
  }),
  output: z.object({ id: IdSchema, created: z.boolean() }),
  scope: 'graph.write',
});

export const get_workflow_data = defineTool({
  name: 'get_workflow_data',
  description: 'Reads one workflow record.',
  input: z.object({ projectId: ProjectIdSchema, id: IdSchema }),
  output: z.object({ workflow: WorkflowSchema }),
  scope: 'graph.read',
  readOnly: true,
});

export const search_similar_workflows = defineTool({
  name: 'search_similar_workflows',
  description: 'Workflow records similar to a description, optionally of one kind.',
  input: z.object({ projectId: ProjectIdSchema, query: text, kind: z.string().min(1).max(100).optional(), k }),
  output: z.object({ results: z.array(z.object({ workflow: WorkflowSchema, score: z.number() })) }),
  scope: 'graph.read',
  readOnly: true,
});

// ── projects and members ──────────────────────────────────────────────────────────────────
const projectFields = {
  name: z.string().min(1).max(200),
  logline: z.string().max(1000).optional(),
  genre: z.string().max(100).optional(),
  styleGuide: z.string().max(10_000).optional(),
  budgetUsd: z.number().nonnegative().max(1_000_000).optional().describe('Spending cap for paid AI calls.'),
};

export const create_project = defineTool({
  name: 'create_project',
  description: 'Creates a project; a user caller becomes its owner.',
  input: z.object({ id: IdSchema.optional(), ...projectFields }),
  output: z.object({ project: ProjectSchema }),
  scope: 'projects.write',
});

export const get_project = defineTool({
  name: 'get_project',
  description: 'Reads a project with its members.',
  input: z.object({ projectId: ProjectIdSchema }),
  output: z.object({ project: ProjectSchema, members: z.array(MembershipSchema) }),
  scope: 'projects.read',
  readOnly: true,
});

export const list_projects = defineTool({
  name: 'list_projects',
  description: "Projects the caller can see (a user's memberships; every project for a service), newest first.",
  input: z.object({ limit: z.number().int().min(1).max(200).default(50), cursor: z.string().max(200).optional() }),
  output: z.object({ projects: z.array(ProjectSchema), nextCursor: z.string().optional() }),
  scope: 'projects.read',
  readOnly: true,
});

export const update_project = defineTool({
  name: 'update_project',
  description: "Changes a project's fields.",
  input: z.object({
    projectId: ProjectIdSchema,
    name: projectFields.name.optional(),
    logline: projectFields.logline,
    genre: projectFields.genre,
    styleGuide: projectFields.styleGuide,
    budgetUsd: projectFields.budgetUsd,
    status: ProjectSchema.shape.status.optional(),
  }),
  output: z.object({ project: ProjectSchema }),
  scope: 'projects.write',
});

export const delete_project = defineTool({
  name: 'delete_project',
  description: 'Deletes a project and everything of it: nodes, relationships, documents, workflows, indexes, members.',
  input: z.object({ projectId: ProjectIdSchema, confirm: z.literal(true).describe('Must be true.') }),
  output: z.object({ deleted: z.boolean(), nodesDeleted: z.number().int() }),
  scope: 'projects.write',
});

export const add_member = defineTool({
  name: 'add_member',
  description: 'Adds a user to a project with a role (or changes the role of a member).',
  input: z.object({
    projectId: ProjectIdSchema,
    userId: IdSchema,
    role: ProjectRoleSchema,
    email: z.email().optional(),
    name: z.string().min(1).max(200).optional(),
  }),
  output: z.object({ membership: MembershipSchema }),
  scope: 'projects.write',
});

export const remove_member = defineTool({
  name: 'remove_member',
  description: 'Removes a user from a project (the last owner cannot be removed).',
  input: z.object({ projectId: ProjectIdSchema, userId: IdSchema }),
  output: z.object({ removed: z.boolean() }),
  scope: 'projects.write',
});

/**
 * The brain: the fleet's only holder of AI keys and of the knowledge graph. Its generation tools
 * arrive with the generation-gateway issue.
 */
export const brainCatalog = defineCatalog(
  'brain',
  'The central MCP service: knowledge graph, embeddings and search, and the generation gateway (the only holder of AI keys).',
  {
    ...commonTools,
    embed_text,
    batch_embed_texts,
    search_by_embedding,
    semantic_search,
    batch_similarity_search,
    create_node,
    update_node,
    get_node,
    delete_node,
    create_relationship,
    get_node_neighbors,
    find_path,
    query_graph,
    store_document,
    bulk_store_documents,
    get_document,
    delete_document,
    store_workflow_data,
    get_workflow_data,
    search_similar_workflows,
    create_project,
    get_project,
    list_projects,
    update_project,
    delete_project,
    add_member,
    remove_member,
    ...generationTools,
  },
);
