import { stat } from 'node:fs/promises';
import ffmpeg from 'fluent-ffmpeg';
import { MediaError } from './errors.ts';
import { ensureTool } from './tools.ts';

/** One stream of a media file, as ffprobe sees it. */
export interface MediaStreamInfo {
  type: 'video' | 'audio' | 'subtitle' | 'other';
  codec: string;
  width?: number;
  height?: number;
  fps?: number;
  sampleRate?: number;
  channels?: number;
  durationS?: number;
}

/** What ffprobe says about a file. */
export interface MediaProbe {
  durationS: number;
  formatName: string;
  bytes: number;
  streams: MediaStreamInfo[];
}

function rate(r: string | undefined): number | undefined {
  if (!r) return undefined;
  const [num, den] = r.split('/').map(Number);
  if (!num || !den || !Number.isFinite(num / den)) return undefined;
  return Math.round((num / den) * 1000) / 1000;
}

function num(x: unknown): number | undefined {
  const n = typeof x === 'number' ? x : typeof x === 'string' ? Number(x) : Number.NaN;
  return Number.isFinite(n) ? n : undefined;
}

/** Probes a file with ffprobe (through fluent-ffmpeg's `ffprobe`). */
export async function probeMedia(path: string): Promise<MediaProbe> {
  await ensureTool('ffprobe');
  const data = await new Promise<ffmpeg.FfprobeData>((resolve, reject) => {
    ffmpeg.ffprobe(path, (err: Error | null, out: ffmpeg.FfprobeData) => {
      if (err) {
        const lines = String(err.message)
          .split('\n')
          .filter((l) => l.trim() !== '');
        reject(
          new MediaError('MEDIA_FFMPEG_FAILED', `ffprobe failed on ${path}: ${lines.at(-1) ?? 'unknown error'}`, {
            data: { stderr: lines.slice(-20).join('\n') },
            cause: err,
          }),
        );
      } else resolve(out);
    });
  });
  const streams: MediaStreamInfo[] = data.streams.map((s) => {
    const type = s.codec_type === 'video' || s.codec_type === 'audio' || s.codec_type === 'subtitle' ? s.codec_type : 'other';
    const out: MediaStreamInfo = { type, codec: s.codec_name ?? 'unknown' };
    if (type === 'video') {
      if (s.width) out.width = s.width;
      if (s.height) out.height = s.height;
      const fps = rate(s.avg_frame_rate) ?? rate(s.r_frame_rate);
      if (fps) out.fps = fps;
    }
    if (type === 'audio') {
      const sr = num(s.sample_rate);
      if (sr) out.sampleRate = sr;
      if (s.channels) out.channels = s.channels;
    }
    const d = num(s.duration);
    if (d !== undefined) out.durationS = d;
    return out;
  });
  const bytes = num(data.format.size) ?? (await stat(path)).size;
  const durationS = num(data.format.duration) ?? Math.max(0, ...streams.map((s) => s.durationS ?? 0));
  return { durationS, formatName: data.format.format_name ?? 'unknown', bytes, streams };
}
