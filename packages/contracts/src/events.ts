import { z } from 'zod';

/** Event types are `noun.verb` in lowercase: `project.updated`, `run.progress`, `task.completed`. */
export const EventTypeSchema = z.string().regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/, 'event types are dotted lowercase: noun.verb');

/**
 * The envelope every domain event travels in, on Redis Streams and webhooks alike.
 * `data` is typed per event type by the schemas that later issues register.
 */
export const EventEnvelopeSchema = z.object({
  id: z.string().min(1),
  type: EventTypeSchema,
  /** Schema version of `data` for this type. */
  version: z.number().int().positive(),
  occurredAt: z.iso.datetime(),
  /** The emitting service. */
  source: z.string().min(1),
  projectId: z.string().optional(),
  runId: z.string().optional(),
  /** Who caused it: principal subject, for audit. */
  actor: z.string().optional(),
  data: z.record(z.string(), z.unknown()),
});
export type EventEnvelope = z.infer<typeof EventEnvelopeSchema>;

/** Progress of long work, as carried in MCP progress notifications and `*.progress` events. */
export const ProgressSchema = z.object({
  progress: z.number().min(0),
  total: z.number().positive().optional(),
  message: z.string().max(500).optional(),
});
export type Progress = z.infer<typeof ProgressSchema>;

/** The Redis Stream every domain event is appended to; consumers read it with consumer groups. */
export const EVENTS_STREAM = 'automovie:events';

const id = z.string().min(1);

/** `data` of each domain event type the brain emits (version 1). */
export const BrainEventData = {
  'project.created': z.object({ name: z.string() }),
  'project.updated': z.object({ fields: z.array(z.string()) }),
  'project.deleted': z.object({ nodesDeleted: z.number().int() }),
  'member.added': z.object({ userId: id, role: z.string() }),
  'member.removed': z.object({ userId: id }),
  'node.created': z.object({ id, label: z.string() }),
  'node.updated': z.object({ id, label: z.string(), fields: z.array(z.string()) }),
  'node.deleted': z.object({ id, label: z.string(), relationshipsDeleted: z.number().int() }),
  'relationship.created': z.object({ id, type: z.string(), from: id, to: id }),
  'document.stored': z.object({ ids: z.array(id), created: z.number().int(), replaced: z.number().int() }),
  'document.deleted': z.object({ id }),
  'workflow.stored': z.object({ id, kind: z.string(), status: z.string() }),
} as const;
export type BrainEventType = keyof typeof BrainEventData;
