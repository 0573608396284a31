import { createWriteStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import {
  brainCatalog,
  exportCatalog,
  FLEET,
  orchestratorCatalog,
  ProjectBundleSchema,
  type Run,
  type ServiceName,
  toAutomovieError,
  videoCatalog,
} from '@automovie/contracts';
import { type McpClient, TokenAuthority } from '@automovie/mcp-ws';
import type { Command } from 'commander';
import { connect } from '../connect.ts';
import { RunProgressView } from '../demo-progress.ts';
import {
  type FilmReport,
  failureHelp,
  filmFacts,
  formatSummary,
  providerUses,
  slugify,
  stepTimings,
  timestampSlug,
  type WrittenFile,
} from '../demo-report.ts';
import { CliError, ExitCodes, RemoteError } from '../errors.ts';
import { FLEET_HOST, type Fleet, type FleetOptions, readFleetState, startFleet } from '../fleet.ts';
import { formatFleetEvent } from '../fleet-output.ts';
import { isReady } from '../health.ts';
import type { Io } from '../io.ts';
import { parseFilmDuration, parseStyle } from '../options.ts';
import { formatDuration } from '../render.ts';
import { findRepoRoot, resolveDataDir, servicesInRepo } from '../repo.ts';
import type { Runner } from '../runner.ts';
import { readFleetSecret, SECRET_FILE } from '../secret.ts';

export interface DemoOptions {
  out?: string;
  dataDir?: string;
  /** Target running time in seconds (text from the command line). Default 60. */
  duration?: string;
  style?: string;
}

/** Longest idea accepted (a paragraph; the story service takes it from there). */
const MAX_IDEA = 5000;
/** Target running time of the film when --duration is not given. */
export const DEFAULT_FILM_S = 60;
/** The services a film needs; the demo refuses to start a production without them. */
const FILM_SERVICES: readonly ServiceName[] = [
  'brain',
  'gpu-tasks',
  'orchestrator',
  'story',
  'character',
  'visual',
  'audio',
  'video',
  'export',
];
/** The local user the demo acts for: the owner of the projects it creates. */
export const DEMO_USER = 'local-user';
/** How often the run is polled for progress. */
const POLL_MS = 300;

export interface DemoResult {
  outDir: string;
  reportPath: string;
  report: FilmReport;
  run: Run;
}

function remote(err: unknown, what: string): never {
  const e = toAutomovieError(err);
  throw new RemoteError(e, e.code === 'CONNECTION_LOST' ? ExitCodes.CONNECTION : ExitCodes.FAILURE, `${what}: ${e.message}`);
}

async function download(url: string, path: string, signal: AbortSignal): Promise<number> {
  let res: Response;
  try {
    res = await fetch(url, { signal });
  } catch (err) {
    throw new CliError('CLI_DOWNLOAD_FAILED', `Could not download ${path}: ${(err as Error).message}`, { cause: err });
  }
  if (!res.ok || res.body === null) {
    throw new CliError('CLI_DOWNLOAD_FAILED', `Could not download ${path}: HTTP ${res.status} ${res.statusText}`);
  }
  await pipeline(Readable.fromWeb(res.body as WebReadableStream<Uint8Array>), createWriteStream(path));
  return readFileSync(path).byteLength;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((r) => {
    const t = setTimeout(r, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        r();
      },
      { once: true },
    );
  });
}

/**
 * The main job: bring the local fleet up (or use one that is up and ready), create a project as the
 * local user, run a production of the idea with autopilot while showing each step's progress, then
 * download the export (MP4, PDF, Fountain, FDX, JSON bundle, ZIP) into the output directory, write
 * report.json, print a summary, and stop the fleet it started. `fleet` overrides launcher options
 * (ports, data dir) so tests and benches can run it beside another fleet.
 */
