import { z } from 'zod';
import { ProgressSchema } from '../events.ts';
import { CameraMovementSchema, VoiceSpecSchema } from '../film.ts';
import { BlockoutElementSchema, CompositionSchema, SeedSchema, TimingSchema } from '../generation.ts';
import { IdSchema, ProjectIdSchema } from '../graph.ts';
import { maxTimelineSeconds, RENDER_VIDEO_LIMITS, subRipProblem, timelineFrameEdges } from '../media-rules.ts';
import { defineCatalog, defineTool } from '../tool.ts';
import { commonTools } from './common.ts';

/**
 * gpu-tasks: durable heavy work on BullMQ. Each kind has a payload and a result schema here, so a
 * caller submits typed work and reads a typed result.
 */

/** A picture side for 4:2:0 video (H.264 and VP9 as rendered here): x264 refuses odd sizes. */
const evenSize = (min: number, max: number) => z.number().int().min(min).max(max).multipleOf(2, 'must be even (4:2:0 video)');

const key = z.string().min(1).max(200).describe("The caller's key for this item (a shot id, a line id…), echoed in the result.");

export const TaskPayloads = {
  /** Storyboard frames through the brain's generate_image. */
  render_frames: {
    payload: z.object({
      frames: z
        .array(
          z.object({
            key,
            prompt: z.string().min(1).max(20_000),
            negativePrompt: z.string().max(2000).optional(),
            composition: CompositionSchema.optional(),
            referenceAssetIds: z.array(IdSchema).max(8).default([]),
            width: z.number().int().min(64).max(4096).default(1280),
            height: z.number().int().min(64).max(4096).default(720),
            seed: SeedSchema.optional(),
          }),
        )
        .min(1)
        .max(500),
    }),
    result: z.object({ frames: z.array(z.object({ key, assetId: IdSchema, cached: z.boolean(), provider: z.string() })) }),
  },
  /** Dialogue lines through the brain's generate_speech. */
  synthesize_lines: {
    payload: z.object({
      lines: z
        .array(z.object({ key, text: z.string().min(1).max(5000), voice: VoiceSpecSchema, seed: SeedSchema.optional() }))
        .min(1)
        .max(2000),
    }),
    result: z.object({
      lines: z.array(
        z.object({ key, assetId: IdSchema, durationS: z.number().nonnegative(), timings: z.array(TimingSchema), cached: z.boolean() }),
      ),
    }),
  },
  /**
   * An animatic or any timeline of stills/clips with audio, rendered by ffmpeg. Every rule the
   * renderer holds a timeline to that can be checked without the files is checked here, so a
   * payload it would refuse is refused at submission (RENDER_VIDEO_LIMITS says how the limits
   * were measured); only what needs the files (a missing or unreadable asset) fails at run time.
   */
  render_video: {
    payload: z
      .object({
        width: evenSize(64, 3840).default(1280),
        height: evenSize(64, 2160).default(720),
        fps: z.number().int().min(1).max(60).default(24),
        format: z.enum(['mp4', 'webm']).default('mp4'),
        clips: z
          .array(
            z.object({
              key,
              /** An image (a still with a camera move) or a video asset. */
              assetId: IdSchema,
              durationS: z.number().min(0.1).max(600).describe("At least one frame at the timeline's fps."),
              movement: CameraMovementSchema.default('static'),
              transition: z.enum(['cut', 'fade', 'dissolve']).default('cut'),
              transitionS: z
                .number()
                .min(0)
                .max(5)
                .default(0.5)
                .describe('Shortened to fit when longer than the clip it leads into (it never changes the length of the film).'),
            }),
          )
          .min(1)
          .max(RENDER_VIDEO_LIMITS.maxClips)
          .describe(
            `In order. The whole timeline lasts at most ${RENDER_VIDEO_LIMITS.maxTotalS} s, and at most width × height × frames = ${RENDER_VIDEO_LIMITS.maxPixelFrames} pixels (2 h at 1280×720 and 24 fps, 5 min 20 s at 3840×2160 and 60 fps).`,
          ),
        audioAssetId: IdSchema.optional().describe('The mixed soundtrack, laid from 0 s.'),
        subtitlesSrt: z
          .string()
          .max(RENDER_VIDEO_LIMITS.maxSubtitlesChars)
          .superRefine((srt, ctx) => {
            const problem = subRipProblem(srt);
            if (problem) ctx.addIssue({ code: 'custom', message: `not burnable SubRip: ${problem}` });
          })
          .optional()
          .describe('SubRip text to burn in: every cue has a "HH:MM:SS,mmm --> HH:MM:SS,mmm" line and ends after it starts.'),
        filename: z
          .string()
          .min(1)
          .max(255)
          .regex(/^[^/\\]+$/, 'a file name, without directories')
          .optional(),
      })
      .superRefine((p, ctx) => {
        const edges = timelineFrameEdges(
          p.clips.map((c) => c.durationS),
          p.fps,
        );
        // Rounding could give a clip shorter than a frame one frame by luck of its position: the rule is a whole frame.
        p.clips.forEach((c, i) => {
          if (c.durationS * p.fps < 1 || edges[i + 1]! - edges[i]! < 1) {
            ctx.addIssue({
              code: 'custom',
              path: ['clips', i, 'durationS'],
              message: `must last at least one frame at ${p.fps} fps (1/${p.fps} s)`,
            });
          }
        });
        const totalS = edges.at(-1)! / p.fps;
        const maxS = maxTimelineSeconds(p.width, p.height, p.fps);
        if (totalS > maxS) {
          ctx.addIssue({
            code: 'custom',
            path: ['clips'],
            message: `the timeline lasts ${Math.round(totalS * 100) / 100} s; at ${p.width}×${p.height} and ${p.fps} fps one render may last at most ${maxS} s`,
          });
        }
      }),
    result: z.object({ assetId: IdSchema, durationS: z.number().nonnegative(), bytes: z.number().int().nonnegative() }),
  },
  /** Re-encode a video asset (one side given: the other keeps the aspect ratio). */
  transcode: {
    payload: z.object({
      assetId: IdSchema,
      format: z.enum(['mp4', 'webm']),
      width: evenSize(64, 3840).optional(),
      height: evenSize(64, 2160).optional(),
    }),
    result: z.object({ assetId: IdSchema, durationS: z.number().nonnegative(), bytes: z.number().int().nonnegative() }),
  },
  /** A 3D blockout through the brain's generate_3d_model. */
  build_3d: {
    payload: z.object({
      description: z.string().min(1).max(5000),
      elements: z.array(BlockoutElementSchema).max(200).default([]),
      seed: SeedSchema.optional(),
    }),
    result: z.object({ assetId: IdSchema, cached: z.boolean() }),
  },
  /** Does nothing but report progress: for health checks and throughput benchmarks. */
  noop: {
    payload: z.object({
      steps: z.number().int().min(0).max(100).default(0),
      stepMs: z.number().int().min(0).max(60_000).default(0).describe('Time each step takes (crash and cancellation drills).'),
    }),
    result: z.object({ steps: z.number().int() }),
  },
} as const;
export type TaskKind = keyof typeof TaskPayloads;
export const TaskKindSchema = z.enum(Object.keys(TaskPayloads) as [TaskKind, ...TaskKind[]]);
export type TaskPayload<K extends TaskKind> = z.input<(typeof TaskPayloads)[K]['payload']>;
export type TaskResult<K extends TaskKind> = z.output<(typeof TaskPayloads)[K]['result']>;

