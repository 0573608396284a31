import { submit_task } from '@automovie/contracts';
import { McpClient } from '@automovie/mcp-ws';
import { createLogger } from '@automovie/service-kit';
import { LogCapture, type RedisServer, type StartedService, startRedis, startService, testToken } from '@automovie/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadGpuTasksConfig } from '../src/config.ts';
import { buildServer } from '../src/server.ts';
import { TaskStore } from '../src/store.ts';
import { testEnv } from './helpers.ts';

let redis: RedisServer;
let svc: StartedService | undefined;
let client: McpClient | undefined;

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await client?.close();
  await svc?.stop();
  await redis?.stop();
});

/** `automovie_gpu_tasks_jobs` samples of one scrape, keyed `kind/state`. */
async function scrapeJobs(url: string): Promise<Map<string, number>> {
  const res = await fetch(`${url}/metrics`);
  expect(res.status).toBe(200);
  const out = new Map<string, number>();
  for (const line of (await res.text()).split('\n')) {
    const m = /^automovie_gpu_tasks_jobs\{(.*)\} (\S+)$/.exec(line);
    if (!m) continue;
    const labels = Object.fromEntries([...(m[1] as string).matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
    expect(labels.service).toBe('gpu-tasks');
    out.set(`${labels.kind}/${labels.state}`, Number(m[2]));
  }
  return out;
}

const queued = (jobs: Map<string, number>, kind: string) => (jobs.get(`${kind}/waiting`) ?? 0) + (jobs.get(`${kind}/prioritized`) ?? 0);

describe('gpu-tasks /metrics: automovie_gpu_tasks_jobs', () => {
  it('counts queued tasks per kind from the queues, serves the last counts within the timeout when Redis stalls, and tells paused queues apart', async () => {
    const logs = new LogCapture();
    const env = testEnv(redis.url, { WORKERS_ENABLED: 'false', GPU_TASKS_METRICS_TIMEOUT_MS: '300', LOG_LEVEL: 'warn' });
    const config = loadGpuTasksConfig(env);
    const logger = createLogger({ service: 'gpu-tasks', version: 't', level: 'warn', destination: logs });
    svc = await startService(() => buildServer(config, { logger }));
    client = new McpClient({ url: svc.mcpUrl, token: await testToken(), timeoutMs: 10_000 });

    const empty = await scrapeJobs(svc.url);
    expect(empty.get('noop/waiting')).toBe(0);
    expect(empty.get('render_frames/dead_lettered')).toBe(0);

    for (let i = 0; i < 3; i++) await client.call(submit_task, { projectId: 'metrics', kind: 'noop', payload: { steps: 1 } });
    const jobs = await scrapeJobs(svc.url);
    expect(queued(jobs, 'noop')).toBe(3);
    expect(jobs.get('noop/active')).toBe(0);
    expect(queued(jobs, 'render_frames')).toBe(0);
    // Every state of every kind is a series, so a PromQL sum over states never misses one.
    expect([...jobs.keys()].filter((k) => k.startsWith('noop/')).sort()).toEqual(
      ['active', 'completed', 'dead_lettered', 'delayed', 'failed', 'paused', 'prioritized', 'waiting'].map((s) => `noop/${s}`),
    );

    // Redis answers nobody for 1.5 s: the scrape still answers in about the timeout, with the counts it had.
    const admin = new Redis(redis.url);
    try {
      await admin.call('CLIENT', 'PAUSE', '1500', 'ALL');
      const t0 = performance.now();
      const stalled = await scrapeJobs(svc.url);
      const ms = performance.now() - t0;
      expect(ms).toBeGreaterThanOrEqual(280);
      expect(ms).toBeLessThan(1200);
      expect(queued(stalled, 'noop')).toBe(3);
      expect(logs.lines().some((l) => l.level === 'warn' && l.msg === 'job counts not read in time; /metrics serves the last ones')).toBe(
        true,
      );
    } finally {
      admin.disconnect();
    }

    // Once Redis answers again, counts are fresh.
    await client.call(submit_task, { projectId: 'metrics', kind: 'noop', payload: { steps: 1 } });
    expect(queued(await scrapeJobs(svc.url), 'noop')).toBe(4);

    // A paused queue's jobs (which BullMQ keeps in its waiting sets) count as paused: no worker would take them.
    const conn = new Redis(redis.url, { maxRetriesPerRequest: null });
    const store = new TaskStore(conn, config.GPU_TASKS_PREFIX);
    try {
      await store.queue('noop').pause();
      const paused = await scrapeJobs(svc.url);
      expect(paused.get('noop/paused')).toBe(4);
      expect(queued(paused, 'noop')).toBe(0);
      await store.queue('noop').resume();
      const resumed = await scrapeJobs(svc.url);
      expect([resumed.get('noop/paused'), queued(resumed, 'noop')]).toEqual([0, 4]);
    } finally {
      await store.close();
      conn.disconnect();
    }
  });
});
