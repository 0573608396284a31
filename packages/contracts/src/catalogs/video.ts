import { z } from 'zod';
import { IdSchema, ProjectIdSchema } from '../graph.ts';
import { defineCatalog, defineTool } from '../tool.ts';
import { commonTools } from './common.ts';

/**
 * video: the timeline (shots in order, each long enough for the dialogue it covers as measured
 * from the voiced audio), the animatic rendered from it through gpu-tasks, clips generated from
 * storyboard frames, and everyday video work on assets (merge, trim, transcode, thumbnail, probe).
 */

const TransitionSchema = z.enum(['cut', 'fade', 'dissolve']);
const VideoFormatSchema = z.enum(['mp4', 'webm']);
const evenSize = (min: number, max: number) => z.number().int().min(min).max(max).multipleOf(2, 'must be even (4:2:0 video)');

export const build_timeline = defineTool({
  name: 'build_timeline',
  description:
    'Builds and saves the timeline: shots in order, each as long as its planned duration or the measured dialogue it covers plus 0.3 s, whichever is longer; lines back to back within their shot; scenes with their start, duration and mood. Default transitions: cut within a scene, fade between scenes.',
  input: z.object({
    projectId: ProjectIdSchema,
    transition: TransitionSchema.optional().describe(
      'One transition for every shot change. Default: cut within a scene, fade between scenes.',
    ),
    fps: z.number().int().min(1).max(60).default(24),
  }),
  output: z.object({
    durationS: z.number().nonnegative(),
    shots: z.number().int().nonnegative(),
    lines: z.number().int().nonnegative(),
    scenes: z.array(z.object({ sceneNumber: z.number().int(), startS: z.number(), durationS: z.number(), mood: z.string() })),
    /** Shots that have no storyboard frame yet (assemble_animatic refuses them). */
    shotsWithoutFrames: z.array(IdSchema),
    /** Lines of scenes that have no shots: they are not on the timeline. */
    unplacedLines: z.array(IdSchema),
    changed: z.boolean().describe('Whether the saved timeline differs from the one before.'),
  }),
  scope: 'video.write',
});

export const assemble_animatic = defineTool({
  name: 'assemble_animatic',
  description:
    "Renders the animatic: the timeline's frames with their camera moves and transitions, the mix (audio.mix) as soundtrack and optionally burnt-in subtitles, in ONE gpu-tasks render_video task. Unchanged timeline, mix and options return the stored video (rebuilt: false).",
  input: z.object({
    projectId: ProjectIdSchema,
    format: VideoFormatSchema.default('mp4'),
    burnSubtitles: z.boolean().default(false),
    width: evenSize(64, 3840).default(1280),
    height: evenSize(64, 2160).default(720),
    fps: z.number().int().min(1).max(60).default(24),
  }),
  output: z.object({
    assetId: IdSchema,
    durationS: z.number().nonnegative(),
    rebuilt: z.boolean(),
    hasAudio: z.boolean(),
    taskId: IdSchema.optional(),
  }),
  scope: 'video.write',
});

export const generate_clip = defineTool({
  name: 'generate_clip',
  description:
    "A video clip for one shot from its storyboard frame (the brain's generate_video: image-to-video, offline a camera move over the frame). Stored as the shot's clipAssetId.",
  input: z.object({
    projectId: ProjectIdSchema,
    shotId: IdSchema,
    durationS: z.number().min(0.5).max(60).optional().describe("Default: the shot's duration on the timeline, else its planned duration."),
    width: evenSize(64, 3840).default(1280),
    height: evenSize(64, 2160).default(720),
  }),
  output: z.object({ shotId: IdSchema, assetId: IdSchema, durationS: z.number().nonnegative(), cached: z.boolean() }),
  scope: 'video.write',
});

const VideoAssetOutSchema = z.object({ assetId: IdSchema, durationS: z.number().nonnegative(), bytes: z.number().int().nonnegative() });

export const merge_clips = defineTool({
  name: 'merge_clips',
  description: "Joins video assets end to end (scaled to the first one's size) into one new asset.",
  input: z.object({
    projectId: ProjectIdSchema,
    assetIds: z.array(IdSchema).min(2).max(200),
    format: VideoFormatSchema.default('mp4'),
  }),
  output: VideoAssetOutSchema,
  scope: 'video.write',
});

export const trim = defineTool({
  name: 'trim',
  description: 'Cuts a video or audio asset to [startS, endS) into a new asset.',
  input: z
    .object({
      projectId: ProjectIdSchema,
      assetId: IdSchema,
      startS: z.number().min(0),
      endS: z.number().positive(),
    })
    .refine((v) => v.endS > v.startS, { path: ['endS'], message: 'must be greater than startS' }),
  output: VideoAssetOutSchema,
  scope: 'video.write',
});

export const transcode = defineTool({
  name: 'transcode',
  description: 'Re-encodes a video asset as MP4 (H.264/AAC) or WebM (VP9/Opus), optionally resized, through gpu-tasks.',
  input: z.object({
    projectId: ProjectIdSchema,
    assetId: IdSchema,
    format: VideoFormatSchema,
    width: evenSize(64, 3840).optional(),
    height: evenSize(64, 2160).optional(),
  }),
  output: VideoAssetOutSchema,
  scope: 'video.write',
});

export const thumbnail = defineTool({
  name: 'thumbnail',
  description: 'A PNG still of a video asset at a time, stored as an image asset.',
  input: z.object({
    projectId: ProjectIdSchema,
    assetId: IdSchema,
    atS: z.number().min(0).default(0),
    width: evenSize(16, 3840).optional().describe("Default: the video's width."),
  }),
  output: z.object({ assetId: IdSchema, width: z.number().int().positive(), height: z.number().int().positive() }),
  scope: 'video.write',
});

export const MediaStreamSchema = z.object({
  type: z.enum(['video', 'audio', 'subtitle', 'other']),
  codec: z.string(),
  width: z.number().int().optional(),
  height: z.number().int().optional(),
  fps: z.number().optional(),
  sampleRate: z.number().optional(),
  channels: z.number().int().optional(),
  durationS: z.number().optional(),
});

export const probe = defineTool({
  name: 'probe',
  description: "What ffprobe says about a media asset: container, duration, size and every stream's codec and geometry.",
  input: z.object({ projectId: ProjectIdSchema, assetId: IdSchema }),
  output: z.object({
    assetId: IdSchema,
    durationS: z.number().nonnegative(),
    formatName: z.string(),
    bytes: z.number().int().nonnegative(),
    streams: z.array(MediaStreamSchema),
  }),
  scope: 'video.read',
  readOnly: true,
});

export const videoCatalog = defineCatalog(
  'video',
  'The timeline from shots and measured dialogue, the animatic, clip generation, and merge, trim, transcode, thumbnails and probe of video assets.',
  {
    ...commonTools,
    build_timeline,
    assemble_animatic,
    generate_clip,
    merge_clips,
    trim,
    transcode,
    thumbnail,
    probe,
  },
);
