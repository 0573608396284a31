/**
 * gpu-tasks benchmark: `pnpm bench:tasks` (options: `--help`). No-op tasks through gpu-tasks at
 * worker concurrency 1, 16 and 64, beside raw BullMQ on the same Redis:
 *
 * 1. raw BullMQ: N jobs added in bulk, then one Worker with a processor that returns at once.
 * 2. gpu-tasks: N noop tasks submitted through MCP `submit_task` (64 in flight) to an API-only
 *    replica (the submit rate is reported), then a worker-only replica started with the
 *    concurrency under test. Every task goes through the service's own processor: task.* events
 *    on the events stream, the cancellation check, result validation.
 * 3. Drain rate for both = completed tasks / time from the first completion to the last (start-up
 *    excluded), counted from BullMQ's completed set. Everything runs in this one process on a
 *    redis-server started for the run. JSON in .data/bench/tasks-<stamp>.json.
 */

import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { submit_task } from '@automovie/contracts';
import { McpClient } from '@automovie/mcp-ws';
import { type RedisServer, startRedis, startService, TEST_JWT_SECRET, testToken } from '@automovie/testing';
import type * as BullMQ from '../services/gpu-tasks/node_modules/bullmq/dist/esm/index.js';
import { loadGpuTasksConfig } from '../services/gpu-tasks/src/config.ts';
import { buildServer } from '../services/gpu-tasks/src/server.ts';
import { int, table } from './lib/format.ts';

