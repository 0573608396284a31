import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { brainCatalog, FLEET, type ServiceName, toAutomovieError, whoami } from '@automovie/contracts';
import { McpClient, TokenAuthority } from '@automovie/mcp-ws';
import type { Command } from 'commander';
import { connectError } from '../connect.ts';
import {
  type BrainRecord,
  buildDemoReport,
  type DemoReport,
  describePrincipal,
  PIPELINE_STEPS,
  slugify,
  timestampSlug,
  type WhoamiRow,
} from '../demo-report.ts';
import { CliError, ExitCodes, RemoteError } from '../errors.ts';
import { FLEET_HOST, type Fleet, type FleetOptions, readFleetState, startFleet } from '../fleet.ts';
import { formatFleetEvent } from '../fleet-output.ts';
import { isReady } from '../health.ts';
import type { Io } from '../io.ts';
import { formatDuration, renderTable } from '../render.ts';
import { findRepoRoot, resolveDataDir, servicesInRepo } from '../repo.ts';
import type { Runner } from '../runner.ts';
import { readFleetSecret, SECRET_FILE } from '../secret.ts';

export interface DemoOptions {
  out?: string;
  dataDir?: string;
}

/** Longest idea accepted (a paragraph; the story service takes it from there). */
const MAX_IDEA = 5000;

export interface DemoResult {
  reportPath: string;
  report: DemoReport;
}

/** Asks one service who it is and who it sees, with a token scoped to exactly that tool. */
async function askWhoami(auth: TokenAuthority, name: ServiceName, mcpUrl: string): Promise<WhoamiRow> {
  const token = await auth.mint({ service: 'cli', scopes: [`${name}:whoami`], ttl: 300 });
  const target = { service: name, url: mcpUrl, overridden: false };
  const client = new McpClient({ url: mcpUrl, token, name: 'automovie-demo', timeoutMs: 10_000 });
  try {
    try {
      await client.connect();
    } catch (err) {
      throw connectError(err, target);
    }
    try {
      const r = await client.call(whoami, {});
      return { service: r.service, mcpUrl, version: r.version, instanceId: r.instanceId, uptimeS: r.uptimeS, principal: r.principal };
    } catch (err) {
      const e = toAutomovieError(err);
      throw new RemoteError(e, e.code === 'CONNECTION_LOST' ? ExitCodes.CONNECTION : ExitCodes.FAILURE, `${name} whoami: ${e.message}`);
    }
  } finally {
    await client.close().catch(() => {});
  }
}

/** The local user the demo acts for: the owner of the projects it creates. */
const DEMO_USER = 'local-user';

/**
 * Records the idea in the brain, acting for the local user: a project named after it, the idea as
 * a document, and a semantic search that finds it again — the knowledge graph the pipeline builds on.
 */
async function recordInBrain(auth: TokenAuthority, mcpUrl: string, idea: string): Promise<BrainRecord> {
  const t = brainCatalog.tools;
  const token = await auth.mint({
    service: 'cli',
    userId: DEMO_USER,
    scopes: ['brain:projects.write', 'brain:graph.write', 'brain:graph.read'],
    ttl: 300,
  });
  const client = new McpClient({ url: mcpUrl, token, name: 'automovie-demo', timeoutMs: 30_000 });
  try {
    const name = idea.length <= 200 ? idea : `${idea.slice(0, 199)}…`;
    const { project } = await client.call(t.create_project, { name, logline: idea.slice(0, 1000) });
    const doc = await client.call(t.store_document, {
      projectId: project.id,
      id: 'idea',
      title: 'The idea',
      content: idea,
      metadata: { source: 'automovie demo' },
    });
    const hits = await client.call(t.semantic_search, { projectId: project.id, query: idea.slice(0, 2000), k: 1 });
    const top = hits.results[0];
    return { projectId: project.id, documentId: doc.id, found: top ? { id: top.id, score: top.score } : null };
  } catch (err) {
    const e = toAutomovieError(err);
    throw new RemoteError(e, e.code === 'CONNECTION_LOST' ? ExitCodes.CONNECTION : ExitCodes.FAILURE, `brain: ${e.message}`);
  } finally {
    await client.close().catch(() => {});
  }
}

/**
 * The demo, as far as the fleet goes today: bring the fleet up (or reuse one that is up and
 * ready), ask every service `whoami` over MCP, write `fleet.json` with the idea into the output
 * directory, say plainly that the film pipeline is still to come, and stop the fleet it started.
 * `fleet` overrides launcher options (ports, data dir) so tests can run it beside a real fleet.
 */