export async function runDemo(
  io: Io,
  ideaArg: string,
  opts: DemoOptions,
  fleet: Omit<FleetOptions, 'onEvent' | 'signal' | 'env'> = {},
): Promise<DemoResult> {
  const began = performance.now();
  const idea = ideaArg.trim();
  if (idea === '') throw new CliError('CLI_USAGE', 'The idea is empty: automovie demo "a lighthouse keeper befriends a storm"');
  if (idea.length > MAX_IDEA) throw new CliError('CLI_USAGE', `The idea is ${idea.length} characters long; at most ${MAX_IDEA}`);
  const targetDurationS = opts.duration === undefined ? DEFAULT_FILM_S : parseFilmDuration(opts.duration);
  const style = opts.style === undefined ? undefined : parseStyle(opts.style);
  const repoRoot = fleet.repoRoot ?? findRepoRoot();
  const dataDir = fleet.dataDir ?? resolveDataDir(opts.dataDir, io.cwd, () => repoRoot);
  const createdAt = new Date();
  const outDir = resolve(io.cwd, opts.out ?? join('out', `${timestampSlug(createdAt)}-${slugify(idea)}`));
  const names = fleet.services ? servicesInRepo(repoRoot).filter((n) => fleet.services?.includes(n)) : servicesInRepo(repoRoot);
  const missing = FILM_SERVICES.filter((n) => !names.includes(n));
  if (missing.length > 0) {
    throw new CliError('CLI_SERVICE_NOT_BUILT', `A film needs ${missing.join(', ')}, which this checkout or --services leaves out`);
  }
  const portOf = (name: ServiceName) => fleet.ports?.[name] ?? FLEET[name].port;
  const say = (line: string) => io.stderr.write(`${line}\n`);

  say(`automovie demo: "${idea}" (${targetDurationS} s${style ? `, style ${style}` : ''})`);
  const trap = io.trapSignals();
  const abort = new AbortController();
  void trap.received.then(() => abort.abort());
  let started: Fleet | undefined;
  const clients: McpClient[] = [];
  try {
    const up = await Promise.all(names.map((n) => isReady(`http://${FLEET_HOST}:${portOf(n)}`)));
    let secret: string;
    let redisUrl: string | undefined;
    let mcpUrlOf: (name: ServiceName) => string;
    if (up.every(Boolean)) {
      say(`a fleet is already up and ready (${names.join(', ')}): using it`);
      const found = readFleetSecret(io.env, dataDir);
      if (found === undefined) {
        throw new CliError(
          'CLI_NO_CREDENTIALS',
          `A fleet is running but its secret is unknown here: set AUTOMOVIE_JWT_SECRET, or pass the --data-dir holding its ${SECRET_FILE}`,
        );
      }
      secret = found.secret;
      redisUrl = readFleetState(dataDir)?.redisUrl;
      mcpUrlOf = (name) => `ws://${FLEET_HOST}:${portOf(name)}/mcp`;
    } else {
      const t0 = performance.now();
      started = await startFleet({
        ...fleet,
        repoRoot,
        dataDir,
        env: io.env,
        signal: abort.signal,
        onEvent: (e) => io.stderr.write(formatFleetEvent(e)),
      });
      say(`fleet ready in ${formatDuration(performance.now() - t0)}`);
      secret = started.secret;
      redisUrl = started.redisUrl;
      const byName = new Map(started.services.map((s) => [s.name, s.mcpUrl]));
      mcpUrlOf = (name) => byName.get(name) ?? `ws://${FLEET_HOST}:${portOf(name)}/mcp`;
    }
    const fleetStartS = (performance.now() - began) / 1000;

    const token = await new TokenAuthority(secret).mint({
      service: 'cli',
      userId: DEMO_USER,
      scopes: ['brain:*', 'orchestrator:*', 'export:*', 'video:*'],
      ttl: 6 * 3600,
    });
    const open = async (name: ServiceName) => {
      const c = await connect({ service: name, url: mcpUrlOf(name), overridden: false }, token, 60_000);
      clients.push(c);
      return c;
    };
    const [brain, orchestrator, exporter, video] = await Promise.all([open('brain'), open('orchestrator'), open('export'), open('video')]);

    const name = idea.length <= 200 ? idea : `${idea.slice(0, 199)}…`;
    const { project } = await brain
      .call(brainCatalog.tools.create_project, { name, logline: idea.slice(0, 1000) })
      .catch((e) => remote(e, 'brain create_project'));
    say(`project ${project.id} (owner ${DEMO_USER})`);

    const runBegan = performance.now();
    let { run } = await orchestrator
      .call(orchestratorCatalog.tools.start_run, {
        projectId: project.id,
        idea,
        options: { autopilot: true, targetDurationS, ...(style ? { style } : {}) },
      })
      .catch((e) => remote(e, 'orchestrator start_run'));
    say(`run ${run.id}: ${run.steps.map((s) => s.name).join(' → ')}`);
    const view = new RunProgressView(io.stderr);
    view.update(run);
    while (run.state === 'queued' || run.state === 'running' || run.state === 'waiting_for_choice') {
      if (abort.signal.aborted) {
        await orchestrator.call(orchestratorCatalog.tools.cancel_run, { runId: run.id }).catch(() => {});
        throw new CliError('CLI_INTERRUPTED', `Interrupted: run ${run.id} was cancelled`);
      }
      if (run.state === 'waiting_for_choice') {
        // Autopilot answers choices itself; a run that waits anyway was started elsewhere without it.
        ({ run } = await orchestrator.call(orchestratorCatalog.tools.resume_run, { runId: run.id, choice: { optionIndex: 0 } }));
      }
      await sleep(POLL_MS, abort.signal);
      ({ run } = await orchestrator
        .call(orchestratorCatalog.tools.get_run, { runId: run.id, waitMs: 0 })
        .catch((e) => remote(e, 'orchestrator get_run')));
      view.update(run);
    }
    const runS = (performance.now() - runBegan) / 1000;
    if (run.state !== 'completed') {
      io.stderr.write(failureHelp(run));
      const step = run.error?.step ?? run.steps.find((s) => s.state === 'failed')?.name;
      throw new CliError(
        'CLI_RUN_FAILED',
        `The production ${run.state}${step ? ` at ${step}` : ''}${run.error ? `: ${run.error.code}: ${run.error.message}` : ''}`,
        { data: { runId: run.id, step, error: run.error } },
      );
    }

    const exp = await exporter.call(exportCatalog.tools.get_export, { projectId: project.id }).catch((e) => remote(e, 'export get_export'));
    mkdirSync(outDir, { recursive: true });
    say(`downloading ${exp.files.length} files into ${outDir}`);
    const files: WrittenFile[] = [];
    for (const f of exp.files) {
      const path = join(outDir, f.filename);
      const bytes = await download(f.url, path, abort.signal);
      if (bytes !== f.bytes) throw new CliError('CLI_DOWNLOAD_FAILED', `${f.filename}: got ${bytes} bytes, the export says ${f.bytes}`);
      files.push({ format: f.format, filename: f.filename, path, bytes });
    }
    const json = files.find((f) => f.format === 'json');
    // The film is made and written by now: a bundle this CLI cannot read costs the counts, not the files.
    const parsed = json ? ProjectBundleSchema.safeParse(JSON.parse(readFileSync(json.path, 'utf8'))) : undefined;
    if (parsed?.success === false) say(`warning: ${json?.filename} does not match the bundle contract: ${parsed.error.issues[0]?.message}`);
    const bundle = parsed?.success ? parsed.data : undefined;
    const mp4 = exp.files.find((f) => f.format === 'mp4');
    const probe = mp4
      ? await video.call(videoCatalog.tools.probe, { projectId: project.id, assetId: mp4.assetId }).catch((e) => remote(e, 'video probe'))
      : undefined;
    const [usage, providers] = await Promise.all([
      brain.call(brainCatalog.tools.get_usage, { projectId: project.id }),
      brain.call(brainCatalog.tools.list_providers, {}),
    ]).catch((e) => remote(e, 'brain usage'));
    const uses = providerUses(usage.rows, providers.providers);
    const facts = bundle
      ? filmFacts(bundle)
      : { title: project.name, durationS: null, scenes: 0, shots: 0, lines: 0, characters: [] as string[] };
    const report: FilmReport = {
      idea,
      createdAt: createdAt.toISOString(),
      projectId: project.id,
      runId: run.id,
      outDir,
      wallS: 0,
      fleetStartS: Math.round(fleetStartS * 100) / 100,
      runS: Math.round(runS * 100) / 100,
      fleet: { startedByDemo: started !== undefined, redisUrl: redisUrl ?? null },
      film: {
        ...facts,
        videoDurationS: probe?.durationS ?? null,
        hasVideo: probe?.streams.some((s) => s.type === 'video') ?? false,
        hasAudio: probe?.streams.some((s) => s.type === 'audio') ?? false,
      },
      steps: stepTimings(run),
      files,
      providers: uses,
      offline: uses.every((u) => u.offline),
    };
    report.wallS = Math.round(((performance.now() - began) / 1000) * 100) / 100;
    const reportPath = join(outDir, 'report.json');
    writeFileSync(reportPath, `${JSON.stringify(report, null, 2)}\n`);
    const shown = relative(io.cwd, outDir);
    io.stdout.write(formatSummary(report, shown === '' ? '.' : shown.startsWith('..') ? outDir : shown));
    return { outDir, reportPath, report, run };
  } finally {
    await Promise.all(clients.map((c) => c.close().catch(() => {})));
    if (started) await started.stop();
    trap.dispose();
  }
}

