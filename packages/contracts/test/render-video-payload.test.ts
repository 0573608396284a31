import { describe, expect, it } from 'vitest';
import { TaskPayloads } from '../src/catalogs/gpu-tasks.ts';
import { maxTimelineSeconds, parseSubRip, RENDER_VIDEO_LIMITS, subRipProblem, timelineFrameEdges } from '../src/media-rules.ts';

const render = TaskPayloads.render_video.payload;
const transcode = TaskPayloads.transcode.payload;

const clip = (over: Record<string, unknown> = {}) => ({ key: 'shot', assetId: 'asset-1', durationS: 1, ...over });

/** The issues of a refused payload as `path: message` (the test fails if it was accepted). */
function issues(schema: typeof render | typeof transcode, payload: unknown): string[] {
  const r = schema.safeParse(payload);
  if (r.success) throw new Error(`expected ${JSON.stringify(payload).slice(0, 200)} to be refused`);
  return r.error.issues.map((i) => `${i.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')}: ${i.message}`);
}

const accepts = (schema: typeof render | typeof transcode, payload: unknown) => {
  const r = schema.safeParse(payload);
  expect(r.success ? [] : r.error.issues).toEqual([]);
};

describe('render_video payload: the renderer’s rules at submission', () => {
  it('needs even picture sizes (x264 4:2:0) and accepts the even extremes', () => {
    expect(issues(render, { width: 321, clips: [clip()] })).toEqual(['.width: must be even (4:2:0 video)']);
    expect(issues(render, { height: 2159, clips: [clip()] })).toEqual(['.height: must be even (4:2:0 video)']);
    expect(issues(render, { width: 65, height: 65, clips: [clip()] })).toHaveLength(2);
    for (const [width, height] of [
      [64, 64],
      [3840, 2160],
    ])
      accepts(render, { width, height, clips: [clip()] });
  });

  it('needs every clip to last at least one frame at the timeline’s fps', () => {
    expect(issues(render, { fps: 5, clips: [clip(), clip(), clip(), clip({ durationS: 0.19 })] })).toEqual([
      '.clips[3].durationS: must last at least one frame at 5 fps (1/5 s)',
    ]);
    // 0.1 s is half a frame at 5 fps even where rounding would give it one.
    expect(timelineFrameEdges([0.2, 0.1], 5)).toEqual([0, 1, 2]);
    expect(issues(render, { fps: 5, clips: [clip({ durationS: 0.2 }), clip({ durationS: 0.1 })] })).toEqual([
      '.clips[1].durationS: must last at least one frame at 5 fps (1/5 s)',
    ]);
    accepts(render, { fps: 5, clips: [clip({ durationS: 0.2 }), clip({ durationS: 0.2 })] });
    accepts(render, { fps: 10, clips: Array.from({ length: 7 }, () => clip({ durationS: 0.1 })) });
    accepts(render, { fps: 1, clips: [clip({ durationS: 1 })] });
  });

  it(`takes at most ${RENDER_VIDEO_LIMITS.maxClips} clips`, () => {
    const many = (n: number) => Array.from({ length: n }, (_, i) => clip({ key: `s${i}`, durationS: 0.1 }));
    accepts(render, { width: 64, height: 64, clips: many(RENDER_VIDEO_LIMITS.maxClips) });
    expect(issues(render, { clips: many(RENDER_VIDEO_LIMITS.maxClips + 1) })).toEqual([
      `.clips: Too big: expected array to have <=${RENDER_VIDEO_LIMITS.maxClips} items`,
    ]);
  });

  it('bounds the whole timeline: 2 hours, and fewer at larger pictures and rates', () => {
    expect(maxTimelineSeconds(1280, 720, 24)).toBe(7200);
    expect(maxTimelineSeconds(3840, 2160, 60)).toBe(320);
    expect(maxTimelineSeconds(64, 64, 1)).toBe(7200);
    const hours = (n: number) => Array.from({ length: n }, () => clip({ durationS: 600 }));
    accepts(render, { clips: hours(12) });
    expect(issues(render, { clips: [...hours(12), clip({ durationS: 0.5 })] })).toEqual([
      '.clips: the timeline lasts 7200.5 s; at 1280×720 and 24 fps one render may last at most 7200 s',
    ]);
    accepts(render, { width: 3840, height: 2160, fps: 60, clips: [clip({ durationS: 300 }), clip({ durationS: 20 })] });
    expect(issues(render, { width: 3840, height: 2160, fps: 60, clips: [clip({ durationS: 300 }), clip({ durationS: 21 })] })).toEqual([
      '.clips: the timeline lasts 321 s; at 3840×2160 and 60 fps one render may last at most 320 s',
    ]);
  });

  it('checks the burnt-in SubRip: size, time lines, cue order and cues on screen at once', () => {
    const ok = '1\n00:00:00,500 --> 00:00:02,000\n{\\an8}<i>unclosed & odd text 🎬\n\n2\n00:00:02,000 --> 00:00:03,000\nB\n';
    accepts(render, { clips: [clip()], subtitlesSrt: ok });
    expect(issues(render, { clips: [clip()], subtitlesSrt: `${ok}\n3\nsoon --> later\nC\n` })).toEqual([
      '.subtitlesSrt: not burnable SubRip: cue 3: expected "HH:MM:SS,mmm --> HH:MM:SS,mmm", got "soon --> later"',
    ]);
    expect(issues(render, { clips: [clip()], subtitlesSrt: '1\n00:00:05,000 --> 00:00:05,000\nx\n' })).toEqual([
      '.subtitlesSrt: not burnable SubRip: cue 1: must end after it starts (5 s → 5 s)',
    ]);
    const overlapping = (n: number) =>
      Array.from({ length: n }, (_, i) => `${i + 1}\n00:00:0${i % 2},000 --> 00:00:09,000\nLine ${i + 1}\n`).join('\n');
    accepts(render, { clips: [clip()], subtitlesSrt: overlapping(RENDER_VIDEO_LIMITS.maxCuesOnScreen) });
    expect(issues(render, { clips: [clip()], subtitlesSrt: overlapping(RENDER_VIDEO_LIMITS.maxCuesOnScreen + 1) })).toEqual([
      '.subtitlesSrt: not burnable SubRip: cue 16: 17 cues would show at once at 1 s; at most 16 may',
    ]);
    // A cue ends where the next starts: back to back is not at once.
    const chain = Array.from(
      { length: 40 },
      (_, i) => `${i + 1}\n00:00:${String(i).padStart(2, '0')},000 --> 00:00:${String(i + 1).padStart(2, '0')},000\nx\n`,
    );
    accepts(render, { clips: [clip()], subtitlesSrt: chain.join('\n') });
    // Cues one after another, one a second, up to the size limit (padded with blank space).
    const stamp = (t: number) =>
      `${String(Math.floor(t / 3600)).padStart(2, '0')}:${String(Math.floor(t / 60) % 60).padStart(2, '0')}:${String(t % 60).padStart(2, '0')},000`;
    let full = '';
    for (let i = 0; full.length < RENDER_VIDEO_LIMITS.maxSubtitlesChars - 100; i++)
      full += `${i + 1}\n${stamp(i)} --> ${stamp(i + 1)}\nx\n\n`;
    accepts(render, { clips: [clip()], subtitlesSrt: full.padEnd(RENDER_VIDEO_LIMITS.maxSubtitlesChars, ' ') });
    expect(issues(render, { clips: [clip()], subtitlesSrt: full.padEnd(RENDER_VIDEO_LIMITS.maxSubtitlesChars + 1, ' ') })).toEqual([
      `.subtitlesSrt: Too big: expected string to have <=${RENDER_VIDEO_LIMITS.maxSubtitlesChars} characters`,
    ]);
  });

  it('takes a file name, not a path, and reports every broken rule at once', () => {
    expect(issues(render, { clips: [clip()], filename: 'renders/cut.mp4' })).toEqual(['.filename: a file name, without directories']);
    accepts(render, { clips: [clip()], filename: 'Cut 3 (final).mp4' });
    expect(issues(render, { width: 99, fps: 2, clips: [clip({ durationS: 0.4 })], filename: 'a\\b' })).toEqual([
      '.width: must be even (4:2:0 video)',
      '.filename: a file name, without directories',
      '.clips[0].durationS: must last at least one frame at 2 fps (1/2 s)',
    ]);
  });

  it('keeps the largest transition and the other extremes', () => {
    accepts(render, {
      width: 64,
      height: 64,
      fps: 60,
      format: 'webm',
      clips: [
        clip({ durationS: 0.1, transition: 'dissolve', transitionS: 5 }),
        clip({ durationS: 600, transition: 'fade', transitionS: 5 }),
      ],
    });
    expect(issues(render, { clips: [clip({ transitionS: 5.01 })] })).toEqual(['.clips[0].transitionS: Too big: expected number to be <=5']);
  });
});

