import { readFile, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { type CameraMovement, CameraMovementSchema } from '@automovie/contracts';
import { z } from 'zod';
import { invalidMediaInput, parseMediaInput } from './errors.ts';
import { runFfmpeg } from './run-ffmpeg.ts';
import { withTempDir } from './temp.ts';

/** How far a push-in/pull-out zooms (1 → 1 + ZOOM). */
const ZOOM = 0.15;
/** How much larger than the frame the image is for a pan or tilt (the window travels over the excess). */
const PAN_MARGIN = 0.14;

const even = (x: number) => Math.max(2, 2 * Math.round(x / 2));

/** Smoothstep of the frame's progress through the move: starts and stops gently. `v` is the frame-number variable. */
function eased(v: string, frames: number): string {
  const p = `min(1,${v}/${Math.max(1, frames - 1)})`;
  return `(${p})*(${p})*(3-2*(${p}))`;
}

/** Scales and centre-crops so the picture covers w×h without distortion. */
function cover(w: number, h: number): string {
  return `scale=${w}:${h}:force_original_aspect_ratio=increase:flags=bicubic,crop=${w}:${h}`;
}

export interface ClipGeometry {
  width: number;
  height: number;
  fps: number;
  /** Output frames of this clip. */
  frames: number;
}

/**
 * The filter chain turning one still (an input opened with `-framerate fps`, one frame) into
 * `frames` frames of a camera move, ending in yuv420p with timestamps n/fps. The still is scaled
 * once; zooms use `zoompan` over a 2× copy (half-pixel steps instead of visible jitter), pans and
 * tilts a moving `crop` window over a slightly larger copy in 4:4:4 (one-pixel steps), which is
 * far cheaper than zooming every frame.
 */
export function stillMoveChain(movement: CameraMovement, g: ClipGeometry): string {
  const { width: w, height: h, fps, frames } = g;
  const tail = `settb=1/${fps},setpts=N,format=yuv420p,setsar=1`;
  const hold = `loop=loop=${frames - 1}:size=1:start=0`;
  switch (movement) {
    case 'static':
      return `${cover(w, h)},format=yuv420p,${hold},${tail}`;
    case 'push_in':
    case 'pull_out':
    case 'tracking': {
      const e = eased('on', frames);
      const z = movement === 'push_in' ? `1+${ZOOM}*${e}` : movement === 'pull_out' ? `${1 + ZOOM}-${ZOOM}*${e}` : `1.06+0.05*${e}`;
      // Tracking drifts sideways across the zoomed picture while closing in slightly.
      const x = movement === 'tracking' ? `(iw-iw/zoom)*(0.15+0.7*${e})` : 'iw/2-(iw/zoom/2)';
      return `${cover(2 * w, 2 * h)},zoompan=z='${z}':x='${x}':y='ih/2-(ih/zoom/2)':d=${frames}:s=${w}x${h}:fps=${fps},${tail}`;
    }
    default: {
      const bw = even(w * (1 + PAN_MARGIN));
      const bh = even(h * (1 + PAN_MARGIN));
      const e = eased('n', frames);
      const x = movement === 'pan_right' ? `(iw-ow)*${e}` : movement === 'pan_left' ? `(iw-ow)*(1-${e})` : '(iw-ow)/2';
      const y = movement === 'tilt_down' ? `(ih-oh)*${e}` : movement === 'tilt_up' ? `(ih-oh)*(1-${e})` : '(ih-oh)/2';
      return `${cover(bw, bh)},format=yuv444p,${hold},crop=${w}:${h}:x='${x}':y='${y}',${tail}`;
    }
  }
}

/** Picks a file extension for an image from its first bytes (ffmpeg's image reader goes by name). */
export function imageExtension(bytes: Uint8Array, field = 'image'): string {
  const b = bytes;
  if (b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return 'png';
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpg';
  if (b[0] === 0x52 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x46 && b[8] === 0x57 && b[9] === 0x45) return 'webp';
  throw invalidMediaInput(field, 'must be a PNG, JPEG or WebP image');
}

/** x264 speed presets offered to callers: faster presets cost far less CPU on moving pictures but give larger files. */
export type H264Preset = 'ultrafast' | 'superfast' | 'veryfast';

/**
 * H.264 settings shared by the still-image renders, web-playable (yuv420p, +faststart). On a
 * zooming 720p picture x264 `veryfast` costs about 2.2× the CPU of `ultrafast` (for about a
 * seventh of the size), so long timelines default to `ultrafast` and single clips to `veryfast`.
 */
export function h264Options(preset: H264Preset = 'veryfast'): string[] {
  return [
    '-c:v',
    'libx264',
    '-preset',
    preset,
    '-tune',
    'stillimage',
    '-crf',
    preset === 'ultrafast' ? '25' : '23',
    '-pix_fmt',
    'yuv420p',
    '-movflags',
    '+faststart',
    '-threads',
    String(availableParallelism()),
  ];
}

const CameraInputSchema = z.object({
  image: z.instanceof(Uint8Array).refine((b) => b.byteLength > 8, 'must not be empty'),
  durationS: z.number().positive().max(600),
  movement: CameraMovementSchema,
  width: z.number().int().min(16).max(7680).multipleOf(2, 'must be even (4:2:0 video)'),
  height: z.number().int().min(16).max(4320).multipleOf(2, 'must be even (4:2:0 video)'),
  fps: z.number().int().min(1).max(120),
});

/**
 * A camera move over a still (push_in/pull_out zoom, pan/tilt, tracking = drift + slight zoom,
 * static): MP4, H.264 yuv420p, +faststart, exactly round(durationS × fps) frames.
 */
export async function cameraMoveVideo(
  input: { image: Uint8Array; durationS: number; movement: CameraMovement; width: number; height: number; fps: number },
  opts: { signal?: AbortSignal } = {},
): Promise<Uint8Array> {
  const spec = parseMediaInput(CameraInputSchema, input, 'camera move input');
  const ext = imageExtension(spec.image);
  const frames = Math.max(1, Math.round(spec.durationS * spec.fps));
  return withTempDir(async (dir) => {
    const still = join(dir, `still.${ext}`);
    const out = join(dir, 'move.mp4');
    await writeFile(still, spec.image);
    await runFfmpeg({
      inputs: [{ source: still, options: ['-framerate', String(spec.fps)] }],
      filterGraph: `[0:v]${stillMoveChain(spec.movement, { width: spec.width, height: spec.height, fps: spec.fps, frames })}[v]`,
      outputOptions: ['-map', '[v]', ...h264Options(), '-r', String(spec.fps), '-frames:v', String(frames), '-an'],
      output: out,
      signal: opts.signal,
    });
    return new Uint8Array(await readFile(out));
  });
}
