import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { z } from 'zod';
import { invalidMediaInput, MediaError, parseMediaInput } from './errors.ts';
import { type MediaProbe, probeMedia } from './probe.ts';
import { runFfmpeg } from './run-ffmpeg.ts';
import { videoEncoderOptions } from './timeline.ts';

async function mustExist(path: string, field: string): Promise<void> {
  await stat(path).catch(() => {
    throw invalidMediaInput(field, `no such file: ${path}`);
  });
}

const has = (p: MediaProbe, type: 'video' | 'audio') => p.streams.some((s) => s.type === type);

/** Encoders for an output path, by its extension (re-encoding keeps cuts frame-accurate). */
function encodersFor(path: string, video: boolean, audio: boolean): string[] {
  const ext = extname(path).toLowerCase();
  if (ext === '.webm') return videoEncoderOptions('webm', audio);
  if (ext === '.mp4' || ext === '.mov' || ext === '.m4v' || ext === '.mkv')
    return video ? videoEncoderOptions('mp4', audio) : ['-c:a', 'aac', '-b:a', '160k'];
  if (ext === '.wav') return ['-c:a', 'pcm_s16le'];
  if (ext === '.mp3') return ['-c:a', 'libmp3lame', '-q:a', '3'];
  if (ext === '.m4a' || ext === '.aac') return ['-c:a', 'aac', '-b:a', '160k'];
  if (ext === '.ogg' || ext === '.opus') return ['-c:a', 'libopus', '-b:a', '96k'];
  throw invalidMediaInput('output', `unsupported extension "${ext}" (use .mp4, .webm, .mov, .mkv, .wav, .mp3, .m4a, .ogg or .opus)`);
}

const TranscodeSchema = z.object({
  input: z.string().min(1),
  output: z.string().min(1),
  format: z.enum(['mp4', 'webm']),
  width: z.number().int().min(16).max(7680).optional(),
  height: z.number().int().min(16).max(4320).optional(),
});

/** Re-encodes to MP4 (H.264/AAC) or WebM (VP9/Opus), optionally scaled (one side given: the other keeps the aspect). */
export async function transcode(
  input: { input: string; output: string; format: 'mp4' | 'webm'; width?: number; height?: number },
  opts: { signal?: AbortSignal; onProgress?: (fraction: number) => void } = {},
): Promise<{ durationS: number; bytes: number }> {
  const spec = parseMediaInput(TranscodeSchema, input, 'transcode');
  await mustExist(spec.input, 'input');
  const src = await probeMedia(spec.input);
  const video = has(src, 'video');
  const audio = has(src, 'audio');
  const srcVideo = src.streams.find((s) => s.type === 'video');
  // x264 refuses odd sizes in 4:2:0 ("width not divisible by 2"): an odd source loses its last row or column.
  const oddSource = spec.format === 'mp4' && ((srcVideo?.width ?? 0) % 2 === 1 || (srcVideo?.height ?? 0) % 2 === 1);
  const scale =
    video && (spec.width || spec.height)
      ? ['-vf', `scale=${spec.width ? 2 * Math.round(spec.width / 2) : -2}:${spec.height ? 2 * Math.round(spec.height / 2) : -2},setsar=1`]
      : video && oddSource
        ? ['-vf', 'crop=trunc(iw/2)*2:trunc(ih/2)*2']
        : [];
  const enc = video
    ? videoEncoderOptions(spec.format, audio)
    : spec.format === 'webm'
      ? ['-c:a', 'libopus', '-b:a', '96k']
      : ['-c:a', 'aac', '-b:a', '160k'];
  await runFfmpeg({
    inputs: [{ source: spec.input }],
    outputOptions: ['-map', '0:v:0?', '-map', '0:a:0?', ...scale, ...enc, '-f', spec.format],
    output: spec.output,
    durationS: src.durationS,
    onProgress: opts.onProgress,
    signal: opts.signal,
  });
  const out = await probeMedia(spec.output);
  return { durationS: out.durationS, bytes: out.bytes };
}

const ThumbnailSchema = z.object({
  input: z.string().min(1),
  output: z.string().min(1),
  atS: z.number().min(0),
  width: z.number().int().min(8).max(7680).optional(),
});