describe('transcode payload', () => {
  it('needs even sizes', () => {
    expect(issues(transcode, { assetId: 'v1', format: 'mp4', width: 641 })).toEqual(['.width: must be even (4:2:0 video)']);
    expect(issues(transcode, { assetId: 'v1', format: 'webm', height: 99 })).toEqual(['.height: must be even (4:2:0 video)']);
    accepts(transcode, { assetId: 'v1', format: 'mp4', width: 64, height: 2160 });
    accepts(transcode, { assetId: 'v1', format: 'webm' });
  });
});

describe('media rules', () => {
  it('rounds cumulative times into frame edges', () => {
    expect(timelineFrameEdges([1.5, 1.2, 1.0], 24)).toEqual([0, 36, 65, 89]);
    // Thirds of a second at 10 fps: 3, 4, 3 frames, never a drift.
    expect(timelineFrameEdges([1 / 3, 1 / 3, 1 / 3], 10)).toEqual([0, 3, 7, 10]);
  });

  it('parses SubRip as the renderer reads it', () => {
    expect(parseSubRip('\uFEFF1\r\n00:00:01.000 --> 00:00:02.5\r\nA\r\n\r\n2\r\n1:00:03,000 --> 1:00:04,000\r\nB\r\n')).toEqual({
      ok: true,
      cues: [
        { index: 1, startS: 1, endS: 2.5, text: 'A' },
        { index: 2, startS: 3603, endS: 3604, text: 'B' },
      ],
    });
    expect(parseSubRip('')).toEqual({ ok: true, cues: [] });
    expect(parseSubRip('1\n00:00:01 --> 00:00:02\nA\n')).toMatchObject({ ok: false, cue: 1 });
    expect(subRipProblem('1\n00:00:01,000 --> 00:00:02,000\nA\n')).toBeUndefined();
  });
});
