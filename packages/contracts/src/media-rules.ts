/**
 * Rules the ffmpeg renderer (packages/media) holds its inputs to, here so that a task payload
 * breaking one is refused when it is submitted instead of failing after it was queued. The
 * renderer uses the same functions, so the two cannot drift apart. Plain functions: browsers
 * load this file too.
 */

/**
 * Limits of one render_video task. Measured with real ffmpeg 5.1 (Debian 12, the image's) on a
 * shared 2-core machine, x264 `ultrafast`, through the renderer's own filter graph:
 *
 * - clips: the graph chains clip after clip, so every frame passes one filter per later clip and
 *   the cost grows with clips × frames, then faster once ffmpeg's scheduler scans hundreds of
 *   inputs. 64×64 stills of 0.1 s each: 250 clips 2.6 s, 300 clips 4–5 s, 400 clips 7.4 s,
 *   500 clips 15–22 s, 700 clips 95 s, 1,000 clips 268 s; 300 clips of 1 s: 19 s, against 4 s for
 *   100 clips of 3 s (the same length). 2,000 clips (the old limit) did not finish in 10 min.
 *   300 keeps that overhead to about 8 min on a 2-hour timeline.
 * - picture: encoding speed goes with pixels × frames (720p with a push-in: 72 frames/s; 4K at
 *   60 fps with tracking: 11 frames/s), so a timeline may have at most as many pixel-frames as
 *   2 hours at 1280×720 and 24 fps (about 40 min of one worker), and never more than 2 hours.
 * - subtitles: the renderer takes at most 1,000,000 characters of SubRip (libass burnt 13,000
 *   cues one after another into 30 s of video in 0.4 s). What costs is cues on screen at once:
 *   libass lays out every one on every frame, so 1,000 at once took 40 ms a frame at 1280×720
 *   (2 more hours on a 2-hour film), and ~185 at once turned an 8 s render (64×64, 300 clips)
 *   into 23 s. Dialogue subtitles show one or two at a time; 16 is plenty.
 */
export const RENDER_VIDEO_LIMITS = {
  /** Clips in one timeline. */
  maxClips: 300,
  /** Longest timeline, in seconds. */
  maxTotalS: 7200,
  /** width × height × frames of the whole timeline (2 h of 1280×720 at 24 fps). */
  maxPixelFrames: 1280 * 720 * 24 * 7200,
  /** Characters of SubRip text to burn in. */
  maxSubtitlesChars: 1_000_000,
  /** SubRip cues showing at the same moment. */
  maxCuesOnScreen: 16,
} as const;

/**
 * Frame edges of a timeline: clip i covers frames [edges[i], edges[i+1]). Cumulative times are
 * rounded (not each duration), so rounding errors do not add up over many clips.
 */
export function timelineFrameEdges(durationsS: readonly number[], fps: number): number[] {
  const edges = [0];
  let t = 0;
  for (const d of durationsS) {
    t += d;
    edges.push(Math.round(t * fps));
  }
  return edges;
}

/**
 * Longest timeline (seconds) one render_video task may have at a picture size and frame rate:
 * the pixel budget, capped at `maxTotalS`, in whole tenths of a second.
 */
export function maxTimelineSeconds(width: number, height: number, fps: number): number {
  const bySize = RENDER_VIDEO_LIMITS.maxPixelFrames / (width * height * fps);
  return Math.min(RENDER_VIDEO_LIMITS.maxTotalS, Math.floor(bySize * 10) / 10);
}

/** One SubRip cue: times in seconds. */
export interface SubRipCue {
  index: number;
  startS: number;
  endS: number;
  text: string;
}

/** A parse: the cues, or the first cue (1-based) that is not SubRip and why. */
export type SubRipParse = { ok: true; cues: SubRipCue[] } | { ok: false; cue: number; message: string };

function parseStamp(s: string): number | undefined {
  const m = /^(?:(\d+):)?(\d{1,2}):(\d{1,2})[,.](\d{1,3})$/.exec(s.trim());
  if (!m) return undefined;
  return Number(m[1] ?? 0) * 3600 + Number(m[2]) * 60 + Number(m[3]) + Number(m[4]!.padEnd(3, '0')) / 1000;
}

/**
 * Parses SubRip text (a BOM, CRLF, and `.` or `,` before the milliseconds are tolerated). Only
 * the time lines are checked: libass renders any cue text (override tags, unclosed italics,
 * emoji were tried), and the renderer rewrites the cues before handing them to it.
 */
export function parseSubRip(text: string): SubRipParse {
  const blocks = text
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .split(/\n\s*\n/)
    .map((b) => b.split('\n').filter((l, i) => i > 0 || l.trim() !== ''))
    .filter((b) => b.length > 0 && b.some((l) => l.trim() !== ''));
  const cues: SubRipCue[] = [];
  for (const [n, lines] of blocks.entries()) {
    let at = 0;
    let index = n + 1;
    if (/^\d+$/.test(lines[0]!.trim()) && lines.length > 1) {
      index = Number(lines[0]!.trim());
      at = 1;
    }
    const m = /^(\S+)\s*-->\s*(\S+)/.exec(lines[at] ?? '');
    const startS = m ? parseStamp(m[1]!) : undefined;
    const endS = m ? parseStamp(m[2]!) : undefined;
    if (startS === undefined || endS === undefined) {
      const got = (lines[at] ?? '').slice(0, 80);
      return { ok: false, cue: n + 1, message: `expected "HH:MM:SS,mmm --> HH:MM:SS,mmm", got "${got}"` };
    }
    cues.push({
      index,
      startS,
      endS,
      text: lines
        .slice(at + 1)
        .join('\n')
        .trim(),
    });
  }
  return { ok: true, cues };
}

/**
 * What keeps SubRip text from being burnt in, as `cue N: rule`, or undefined when it can be: a
 * time line that is not one, a cue that does not end after it starts, or more than
 * `maxCuesOnScreen` cues showing at once.
 */
export function subRipProblem(text: string): string | undefined {
  const parsed = parseSubRip(text);
  if (!parsed.ok) return `cue ${parsed.cue}: ${parsed.message}`;
  const cues = parsed.cues;
  const bad = cues.findIndex((c) => !(c.endS > c.startS));
  if (bad >= 0) return `cue ${bad + 1}: must end after it starts (${cues[bad]!.startS} s → ${cues[bad]!.endS} s)`;
  const max = RENDER_VIDEO_LIMITS.maxCuesOnScreen;
  const order = cues.map((_, i) => i).sort((a, b) => cues[a]!.startS - cues[b]!.startS || a - b);
  // Ends of the cues showing, never more than max + 1 long, so the sweep stays linear.
  let showing: number[] = [];
  for (const i of order) {
    const { startS, endS } = cues[i]!;
    showing = showing.filter((end) => end > startS);
    showing.push(endS);
    if (showing.length > max) return `cue ${i + 1}: ${showing.length} cues would show at once at ${startS} s; at most ${max} may`;
  }
  return undefined;
}
