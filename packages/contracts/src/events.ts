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
