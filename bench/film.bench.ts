/**
 * Film benchmark: `pnpm bench:film` (options: `--help`). Runs the demo path — `automovie demo`'s
 * own function: a fresh local fleet of real processes (redis-server and every service), a project,
 * an autopilot production, the exports downloaded — for 1-, 3- and 5-minute films (`--quick`: 1
 * minute only), offline, and reports per film:
 *
 * - wall time (fleet start included, as a user waits for it) and production time (start_run to the end);
 * - memory: every process of the fleet (the services, redis-server and what they spawn: ffmpeg,
 *   espeak-ng) is sampled from /proc every 200 ms; "peak RSS" is the highest sum of their resident
 *   sets seen at one instant, "Σ process peaks" adds each process's own high-water mark (VmHWM) —
 *   an upper bound, since processes do not all peak together;
 * - every step's time, from the run's step timestamps;
 * - how cost grows with length: each film's times divided by the 1-minute film's.
 * JSON in .data/bench/film-<stamp>.json.
 */

import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { ServiceName } from '@automovie/contracts';
// The CLI's demo, driven in-process so its fleet's processes are this process's children.
import { type DemoResult, runDemo } from '../packages/cli/src/commands/demo.ts';
import type { Io } from '../packages/cli/src/io.ts';
import { table } from './lib/format.ts';

const { values: opts } = parseArgs({
  options: {
    minutes: { type: 'string', default: '1,3,5' },
    quick: { type: 'boolean', default: false },
    idea: { type: 'string', default: 'a lighthouse keeper befriends a storm' },
    json: { type: 'boolean', default: true },
    help: { type: 'boolean', default: false },
  },
  allowNegative: true,
});
if (opts.help) {
  console.log(`pnpm bench:film [--quick] [--minutes 1,3,5] [--idea "…"] [--no-json]
  --quick     the 1-minute film only
  --minutes   film lengths to make, in minutes (default 1,3,5)`);
  process.exit(0);
}

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const FILM: readonly ServiceName[] = ['brain', 'gpu-tasks', 'orchestrator', 'story', 'character', 'visual', 'audio', 'video', 'export'];
const minutes = opts.quick ? [1] : opts.minutes.split(',').map((m) => Number(m.trim()));
if (minutes.some((m) => !Number.isFinite(m) || m <= 0 || m > 60))
  throw new Error(`--minutes: lengths in minutes (0 < m ≤ 60), got ${opts.minutes}`);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Every process below `root` (children, grandchildren…), from /proc. */
function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name may hold spaces and parentheses: fields start after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(entry));
      children.set(ppid, list);
    } catch {
      // gone meanwhile
    }
  }
  const out: number[] = [];
  const stack = [...(children.get(root) ?? [])];
  while (stack.length > 0) {
    const pid = stack.pop() as number;
    out.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return out;
}

/** A process as people know it: the fleet service it runs, or its program's name. */
function labelOf(pid: number): string | undefined {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    const service = argv.map((a) => /services\/([a-z0-9-]+)\/src\/index\.ts$/.exec(a)?.[1]).find((x) => x !== undefined);
    return service ?? argv[0]?.split('/').pop();
  } catch {
    return undefined;
  }
}

function memoryOf(pid: number): { rssKiB: number; hwmKiB: number; name: string } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    return { rssKiB: kib('VmRSS'), hwmKiB: kib('VmHWM'), name: labelOf(pid) ?? /^Name:\s+(.*)$/m.exec(status)?.[1] ?? '?' };
  } catch {
    return undefined;
  }
}

/** Samples the memory of this process's descendants until stopped. */
function sampleFleetMemory(everyMs = 200): { stop(): { peakRssMiB: number; sumOfPeaksMiB: number; byProcess: Record<string, number> } } {
  let peakSum = 0;
  const hwm = new Map<number, { name: string; kib: number }>();
  const tick = () => {
    let sum = 0;
    for (const pid of descendants(process.pid)) {
      const m = memoryOf(pid);
      if (m === undefined) continue;
      sum += m.rssKiB;
      const prev = hwm.get(pid);
      if (prev === undefined || m.hwmKiB > prev.kib) hwm.set(pid, { name: m.name, kib: m.hwmKiB });
    }
    peakSum = Math.max(peakSum, sum);
  };
  tick();
  const timer = setInterval(tick, everyMs);
  return {
    stop() {
      clearInterval(timer);
      const byProcess: Record<string, number> = {};
      for (const { name, kib } of hwm.values()) byProcess[name] = Math.max(byProcess[name] ?? 0, Math.round(kib / 1024));
      const sumOfPeaks = [...hwm.values()].reduce((a, b) => a + b.kib, 0);
      return { peakRssMiB: Math.round(peakSum / 1024), sumOfPeaksMiB: Math.round(sumOfPeaks / 1024), byProcess };
    },
  };
}

