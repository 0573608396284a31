import { stat, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { CameraMovementSchema, RENDER_VIDEO_LIMITS, subRipProblem, timelineFrameEdges } from '@automovie/contracts';
import { z } from 'zod';
import { type H264Preset, h264Options, stillMoveChain } from './camera.ts';
import { invalidMediaInput, parseMediaInput } from './errors.ts';
import { probeMedia } from './probe.ts';
import { runFfmpeg } from './run-ffmpeg.ts';
import { FRAME_BELOW_PANEL_SHARE } from './storyboard/frame.ts';
import { formatSrt, parseSrt } from './subtitles.ts';
import { withTempDir } from './temp.ts';
import { ensureSubtitlesFilter } from './tools.ts';

const ClipSchema = z.object({
  path: z.string().min(1),
  kind: z.enum(['image', 'video']),
  durationS: z.number().positive().max(600),
  movement: CameraMovementSchema,
  transition: z.enum(['cut', 'fade', 'dissolve']),
  transitionS: z.number().min(0).max(10),
});

export const TimelineSpecSchema = z.object({
  width: z.number().int().min(16).max(7680).multipleOf(2, 'must be even (4:2:0 video)'),
  height: z.number().int().min(16).max(4320).multipleOf(2, 'must be even (4:2:0 video)'),
  fps: z.number().int().min(1).max(120),
  format: z.enum(['mp4', 'webm']),
  clips: z.array(ClipSchema).min(1).max(500),
  audioPath: z.string().min(1).optional(),
  subtitlesSrt: z.string().max(RENDER_VIDEO_LIMITS.maxSubtitlesChars).optional(),
  outPath: z.string().min(1),
});
/** A timeline: clips in order (each with its transition *into* it), an optional audio bed and burnt-in subtitles. */
export type TimelineSpec = z.infer<typeof TimelineSpecSchema>;

/** libass style for burnt-in subtitles (sizes are relative to a 288-line script, so they scale with the video). */
const SUBTITLE_STYLE = [
  'FontName=DejaVu Sans',
  'FontSize=22',
  'PrimaryColour=&H00FFFFFF',
  'OutlineColour=&H00000000',
  'BackColour=&H99000000',
  'BorderStyle=1',
  'Outline=1.6',
  'Shadow=0.8',
  'Bold=0',
  'Alignment=2',
  // Above the storyboard frame's caption strip (the animatic's stills), with a little air.
  `MarginV=${Math.ceil(FRAME_BELOW_PANEL_SHARE * 288) + 6}`,
].join(',');

/** Encoder settings for the two delivery formats. */
export function videoEncoderOptions(format: 'mp4' | 'webm', hasAudio: boolean, preset: H264Preset = 'veryfast'): string[] {
  if (format === 'mp4') return [...h264Options(preset), ...(hasAudio ? ['-c:a', 'aac', '-b:a', '160k', '-ar', '48000'] : [])];
  return [
    '-c:v',
    'libvpx-vp9',
    '-deadline',
    'realtime',
    '-cpu-used',
    '8',
    '-row-mt',
    '1',
    '-crf',
    '34',
    '-b:v',
    '0',
    '-pix_fmt',
    'yuv420p',
    '-threads',
    String(availableParallelism()),
    ...(hasAudio ? ['-c:a', 'libopus', '-b:a', '96k', '-ar', '48000'] : []),
  ];
}

interface PlannedClip {
  /** Frames this clip occupies on the timeline. */
  frames: number;
  /** Frames rendered: its own plus the overlap into the next clip's transition. */
  renderFrames: number;
  /** First frame on the timeline. */
  startFrame: number;
  /** Frames of the transition into this clip (0 for a cut). */
  inFrames: number;
}

/**
 * Frame plan. Transitions never shorten the film: the transition into clip i starts at clip i's
 * own start and clip i-1 is rendered that much longer (its still or video held under the blend),
 * so the output is exactly the sum of the clip durations. Frame counts come from rounding the
 * cumulative times, so rounding errors do not add up.
 */
export function planTimeline(clips: Array<{ durationS: number; transition: string; transitionS: number }>, fps: number): PlannedClip[] {
  const edges = timelineFrameEdges(
    clips.map((c) => c.durationS),
    fps,
  );
  const plan = clips.map((_, i) => {
    const frames = edges[i + 1]! - edges[i]!;
    if (frames < 1) throw invalidMediaInput(`clips[${i}].durationS`, `must last at least one frame (1/${fps} s)`);
    return { frames, renderFrames: frames, startFrame: edges[i]!, inFrames: 0 };
  });
  clips.forEach((c, i) => {
    if (c.transition === 'cut' || c.transitionS <= 0) return;
    // A blend cannot outlast the clip it blends into.
    const want = Math.round(c.transitionS * fps);
    const inFrames = Math.min(want, plan[i]!.frames - (i === clips.length - 1 ? 0 : 1));
    if (inFrames < 1) return;
    plan[i]!.inFrames = inFrames;
    if (i > 0) plan[i - 1]!.renderFrames += inFrames;
  });
  return plan;
}

/** A plain path for a filter argument: the temp dir is ours, but refuse anything that needs filtergraph escaping. */
function filterPath(path: string): string {
  if (!/^[\w/.-]+$/.test(path)) throw invalidMediaInput('subtitlesSrt', `temp path ${path} cannot be passed to the subtitles filter`);
  return path;
}

/**
 * Renders an animatic: stills with camera moves and video clips, cut/fade (through black)/
 * dissolve transitions, the audio laid from 0 and padded or trimmed to the picture, subtitles
 * burnt in with libass, H.264+AAC MP4 or VP9+Opus WebM. One ffmpeg run; progress from its
 * `time=` stamps; the signal kills it.
 */
export async function renderTimeline(
  input: TimelineSpec,
  opts: {
    onProgress?: (fraction: number) => void;
    signal?: AbortSignal;
    /** x264 preset for MP4 output (default `ultrafast`: the animatic is a draft and CPU is the budget). */
    preset?: H264Preset;
  } = {},
): Promise<{ durationS: number; bytes: number }> {
  const spec = parseMediaInput(TimelineSpecSchema, input, 'timeline');
  const { width: w, height: h, fps } = spec;
  for (const [i, c] of spec.clips.entries())
    await stat(c.path).catch(() => {
      throw invalidMediaInput(`clips[${i}].path`, `no such file: ${c.path}`);
    });
  if (spec.audioPath)
    await stat(spec.audioPath).catch(() => {
      throw invalidMediaInput('audioPath', `no such file: ${spec.audioPath}`);
    });
  const srtProblem = spec.subtitlesSrt ? subRipProblem(spec.subtitlesSrt) : undefined;
  if (srtProblem) throw invalidMediaInput('subtitlesSrt', srtProblem);
  const cues = spec.subtitlesSrt ? parseSrt(spec.subtitlesSrt) : [];
  if (cues.length > 0) await ensureSubtitlesFilter();

  const plan = planTimeline(spec.clips, fps);
  const totalFrames = plan.at(-1)!.startFrame + plan.at(-1)!.frames;
  const durationS = totalFrames / fps;

  return withTempDir(async (dir) => {
    const inputs: Array<{ source: string; options?: string[] }> = [];
    const chains: string[] = [];
    spec.clips.forEach((clip, i) => {
      const p = plan[i]!;
      if (clip.kind === 'image') {
        inputs.push({ source: clip.path, options: ['-framerate', String(fps)] });
        chains.push(`[${i}:v]${stillMoveChain(clip.movement, { width: w, height: h, fps, frames: p.renderFrames })}[c${i}]`);
      } else {
        // A video clip plays from its start at the timeline's rate, its last frame held if it is short.
        const len = (p.renderFrames / fps).toFixed(5);
        inputs.push({ source: clip.path });
        chains.push(
          `[${i}:v]fps=${fps},scale=${w}:${h}:force_original_aspect_ratio=increase,crop=${w}:${h},setsar=1,format=yuv420p,` +
            `tpad=stop_mode=clone:stop_duration=${len},trim=end_frame=${p.renderFrames},settb=1/${fps},setpts=N[c${i}]`,
        );
      }
    });
    // Transitions, left to right. xfade's offset is on the accumulated stream: clip i's start.
    let cur = 'c0';
    if (plan[0]!.inFrames > 0) {
      chains.push(`[c0]fade=t=in:s=0:n=${plan[0]!.inFrames}[f0]`);
      cur = 'f0';
    }
    for (let i = 1; i < spec.clips.length; i++) {
      const p = plan[i]!;
      const next = `x${i}`;
      if (p.inFrames === 0) chains.push(`[${cur}][c${i}]concat=n=2:v=1:a=0,settb=1/${fps}[${next}]`);
      else {
        const kind = spec.clips[i]!.transition === 'fade' ? 'fadeblack' : 'fade';
        chains.push(
          `[${cur}][c${i}]xfade=transition=${kind}:duration=${(p.inFrames / fps).toFixed(5)}:offset=${(p.startFrame / fps).toFixed(5)}[${next}]`,
        );
      }
      cur = next;
    }
    if (cues.length > 0) {
      const srt = join(dir, 'subtitles.srt');
      await writeFile(srt, formatSrt(cues), 'utf8');
      chains.push(`[${cur}]subtitles=filename=${filterPath(srt)}:force_style='${SUBTITLE_STYLE}'[vs]`);
      cur = 'vs';
    }
    const maps = ['-map', `[${cur}]`];
    if (spec.audioPath) {
      inputs.push({ source: spec.audioPath });
      chains.push(
        `[${inputs.length - 1}:a]aresample=48000,aformat=channel_layouts=stereo,apad,atrim=duration=${durationS.toFixed(5)}[aout]`,
      );
      maps.push('-map', '[aout]');
    }
    await runFfmpeg({
      inputs,
      filterGraph: chains.join(';'),
      outputOptions: [
        ...maps,
        ...videoEncoderOptions(spec.format, Boolean(spec.audioPath), opts.preset ?? 'ultrafast'),
        '-r',
        String(fps),
        '-frames:v',
        String(totalFrames),
        '-f',
        spec.format,
      ],
      output: spec.outPath,
      durationS,
      onProgress: opts.onProgress,
      signal: opts.signal,
    });
    const probe = await probeMedia(spec.outPath);
    return { durationS: probe.durationS, bytes: probe.bytes };
  });
}
