import { z } from 'zod';
import {
  CharacterRecordSchema,
  LineRecordSchema,
  LocationRecordSchema,
  SceneRecordSchema,
  ShotRecordSchema,
  StoryRecordSchema,
  TimelineSchema,
} from './film.ts';
import { AssetSchema } from './generation.ts';
import { IdSchema, JsonValueSchema, ProjectSchema, RelationTypeSchema } from './graph.ts';

/**
 * The JSON bundle of a whole project, as the export service writes it: every film record with its
 * graph id, the timeline, the relations between characters and the metadata of every asset (the
 * bytes stay in the asset store; ids and sha256 name them). Versioned so a later import can read
 * an older bundle or refuse a newer one.
 */

/** The bundle format this code writes. */
export const PROJECT_BUNDLE_SCHEMA_VERSION = 1;

const id = { id: IdSchema };

export const BundleRelationshipSchema = z.object({
  type: RelationTypeSchema,
  from: IdSchema,
  to: IdSchema,
  properties: z.record(z.string(), JsonValueSchema).default({}),
});
export type BundleRelationship = z.infer<typeof BundleRelationshipSchema>;

export const ProjectBundleSchema = z.object({
  schemaVersion: z.literal(PROJECT_BUNDLE_SCHEMA_VERSION),
  exportedAt: z.iso.datetime(),
  project: ProjectSchema,
  story: StoryRecordSchema.nullable(),
  characters: z.array(CharacterRecordSchema.extend(id)),
  locations: z.array(LocationRecordSchema.extend(id)),
  scenes: z.array(SceneRecordSchema.extend(id)),
  lines: z.array(LineRecordSchema.extend(id)),
  shots: z.array(ShotRecordSchema.extend(id)),
  timeline: TimelineSchema.nullable(),
  /** Typed relations between characters (RELATES_TO with its `kind`); the other relations follow from the records. */
  relationships: z.array(BundleRelationshipSchema),
  assets: z.array(AssetSchema),
});
export type ProjectBundle = z.infer<typeof ProjectBundleSchema>;
