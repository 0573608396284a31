/**
 * Orchestrator benchmark: `pnpm bench:orchestrator` (options: `--runs N`, `--steps N`). The
 * orchestrator as production builds it (buildServer, its RedisSaver, leases, run store, step
 * cache, run.* events) on a real redis-server with append-only persistence, over steps that do no
 * work of their own, so every millisecond measured is the engine's:
 *
 * 1. Overhead per step: runs of a short and a long pipeline, one at a time; the marginal cost of a
 *    step is (long − short) / (extra steps). Target: under 5 ms.
 * 2. The same with every step reused from the step cache (a re-run whose inputs did not change).
 * 3. Throughput with 16 runs at once.
 * 4. RedisSaver alone: put + getTuple of a small checkpoint.
 */
import { parseArgs } from 'node:util';
import { startRedis, TEST_JWT_SECRET } from '@automovie/testing';
import { pino } from 'pino';
import type { StoredRun } from '../services/orchestrator/src/runs/store.ts';
import { buildServer, loadOrchestratorConfig, type StepDef, workStep } from '../services/orchestrator/src/server.ts';
import { int, ms, table } from './lib/format.ts';

const { values: args } = parseArgs({
  options: { runs: { type: 'string', default: '30' }, steps: { type: 'string', default: '22' }, help: { type: 'boolean', default: false } },
});
if (args.help) {
  process.stdout.write('pnpm bench:orchestrator [--runs 30] [--steps 22]\n');
  process.exit(0);
}
const RUNS = Number(args.runs);
const LONG = Number(args.steps);
const SHORT = 2;
const TARGET_MS = 5;

/** Steps that return at once; `perRun` puts the run id in their input so nothing is reused across runs. */
function noopSteps(count: number, perRun: boolean): StepDef[] {
  return Array.from({ length: count }, (_, i) =>
    workStep({
      name: `step_${i}`,
      input: (run) => ({ i, run: perRun ? run.runId : null, previous: i === 0 ? null : run.outputs[`step_${i - 1}`] }),
      run: async (input) => ({ i: input.i, ok: true }),
    }),
  );
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
const sortNum = (a: number[]) => [...a].sort((x, y) => x - y);

const redis = await startRedis({ persistence: true });
const services: Awaited<ReturnType<typeof buildServer>>[] = [];

async function engineWith(steps: StepDef[], concurrency = 4) {
  const config = loadOrchestratorConfig({
    AUTOMOVIE_JWT_SECRET: TEST_JWT_SECRET,
    PORT: '0',
    LOG_LEVEL: 'silent',
    REDIS_URL: redis.url,
    RUN_CONCURRENCY: String(concurrency),
    ORCHESTRATOR_KEY_PREFIX: `bench${services.length}:`,
  });
  const service = await buildServer(config, { steps, logger: pino({ level: 'silent' }) });
  services.push(service);
  service.engine.start();
  return service.engine;
}

type Engine = Awaited<ReturnType<typeof engineWith>>;

async function oneRun(engine: Engine, idea: string): Promise<{ ms: number; run: StoredRun }> {
  const t0 = performance.now();
  const created = await engine.createRun({ projectId: 'bench', idea, options: { autopilot: true, targetDurationS: 60 } });
  const run = await engine.waitFor(created.id, 60_000);
  if (run.state !== 'completed') throw new Error(`bench run ${run.id} ended ${run.state}: ${JSON.stringify(run.error)}`);
  return { ms: performance.now() - t0, run };
}

async function series(engine: Engine, idea: (i: number) => string): Promise<{ samples: number[]; cpuMs: number }> {
  for (let i = 0; i < 3; i++) await oneRun(engine, `warm-up ${i} ${idea(i)}`);
  const samples: number[] = [];
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < RUNS; i++) samples.push((await oneRun(engine, idea(i))).ms);
  const cpu = process.cpuUsage(cpu0);
  return { samples, cpuMs: (cpu.user + cpu.system) / 1000 };
}

const out: string[] = [];
const say = (s: string) => {
  out.push(s);
  process.stdout.write(`${s}\n`);
};

say(`orchestrator bench: ${RUNS} runs each, pipelines of ${SHORT} and ${LONG} no-op steps, redis-server with appendonly on`);

// 1. Fresh steps.
const short = await series(await engineWith(noopSteps(SHORT, true)), (i) => `short ${i}`);
const long = await series(await engineWith(noopSteps(LONG, true)), (i) => `long ${i}`);
const s = sortNum(short.samples);
const l = sortNum(long.samples);
const extra = LONG - SHORT;
const marginal = { p50: (pct(l, 50) - pct(s, 50)) / extra, p95: (pct(l, 95) - pct(s, 95)) / extra };
const cpuPerStep = (long.cpuMs - short.cpuMs) / RUNS / extra;

// 2. Every step reused (same inputs as an earlier run).
const reuseEngine = await engineWith(noopSteps(LONG, false));
await oneRun(reuseEngine, 'the same idea');
const reused = await series(reuseEngine, () => 'the same idea');
const r = sortNum(reused.samples);

// 3. 16 runs at once.
const concEngine = await engineWith(noopSteps(LONG, true), 16);
const t0 = performance.now();
await Promise.all(Array.from({ length: 48 }, (_, i) => oneRun(concEngine, `concurrent ${i}`)));
const concMs = performance.now() - t0;
const stepsPerS = (48 * LONG) / (concMs / 1000);

// 4. RedisSaver alone.
const saver = reuseEngine.saver;
const saverSamples: number[] = [];
let parent: string | undefined;
for (let i = 0; i < 1000; i++) {
  const cp = {
    v: 4,
    id: `cp-${String(i).padStart(6, '0')}`,
    ts: new Date().toISOString(),
    channel_values: { outputs: { step: i, ok: true } },
    channel_versions: { outputs: i + 1 },
    versions_seen: {},
  };
  const t = performance.now();
  const config = await saver.put(
    { configurable: { thread_id: 'bench-saver', checkpoint_ns: '', ...(parent ? { checkpoint_id: parent } : {}) } },
    cp,
    { source: 'loop', step: i, parents: {} },
    { outputs: i + 1 },
  );
  await saver.getTuple(config);
  saverSamples.push(performance.now() - t);
  parent = cp.id;
}
const sv = sortNum(saverSamples);

say('');
say(
  table(
    ['measure', 'p50 ms', 'p95 ms', 'note'],
    [
      [`run of ${SHORT} steps`, ms(pct(s, 50)), ms(pct(s, 95)), 'start → completed'],
      [`run of ${LONG} steps`, ms(pct(l, 50)), ms(pct(l, 95)), 'start → completed'],
      [
        'overhead per step (marginal)',
        ms(marginal.p50),
        ms(marginal.p95),
        `target < ${TARGET_MS} ms: ${marginal.p50 < TARGET_MS ? 'PASS' : 'MISS'}`,
      ],
      ['CPU per step (this process)', ms(cpuPerStep), '', 'user+system'],
      [`run of ${LONG} reused steps`, ms(pct(r, 50)), ms(pct(r, 95)), `${ms(pct(r, 50) / LONG)} ms per reused step`],
      ['RedisSaver put + getTuple', ms(pct(sv, 50)), ms(pct(sv, 95)), '1,000 checkpoints on one thread'],
    ],
  ),
);
say(`16 runs at once: 48 runs × ${LONG} steps in ${ms(concMs)} ms = ${int(stepsPerS)} steps/s`);

for (const svc of services) await svc.stop();
await redis.stop();
