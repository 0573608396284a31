import { randomUUID } from 'node:crypto';
import { AutomovieError, type RunOptions } from '@automovie/contracts';
import { type RedisServer, startRedis } from '@automovie/testing';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { StoredRun } from '../src/runs/store.ts';
import { choiceStep, type StepDef, workStep } from '../src/steps/types.ts';
import { sleep, testEngine, waitUntil } from './helpers.ts';

/*
 * The engine over step definitions declared here, which do real work: they count their
 * executions in Redis, sleep (aborting on cancel), and fail when a Redis flag says so.
 */

let redisServer: RedisServer;
let redis: Redis;
const open: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  redisServer = await startRedis();
  redis = new Redis(redisServer.url);
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((e) => e.close()));
});
afterAll(async () => {
  await redis.quit();
  await redisServer.stop();
});

const options = (o: Partial<RunOptions> = {}): RunOptions => ({ autopilot: false, targetDurationS: 60, ...o });

/** A work step that counts executions per project, reports progress, can be slowed and broken through Redis keys. */
function counted(name: string, previous?: string, extra: { maxAttempts?: number; big?: boolean } = {}) {
  return workStep({
    name,
    ...(extra.maxAttempts === undefined ? {} : { maxAttempts: extra.maxAttempts }),
    input: (run) => ({
      idea: run.idea,
      previous: previous === undefined ? null : (run.outputs[previous] ?? null),
      picked: run.choices.pick ?? null,
    }),
    async run(input, ctx) {
      const n = await redis.hincrby(`count:${ctx.projectId}`, name, 1);
      ctx.progress(0.5, `${name} half way`);
      const slow = Number((await redis.get(`slow:${ctx.projectId}:${name}`)) ?? 0);
      if (slow > 0) {
        await new Promise<void>((resolve, reject) => {
          const t = setTimeout(resolve, slow);
          ctx.signal.addEventListener('abort', () => {
            clearTimeout(t);
            reject(ctx.signal.reason);
          });
        });
      }
      const broken = await redis.get(`broken:${ctx.projectId}:${name}`);
      if (broken === 'retryable' && n === 1) throw new AutomovieError('TEST_FLAKY', `${name} flaked`, { retryable: true });
      if (broken === 'yes') throw new AutomovieError('TEST_BROKEN', `${name} is broken`);
      return extra.big
        ? { blob: 'x'.repeat(70_000) }
        : { step: name, ideaLength: input.idea.length, previous: input.previous, picked: input.picked };
    },
  });
}

const pick = choiceStep({
  name: 'pick',
  prompt: 'Pick an outline',
  options: (run) => [
    { title: 'Quiet', summary: `A quiet take on ${run.idea}` },
    { title: 'Loud', summary: `A loud take on ${run.idea}` },
  ],
});

const pipeline: StepDef[] = [counted('outline'), pick, counted('draft', 'outline'), counted('polish', 'draft')];

async function counts(projectId: string): Promise<Record<string, number>> {
  const raw = await redis.hgetall(`count:${projectId}`);
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Number(v)]));
}

function engineWith(steps: StepDef[] = pipeline, opts: { prefix?: string; leaseMs?: number } = {}) {
  const e = testEngine(redisServer.url, steps, opts);
  open.push(e);
  e.engine.start();
  return e.engine;
}

async function settled(engine: ReturnType<typeof engineWith>, id: string): Promise<StoredRun> {
  return waitUntil(`run ${id} to settle`, async () => {
    const r = await engine.store.require(id);
    return ['waiting_for_choice', 'completed', 'failed', 'cancelled'].includes(r.state) ? r : undefined;
  });
}