/** Largest payload accepted, serialised. */
export const MAX_TASK_PAYLOAD_BYTES = 1024 * 1024;

export const TaskStateSchema = z.enum(['queued', 'running', 'completed', 'failed', 'cancelled', 'dead']);
export type TaskState = z.infer<typeof TaskStateSchema>;

export const TaskSchema = z.object({
  id: IdSchema,
  projectId: IdSchema,
  kind: TaskKindSchema,
  state: TaskStateSchema,
  progress: ProgressSchema.optional(),
  priority: z.number().int(),
  attempts: z.number().int().nonnegative(),
  maxAttempts: z.number().int().positive(),
  idempotencyKey: z.string().optional(),
  result: z.record(z.string(), z.unknown()).optional(),
  error: z.object({ code: z.string(), message: z.string(), retryable: z.boolean() }).optional(),
  createdAt: z.iso.datetime(),
  startedAt: z.iso.datetime().optional(),
  finishedAt: z.iso.datetime().optional(),
});
export type Task = z.infer<typeof TaskSchema>;

export const submit_task = defineTool({
  name: 'submit_task',
  description:
    'Queues durable work. The same idempotency key returns the existing task instead of running the work twice. Progress: MCP notifications while `waitMs` lasts, and task.* events.',
  input: z.object({
    projectId: ProjectIdSchema,
    kind: TaskKindSchema,
    payload: z.record(z.string(), z.unknown()).describe("Validated against the kind's payload schema."),
    priority: z.number().int().min(1).max(10).default(5).describe('1 = most urgent.'),
    idempotencyKey: z.string().min(1).max(200).optional(),
    maxAttempts: z.number().int().min(1).max(20).optional().describe("Default: the kind's."),
    waitMs: z.number().int().min(0).max(600_000).default(0).describe('Wait this long for the task to finish before answering.'),
  }),
  output: z.object({ task: TaskSchema, deduplicated: z.boolean() }),
  scope: 'tasks.write',
});

