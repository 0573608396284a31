import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { FLEET, type ServiceName, serviceUrlEnvVar } from '@automovie/contracts';
import { CliError } from './errors.ts';
import { isPortFree, isReady, pingRedis } from './health.ts';
import { parsePort, parseServiceName, SERVICE_NAMES } from './options.ts';
import { findRepoRoot, serviceEntry, servicesInRepo } from './repo.ts';
import { ensureFleetSecret } from './secret.ts';

/** Host every local service and redis bind to. */
export const FLEET_HOST = '127.0.0.1';
/** First port tried for the local redis when REDIS_PORT is not set. */
export const DEFAULT_REDIS_PORT = 6390;
/** Written in the data dir while a fleet runs, so `status` can find its redis. */
export const FLEET_STATE_FILE = 'fleet-state.json';

export interface FleetOptions {
  /** The checkout whose `services/` are started. Default: found from this file up to pnpm-workspace.yaml. */
  repoRoot?: string;
  /** Data, logs and secret of the fleet. Default `<repoRoot>/.data`. */
  dataDir?: string;
  /** Services to start. Default: every FLEET service present in the repo. */
  services?: readonly string[];
  /** Port per service. Default: its FLEET port. */
  ports?: Partial<Record<ServiceName, number>>;
  /** Port of the fleet's redis. Default: env REDIS_PORT, else the first free port from 6390. */
  redisPort?: number;
  /** redis-server executable. Default `redis-server` on PATH. */
  redisBinary?: string;
  /** Environment the children inherit (and REDIS_PORT/LOG_LEVEL/AUTOMOVIE_JWT_SECRET are read from). Default process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Services' LOG_LEVEL. Default env LOG_LEVEL, else `info`. */
  logLevel?: string;
  /** How long each service may take to answer 200 on /readyz. Default 30000 ms. */
  readyTimeoutMs?: number;
  /** How long stop() waits after SIGTERM before SIGKILL. Default 15000 ms (a service drains for up to 10 s). */
  stopGraceMs?: number;
  /** Progress of starting and stopping, and unexpected exits. */
  onEvent?: (event: FleetEvent) => void;
  /** Aborts a start in progress: what was started is stopped and startFleet rejects with CLI_INTERRUPTED. */
  signal?: AbortSignal;
}

export type FleetEvent =
  | { type: 'redis-starting'; port: number }
  | { type: 'redis-ready'; url: string; pid: number; ms: number }
  | { type: 'service-starting'; name: ServiceName; port: number }
  | { type: 'service-ready'; name: ServiceName; mcpUrl: string; pid: number; ms: number }
  /** A process of the fleet ended while nobody was stopping it. */
  | { type: 'exited'; name: string; code: number | null; signal: string | null; logFile: string }
  | { type: 'stopping' }
  | { type: 'stopped'; ms: number };

export interface FleetService {
  name: ServiceName;
  port: number;
  /** `http://127.0.0.1:<port>` (health, readiness, metrics). */
  url: string;
  /** `ws://127.0.0.1:<port>/mcp`. */
  mcpUrl: string;
  pid: number;
  logFile: string;
}

export interface Fleet {
  services: FleetService[];
  redisUrl: string;
  redisPid: number;
  /** The JWT secret the fleet verifies tokens with. */
  secret: string;
  dataDir: string;
  logDir: string;
  /** Stops every service (SIGTERM, then SIGKILL after the grace), then redis. Idempotent. */
  stop(): Promise<void>;
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  error?: Error;
}

/** One child process of the fleet, in its own process group so the whole group can be signalled. */
interface Proc {
  name: string;
  child: ChildProcess;
  logFile: string;
  exit: Promise<Exit>;
  exited: boolean;
  stopping: boolean;
}

function launch(name: string, command: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv; logFile: string }): Proc {
  const fd = openSync(opts.logFile, 'a');
  let child: ChildProcess;
  try {
    // detached: its own process group, so a terminal's Ctrl-C reaches only the launcher, which
    // then stops services before redis; and so SIGKILL can take grandchildren (ffmpeg…) too.
    child = spawn(command, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', fd, fd], detached: true });
  } finally {
    closeSync(fd); // the child holds its own copy
  }
  const proc: Proc = {
    name,
    child,
    logFile: opts.logFile,
    exited: false,
    stopping: false,
    exit: new Promise<Exit>((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal }));
      child.once('error', (error) => resolve({ code: null, signal: null, error }));
    }),
  };
  void proc.exit.then(() => {
    proc.exited = true;
  });
  return proc;
}

