import { AutomovieError, IdSchema, type Progress, TaskKindSchema, TaskPayloads } from '@automovie/contracts';
import { MediaError } from '@automovie/media';
import { describe, expect, it } from 'vitest';
import { jitteredBackoff } from '../src/backoff.ts';
import { concurrencyOf, loadGpuTasksConfig } from '../src/config.ts';
import { TaskService, type TaskServiceOptions } from '../src/engine.ts';
import { GpuTasksError } from '../src/errors.ts';
import { classifyError } from '../src/runner.ts';
import { kindOfTaskId, newTaskId, payloadFingerprint } from '../src/task-ids.ts';
import { taskHandlers } from '../src/workers/index.ts';
import { classifyMediaFailure, extensionOf, progressReporter } from '../src/workers/media-io.ts';

describe('backoff', () => {
  it('doubles per attempt within ±50 % jitter, capped', () => {
    const o = { baseMs: 1000, maxMs: 10_000 };
    expect(jitteredBackoff(1, { ...o, random: () => 0 })).toBe(500);
    expect(jitteredBackoff(1, { ...o, random: () => 0.999999 })).toBe(1500);
    expect(jitteredBackoff(3, { ...o, random: () => 0.5 })).toBe(4000);
    expect(jitteredBackoff(30, { ...o, random: () => 0.999 })).toBe(10_000);
    const spread = new Set(Array.from({ length: 50 }, () => jitteredBackoff(2, o)));
    expect(spread.size).toBeGreaterThan(10);
    for (const d of spread) expect(d >= 1000 && d < 3000).toBe(true);
  });
});

describe('task ids', () => {
  it('name their kind, satisfy IdSchema and derive from (project, idempotency key)', () => {
    const a = newTaskId('render_frames', 'p1', 'shot-1');
    expect(IdSchema.safeParse(a).success).toBe(true);
    expect(a).not.toContain(':');
    expect(kindOfTaskId(a)).toBe('render_frames');
    expect(newTaskId('render_frames', 'p1', 'shot-1')).toBe(a);
    expect(newTaskId('render_frames', 'p2', 'shot-1')).not.toBe(a);
    expect(newTaskId('noop', 'p1')).not.toBe(newTaskId('noop', 'p1'));
    for (const bad of ['', 'noop', 'noop.xyz', 'nope.00000000000000000000000000000000', '.0000']) expect(kindOfTaskId(bad)).toBeUndefined();
    const p = TaskPayloads.noop.payload.parse({ steps: 2 });
    expect(payloadFingerprint(p)).toBe(payloadFingerprint(TaskPayloads.noop.payload.parse({ steps: 2, stepMs: 0 })));
    expect(payloadFingerprint(p)).not.toBe(payloadFingerprint(TaskPayloads.noop.payload.parse({ steps: 3 })));
  });
});

describe('errors of an attempt', () => {
  it('keep the code and retryability of fleet errors; unknown errors are retried', () => {
    expect(classifyError(new AutomovieError('UNAVAILABLE', 'down'))).toMatchObject({ code: 'UNAVAILABLE', retryable: true });
    expect(classifyError(new GpuTasksError('GPU_TASKS_NOT_FOUND', 'x'))).toMatchObject({ retryable: false, status: 404 });
    // Across a boundary an error is a plain object with a code: matched by shape, not class.
    expect(classifyError({ code: 'BRAIN_BUDGET_EXCEEDED', message: 'over', status: 402, retryable: false })).toMatchObject({
      code: 'BRAIN_BUDGET_EXCEEDED',
      retryable: false,
    });
    expect(classifyError(new Error('socket hang up'))).toMatchObject({ code: 'INTERNAL', retryable: true });
  });
});

