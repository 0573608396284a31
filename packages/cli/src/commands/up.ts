import type { Command } from 'commander';
import { CliError } from '../errors.ts';
import { type FleetEvent, type FleetOptions, startFleet } from '../fleet.ts';
import { formatFleetEvent, renderFleetTable } from '../fleet-output.ts';
import type { Io } from '../io.ts';
import { parseLogLevel, parseServiceList } from '../options.ts';
import { findRepoRoot, resolveDataDir } from '../repo.ts';
import type { Runner } from '../runner.ts';

export interface UpOptions {
  services?: string;
  dataDir?: string;
  logLevel?: string;
}

type Exited = Extract<FleetEvent, { type: 'exited' }>;

/**
 * Starts the local fleet and keeps it up until SIGINT/SIGTERM, then stops it. If a process of
 * the fleet dies meanwhile, the whole fleet is stopped and the command fails: a fleet without
 * one of its services is not one to keep serving from. `fleet` overrides launcher options (ports)
 * so tests can run it beside a real fleet.
 */
export async function runUp(io: Io, opts: UpOptions, fleet: Omit<FleetOptions, 'onEvent' | 'signal' | 'env'> = {}): Promise<void> {
  const services = opts.services === undefined ? undefined : parseServiceList(opts.services);
  const logLevel = opts.logLevel === undefined ? undefined : parseLogLevel(opts.logLevel);
  const repoRoot = fleet.repoRoot ?? findRepoRoot();
  const dataDir = fleet.dataDir ?? resolveDataDir(opts.dataDir, io.cwd, () => repoRoot);
  const trap = io.trapSignals();
  const abort = new AbortController();
  void trap.received.then(() => abort.abort());
  let onExited: (e: Exited) => void = () => {};
  const exited = new Promise<Exited>((resolve) => {
    onExited = resolve;
  });
  try {
    const running = await startFleet({
      ...fleet,
      repoRoot,
      dataDir,
      env: io.env,
      signal: abort.signal,
      ...(services ? { services } : {}),
      ...(logLevel ? { logLevel } : {}),
      onEvent: (e) => {
        io.stderr.write(formatFleetEvent(e));
        if (e.type === 'exited') onExited(e);
      },
    });
    io.stdout.write(renderFleetTable(running));
    io.stderr.write(
      `\nThe fleet is up. Data in ${running.dataDir}, logs in ${running.logDir}.\n` +
        'Try `automovie call brain whoami` or `automovie status` in another terminal. Ctrl-C stops the fleet.\n',
    );
    const outcome = await Promise.race([trap.received.then(() => undefined), exited]);
    await running.stop();
    if (outcome !== undefined) {
      const how = outcome.signal ? `signal ${outcome.signal}` : `code ${outcome.code}`;
      throw new CliError(
        'CLI_SERVICE_EXITED',
        `${outcome.name} exited unexpectedly (${how}), so the fleet was stopped; see ${outcome.logFile}`,
      );
    }
  } finally {
    trap.dispose();
  }
}

export function registerUp(program: Command, runner: Runner): void {
  program
    .command('up')
    .summary('start the local fleet (redis + every service in this checkout) until Ctrl-C')
    .description(
      'Start a redis-server (append-only, data in <data-dir>/redis; port REDIS_PORT, else the first free one from 6390) and every fleet service present in this checkout as `node services/<name>/src/index.ts` on its fleet port, wait until each answers /readyz, print the fleet, and keep it up until Ctrl-C or SIGTERM; then stop services, then redis. Services log to <data-dir>/logs/<name>.log. The fleet secret is AUTOMOVIE_JWT_SECRET, else <data-dir>/jwt-secret (created on first use).',
    )
    .option('--services <list>', 'only these services, comma-separated (default: every service in this checkout)')
    .option('--data-dir <dir>', 'data, logs and secret of the fleet (default: .data at the repo root)')
    .option('--log-level <level>', "services' LOG_LEVEL (default: env LOG_LEVEL, else info)")
    .addHelpText('after', '\nExamples:\n  $ automovie up\n  $ automovie up --services brain --log-level debug')
    .action((opts: UpOptions) => runner.guard(false, () => runUp(runner.io, opts)));
}
