import { join } from 'node:path';
import {
  create_project,
  generate_image,
  generate_speech,
  get_asset,
  list_dead_letters,
  type Progress,
  submit_task,
  type Task,
} from '@automovie/contracts';
import type { McpClient } from '@automovie/mcp-ws';
import { probeMedia } from '@automovie/media';
import { downloadAsset } from '@automovie/service-kit';
import type { TempDir } from '@automovie/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MediaFixture, startMediaFixture, type TestGpuTasks } from './helpers.ts';

let fx: MediaFixture;
let owner: McpClient;
let svc: TestGpuTasks;
let dir: TempDir;
let projectId: string;
let otherProjectId: string;

beforeAll(async () => {
  fx = await startMediaFixture('Animatic render', 'gpu-media-');
  ({ owner, svc, dir, projectId } = fx);
  otherProjectId = (await owner.call(create_project, { name: 'Someone else' })).project.id;
});
afterAll(async () => {
  await fx?.stop();
});

/** Submits a task and waits for its end, collecting the progress notifications. */
async function runTask(kind: 'render_video' | 'transcode', payload: Record<string, unknown>): Promise<{ task: Task; notes: Progress[] }> {
  const notes: Progress[] = [];
  const { task } = await svc.client.call(
    submit_task,
    { projectId, kind, payload, waitMs: 60_000 },
    { timeoutMs: 70_000, onProgress: (p) => notes.push(p) },
  );
  return { task, notes };
}

/** Downloads a task's output asset through the brain and probes it. */
async function probeAsset(assetId: string, name: string) {
  const { asset, url } = await owner.call(get_asset, { projectId, assetId });
  const path = join(dir.path, name);
  await downloadAsset(url, path);
  return { asset, probe: await probeMedia(path) };
}

const SRT = '1\n00:00:00,500 --> 00:00:02,500\nThe light is still burning.\n';

