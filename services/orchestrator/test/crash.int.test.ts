import { create_project, get_run, type Run, start_run } from '@automovie/contracts';
import { McpClient } from '@automovie/mcp-ws';
import { type RedisServer, startRedis, type TempDir, tempDir, testToken } from '@automovie/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diagnosticCounterKey } from '../src/diagnostic.ts';
import { type ChildService, startChild, waitUntil } from './helpers.ts';

/*
 * Crash tests with real processes: the orchestrator as `node services/orchestrator/src/index.ts`
 * running the operator diagnostic pipeline (each step works DIAGNOSTIC_STEP_MS and counts its
 * starts and finishes in Redis), a real brain, and a redis-server with append-only persistence.
 */

const PREFIX = 'orch:';
const WORK_STEPS = ['diag_prepare', 'diag_work_1', 'diag_work_2', 'diag_work_3', 'diag_finish'];

let redisServer: RedisServer;
let redis: Redis;
let brain: ChildService;
let data: TempDir;
let projectId: string;
const children: ChildService[] = [];
const clients: McpClient[] = [];

const env = () => ({
  REDIS_URL: redisServer.url,
  AUTOMOVIE_BRAIN_URL: brain.mcpUrl,
  ORCHESTRATOR_PIPELINE: 'diagnostic',
  DIAGNOSTIC_STEP_MS: '300',
  RUN_LEASE_MS: '1500',
  RUN_SWEEP_MS: '200',
});

async function orchestrator(): Promise<ChildService> {
  const child = await startChild('orchestrator', env(), data);
  children.push(child);
  return child;
}

function client(url: string): McpClient {
  const c = new McpClient({ url, token: () => testToken({ userId: 'u-owner' }), timeoutMs: 30_000 });
  clients.push(c);
  return c;
}

async function counters(runId: string): Promise<Record<string, number>> {
  const raw = await redis.hgetall(diagnosticCounterKey(PREFIX, runId));
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Number(v)]));
}

async function runDoc(runId: string): Promise<Run> {
  return JSON.parse((await redis.hget(`${PREFIX}run:${runId}`, 'doc')) as string) as Run;
}

beforeAll(async () => {
  data = await tempDir('automovie-orchestrator-crash-');
  redisServer = await startRedis({ persistence: true });
  redis = new Redis(redisServer.url, { maxRetriesPerRequest: null });
  brain = await startChild('brain', { REDIS_URL: redisServer.url });
  ({
    project: { id: projectId },
  } = await client(brain.mcpUrl).call(create_project, { name: 'Crash test' }));
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await Promise.all(children.map((c) => c.stop()));
  await brain?.stop();
  await redis?.quit();
  await redisServer?.stop();
  await data?.remove();
});

describe('orchestrator crash recovery', () => {
  it('continues a run from its last checkpoint after kill -9; no finished step runs again', async () => {
    const first = await orchestrator();
    const { run } = await client(first.mcpUrl).call(start_run, {
      projectId,
      idea: 'a run that survives a crash',
      options: { autopilot: true },
    });
    // Kill it while diag_work_2 works: three steps (and the choice) have finished by then.
    await waitUntil(
      'diag_work_2 to be running',
      async () => (await runDoc(run.id)).steps.find((s) => s.name === 'diag_work_2')?.state === 'running',
      20_000,
    );
    await first.kill();
    const before = await counters(run.id);
    expect(before).toMatchObject({ 'diag_prepare:finished': 1, 'diag_work_1:finished': 1, 'diag_work_2:started': 1 });
    expect(before['diag_work_2:finished']).toBeUndefined();
    expect((await runDoc(run.id)).state).toBe('running');

    const second = await orchestrator();
    const { run: done } = await client(second.mcpUrl).call(get_run, { runId: run.id, waitMs: 30_000 });
    expect(done.state).toBe('completed');
    const after = await counters(run.id);
    for (const step of WORK_STEPS) expect(after[`${step}:finished`], `${step} finished`).toBe(1);
    // Only the step the kill interrupted started twice.
    expect(after).toMatchObject({
      'diag_prepare:started': 1,
      'diag_work_1:started': 1,
      'diag_work_2:started': 2,
      'diag_work_3:started': 1,
    });
    expect(done.steps.find((s) => s.name === 'diag_work_2')?.attempts).toBe(2);
    expect(done.steps.find((s) => s.name === 'diag_prepare')?.attempts).toBe(1);
    await second.stop();
  });

  it('keeps running through a Redis restart (append-only persistence on)', async () => {
    const orch = await orchestrator();
    const { run } = await client(orch.mcpUrl).call(start_run, {
      projectId,
      idea: 'a run that survives a Redis restart',
      options: { autopilot: true },
    });
    await waitUntil(
      'diag_work_1 to be running',
      async () => (await runDoc(run.id)).steps.find((s) => s.name === 'diag_work_1')?.state === 'running',
      20_000,
    );
    await redisServer.restart();
    const { run: done } = await client(orch.mcpUrl).call(get_run, { runId: run.id, waitMs: 30_000 });
    expect(done.state).toBe('completed');
    const after = await counters(run.id);
    for (const step of WORK_STEPS) expect(after[`${step}:finished`], `${step} finished`).toBe(1);
    expect(after['diag_prepare:started']).toBe(1);
    await orch.stop();
  });
});
