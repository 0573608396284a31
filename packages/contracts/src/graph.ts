import { z } from 'zod';
import { ProjectRoleSchema } from './auth.ts';

/** Ids of projects, nodes, documents and users: short, URL-safe, no spaces. */
export const IdSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]*$/, 'ids are letters, digits, and _ . : - (max 128), starting with a letter or digit');
export const ProjectIdSchema = IdSchema.describe('The project everything belongs to.');

/** The node labels of the knowledge graph (ARCHITECTURE.md §4). Unknown labels are refused. */
export const NodeLabelSchema = z.enum([
  'Project',
  'User',
  'Story',
  'Beat',
  'Character',
  'Location',
  'Scene',
  'Line',
  'Shot',
  'Asset',
  'Document',
  'Workflow',
  'PromptTemplate',
  'PromptExecution',
]);
export type NodeLabel = z.infer<typeof NodeLabelSchema>;

/** Labels callers may create with create_node (the others have their own tools). */
export const CreatableLabelSchema = NodeLabelSchema.exclude(['Project', 'User', 'Document', 'Workflow']);

/** Relation types are SCREAMING_SNAKE_CASE: HAS_SCENE, FEATURES, RELATES_TO… */
export const RelationTypeSchema = z
  .string()
  .regex(/^[A-Z][A-Z0-9_]{0,63}$/, 'relation types are SCREAMING_SNAKE_CASE (max 64), e.g. HAS_SCENE');

export const PropertyKeySchema = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'property names are identifiers (letters, digits, _; max 64)');

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export const JsonValueSchema: z.ZodType<Json> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(JsonValueSchema), z.record(z.string(), JsonValueSchema)]),
);

/** Largest serialised properties object of one node or relationship. */
export const MAX_PROPERTIES_BYTES = 256 * 1024;

/** A node's or relationship's properties: JSON values under identifier keys, at most 256 KiB serialised. */
export const PropertiesSchema = z.record(PropertyKeySchema, JsonValueSchema).superRefine((props, ctx) => {
  const size = new TextEncoder().encode(JSON.stringify(props)).length;
  if (size > MAX_PROPERTIES_BYTES) {
    ctx.addIssue({ code: 'custom', message: `properties are ${size} bytes serialised; the limit is ${MAX_PROPERTIES_BYTES}` });
  }
});
export type Properties = z.infer<typeof PropertiesSchema>;

export const NodeSchema = z.object({
  id: IdSchema,
  projectId: IdSchema,
  label: NodeLabelSchema,
  properties: z.record(z.string(), JsonValueSchema),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type GraphNode = z.infer<typeof NodeSchema>;

export const RelationshipSchema = z.object({
  id: IdSchema,
  projectId: IdSchema,
  type: RelationTypeSchema,
  from: IdSchema,
  to: IdSchema,
  properties: z.record(z.string(), JsonValueSchema),
  createdAt: z.iso.datetime(),
});
export type GraphRelationship = z.infer<typeof RelationshipSchema>;

export const DirectionSchema = z.enum(['out', 'in', 'both']);

/** One condition on a property, for query_graph. */
export const PropertyFilterSchema = z.object({
  property: PropertyKeySchema,
  op: z.enum(['eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'in', 'contains', 'startsWith', 'exists']),
  value: JsonValueSchema.optional(),
});
export type PropertyFilter = z.infer<typeof PropertyFilterSchema>;

/** Largest text embedded in one piece. */
export const MAX_EMBED_TEXT_CHARS = 32_000;
/** Most vectors/texts/documents in one batch call. */
export const MAX_BATCH = 1000;
/** Largest document content. */
export const MAX_DOCUMENT_CHARS = 1_000_000;

/** A finite vector: NaN and ±Infinity are refused by zod numbers. */
export const VectorSchema = z.array(z.number()).min(1).max(4096);

export const SearchModeSchema = z.enum(['hybrid', 'vector', 'keyword']);

export const SearchHitSchema = z.object({
  id: IdSchema,
  label: NodeLabelSchema,
  score: z.number().describe('Fused score (hybrid: reciprocal rank fusion; vector: cosine similarity; keyword: BM25-based).'),
  vectorScore: z.number().optional().describe('Cosine similarity, when the hit came from the vector index.'),
  keywordRank: z.number().int().optional().describe('Rank in the keyword results, when it came from full-text search.'),
  snippet: z.string().describe('The start of the indexed text.'),
  properties: z.record(z.string(), JsonValueSchema),
});
export type SearchHit = z.infer<typeof SearchHitSchema>;

export const ProjectSchema = z.object({
  id: IdSchema,
  name: z.string().min(1).max(200),
  logline: z.string().max(1000).optional(),
  genre: z.string().max(100).optional(),
  status: z.enum(['draft', 'in_production', 'completed', 'archived']),
  styleGuide: z.string().max(10_000).optional(),
  budgetUsd: z.number().nonnegative().optional(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type Project = z.infer<typeof ProjectSchema>;

export const MembershipSchema = z.object({
  projectId: IdSchema,
  userId: IdSchema,
  role: ProjectRoleSchema,
  addedAt: z.iso.datetime(),
});
export type Membership = z.infer<typeof MembershipSchema>;