describe('media kinds', () => {
  it('renders frames, a speech line and subtitles into an MP4, then transcodes it to WebM', async () => {
    const prompts = [
      'Wide shot: Mara at the lighthouse window at dusk',
      'Close-up: Mara lights the lamp',
      'Exterior: the lighthouse beam sweeps the sea',
    ];
    const frames = await Promise.all(
      prompts.map((prompt, i) => owner.call(generate_image, { projectId, prompt, width: 320, height: 180, seed: i + 1 })),
    );
    const speech = await owner.call(generate_speech, {
      projectId,
      text: 'The light is still burning.',
      voice: { gender: 'female', pitch: 55, rate: 160, variant: 'f3' },
    });
    const durations = [1.5, 1.25, 1.75];
    const movements = ['push_in', 'static', 'pan_left'] as const;

    const started = performance.now();
    const { task, notes } = await runTask('render_video', {
      width: 320,
      height: 180,
      fps: 24,
      format: 'mp4',
      clips: frames.map((f, i) => ({
        key: `shot-${i + 1}`,
        assetId: f.asset.id,
        durationS: durations[i],
        movement: movements[i],
        transition: 'fade',
        transitionS: 0.5,
      })),
      audioAssetId: speech.asset.id,
      subtitlesSrt: SRT,
    });
    const renderMs = performance.now() - started;
    expect(task.error).toBeUndefined();
    expect(task.state).toBe('completed');
    expect(task.attempts).toBe(1);

    // Progress arrived across the phases, never went back, and ended at 1.
    const values = notes.map((n) => n.progress);
    expect(values.length).toBeGreaterThanOrEqual(3);
    expect(values.some((v) => v > 0.1 && v < 0.95)).toBe(true);
    expect(values).toEqual([...values].sort((a, b) => a - b));
    expect(values.at(-1)).toBe(1);
    expect(task.progress).toMatchObject({ progress: 1, total: 1 });

    const result = task.result as { assetId: string; durationS: number; bytes: number };
    const total = durations.reduce((a, b) => a + b, 0);
    expect(result.durationS).toBeCloseTo(total, 1);
    const mp4 = await probeAsset(result.assetId, 'animatic.mp4');
    expect(mp4.asset).toMatchObject({ kind: 'video', mime: 'video/mp4', provider: 'gpu-tasks-ffmpeg', filename: 'animatic.mp4' });
    expect(mp4.asset.bytes).toBe(result.bytes);
    expect(mp4.probe.bytes).toBe(result.bytes);
    expect(Math.abs(mp4.probe.durationS - total)).toBeLessThanOrEqual(0.1);
    const video = mp4.probe.streams.find((s) => s.type === 'video');
    const audio = mp4.probe.streams.find((s) => s.type === 'audio');
    expect(video).toMatchObject({ codec: 'h264', width: 320, height: 180, fps: 24 });
    expect(audio).toMatchObject({ codec: 'aac' });

    const t2 = performance.now();
    const webm = await runTask('transcode', { assetId: result.assetId, format: 'webm' });
    const transcodeMs = performance.now() - t2;
    expect(webm.task.error).toBeUndefined();
    expect(webm.task.state).toBe('completed');
    expect(webm.notes.at(-1)?.progress).toBe(1);
    const out = webm.task.result as { assetId: string; durationS: number; bytes: number };
    const probed = await probeAsset(out.assetId, 'animatic.webm');
    expect(probed.asset).toMatchObject({ kind: 'video', mime: 'video/webm', filename: 'animatic.webm', bytes: out.bytes });
    expect(probed.probe.formatName).toMatch(/webm/);
    expect(probed.probe.streams.find((s) => s.type === 'video')?.codec).toMatch(/^vp[89]$/);
    expect(probed.probe.streams.find((s) => s.type === 'audio')?.codec).toBe('opus');
    expect(Math.abs(probed.probe.durationS - total)).toBeLessThanOrEqual(0.1);
    // Shown in the test output: the wall times of the two tasks, for the report.
    process.stderr.write(`render_video ${Math.round(renderMs)} ms, transcode ${Math.round(transcodeMs)} ms\n`);
  });

  it("fails (not dead-letters) a render naming another project's asset, or an asset of the wrong type", async () => {
    const foreign = await owner.call(generate_image, { projectId: otherProjectId, prompt: 'A harbour at noon', width: 320, height: 180 });
    const mine = await owner.call(generate_image, { projectId, prompt: 'A harbour at night', width: 320, height: 180 });
    const clip = (assetId: string) => ({ key: 'a', assetId, durationS: 1 });

    const { task } = await runTask('render_video', { width: 320, height: 180, clips: [clip(mine.asset.id), clip(foreign.asset.id)] });
    expect(task.state).toBe('failed');
    expect(task.attempts).toBe(1);
    expect(task.error).toMatchObject({ code: 'GPU_TASKS_ASSET_NOT_FOUND', retryable: false });
    expect(task.error?.message).toBe(`payload.clips[1].assetId: asset ${foreign.asset.id} is not an asset of project ${projectId}`);

    const speech = await owner.call(generate_speech, {
      projectId,
      text: 'Hello.',
      voice: { gender: 'male', pitch: 40, rate: 170, variant: 'm2' },
    });
    const wrong = await runTask('render_video', { width: 320, height: 180, clips: [clip(speech.asset.id)] });
    expect(wrong.task.state).toBe('failed');
    expect(wrong.task.error).toMatchObject({ code: 'GPU_TASKS_ASSET_UNUSABLE', retryable: false });
    expect(wrong.task.error?.message).toMatch(/^payload\.clips\[0\]\.assetId: must be an image or a video; asset .* is audio\/wav$/);

    // An odd size is the renderer's rule, and the contract's: refused at submission, no task made.
    await expect(runTask('render_video', { width: 321, height: 180, clips: [clip(mine.asset.id)] })).rejects.toMatchObject({
      code: 'GPU_TASKS_INVALID_PAYLOAD',
      message: expect.stringMatching(/payload\.width: must be even/),
    });

    const notVideo = await runTask('transcode', { assetId: mine.asset.id, format: 'webm' });
    expect(notVideo.task.error).toMatchObject({ code: 'GPU_TASKS_ASSET_UNUSABLE' });

    const dead = await svc.client.call(list_dead_letters, { limit: 100 });
    const ids = [task, wrong.task, notVideo.task].map((t) => t.id);
    expect(dead.tasks.filter((t) => ids.includes(t.id))).toEqual([]);
  });
});
