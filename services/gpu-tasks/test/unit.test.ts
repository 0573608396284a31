import { AutomovieError, IdSchema, TaskPayloads } from '@automovie/contracts';
import { describe, expect, it } from 'vitest';
import { jitteredBackoff } from '../src/backoff.ts';
import { concurrencyOf, loadGpuTasksConfig } from '../src/config.ts';
import { GpuTasksError } from '../src/errors.ts';
import { classifyError } from '../src/runner.ts';
import { kindOfTaskId, newTaskId, payloadFingerprint } from '../src/task-ids.ts';

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