export function registerDemo(program: Command, runner: Runner): void {
  program
    .command('demo')
    .summary('make a film from an idea: story, cast, screenplay, storyboard, voices, music, animatic and exports')
    .description(
      'The main job. Brings the local fleet up (or uses one that is up and ready), creates a project as the local user, runs a production of the idea with autopilot (the first outline is taken), shows each step as it goes, then writes the exports — the animatic (MP4), the storyboard booklet (PDF), the screenplay (Fountain, FDX), the JSON bundle and a ZIP of them all — and report.json into the output directory, and stops the fleet it started. Offline (no provider keys) everything is made on this machine.',
    )
    .argument('<idea>', 'the idea for the film, in quotes')
    .option('--out <dir>', 'output directory (default: out/<timestamp>-<slug-of-idea>)')
    .option('--duration <seconds>', `target running time of the film (default: ${DEFAULT_FILM_S})`)
    .option('--style <style>', 'visual style: a preset (pencil, noir, pastel, comic, blueprint) or words naming one (default: pencil)')
    .option('--data-dir <dir>', 'data, logs and secret of the fleet (default: .data at the repo root)')
    .addHelpText(
      'after',
      '\nExample:\n  $ automovie demo "a lighthouse keeper befriends a storm" --duration 60 --style noir --out out/lighthouse',
    )
    .action((idea: string, opts: DemoOptions) =>
      runner.guard(false, async () => {
        await runDemo(runner.io, idea, opts);
      }),
    );
}
