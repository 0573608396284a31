import { join } from 'node:path';
import {
  create_asset_upload,
  generate_image,
  get_asset,
  list_dead_letters,
  list_tasks,
  MAX_TASK_PAYLOAD_BYTES,
  RENDER_VIDEO_LIMITS,
  submit_task,
  type Task,
} from '@automovie/contracts';
import type { McpClient } from '@automovie/mcp-ws';
import { probeMedia } from '@automovie/media';
import { downloadAsset, uploadAsset } from '@automovie/service-kit';
import type { TempDir } from '@automovie/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MediaFixture, startMediaFixture, type TestGpuTasks } from './helpers.ts';

let fx: MediaFixture;
let owner: McpClient;
let svc: TestGpuTasks;
let dir: TempDir;
let projectId: string;
let frameId: string;

beforeAll(async () => {
  fx = await startMediaFixture('Render limits', 'gpu-limits-');
  ({ owner, svc, dir, projectId } = fx);
  frameId = (await owner.call(generate_image, { projectId, prompt: 'A lighthouse at dusk', width: 64, height: 64, seed: 7 })).asset.id;
});
afterAll(async () => {
  await fx?.stop();
});

async function refusal(payload: Record<string, unknown>): Promise<{ code: string; message: string; ms: number }> {
  const started = performance.now();
  const err = await svc.client.call(submit_task, { projectId, kind: 'render_video', payload }).then(
    () => undefined,
    (e: unknown) => e as { code: string; message: string },
  );
  if (err === undefined) throw new Error(`expected ${JSON.stringify(payload).slice(0, 200)} to be refused`);
  return { code: err.code, message: err.message, ms: performance.now() - started };
}

async function runTask(kind: 'render_video' | 'transcode', payload: Record<string, unknown>): Promise<Task> {
  const { task } = await svc.client.call(submit_task, { projectId, kind, payload, waitMs: 60_000 }, { timeoutMs: 70_000 });
  return task;
}