const { values: opts } = parseArgs({
  options: {
    tasks: { type: 'string', default: '20000' },
    'tasks-c1': { type: 'string', default: '3000' },
    concurrency: { type: 'string', default: '1,16,64' },
    json: { type: 'boolean', default: true },
    quick: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
  allowNegative: true,
});
if (opts.help) {
  console.log(`pnpm bench:tasks [options]
  --tasks N          tasks per run at concurrency > 1 (20000)
  --tasks-c1 N       tasks per run at concurrency 1 (3000)
  --concurrency L    worker concurrencies, comma-separated (1,16,64)
  --no-json
  --quick            2000 tasks (500 at concurrency 1): a smoke run, not for figures`);
  process.exit(0);
}

const TARGET_AT_64 = 2000;
const SUBMIT_INFLIGHT = 64;
const quick = opts.quick;
const tasksFor = (c: number) => (c === 1 ? (quick ? 500 : Number(opts['tasks-c1'])) : quick ? 2000 : Number(opts.tasks));
const levels = String(opts.concurrency)
  .split(',')
  .map((s) => Number(s.trim()))
  .filter((n) => Number.isInteger(n) && n > 0);

// The bench takes BullMQ from gpu-tasks itself, so both sides run the same version.
const requireFromService = createRequire(fileURLToPath(new URL('../services/gpu-tasks/package.json', import.meta.url)));
const bullmq = (await import(requireFromService.resolve('bullmq'))) as typeof BullMQ;

const note = (line: string) => process.stderr.write(`  … ${line}\n`);

/** Polls a queue's completed count until it reaches `n`; the drain rate over first-to-last completion. */
async function drainRate(queue: BullMQ.Queue, n: number, timeoutMs: number): Promise<{ perSec: number; ms: number }> {
  let first: number | undefined;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const done = await queue.getCompletedCount();
    const now = performance.now();
    if (done > 0 && first === undefined) first = now;
    if (done >= n) {
      const ms = now - (first ?? now);
      return { perSec: ms > 0 ? ((n - 1) * 1000) / ms : Number.POSITIVE_INFINITY, ms };
    }
    if (Date.now() > deadline) throw new Error(`only ${done} of ${n} completed within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function rawBullmq(redisUrl: string, concurrency: number, n: number): Promise<number> {
  const connection = { url: redisUrl, maxRetriesPerRequest: null } as unknown as BullMQ.ConnectionOptions;
  const name = `raw-${concurrency}-${Date.now()}`;
  const queue = new bullmq.Queue(name, { connection, prefix: 'bench' });
  for (let i = 0; i < n; i += 1000) {
    await queue.addBulk(Array.from({ length: Math.min(1000, n - i) }, () => ({ name: 'noop', data: { steps: 0 } })));
  }
  const worker = new bullmq.Worker(name, async () => ({ steps: 0 }), { connection, prefix: 'bench', concurrency });
  worker.on('error', () => {});
  try {
    return (await drainRate(queue, n, 600_000)).perSec;
  } finally {
    await worker.close();
    await queue.obliterate({ force: true });
    await queue.close();
  }
}

async function throughGpuTasks(redisUrl: string, concurrency: number, n: number): Promise<{ drain: number; submit: number }> {
  const prefix = `bench${concurrency}x${Date.now()}`;
  const env = {
    AUTOMOVIE_JWT_SECRET: TEST_JWT_SECRET,
    PORT: '0',
    LOG_LEVEL: 'silent',
    REDIS_URL: redisUrl,
    GPU_TASKS_PREFIX: prefix,
    // No brain in this bench: the project check (one cached brain call per caller and project) is off.
    GPU_TASKS_CHECK_PROJECTS: 'false',
    GPU_TASKS_CONCURRENCY_NOOP: String(concurrency),
  };
  const api = await startService(() => buildServer(loadGpuTasksConfig({ ...env, WORKERS_ENABLED: 'false' })));
  const client = new McpClient({ url: api.mcpUrl, token: await testToken(), timeoutMs: 60_000 });
  const queue = new bullmq.Queue('gpu-tasks-noop', { connection: { url: redisUrl } as unknown as BullMQ.ConnectionOptions, prefix });
  try {
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: SUBMIT_INFLIGHT }, async () => {
        while (next < n) {
          next++;
          await client.call(submit_task, { projectId: 'bench', kind: 'noop', payload: {} });
        }
      }),
    );
    const submit = (n * 1000) / (performance.now() - t0);
    const workers = await startService(() => buildServer(loadGpuTasksConfig({ ...env, API_ENABLED: 'false' })));
    try {
      const { perSec } = await drainRate(queue, n, 600_000);
      return { drain: perSec, submit };
    } finally {
      await workers.stop();
    }
  } finally {
    await client.close();
    await queue.obliterate({ force: true }).catch(() => {});
    await queue.close();
    await api.stop();
  }
}

let redis: RedisServer | undefined;
try {
  redis = await startRedis();
  const rows: { concurrency: number; tasks: number; raw: number; gpuTasks: number; submit: number }[] = [];
  for (const c of levels) {
    const n = tasksFor(c);
    note(`raw BullMQ, concurrency ${c}, ${n} jobs`);
    const raw = await rawBullmq(redis.url, c, n);
    note(`gpu-tasks, concurrency ${c}, ${n} tasks`);
    const g = await throughGpuTasks(redis.url, c, n);
    rows.push({ concurrency: c, tasks: n, raw, gpuTasks: g.drain, submit: g.submit });
  }
  console.log(`\ngpu-tasks: no-op tasks/s (${cpus().length} cores, load ${loadavg()[0]?.toFixed(2)}; one process, one redis-server)\n`);
  console.log(
    table(
      ['concurrency', 'tasks', 'raw BullMQ /s', 'gpu-tasks /s', 'gpu-tasks ÷ raw', 'submit_task /s (64 in flight)'],
      rows.map((r) => [String(r.concurrency), int(r.tasks), int(r.raw), int(r.gpuTasks), (r.gpuTasks / r.raw).toFixed(2), int(r.submit)]),
    ),
  );
  const at64 = rows.find((r) => r.concurrency === 64);
  if (at64)
    console.log(
      `\ntarget ≥ ${int(TARGET_AT_64)}/s at concurrency 64: ${at64.gpuTasks >= TARGET_AT_64 ? 'PASS' : 'MISS'} (${int(at64.gpuTasks)}/s)`,
    );
  if (opts.json) {
    const dir = join(fileURLToPath(new URL('..', import.meta.url)), '.data', 'bench');
    await mkdir(dir, { recursive: true });
    const file = join(dir, `tasks-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    await writeFile(file, JSON.stringify({ cores: cpus().length, load: loadavg(), quick, rows }, null, 2));
    console.log(`\nJSON: ${file}`);
  }
} finally {
  await redis?.stop();
}
