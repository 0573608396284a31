import { serviceUrl } from '@automovie/contracts';
import type { Command } from 'commander';
import { DEFAULT_REDIS_PORT, FLEET_HOST, readFleetState } from '../fleet.ts';
import { httpBaseOf, pingRedis, probeService, type RedisHealth, type ServiceHealth } from '../health.ts';
import type { Io } from '../io.ts';
import { SERVICE_NAMES } from '../options.ts';
import { formatDuration, renderJson, renderTable } from '../render.ts';
import { findRepoRoot, resolveDataDir, servicesInRepo } from '../repo.ts';
import type { Runner } from '../runner.ts';

export interface StatusOptions {
  json?: boolean;
  dataDir?: string;
}

export interface ServiceStatus extends ServiceHealth {
  service: string;
  url: string;
  /** Whether this checkout has the service at all (a later issue may bring it). */
  inRepo: boolean;
}

export interface FleetStatus {
  services: ServiceStatus[];
  redis: RedisHealth & { url: string };
}

/** Probes every FLEET service (healthz + readyz) and the fleet's redis, side by side. */
export async function collectStatus(io: Io, opts: StatusOptions): Promise<FleetStatus> {
  const repoRoot = findRepoRoot();
  const present = new Set(servicesInRepo(repoRoot));
  const dataDir = resolveDataDir(opts.dataDir, io.cwd, () => repoRoot);
  const redisUrl =
    io.env.REDIS_URL ?? readFleetState(dataDir)?.redisUrl ?? `redis://${FLEET_HOST}:${io.env.REDIS_PORT ?? DEFAULT_REDIS_PORT}`;
  const [services, redis] = await Promise.all([
    Promise.all(
      SERVICE_NAMES.map(async (service): Promise<ServiceStatus> => {
        const url = serviceUrl(service, io.env);
        return { service, url, inRepo: present.has(service), ...(await probeService(httpBaseOf(url))) };
      }),
    ),
    pingRedis(redisUrl),
  ]);
  return { services, redis: { url: redisUrl, ...redis } };
}

/** The status as a table; services absent from this checkout and down are marked so. */
export function renderStatus(status: FleetStatus): string {
  const rows = status.services.map((s) => [
    s.service,
    s.url,
    s.state,
    s.version ?? '-',
    s.uptimeS === undefined ? '-' : formatDuration(s.uptimeS * 1000),
    s.state === 'down' && !s.inRepo ? 'not in this checkout yet' : (s.detail ?? ''),
  ]);
  rows.push([
    'redis',
    status.redis.url,
    status.redis.reachable ? 'up' : 'down',
    '-',
    '-',
    status.redis.reachable ? '' : status.redis.detail,
  ]);
  return renderTable(['service', 'url', 'status', 'version', 'uptime', 'detail'], rows);
}

export async function runStatus(io: Io, opts: StatusOptions): Promise<void> {
  const status = await collectStatus(io, opts);
  io.stdout.write(opts.json ? renderJson(status, io.stdout.isTTY === true) : renderStatus(status));
}

export function registerStatus(program: Command, runner: Runner): void {
  program
    .command('status')
    .summary("show each service's health and whether redis answers")
    .description(
      'Probe every fleet service (GET /healthz and /readyz at AUTOMOVIE_<SERVICE>_URL, else its local port) and the fleet redis (REDIS_URL, else the one `automovie up` started from this data dir, else port REDIS_PORT or 6390). A service is ready (takes calls), up (alive, not ready), draining (shutting down) or down.',
    )
    .option('--json', 'print the status as JSON')
    .option('--data-dir <dir>', 'the local fleet data dir (default: .data at the repo root)')
    .action((opts: StatusOptions) => runner.guard(opts.json, () => runStatus(runner.io, opts)));
}