describe('config', () => {
  const base = { AUTOMOVIE_JWT_SECRET: 'x'.repeat(32), REDIS_URL: 'redis://127.0.0.1:6379' };
  it('reads per-kind concurrency and requires REDIS_URL', () => {
    const c = loadGpuTasksConfig({ ...base, GPU_TASKS_CONCURRENCY_RENDER_FRAMES: '9' });
    expect(concurrencyOf(c, 'render_frames')).toBe(9);
    expect(concurrencyOf(c, 'render_video')).toBe(1);
    expect(c.PORT).toBe(4120);
    expect(c.WORKERS_ENABLED).toBe(true);
    expect(() => loadGpuTasksConfig({ AUTOMOVIE_JWT_SECRET: base.AUTOMOVIE_JWT_SECRET })).toThrow(/REDIS_URL/);
    expect(() => loadGpuTasksConfig({ ...base, GPU_TASKS_PREFIX: 'a:b' })).toThrow(/GPU_TASKS_PREFIX: letters/);
    expect(() => loadGpuTasksConfig({ ...base, GPU_TASKS_CONCURRENCY_NOOP: '-1' })).toThrow(/GPU_TASKS_CONCURRENCY_NOOP/);
  });
});

describe('kinds', () => {
  it('every kind has a worker; a build without one refuses it at submit, before touching the queue', async () => {
    expect(Object.keys(taskHandlers({ itemParallelism: 1 })).sort()).toEqual([...TaskKindSchema.options].sort());
    // Only runnableKinds is read before the refusal; the queue parts are never reached.
    const tasks = new TaskService({ runnableKinds: new Set(['noop']) } as unknown as TaskServiceOptions);
    const principal = { kind: 'service' as const, sub: 'test', service: 'test', scopes: ['*'] };
    await expect(
      tasks.submit({ projectId: 'p1', kind: 'transcode', payload: { assetId: 'a1', format: 'webm' }, priority: 5 }, principal),
    ).rejects.toMatchObject({ code: 'GPU_TASKS_KIND_UNAVAILABLE', status: 501 });
  });
});

describe('media workers', () => {
  it('retry an ffmpeg killed from outside, not one that failed on its input, nor a cancelled one', () => {
    const live = new AbortController().signal;
    const killed = new MediaError('MEDIA_FFMPEG_FAILED', 'ffmpeg failed', { cause: new Error('ffmpeg was killed with signal SIGKILL') });
    expect(classifyError(classifyMediaFailure(killed, live))).toMatchObject({ code: 'GPU_TASKS_RENDER_INTERRUPTED', retryable: true });
    const bad = new MediaError('MEDIA_FFMPEG_FAILED', 'ffmpeg failed: Invalid data found', { cause: new Error('exit code 1') });
    expect(classifyMediaFailure(bad, live)).toBe(bad);
    expect(classifyError(bad)).toMatchObject({ retryable: false, status: 500 });
    const cancelled = new AbortController();
    cancelled.abort('GPU_TASKS_CANCELLED');
    expect(classifyMediaFailure(killed, cancelled.signal)).toBe(killed);
  });

  it('name downloads so ffmpeg picks the right demuxer', () => {
    expect(extensionOf('image/png')).toBe('.png');
    expect(extensionOf('video/webm')).toBe('.webm');
    expect(extensionOf('audio/x-wav')).toBe('.wav');
    expect(extensionOf('application/octet-stream')).toBe('');
  });

  it('report progress in order, thinned to 1 % steps, always sending a flush', async () => {
    const sent: Progress[] = [];
    const run = {
      progress: async (p: Progress) => {
        await new Promise((r) => setTimeout(r, Math.random() * 3));
        sent.push(p);
      },
      log: { debug: () => {} },
    } as never;
    const r = progressReporter(run);
    for (let i = 0; i <= 1000; i++) r.report(i / 2000, 'rendering');
    await r.flush(0.5, 'uploading');
    await r.flush(1, 'done');
    const values = sent.map((p) => p.progress);
    expect(values).toEqual([...values].sort((a, b) => a - b));
    expect(values.length).toBeLessThanOrEqual(53);
    expect(sent.at(-1)).toEqual({ progress: 1, total: 1, message: 'done' });
  });
});
