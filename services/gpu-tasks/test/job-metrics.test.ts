import type { TaskKind } from '@automovie/contracts';
import { createLogger, ServiceMetrics } from '@automovie/service-kit';
import { LogCapture } from '@automovie/testing';
import { describe, expect, it } from 'vitest';
import { JOB_METRIC_STATES, JOBS_METRIC, registerJobsMetric } from '../src/job-metrics.ts';
import type { JobCounts } from '../src/store.ts';

/** The samples of the jobs gauge in a Prometheus text body, keyed `kind/state`. */
function jobSamples(body: string): Map<string, { value: number; service: string | undefined }> {
  const out = new Map<string, { value: number; service: string | undefined }>();
  for (const line of body.split('\n')) {
    if (!line.startsWith(`${JOBS_METRIC}{`)) continue;
    const labels = Object.fromEntries([...line.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    out.set(`${labels.kind}/${labels.state}`, { value: Number(line.split(' ').at(-1)), service: labels.service });
  }
  return out;
}

function counts(n: number): JobCounts {
  return Object.fromEntries(JOB_METRIC_STATES.map((s, i) => [s, n + i])) as JobCounts;
}

/** A reader whose answers the test releases by hand, counting the reads it was asked for. */
function gatedReader() {
  let release: (() => void) | undefined;
  let fail: ((err: Error) => void) | undefined;
  const state = { reads: 0, base: 0 };
  const read = async (_kind: TaskKind): Promise<JobCounts> => {
    state.reads += 1;
    return counts(state.base);
  };
  let gate: Promise<void> = Promise.resolve();
  return {
    state,
    read: async (kind: TaskKind) => {
      await gate;
      return read(kind);
    },
    hold() {
      gate = new Promise<void>((resolve, reject) => {
        release = resolve;
        fail = reject;
      });
    },
    release: () => release?.(),
    fail: (err: Error) => fail?.(err),
  };
}

function setup(timeoutMs: number, kinds: readonly TaskKind[] = ['noop', 'render_frames']) {
  const logs = new LogCapture();
  const metrics = new ServiceMetrics('gpu-tasks');
  const reader = gatedReader();
  registerJobsMetric({
    metrics,
    read: reader.read,
    logger: createLogger({ service: 'gpu-tasks', version: 't', level: 'warn', destination: logs }),
    timeoutMs,
    kinds,
  });
  const scrape = async () => jobSamples((await metrics.render()).body);
  const warnings = () => logs.lines().filter((l) => l.level === 'warn');
  return { reader, scrape, warnings };
}

describe('automovie_gpu_tasks_jobs', () => {
  it('reports every state of every kind, read at each scrape, with the service label', async () => {
    const { reader, scrape, warnings } = setup(1000);
    reader.state.base = 3;
    const first = await scrape();
    expect(first.size).toBe(2 * JOB_METRIC_STATES.length);
    expect(first.get('noop/waiting')).toEqual({ value: 3, service: 'gpu-tasks' });
    expect(first.get('render_frames/dead_lettered')?.value).toBe(3 + JOB_METRIC_STATES.indexOf('dead_lettered'));
    expect([...first.keys()].filter((k) => k.startsWith('noop/'))).toEqual(JOB_METRIC_STATES.map((s) => `noop/${s}`));
    reader.state.base = 10;
    expect((await scrape()).get('noop/prioritized')?.value).toBe(11);
    expect(reader.state.reads).toBe(4);
    expect(warnings()).toEqual([]);
  });

  it('answers within the timeout with the last counts when the read hangs, sharing one read between scrapes', async () => {
    const { reader, scrape, warnings } = setup(150);
    reader.state.base = 5;
    await scrape();
    reader.hold();
    reader.state.base = 50;

    const t0 = performance.now();
    const [a, b] = await Promise.all([scrape(), scrape()]);
    const ms = performance.now() - t0;
    expect(ms).toBeGreaterThanOrEqual(140);
    expect(ms).toBeLessThan(1000);
    expect(a.get('noop/waiting')?.value).toBe(5);
    expect(b.get('render_frames/active')?.value).toBe(5 + JOB_METRIC_STATES.indexOf('active'));
    expect(warnings().map((w) => [w.msg, w.timeoutMs])).toEqual([
      ['job counts not read in time; /metrics serves the last ones', 150],
      ['job counts not read in time; /metrics serves the last ones', 150],
    ]);
    // A third scrape while the read is still out waits on it too: no further reads start.
    const third = scrape();
    await new Promise((r) => setTimeout(r, 20));
    reader.release();
    expect((await third).get('noop/waiting')?.value).toBe(50);
    // Two kinds for the first scrape, two for the one read the three later scrapes shared.
    expect(reader.state.reads).toBe(4);
  });

  it('keeps the last counts when the read fails, and logs why', async () => {
    const { reader, scrape, warnings } = setup(1000);
    reader.state.base = 2;
    await scrape();
    reader.hold();
    const failing = scrape();
    reader.fail(new Error('connect ECONNREFUSED 127.0.0.1:6379'));
    expect((await failing).get('noop/waiting')?.value).toBe(2);
    expect(warnings().map((w) => w.err)).toEqual(['connect ECONNREFUSED 127.0.0.1:6379']);
  });

  it('serves no series before the first read succeeds, rather than a false zero', async () => {
    const { reader, scrape } = setup(50);
    reader.hold();
    expect((await scrape()).size).toBe(0);
    reader.release();
  });
});