export const get_task = defineTool({
  name: 'get_task',
  description: 'A task: state, progress, result or error. `waitMs` long-polls until it finishes (with progress notifications).',
  input: z.object({ taskId: IdSchema, waitMs: z.number().int().min(0).max(600_000).default(0) }),
  output: z.object({ task: TaskSchema }),
  scope: 'tasks.read',
  readOnly: true,
});

export const cancel_task = defineTool({
  name: 'cancel_task',
  description: 'Cancels a queued or running task (a running one stops at its next checkpoint).',
  input: z.object({ taskId: IdSchema }),
  output: z.object({ task: TaskSchema }),
  scope: 'tasks.write',
});

export const list_tasks = defineTool({
  name: 'list_tasks',
  description: 'Tasks of a project, newest first, optionally by state and kind.',
  input: z.object({
    projectId: ProjectIdSchema,
    state: TaskStateSchema.optional(),
    kind: TaskKindSchema.optional(),
    limit: z.number().int().min(1).max(500).default(50),
  }),
  output: z.object({ tasks: z.array(TaskSchema) }),
  scope: 'tasks.read',
  readOnly: true,
});

export const queue_stats = defineTool({
  name: 'queue_stats',
  description: 'Per kind: waiting, running, delayed, completed, failed and dead-lettered counts, and workers.',
  input: z.object({}),
  output: z.object({
    kinds: z.array(
      z.object({
        kind: TaskKindSchema,
        waiting: z.number().int().nonnegative(),
        active: z.number().int().nonnegative(),
        delayed: z.number().int().nonnegative(),
        completed: z.number().int().nonnegative(),
        failed: z.number().int().nonnegative(),
        deadLettered: z.number().int().nonnegative(),
        concurrency: z.number().int().nonnegative(),
      }),
    ),
  }),
  readOnly: true,
});

export const list_dead_letters = defineTool({
  name: 'list_dead_letters',
  description: 'Tasks that failed after their retries (or unrecoverably), with their errors.',
  input: z.object({ kind: TaskKindSchema.optional(), limit: z.number().int().min(1).max(500).default(50) }),
  output: z.object({ tasks: z.array(TaskSchema) }),
  scope: 'tasks.admin',
  readOnly: true,
});

export const replay_dead_letter = defineTool({
  name: 'replay_dead_letter',
  description: 'Queues a dead-lettered task again with fresh attempts (same id, same payload).',
  input: z.object({ taskId: IdSchema }),
  output: z.object({ task: TaskSchema }),
  scope: 'tasks.admin',
});

export const gpuTasksCatalog = defineCatalog('gpu-tasks', 'Durable heavy work (frames, speech, video renders, transcodes, 3D) on BullMQ.', {
  ...commonTools,
  submit_task,
  get_task,
  cancel_task,
  list_tasks,
  queue_stats,
  list_dead_letters,
  replay_dead_letter,
});