describe('orchestrator engine', () => {
  it('runs every step once with autopilot, records each step, and completes', async () => {
    const engine = engineWith();
    const projectId = randomUUID();
    const created = await engine.createRun({ projectId, idea: 'a lighthouse keeper', options: options({ autopilot: true }) });
    expect(created.state).toBe('queued');
    const run = await settled(engine, created.id);
    expect(run.state).toBe('completed');
    expect(run.choices).toEqual({ pick: 0 });
    expect(run.steps.map((s) => [s.name, s.state, s.attempts, s.progress])).toEqual([
      ['outline', 'completed', 1, 1],
      ['pick', 'completed', 0, 1],
      ['draft', 'completed', 1, 1],
      ['polish', 'completed', 1, 1],
    ]);
    expect(run.steps[1]?.outputSummary).toBe('option 0: Quiet (autopilot)');
    expect(run.steps[3]?.outputSummary).toContain('"picked":0');
    expect(await counts(projectId)).toEqual({ outline: 1, draft: 1, polish: 1 });
    expect(run.finishedAt).toBeDefined();
  });

  it('pauses at a choice with its options and continues with the option resume_run picks', async () => {
    const engine = engineWith();
    const projectId = randomUUID();
    const { id } = await engine.createRun({ projectId, idea: 'two sisters', options: options() });
    const waiting = await settled(engine, id);
    expect(waiting.state).toBe('waiting_for_choice');
    expect(waiting.choice).toEqual({
      step: 'pick',
      prompt: 'Pick an outline',
      options: [
        { index: 0, title: 'Quiet', summary: 'A quiet take on two sisters' },
        { index: 1, title: 'Loud', summary: 'A loud take on two sisters' },
      ],
    });
    expect(waiting.steps.find((s) => s.name === 'pick')).toMatchObject({ state: 'running', message: 'waiting for a choice' });
    expect(await counts(projectId)).toEqual({ outline: 1 });

    await expect(engine.resume(id, 2)).rejects.toMatchObject({ code: 'ORCHESTRATOR_CHOICE_OUT_OF_RANGE' });
    const resumed = await engine.resume(id, 1);
    expect(resumed.state).toBe('running');
    expect(resumed.choice).toBeUndefined();
    const done = await settled(engine, id);
    expect(done.state).toBe('completed');
    expect(done.choices).toEqual({ pick: 1 });
    expect(done.steps.find((s) => s.name === 'polish')?.outputSummary).toContain('"picked":1');
    // The step before the choice did not run again when the graph continued.
    expect(await counts(projectId)).toEqual({ outline: 1, draft: 1, polish: 1 });
  });

  it('refuses what the state machine does not allow, with clear codes', async () => {
    const engine = engineWith();
    const projectId = randomUUID();
    await redis.set(`slow:${projectId}:outline`, '400');
    const { id } = await engine.createRun({ projectId, idea: 'busy', options: options({ autopilot: true }) });
    await waitUntil('outline running', async () => (await engine.store.require(id)).steps[0]?.state === 'running');
    await expect(engine.resume(id, 0)).rejects.toMatchObject({ code: 'ORCHESTRATOR_RUN_NOT_WAITING', status: 409 });
    await expect(engine.retry(id, 'draft')).rejects.toMatchObject({ code: 'ORCHESTRATOR_RUN_ACTIVE' });
    expect((await settled(engine, id)).state).toBe('completed');
    await expect(engine.cancel(id)).rejects.toMatchObject({ code: 'ORCHESTRATOR_RUN_FINISHED' });
    await expect(engine.resume(id, 0)).rejects.toThrow(/not waiting for a choice \(it is completed\)/);
    await expect(engine.retry(id, 'nope')).rejects.toMatchObject({
      code: 'ORCHESTRATOR_UNKNOWN_STEP',
      message: expect.stringContaining('outline, pick, draft, polish'),
    });
    await expect(engine.store.require('missing')).rejects.toMatchObject({ code: 'ORCHESTRATOR_RUN_NOT_FOUND', status: 404 });
    await expect(engine.cancel('missing')).rejects.toMatchObject({ code: 'ORCHESTRATOR_RUN_NOT_FOUND' });
    const empty = engineWith([]);
    await expect(empty.createRun({ projectId, idea: 'x', options: options() })).rejects.toMatchObject({
      code: 'ORCHESTRATOR_PIPELINE_EMPTY',
    });
  });

  it('fails the run at a broken step; retry_step runs it again and reuses the steps before it', async () => {
    const engine = engineWith();
    const projectId = randomUUID();
    await redis.set(`broken:${projectId}:draft`, 'yes');
    const { id } = await engine.createRun({ projectId, idea: 'a heist', options: options({ autopilot: true }) });
    const failed = await settled(engine, id);
    expect(failed.state).toBe('failed');
    expect(failed.error).toMatchObject({ code: 'TEST_BROKEN', step: 'draft', message: 'draft is broken' });
    expect(failed.steps.find((s) => s.name === 'draft')).toMatchObject({ state: 'failed', error: { code: 'TEST_BROKEN' } });
    expect(failed.steps.find((s) => s.name === 'polish')?.state).toBe('pending');
    expect(await counts(projectId)).toEqual({ outline: 1, draft: 1 });

    await redis.del(`broken:${projectId}:draft`);
    const queued = await engine.retry(id, 'draft');
    expect(queued.state).toBe('queued');
    const done = await settled(engine, id);
    expect(done.state).toBe('completed');
    expect(done.error).toBeUndefined();
    expect(done.choices).toEqual({ pick: 0 });
    expect(done.steps.find((s) => s.name === 'outline')).toMatchObject({ state: 'completed', reused: true, attempts: 1 });
    expect(done.steps.find((s) => s.name === 'draft')).toMatchObject({ state: 'completed', attempts: 2 });
    expect(await counts(projectId)).toEqual({ outline: 1, draft: 2, polish: 1 });
  });

  it('retries a step that fails with a retryable error within the same run', async () => {
    const engine = engineWith();
    const projectId = randomUUID();
    await redis.set(`broken:${projectId}:outline`, 'retryable');
    const { id } = await engine.createRun({ projectId, idea: 'flaky', options: options({ autopilot: true }) });
    const done = await settled(engine, id);
    expect(done.state).toBe('completed');
    expect(done.steps[0]).toMatchObject({ name: 'outline', state: 'completed', attempts: 2 });
    expect(await counts(projectId)).toEqual({ outline: 2, draft: 1, polish: 1 });
  });

  it('reuses step outputs whose inputs did not change; a changed input runs the step again', async () => {
    const engine = engineWith();
    const projectId = randomUUID();
    const first = await engine.createRun({ projectId, idea: 'a ghost story', options: options({ autopilot: true }) });
    expect((await settled(engine, first.id)).state).toBe('completed');
    const again = await engine.createRun({ projectId, idea: 'a ghost story', options: options({ autopilot: true }) });
    const reused = await settled(engine, again.id);
    expect(reused.state).toBe('completed');
    expect(reused.steps.filter((s) => s.name !== 'pick').every((s) => s.reused === true && s.attempts === 0)).toBe(true);
    expect(await counts(projectId)).toEqual({ outline: 1, draft: 1, polish: 1 });
    // Re-doing a finished step: it runs afresh, and the steps after it reuse outputs when its output is unchanged.
    const redone = await engine.retry(again.id, 'draft');
    const after = await settled(engine, redone.id);
    expect(after.state).toBe('completed');
    expect(after.steps.find((s) => s.name === 'draft')).toMatchObject({ attempts: 1, state: 'completed' });
    expect(after.steps.find((s) => s.name === 'draft')?.reused).toBeUndefined();
    expect(after.steps.find((s) => s.name === 'polish')?.reused).toBe(true);
    expect(await counts(projectId)).toEqual({ outline: 1, draft: 2, polish: 1 });
    // Another idea changes every input.
    const other = await engine.createRun({ projectId, idea: 'a ghost story, retold', options: options({ autopilot: true }) });
    expect((await settled(engine, other.id)).state).toBe('completed');
    expect(await counts(projectId)).toEqual({ outline: 2, draft: 3, polish: 2 });
  });

  it('cancels a running run: the step is aborted and nothing after it runs', async () => {
    const engine = engineWith();
    const projectId = randomUUID();
    await redis.set(`slow:${projectId}:draft`, '5000');
    const { id } = await engine.createRun({ projectId, idea: 'slow', options: options({ autopilot: true }) });
    await waitUntil('draft running', async () => (await engine.store.require(id)).steps[2]?.state === 'running');
    const t0 = Date.now();
    const cancelled = await engine.cancel(id);
    expect(cancelled.state).toBe('cancelled');
    expect(cancelled.steps.map((s) => s.state)).toEqual(['completed', 'completed', 'failed', 'skipped']);
    expect(cancelled.steps[2]?.error?.code).toBe('ORCHESTRATOR_RUN_CANCELLED');
    await waitUntil('the executor to let go', () => engine.executing === 0);
    expect(Date.now() - t0).toBeLessThan(2000);
    await sleep(150);
    expect((await engine.store.require(id)).state).toBe('cancelled');
    expect(await counts(projectId)).toEqual({ outline: 1, draft: 1 });
    await expect(engine.cancel(id)).rejects.toMatchObject({ code: 'ORCHESTRATOR_RUN_FINISHED' });
  });

  it('refuses a step output too large for a checkpoint', async () => {
    const engine = engineWith([counted('huge', undefined, { big: true })]);
    const { id } = await engine.createRun({ projectId: randomUUID(), idea: 'big', options: options() });
    const run = await settled(engine, id);
    expect(run.state).toBe('failed');
    expect(run.error).toMatchObject({ code: 'ORCHESTRATOR_STEP_OUTPUT_TOO_LARGE', step: 'huge' });
  });

  it('executes a run on one engine only; a stopped engine leaves it to another, which continues from the checkpoint', async () => {
    const prefix = `shared${randomUUID().slice(0, 6)}:`;
    const a = engineWith(pipeline, { prefix, leaseMs: 1000 });
    const b = engineWith(pipeline, { prefix, leaseMs: 1000 });
    const projectId = randomUUID();
    await redis.set(`slow:${projectId}:draft`, '600');
    const { id } = await a.createRun({ projectId, idea: 'handover', options: options({ autopilot: true }) });
    await waitUntil('draft running', async () => (await a.store.require(id)).steps[2]?.state === 'running');
    expect(a.executing + b.executing).toBe(1);
    const holder = a.executing === 1 ? a : b;
    const other = holder === a ? b : a;
    await holder.stop();
    expect((await other.store.require(id)).state).toBe('running');
    const done = await settled(other, id);
    expect(done.state).toBe('completed');
    // outline finished before the handover and ran once; draft was interrupted and ran again.
    expect(await counts(projectId)).toEqual({ outline: 1, draft: 2, polish: 1 });
    expect(done.steps.find((s) => s.name === 'draft')?.attempts).toBe(2);
  });

  it('lists a project’s runs newest first, by state', async () => {
    const engine = engineWith();
    const projectId = randomUUID();
    const r1 = await engine.createRun({ projectId, idea: 'one', options: options({ autopilot: true }) });
    await sleep(5);
    const r2 = await engine.createRun({ projectId, idea: 'two', options: options() });
    await settled(engine, r1.id);
    await settled(engine, r2.id);
    expect((await engine.store.listByProject(projectId, { limit: 10 })).map((r) => r.id)).toEqual([r2.id, r1.id]);
    expect((await engine.store.listByProject(projectId, { limit: 10, state: 'waiting_for_choice' })).map((r) => r.id)).toEqual([r2.id]);
    expect(await engine.store.listByProject(randomUUID(), { limit: 10 })).toEqual([]);
  });
});