describe('render_video: the contract is the renderer’s boundary', () => {
  it('refuses what the renderer would refuse at submission, naming the field and the rule, and queues nothing', async () => {
    const clip = { key: 'a', assetId: frameId, durationS: 1 };
    let e = await refusal({ width: 321, height: 180, clips: [clip] });
    expect(e.code).toBe('GPU_TASKS_INVALID_PAYLOAD');
    expect(e.message).toBe('Invalid payload of a render_video task: payload.width: must be even (4:2:0 video)');
    expect(e.ms).toBeLessThan(2000);
    e = await refusal({ fps: 5, clips: [clip, clip, clip, { ...clip, durationS: 0.1 }] });
    expect(e.message).toMatch(/payload\.clips\[3\]\.durationS: must last at least one frame at 5 fps \(1\/5 s\)/);
    e = await refusal({ clips: Array.from({ length: RENDER_VIDEO_LIMITS.maxClips + 1 }, () => clip) });
    expect(e.message).toMatch(/payload\.clips: Too big: expected array to have <=300 items/);
    e = await refusal({ width: 3840, height: 2160, fps: 60, clips: [{ ...clip, durationS: 400 }] });
    expect(e.message).toMatch(/payload\.clips: the timeline lasts 400 s; at 3840×2160 and 60 fps one render may last at most 320 s/);
    e = await refusal({ clips: [clip], subtitlesSrt: '1\n00:00:03,000 --> 00:00:01,000\nBackwards\n' });
    expect(e.message).toMatch(/payload\.subtitlesSrt: not burnable SubRip: cue 1: must end after it starts/);
    e = await refusal({ clips: [clip], filename: '../animatic.mp4' });
    expect(e.message).toMatch(/payload\.filename: a file name, without directories/);
    const t = await svc.client
      .callTool('submit_task', { projectId, kind: 'transcode', payload: { assetId: frameId, format: 'mp4', width: 99 } })
      .then(
        () => undefined,
        (err: unknown) => err as { code: string; message: string },
      );
    expect(t).toMatchObject({ code: 'GPU_TASKS_INVALID_PAYLOAD', message: expect.stringMatching(/payload\.width: must be even/) });
    // Nothing was queued: every refusal came before a task existed.
    expect((await svc.client.call(list_tasks, { projectId })).tasks).toEqual([]);
  });

  it('renders the largest timeline it accepts: 300 clips of 0.1 s at 64×64 and 60 fps, 5 s dissolves, subtitles up to the payload cap', async () => {
    // A cue every 3 ms lasting 40 ms: 14 on screen at once, under the limit of 16 (and ~27 s of them).
    const stamp = (ms: number) => `00:00:${String(Math.floor(ms / 1000)).padStart(2, '0')},${String(ms % 1000).padStart(3, '0')}`;
    const cue = (i: number) => `${i + 1}\n${stamp(3 * i)} --> ${stamp(3 * i + 40)}\nLine ${i + 1} of the longest subtitles\n\n`;
    // As many cues as the 1 MiB payload cap leaves room for: JSON writes each newline as two bytes, so
    // the cap, not the 1,000,000-character limit, bounds SubRip with short lines.
    const cues: string[] = [];
    let bytes = 40_000;
    for (let i = 0; bytes + 200 < MAX_TASK_PAYLOAD_BYTES; i++) {
      cues.push(cue(i));
      bytes += Buffer.byteLength(JSON.stringify(cues.at(-1))) - 2;
    }
    const srt = cues.join('');
    const movements = ['static', 'push_in', 'pull_out', 'pan_left', 'pan_right', 'tilt_up', 'tilt_down', 'tracking'] as const;
    const payload = {
      width: 64,
      height: 64,
      fps: 60,
      format: 'mp4',
      clips: Array.from({ length: RENDER_VIDEO_LIMITS.maxClips }, (_, i) => ({
        key: `s${i}`,
        assetId: frameId,
        durationS: 0.1,
        movement: movements[i % movements.length],
        transition: i % 3 === 0 ? 'cut' : i % 3 === 1 ? 'fade' : 'dissolve',
        transitionS: 5,
      })),
      subtitlesSrt: srt,
    };
    expect(Buffer.byteLength(JSON.stringify(payload))).toBeLessThanOrEqual(MAX_TASK_PAYLOAD_BYTES);
    expect(Buffer.byteLength(JSON.stringify(payload))).toBeGreaterThan(MAX_TASK_PAYLOAD_BYTES - 2000);
    expect(srt.length).toBeGreaterThan(900_000);

    const started = performance.now();
    const task = await runTask('render_video', payload);
    const ms = performance.now() - started;
    expect(task.error).toBeUndefined();
    expect(task.state).toBe('completed');
    const result = task.result as { assetId: string; durationS: number };
    expect(result.durationS).toBeCloseTo(30, 1);
    const { url } = await owner.call(get_asset, { projectId, assetId: result.assetId });
    const path = join(dir.path, 'largest.mp4');
    await downloadAsset(url, path);
    const probe = await probeMedia(path);
    expect(probe.streams.find((s) => s.type === 'video')).toMatchObject({ codec: 'h264', width: 64, height: 64, fps: 60 });
    expect(Math.abs(probe.durationS - 30)).toBeLessThanOrEqual(0.05);
    expect(ms).toBeLessThan(30_000);
    process.stderr.write(`largest accepted render_video: ${Math.round(ms)} ms\n`);
  });

  it('fails an asset that is not media, naming its field, not retried and not dead-lettered', async () => {
    const { url } = await owner.call(create_asset_upload, { projectId, kind: 'image', mime: 'image/png', filename: 'not-a.png' });
    // A PNG signature (all the upload checks) over bytes that are no image.
    const bytes = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('and then no image at all')]);
    const junk = await uploadAsset(url, new Uint8Array(bytes), { mime: 'image/png' });
    const task = await runTask('render_video', {
      width: 64,
      height: 64,
      clips: [
        { key: 'a', assetId: frameId, durationS: 0.5 },
        { key: 'b', assetId: junk.id, durationS: 0.5 },
      ],
    });
    expect(task.state).toBe('failed');
    expect(task.attempts).toBe(1);
    expect(task.error).toMatchObject({ code: 'GPU_TASKS_ASSET_UNUSABLE', retryable: false });
    expect(task.error?.message).toMatch(
      new RegExp(`^payload\\.clips\\[1\\]\\.assetId: asset ${junk.id} \\(image/png\\) does not decode as video`),
    );
    const dead = await svc.client.call(list_dead_letters, { limit: 100 });
    expect(dead.tasks.map((t) => t.id)).not.toContain(task.id);
  });
});
