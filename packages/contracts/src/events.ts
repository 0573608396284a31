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
  /** A new Asset (a content already stored in the project is not created again, and emits nothing). */
  'asset.created': z.object({
    id,
    kind: z.string(),
    mime: z.string(),
    bytes: z.number().int().nonnegative(),
    sha256: z.string(),
    provider: z.string(),
  }),
  /** A generation call answered (fresh or from the cache); its PromptExecution node is `executionId`. */
  'generation.completed': z.object({
    executionId: id,
    kind: z.string(),
    tool: z.string(),
    provider: z.string(),
    model: z.string(),
    cached: z.boolean(),
    costUsd: z.number().nonnegative(),
    latencyMs: z.number().nonnegative(),
    assetId: id.optional(),
    template: z.string().optional(),
  }),
  /** A generation call that failed (every provider failed, budget refused, invalid output…); `costUsd` is what it still spent. */
  'generation.failed': z.object({
    executionId: id,
    kind: z.string(),
    tool: z.string(),
    code: z.string(),
    costUsd: z.number().nonnegative(),
  }),
} as const;
export type BrainEventType = keyof typeof BrainEventData;

const taskRef = { taskId: id, kind: z.string().min(1) };
const taskError = z.object({ code: z.string(), message: z.string(), retryable: z.boolean() });

/** `data` of each `task.*` event gpu-tasks emits (version 1); `projectId` is on the envelope. */
export const TaskEventData = {
  'task.queued': z.object({ ...taskRef, priority: z.number().int(), replay: z.boolean() }),
  'task.started': z.object({ ...taskRef, attempt: z.number().int().positive() }),
  'task.progress': z.object({ ...taskRef, progress: ProgressSchema }),
  'task.completed': z.object({ ...taskRef, attempts: z.number().int().positive(), durationMs: z.number().nonnegative() }),
  /** An attempt failed; `willRetry` says whether another follows (after a backoff). */
  'task.failed': z.object({ ...taskRef, attempt: z.number().int().positive(), willRetry: z.boolean(), error: taskError }),
  'task.dead_lettered': z.object({ ...taskRef, attempts: z.number().int().nonnegative(), error: taskError }),
  'task.cancelled': z.object({ ...taskRef, wasRunning: z.boolean() }),
} as const;
export type TaskEventType = keyof typeof TaskEventData;

const runRef = { runId: id, projectId: id };
const runError = z.object({ code: z.string(), message: z.string(), step: z.string().optional() });

/** `data` of each event the orchestrator emits about a production run (version 1). */
export const RunEventData = {
  'run.queued': z.object({ ...runRef, idea: z.string(), autopilot: z.boolean(), steps: z.array(z.string()) }),
  'run.started': z.object({ ...runRef, resumedFromCheckpoint: z.boolean() }),
  'run.progress': z.object({
    ...runRef,
    step: z.string(),
    stepProgress: z.number().min(0).max(1),
    progress: z.number().min(0).max(1).describe('Of the whole run.'),
    message: z.string().optional(),
  }),
  'run.step_completed': z.object({ ...runRef, step: z.string(), reused: z.boolean(), attempts: z.number().int(), durationMs: z.number() }),
  'run.waiting_for_choice': z.object({ ...runRef, step: z.string(), options: z.number().int() }),
  'run.resumed': z.object({ ...runRef, step: z.string(), optionIndex: z.number().int(), autopilot: z.boolean() }),
  'run.completed': z.object({ ...runRef, durationMs: z.number() }),
  'run.failed': z.object({ ...runRef, error: runError }),
  'run.cancelled': z.object({ ...runRef, step: z.string().optional() }),
} as const;
export type RunEventType = keyof typeof RunEventData;