function quietIo(cwd: string): Io {
  const say = (s: string) => {
    // Step completions only: the bench prints its own tables.
    for (const line of s.split('\n')) if (/^[✓✗] /.test(line)) process.stderr.write(`  ${line.slice(0, 150)}\n`);
  };
  return {
    stdout: { write: () => true, isTTY: false },
    stderr: { write: say, isTTY: false },
    env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'warn' },
    cwd,
    readStdin: async () => '',
    trapSignals: () => ({ received: new Promise(() => {}), dispose() {} }),
  };
}

interface FilmRow {
  minutes: number;
  targetS: number;
  filmS: number;
  wallS: number;
  fleetStartS: number;
  runS: number;
  peakRssMiB: number;
  sumOfPeaksMiB: number;
  byProcess: Record<string, number>;
  steps: Record<string, number>;
  counts: { scenes: number; shots: number; lines: number };
}

async function film(m: number): Promise<FilmRow> {
  const ports: Partial<Record<ServiceName, number>> = {};
  for (const name of FILM) ports[name] = await freePort();
  const base = join(tmpdir(), `automovie-bench-film-${process.pid}-${m}m-${Date.now()}`);
  const memory = sampleFleetMemory();
  let demo: DemoResult;
  let mem: ReturnType<ReturnType<typeof sampleFleetMemory>['stop']>;
  try {
    demo = await runDemo(
      quietIo(base),
      opts.idea,
      { out: join(base, 'out'), duration: String(Math.round(m * 60)) },
      { repoRoot: REPO_ROOT, dataDir: join(base, 'data'), services: FILM, ports, redisPort: await freePort() },
    );
  } finally {
    mem = memory.stop();
    rmSync(base, { recursive: true, force: true });
  }
  const r = demo.report;
  return {
    minutes: m,
    targetS: Math.round(m * 60),
    filmS: r.film.videoDurationS ?? 0,
    wallS: r.wallS,
    fleetStartS: r.fleetStartS,
    runS: r.runS,
    ...mem,
    steps: Object.fromEntries(r.steps.map((s) => [s.name, s.seconds ?? 0])),
    counts: { scenes: r.film.scenes, shots: r.film.shots, lines: r.film.lines },
  };
}

const rows: FilmRow[] = [];
for (const m of minutes) {
  console.error(`\n${m}-minute film…`);
  rows.push(await film(m));
}

const s = (v: number) => v.toFixed(1);
console.log(`\nFilm benchmark: the demo path, offline (${cpus().length} cores, load ${loadavg()[0]?.toFixed(2)})\n`);
console.log(
  table(
    ['film', 'made (s)', 'scenes/shots/lines', 'wall (s)', 'fleet start (s)', 'production (s)', 'peak RSS (MiB)', 'Σ process peaks (MiB)'],
    rows.map((r) => [
      `${r.minutes} min`,
      s(r.filmS),
      `${r.counts.scenes}/${r.counts.shots}/${r.counts.lines}`,
      s(r.wallS),
      s(r.fleetStartS),
      s(r.runS),
      String(r.peakRssMiB),
      String(r.sumOfPeaksMiB),
    ]),
  ),
);
const stepNames = Object.keys(rows[0]?.steps ?? {});
console.log('\nPer step (s):\n');
console.log(
  table(
    ['step', ...rows.map((r) => `${r.minutes} min`)],
    stepNames.map((n) => [n, ...rows.map((r) => s(r.steps[n] ?? 0))]),
  ),
);
const one = rows.find((r) => r.minutes === 1);
if (one && rows.length > 1) {
  console.log('\nGrowth (÷ the 1-minute film):\n');
  console.log(
    table(
      ['film', 'length', 'wall', 'production', 'peak RSS', ...stepNames.filter((n) => (one.steps[n] ?? 0) >= 0.5)],
      rows
        .filter((r) => r !== one)
        .map((r) => [
          `${r.minutes} min`,
          (r.filmS / one.filmS).toFixed(2),
          (r.wallS / one.wallS).toFixed(2),
          (r.runS / one.runS).toFixed(2),
          (r.peakRssMiB / one.peakRssMiB).toFixed(2),
          ...stepNames.filter((n) => (one.steps[n] ?? 0) >= 0.5).map((n) => ((r.steps[n] ?? 0) / (one.steps[n] ?? 1)).toFixed(2)),
        ]),
    ),
  );
}
if (one) console.log(`\n1-minute film under 2 minutes wall: ${one.wallS < 120 ? 'PASS' : 'MISS'} (${s(one.wallS)} s)`);
const peakProcs = Object.entries(rows.at(-1)?.byProcess ?? {})
  .sort((a, b) => b[1] - a[1])
  .slice(0, 6)
  .map(([n, mib]) => `${n} ${mib}`)
  .join(', ');
console.log(`Largest processes (VmHWM MiB, last film): ${peakProcs}`);
if (opts.json) {
  const dir = join(REPO_ROOT, '.data', 'bench');
  await mkdir(dir, { recursive: true });
  const file = join(dir, `film-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  await writeFile(file, JSON.stringify({ cores: cpus().length, load: loadavg(), rows }, null, 2));
  console.log(`\nJSON: ${file}`);
}