function signalGroup(proc: Proc, signal: NodeJS.Signals): void {
  const pid = proc.child.pid;
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/** SIGTERM, wait up to `graceMs`, then SIGKILL the process group; resolves once the process is gone. */
async function terminate(proc: Proc, graceMs: number): Promise<void> {
  proc.stopping = true;
  if (!proc.exited && proc.child.pid !== undefined) {
    try {
      proc.child.kill('SIGTERM');
    } catch {
      // already gone
    }
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      proc.exit.then(() => false),
      new Promise<boolean>((r) => {
        timer = setTimeout(() => r(true), graceMs);
      }),
    ]);
    clearTimeout(timer);
    if (timedOut) signalGroup(proc, 'SIGKILL');
    await proc.exit;
  }
  // Anything the service left behind in its group (a render it spawned) goes with it.
  signalGroup(proc, 'SIGKILL');
}

/** The last lines of a log file, indented, for an error message. */
export function logTail(file: string, lines = 8): string {
  try {
    const text = readFileSync(file, 'utf8');
    const tail = text.slice(-4000).trimEnd().split('\n').slice(-lines);
    return tail.length > 0 && tail[0] !== '' ? `\n  last lines of ${file}:\n${tail.map((l) => `    ${l}`).join('\n')}` : '';
  } catch {
    return '';
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CliError('CLI_INTERRUPTED', 'Interrupted while starting the fleet; stopped what had started');
}

async function waitForRedis(proc: Proc, port: number, timeoutMs: number, signal: AbortSignal | undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    checkAborted(signal);
    if (proc.exited) {
      const exit = await proc.exit;
      if ((exit.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
        throw new CliError(
          'CLI_REDIS_FAILED',
          `Cannot start redis: ${proc.child.spawnfile} is not installed or not on PATH (install Redis 7: apt install redis-server, brew install redis)`,
        );
      }
      throw new CliError(
        'CLI_REDIS_FAILED',
        `redis-server exited (${exit.error?.message ?? exit.code ?? exit.signal}) before it answered PING on port ${port}; see ${proc.logFile}${logTail(proc.logFile)}`,
      );
    }
    if ((await pingRedis(`redis://${FLEET_HOST}:${port}`, 500)).reachable) return;
    if (Date.now() > deadline) {
      throw new CliError(
        'CLI_REDIS_FAILED',
        `redis-server did not answer PING on port ${port} within ${timeoutMs} ms; see ${proc.logFile}`,
      );
    }
    await sleep(25);
  }
}

async function waitForService(proc: Proc, httpBase: string, timeoutMs: number, signal: AbortSignal | undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    checkAborted(signal);
    if (proc.exited) {
      const exit = await proc.exit;
      const how = exit.error ? exit.error.message : exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`;
      const tail = logTail(proc.logFile);
      if (tail.includes('EADDRINUSE')) {
        // Someone took the port between our check and the service's bind.
        throw new CliError(
          'CLI_PORT_IN_USE',
          `${proc.name} could not listen on ${httpBase}: the port is already in use; see its log: ${proc.logFile}${tail}`,
          {
            data: { service: proc.name, logFile: proc.logFile },
          },
        );
      }
      throw new CliError('CLI_SERVICE_EXITED', `${proc.name} exited (${how}) before it was ready; see its log: ${proc.logFile}${tail}`, {
        data: { service: proc.name, code: exit.code, signal: exit.signal, logFile: proc.logFile },
      });
    }
    if (await isReady(httpBase, 1000)) return;
    if (Date.now() > deadline) {
      throw new CliError(
        'CLI_SERVICE_NOT_READY',
        `${proc.name} was not ready within ${Math.round(timeoutMs / 1000)} s (GET ${httpBase}/readyz never answered 200); see its log: ${proc.logFile}${logTail(proc.logFile)}`,
        { data: { service: proc.name, logFile: proc.logFile } },
      );
    }
    await sleep(100);
  }
}

/** The services to start: the ones asked for (each must exist in the repo), or every one that exists. */
function selectServices(repoRoot: string, asked: readonly string[] | undefined): ServiceName[] {
  const present = servicesInRepo(repoRoot);
  if (asked === undefined) return present;
  const names = [...new Set(asked.map(parseServiceName))];
  for (const name of names) {
    if (!present.includes(name)) {
      throw new CliError(
        'CLI_SERVICE_NOT_BUILT',
        `${name} is not in this checkout yet (no ${serviceEntry(repoRoot, name)}); services here: ${present.join(', ') || '(none)'}`,
      );
    }
  }
  return SERVICE_NAMES.filter((n) => names.includes(n));
}

async function pickRedisPort(opts: FleetOptions, env: Readonly<Record<string, string | undefined>>, taken: Set<number>): Promise<number> {
  const fixed = opts.redisPort ?? (env.REDIS_PORT ? parsePort(env.REDIS_PORT, 'REDIS_PORT') : undefined);
  if (fixed !== undefined) {
    if (taken.has(fixed) || !(await isPortFree(fixed, FLEET_HOST))) {
      throw new CliError('CLI_PORT_IN_USE', `Cannot start redis: port ${fixed} is already in use (set REDIS_PORT to another port)`, {
        data: { service: 'redis', port: fixed },
      });
    }
    return fixed;
  }
  for (let port = DEFAULT_REDIS_PORT; port < DEFAULT_REDIS_PORT + 100; port++) {
    if (!taken.has(port) && (await isPortFree(port, FLEET_HOST))) return port;
  }
  throw new CliError(
    'CLI_PORT_IN_USE',
    `Cannot start redis: no free port in ${DEFAULT_REDIS_PORT}-${DEFAULT_REDIS_PORT + 99}; set REDIS_PORT`,
  );
}

/**
 * Starts the local fleet: a redis-server (append-only persistence under `<dataDir>/redis`) and
 * each service as `node services/<name>/src/index.ts`, brain first, every one waited for until
 * its /readyz answers 200. Every port is checked before anything starts; if any step fails,
 * whatever had started is stopped before the error is thrown, so nothing is left half-up.
 */
export async function startFleet(opts: FleetOptions = {}): Promise<Fleet> {
  const env = opts.env ?? process.env;
  const repoRoot = opts.repoRoot ?? findRepoRoot();
  const dataDir = resolve(opts.dataDir ?? join(repoRoot, '.data'));
  const logDir = join(dataDir, 'logs');
  const readyTimeoutMs = opts.readyTimeoutMs ?? 30_000;
  const graceMs = opts.stopGraceMs ?? 15_000;
  const emit = (e: FleetEvent) => opts.onEvent?.(e);

  const names = selectServices(repoRoot, opts.services);
  const portOf = (name: ServiceName) => opts.ports?.[name] ?? FLEET[name].port;
  const taken = new Set<number>();
  for (const name of names) {
    const port = portOf(name);
    const other = names.find((n) => n !== name && portOf(n) === port);
    if (other !== undefined) throw new CliError('CLI_USAGE', `${name} and ${other} are both given port ${port}`);
    taken.add(port);
  }
  const busy = await Promise.all(names.map(async (name) => ((await isPortFree(portOf(name), FLEET_HOST)) ? undefined : name)));
  const blocked = busy.filter((n) => n !== undefined);
  if (blocked.length > 0) {
    const list = blocked.map((n) => `${n} (port ${portOf(n)})`).join(', ');
    throw new CliError(
      'CLI_PORT_IN_USE',
      `Cannot start ${list}: port already in use on ${FLEET_HOST}. Is a fleet already running (automovie status)? Stop it, or free the port.`,
      { data: { services: blocked.map((n) => ({ service: n, port: portOf(n) })) } },
    );
  }
  const redisPort = await pickRedisPort(opts, env, taken);
  checkAborted(opts.signal);

  const { secret } = ensureFleetSecret(env, dataDir);
  const redisDir = join(dataDir, 'redis');
  for (const dir of [logDir, redisDir, ...names.map((n) => join(dataDir, n))]) mkdirSync(dir, { recursive: true });

  const procs: Proc[] = [];
  const onProcessExit = () => {
    // The launcher is exiting without stop(): do not leave detached children running.
    for (const p of procs) if (!p.exited) signalGroup(p, 'SIGTERM');
  };
  process.on('exit', onProcessExit);
  let started = false;
  const watch = (proc: Proc) => {
    void proc.exit.then((exit) => {
      if (started && !proc.stopping) {
        emit({ type: 'exited', name: proc.name, code: exit.code, signal: exit.signal, logFile: proc.logFile });
      }
    });
  };

  let stopping: Promise<void> | undefined;
  const stopAll = () => {
    stopping ??= (async () => {
      const t0 = performance.now();
      emit({ type: 'stopping' });
      const services = procs.filter((p) => p.name !== 'redis');
      await Promise.all(services.map((p) => terminate(p, graceMs)));
      // Redis goes last: services may still write to it while they drain.
      await Promise.all(procs.filter((p) => p.name === 'redis').map((p) => terminate(p, graceMs)));
      process.off('exit', onProcessExit);
      const stateFile = join(dataDir, FLEET_STATE_FILE);
      try {
        if (JSON.parse(readFileSync(stateFile, 'utf8')).pid === process.pid) rmSync(stateFile, { force: true });
      } catch {
        // no state file (start failed early) or not ours
      }
      emit({ type: 'stopped', ms: Math.round(performance.now() - t0) });
    })();
    return stopping;
  };

  const redisUrl = `redis://${FLEET_HOST}:${redisPort}`;
  const urls: Record<string, string> = {};
  for (const name of SERVICE_NAMES) {
    urls[serviceUrlEnvVar(name)] = names.includes(name)
      ? `ws://${FLEET_HOST}:${portOf(name)}/mcp`
      : (env[serviceUrlEnvVar(name)] ?? `ws://${FLEET_HOST}:${portOf(name)}/mcp`);
  }
  const logLevel = opts.logLevel ?? env.LOG_LEVEL ?? 'info';

  try {
    emit({ type: 'redis-starting', port: redisPort });
    const t0 = performance.now();
    const redis = launch(
      'redis',
      opts.redisBinary ?? 'redis-server',
      [
        '--port',
        String(redisPort),
        '--bind',
        FLEET_HOST,
        '--dir',
        redisDir,
        '--appendonly',
        'yes',
        '--appendfsync',
        'everysec',
        '--save',
        '',
        '--daemonize',
        'no',
        '--logfile',
        '',
      ],
      { cwd: dataDir, env: { ...env } as NodeJS.ProcessEnv, logFile: join(logDir, 'redis.log') },
    );
    procs.push(redis);
    watch(redis);
    await waitForRedis(redis, redisPort, 10_000, opts.signal);
    emit({ type: 'redis-ready', url: redisUrl, pid: redis.child.pid!, ms: Math.round(performance.now() - t0) });

    const services: FleetService[] = [];
    const startOne = async (name: ServiceName) => {
      const port = portOf(name);
      emit({ type: 'service-starting', name, port });
      const began = performance.now();
      const logFile = join(logDir, `${name}.log`);
      const proc = launch(name, process.execPath, [serviceEntry(repoRoot, name)], {
        cwd: repoRoot,
        logFile,
        env: {
          ...env,
          ...urls,
          PORT: String(port),
          HOST: FLEET_HOST,
          AUTOMOVIE_JWT_SECRET: secret,
          AUTOMOVIE_DATA_DIR: join(dataDir, name),
          REDIS_URL: redisUrl,
          LOG_LEVEL: logLevel,
        } as NodeJS.ProcessEnv,
      });
      procs.push(proc);
      watch(proc);
      const url = `http://${FLEET_HOST}:${port}`;
      await waitForService(proc, url, readyTimeoutMs, opts.signal);
      const mcpUrl = `ws://${FLEET_HOST}:${port}/mcp`;
      const pid = proc.child.pid!;
      emit({ type: 'service-ready', name, mcpUrl, pid, ms: Math.round(performance.now() - began) });
      services.push({ name, port, url, mcpUrl, pid, logFile });
    };
    // The brain first: every other service depends on it. The rest start side by side.
    if (names.includes('brain')) await startOne('brain');
    const rest = names.filter((n) => n !== 'brain');
    const results = await Promise.allSettled(rest.map(startOne));
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    services.sort((a, b) => names.indexOf(a.name) - names.indexOf(b.name));

    writeFileSync(
      join(dataDir, FLEET_STATE_FILE),
      `${JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString(), redisUrl, services }, null, 2)}\n`,
    );
    started = true;
    return { services, redisUrl, redisPid: redis.child.pid!, secret, dataDir, logDir, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** What a running `automovie up` wrote about its fleet (used by `status` to find redis). */
export function readFleetState(dataDir: string): { pid: number; redisUrl: string } | undefined {
  try {
    const state = JSON.parse(readFileSync(join(dataDir, FLEET_STATE_FILE), 'utf8')) as { pid?: unknown; redisUrl?: unknown };
    if (typeof state.pid === 'number' && typeof state.redisUrl === 'string') return { pid: state.pid, redisUrl: state.redisUrl };
  } catch {
    // no fleet started from this data dir
  }
  return undefined;
}