export async function runDemo(
  io: Io,
  ideaArg: string,
  opts: DemoOptions,
  fleet: Omit<FleetOptions, 'onEvent' | 'signal' | 'env'> = {},
): Promise<DemoResult> {
  const idea = ideaArg.trim();
  if (idea === '') throw new CliError('CLI_USAGE', 'The idea is empty: automovie demo "a lighthouse keeper befriends a storm"');
  if (idea.length > MAX_IDEA) throw new CliError('CLI_USAGE', `The idea is ${idea.length} characters long; at most ${MAX_IDEA}`);
  const repoRoot = fleet.repoRoot ?? findRepoRoot();
  const dataDir = fleet.dataDir ?? resolveDataDir(opts.dataDir, io.cwd, () => repoRoot);
  const createdAt = new Date();
  const outDir = resolve(io.cwd, opts.out ?? join('out', `${timestampSlug(createdAt)}-${slugify(idea)}`));
  const names = fleet.services ? servicesInRepo(repoRoot).filter((n) => fleet.services?.includes(n)) : servicesInRepo(repoRoot);
  const portOf = (name: ServiceName) => fleet.ports?.[name] ?? FLEET[name].port;
  const say = (line: string) => io.stderr.write(`${line}\n`);

  say(`automovie demo: "${idea}"`);
  const trap = io.trapSignals();
  const abort = new AbortController();
  void trap.received.then(() => abort.abort());
  let started: Fleet | undefined;
  try {
    const up = await Promise.all(names.map((n) => isReady(`http://${FLEET_HOST}:${portOf(n)}`)));
    let secret: string;
    let redisUrl: string | undefined;
    let services: { name: ServiceName; mcpUrl: string }[];
    if (names.length > 0 && up.every(Boolean)) {
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
      services = names.map((name) => ({ name, mcpUrl: `ws://${FLEET_HOST}:${portOf(name)}/mcp` }));
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
      services = started.services;
    }

    const auth = new TokenAuthority(secret);
    const rows: WhoamiRow[] = [];
    for (const s of services) {
      if (abort.signal.aborted) throw new CliError('CLI_INTERRUPTED', 'Interrupted');
      say(`calling whoami on ${s.name}…`);
      rows.push(await askWhoami(auth, s.name, s.mcpUrl));
    }
    io.stdout.write(
      renderTable(
        ['service', 'version', 'instance', 'principal'],
        rows.map((r) => [r.service, r.version, r.instanceId, describePrincipal(r.principal)]),
      ),
    );

    const brain = services.find((s) => s.name === 'brain');
    let record: BrainRecord | undefined;
    if (brain) {
      say('recording the idea in the brain…');
      record = await recordInBrain(auth, brain.mcpUrl, idea);
      say(
        `brain: project ${record.projectId} created; the idea is stored as document "${record.documentId}"` +
          (record.found?.id === record.documentId ? ' and semantic search finds it' : ''),
      );
    }

    const report = buildDemoReport({ idea, createdAt, startedByDemo: started !== undefined, redisUrl, services: rows, brain: record });
    mkdirSync(outDir, { recursive: true });
    const reportPath = join(outDir, 'fleet.json');
    writeFileSync(reportPath, `${JSON.stringify(report, null, 2)}\n`);
    const shown = relative(io.cwd, reportPath);
    io.stdout.write(
      `\nThe film pipeline (${PIPELINE_STEPS.join(' → ')}) is not built yet: it arrives with the next issues.\n` +
        `This run checked the fleet end to end over MCP and recorded your idea in the brain; the report is ${shown.startsWith('..') ? reportPath : shown}.\n`,
    );
    return { reportPath, report };
  } finally {
    if (started) await started.stop();
    trap.dispose();
  }
}

export function registerDemo(program: Command, runner: Runner): void {
  program
    .command('demo')
    .summary('from an idea to a film (today: bring the fleet up, check every service, record the idea in the brain)')
    .description(
      'The film demo. Today the pipeline (story → … → exports) is not built yet, so demo starts the local fleet (or reuses one that is already up and ready), calls whoami on every service over MCP, records the idea in the brain (a project, the idea as a searchable document), writes fleet.json into the output directory, and stops the fleet it started.',
    )
    .argument('<idea>', 'the idea for the film, in quotes')
    .option('--out <dir>', 'output directory (default: out/<timestamp>-<slug-of-idea>)')
    .option('--data-dir <dir>', 'data, logs and secret of the fleet (default: .data at the repo root)')
    .addHelpText('after', '\nExample:\n  $ automovie demo "a lighthouse keeper befriends a storm" --out out/lighthouse')
    .action((idea: string, opts: DemoOptions) =>
      runner.guard(false, async () => {
        await runDemo(runner.io, idea, opts);
      }),
    );
}
