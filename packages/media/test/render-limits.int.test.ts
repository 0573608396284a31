import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { type TempDir, tempDir } from '@automovie/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transcode } from '../src/convert.ts';
import { probeMedia } from '../src/probe.ts';
import { runFfmpeg } from '../src/run-ffmpeg.ts';
import { renderTimeline } from '../src/timeline.ts';

let tmp: TempDir;
const at = (name: string) => join(tmp.path, name);

function ffmpeg(...args: string[]): void {
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args]);
}

beforeAll(async () => {
  tmp = await tempDir('media-limits-');
  ffmpeg('-f', 'lavfi', '-i', 'color=c=navy:s=96x96,drawgrid=w=16:h=16:t=2:c=white', '-frames:v', '1', at('still.png'));
  ffmpeg('-f', 'lavfi', '-i', 'testsrc=s=321x181:r=24:d=1', '-c:v', 'libx264', '-pix_fmt', 'yuv444p', at('odd.mp4'));
});
afterAll(async () => {
  await tmp?.remove();
});

describe('renderer limits', () => {
  it('runs a filter graph longer than one command-line argument may be (128 KiB)', async () => {
    // Two filters joined by a 70,000-character link label: 140 KB, which spawn refuses with E2BIG inline.
    const label = 'l'.repeat(70_000);
    const graph = `[0:v]null[${label}];[${label}]null[v]`;
    expect(Buffer.byteLength(graph)).toBeGreaterThan(128 * 1024);
    await runFfmpeg({
      inputs: [{ source: at('still.png') }],
      filterGraph: graph,
      outputOptions: ['-map', '[v]', '-frames:v', '1', '-f', 'image2', '-update', '1'],
      output: at('through-nulls.png'),
    });
    expect((await probeMedia(at('through-nulls.png'))).streams[0]).toMatchObject({ codec: 'png', width: 96, height: 96 });
  });

  it('transcodes an odd-sized video to MP4 (x264 needs even sizes) by dropping the odd row and column', async () => {
    const out = await transcode({ input: at('odd.mp4'), output: at('even.mp4'), format: 'mp4' });
    expect(out.durationS).toBeCloseTo(1, 1);
    const p = await probeMedia(at('even.mp4'));
    expect(p.streams.find((s) => s.type === 'video')).toMatchObject({ codec: 'h264', width: 320, height: 180 });
    // WebM (VP9) takes odd sizes as they are.
    await transcode({ input: at('odd.mp4'), output: at('odd.webm'), format: 'webm' });
    expect((await probeMedia(at('odd.webm'))).streams.find((s) => s.type === 'video')).toMatchObject({ width: 321, height: 181 });
  });

  it('refuses SubRip it cannot burn in, naming the field and the cue', async () => {
    const spec = {
      width: 64,
      height: 64,
      fps: 24,
      format: 'mp4' as const,
      clips: [
        {
          path: at('still.png'),
          kind: 'image' as const,
          durationS: 1,
          movement: 'static' as const,
          transition: 'cut' as const,
          transitionS: 0,
        },
      ],
      outPath: at('never.mp4'),
    };
    await expect(renderTimeline({ ...spec, subtitlesSrt: '1\n00:00:02,000 --> 00:00:01,000\nx\n' })).rejects.toMatchObject({
      code: 'MEDIA_INVALID_INPUT',
      retryable: false,
      message: 'Invalid input: subtitlesSrt: cue 1: must end after it starts (2 s → 1 s)',
    });
    await expect(renderTimeline({ ...spec, subtitlesSrt: '1\nsoon --> later\nx\n' })).rejects.toMatchObject({
      code: 'MEDIA_INVALID_INPUT',
      message: expect.stringMatching(/^Invalid input: subtitlesSrt: cue 1: expected "HH:MM:SS,mmm --> HH:MM:SS,mmm"/),
    });
  });
});