/** A PNG of the frame at `atS` (scaled to `width`, aspect kept). */
export async function thumbnail(input: { input: string; output: string; atS: number; width?: number }): Promise<void> {
  const spec = parseMediaInput(ThumbnailSchema, input, 'thumbnail');
  await mustExist(spec.input, 'input');
  const src = await probeMedia(spec.input);
  if (!has(src, 'video')) throw invalidMediaInput('input', 'has no video stream');
  if (src.durationS > 0 && spec.atS >= src.durationS) throw invalidMediaInput('atS', `must be before the end (${src.durationS} s)`);
  await runFfmpeg({
    inputs: [{ source: spec.input, options: ['-ss', spec.atS.toFixed(3)] }],
    outputOptions: [
      '-map',
      '0:v:0',
      '-frames:v',
      '1',
      ...(spec.width ? ['-vf', `scale=${spec.width}:-2`] : []),
      '-c:v',
      'png',
      '-f',
      'image2',
      '-update',
      '1',
    ],
    output: spec.output,
  });
  await stat(spec.output).catch(() => {
    throw new MediaError('MEDIA_FFMPEG_FAILED', `ffmpeg wrote no frame at ${spec.atS} s of ${spec.input}`);
  });
}

const TrimSchema = z
  .object({ input: z.string().min(1), output: z.string().min(1), startS: z.number().min(0), endS: z.number().positive() })
  .refine((s) => s.endS > s.startS, { path: ['endS'], message: 'must be greater than startS' });

/** Cuts [startS, endS) out of a file, re-encoded (frame-accurate) in the format of the output's extension. */
export async function trimMedia(input: { input: string; output: string; startS: number; endS: number }): Promise<{ durationS: number }> {
  const spec = parseMediaInput(TrimSchema, input, 'trim');
  await mustExist(spec.input, 'input');
  const src = await probeMedia(spec.input);
  if (spec.startS >= src.durationS) throw invalidMediaInput('startS', `must be before the end (${src.durationS} s)`);
  await runFfmpeg({
    inputs: [{ source: spec.input, options: ['-ss', spec.startS.toFixed(3)] }],
    outputOptions: [
      '-t',
      (spec.endS - spec.startS).toFixed(3),
      '-map',
      '0:v:0?',
      '-map',
      '0:a:0?',
      ...encodersFor(spec.output, has(src, 'video'), has(src, 'audio')),
    ],
    output: spec.output,
  });
  return { durationS: (await probeMedia(spec.output)).durationS };
}

const ConcatSchema = z.object({ inputs: z.array(z.string().min(1)).min(1).max(500), output: z.string().min(1) });

/**
 * Joins files end to end, re-encoded in the format of the output's extension. Video takes the
 * first input's size and rate (others letterboxed); inputs without sound get silence.
 */
export async function concatMedia(input: { inputs: string[]; output: string }): Promise<{ durationS: number }> {
  const spec = parseMediaInput(ConcatSchema, input, 'concat');
  for (const [i, p] of spec.inputs.entries()) await mustExist(p, `inputs[${i}]`);
  const probes = await Promise.all(spec.inputs.map((p) => probeMedia(p)));
  const video = probes.every((p) => has(p, 'video'));
  const audio = probes.some((p) => has(p, 'audio'));
  if (!video && !audio) throw invalidMediaInput('inputs', 'need video in every input, or sound in some');
  const first = probes[0]!.streams.find((s) => s.type === 'video');
  const w = 2 * Math.round((first?.width ?? 2) / 2);
  const h = 2 * Math.round((first?.height ?? 2) / 2);
  const fps = first?.fps && first.fps <= 120 ? first.fps : 24;
  const graph: string[] = [];
  const parts: string[] = [];
  probes.forEach((p, i) => {
    if (video) {
      graph.push(
        `[${i}:v:0]scale=${w}:${h}:force_original_aspect_ratio=decrease,pad=${w}:${h}:(ow-iw)/2:(oh-ih)/2,setsar=1,fps=${fps},format=yuv420p[v${i}]`,
      );
      parts.push(`[v${i}]`);
    }
    if (audio) {
      if (has(p, 'audio')) graph.push(`[${i}:a:0]aresample=48000,aformat=sample_fmts=fltp:channel_layouts=stereo[a${i}]`);
      else graph.push(`anullsrc=r=48000:cl=stereo,atrim=duration=${p.durationS.toFixed(5)}[a${i}]`);
      parts.push(`[a${i}]`);
    }
  });
  graph.push(`${parts.join('')}concat=n=${probes.length}:v=${video ? 1 : 0}:a=${audio ? 1 : 0}${video ? '[v]' : ''}${audio ? '[a]' : ''}`);
  await runFfmpeg({
    inputs: spec.inputs.map((source) => ({ source })),
    filterGraph: graph.join(';'),
    outputOptions: [...(video ? ['-map', '[v]'] : []), ...(audio ? ['-map', '[a]'] : []), ...encodersFor(spec.output, video, audio)],
    output: spec.output,
    durationS: probes.reduce((a, p) => a + p.durationS, 0),
  });
  return { durationS: (await probeMedia(spec.output)).durationS };
}
