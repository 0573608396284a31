import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { whoami } from '@automovie/contracts';
import { McpClient, TokenAuthority } from '@automovie/mcp-ws';
import { freePort, type TempDir, tempDir } from '@automovie/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runUp } from '../src/commands/up.ts';
import { CliError } from '../src/errors.ts';
import { type Fleet, type FleetEvent, startFleet } from '../src/fleet.ts';
import { isPortFree, isReady, pingRedis } from '../src/health.ts';
import { memoryIo } from './memory-io.ts';
import { cliEnv, REPO_ROOT } from './run-cli.ts';

/** Whether a process (or, with a negative id, a process group) still exists. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** The environment a running child was started with (Linux). */
function environOf(pid: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')) {
    const eq = entry.indexOf('=');
    if (eq > 0) out[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return out;
}

describe('startFleet', () => {
  let dir: TempDir;
  let fleet: Fleet | undefined;
  let env: NodeJS.ProcessEnv;
  beforeEach(async () => {
    dir = await tempDir('automovie-fleet-');
    env = cliEnv();
    delete env.AUTOMOVIE_JWT_SECRET; // the fleet makes its own secret in the data dir
  });
  afterEach(async () => {
    await fleet?.stop();
    fleet = undefined;
    await dir.remove();
  });

  it('brings up redis and brain from the repo on the ports given, and stops them with nothing left behind', async () => {
    const [brainPort, redisPort] = [await freePort(), await freePort()];
    const events: FleetEvent[] = [];
    fleet = await startFleet({
      repoRoot: REPO_ROOT,
      dataDir: dir.path,
      services: ['brain'],
      ports: { brain: brainPort },
      redisPort,
      env,
      onEvent: (e) => events.push(e),
    });
    const f = fleet;
    expect(events.map((e) => e.type)).toEqual(['redis-starting', 'redis-ready', 'service-starting', 'service-ready']);
    expect(f.redisUrl).toBe(`redis://127.0.0.1:${redisPort}`);
    expect(f.services).toEqual([
      expect.objectContaining({
        name: 'brain',
        port: brainPort,
        url: `http://127.0.0.1:${brainPort}`,
        mcpUrl: `ws://127.0.0.1:${brainPort}/mcp`,
        logFile: join(dir.path, 'logs', 'brain.log'),
      }),
    ]);
    const brainPid = f.services[0]!.pid;

    // The secret was created in the data dir, private, and the brain verifies tokens with it.
    const secretFile = join(dir.path, 'jwt-secret');
    expect(statSync(secretFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(secretFile, 'utf8').trim()).toBe(f.secret);
    const token = await new TokenAuthority(f.secret).mint({ service: 'cli', scopes: ['brain:whoami'] });
    const client = new McpClient({ url: f.services[0]!.mcpUrl, token });
    expect(await client.call(whoami, {})).toMatchObject({ service: 'brain', principal: { sub: 'cli' } });
    await client.close();

    expect(await isReady(f.services[0]!.url)).toBe(true);
    expect((await pingRedis(f.redisUrl)).reachable).toBe(true);
    expect(existsSync(join(dir.path, 'redis', 'appendonlydir'))).toBe(true);
    expect(readFileSync(join(dir.path, 'logs', 'brain.log'), 'utf8')).toContain('"msg":"service started"');

    // What the service was started with.
    const childEnv = environOf(brainPid);
    expect(childEnv).toMatchObject({
      PORT: String(brainPort),
      HOST: '127.0.0.1',
      AUTOMOVIE_JWT_SECRET: f.secret,
      AUTOMOVIE_DATA_DIR: join(dir.path, 'brain'),
      REDIS_URL: f.redisUrl,
      LOG_LEVEL: 'info',
      AUTOMOVIE_BRAIN_URL: f.services[0]!.mcpUrl,
      AUTOMOVIE_STORY_URL: 'ws://127.0.0.1:4130/mcp',
    });
    expect(JSON.parse(readFileSync(join(dir.path, 'fleet-state.json'), 'utf8'))).toMatchObject({ pid: process.pid, redisUrl: f.redisUrl });

    events.length = 0;
    await f.stop();
    await f.stop(); // idempotent
    expect(events.map((e) => e.type)).toEqual(['stopping', 'stopped']);
    expect(events.some((e) => e.type === 'exited')).toBe(false); // a requested stop is not a crash
    for (const pid of [brainPid, f.redisPid]) {
      expect(alive(pid)).toBe(false);
      expect(alive(-pid)).toBe(false); // nor anything in its process group
    }
    expect(await isPortFree(brainPort)).toBe(true);
    expect(await isPortFree(redisPort)).toBe(true);
    expect(existsSync(join(dir.path, 'fleet-state.json'))).toBe(false);
    expect(readFileSync(join(dir.path, 'logs', 'brain.log'), 'utf8')).toContain('"msg":"stopped"');
  });

  it('starts the services that need redis (orchestrator, gpu-tasks) on the fleet redis, ready, and stops them', async () => {
    const [orchestratorPort, tasksPort, redisPort] = [await freePort(), await freePort(), await freePort()];
    fleet = await startFleet({
      repoRoot: REPO_ROOT,
      dataDir: dir.path,
      services: ['orchestrator', 'gpu-tasks'],
      ports: { orchestrator: orchestratorPort, 'gpu-tasks': tasksPort },
      redisPort,
      env,
    });
    const f = fleet;
    expect(f.services.map((s) => s.name)).toEqual(['orchestrator', 'gpu-tasks']);
    for (const s of f.services) {
      expect(await isReady(s.url), s.name).toBe(true);
      expect(environOf(s.pid), s.name).toMatchObject({ REDIS_URL: f.redisUrl, AUTOMOVIE_DATA_DIR: join(dir.path, s.name) });
      const token = await new TokenAuthority(f.secret).mint({ service: 'cli', scopes: [`${s.name}:whoami`] });
      const client = new McpClient({ url: s.mcpUrl, token });
      expect(await client.call(whoami, {})).toMatchObject({ service: s.name });
      await client.close();
    }
    const pids = f.services.map((s) => s.pid);
    await f.stop();
    for (const pid of [...pids, f.redisPid]) expect(alive(pid)).toBe(false);
    expect(readFileSync(join(dir.path, 'logs', 'orchestrator.log'), 'utf8')).toContain('"msg":"stopped"');
  });

  it('refuses a port in use, naming the service and the port, before starting anything', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    const redisPort = await freePort();
    try {
      const err = await startFleet({
        repoRoot: REPO_ROOT,
        dataDir: dir.path,
        services: ['brain'],
        ports: { brain: port },
        redisPort,
        env,
      }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CliError);
      expect((err as CliError).code).toBe('CLI_PORT_IN_USE');
      expect((err as CliError).message).toContain(`Cannot start brain (port ${port}): port already in use`);
      expect(await isPortFree(redisPort)).toBe(true);
      expect(existsSync(join(dir.path, 'logs'))).toBe(false);
    } finally {
      blocker.close();
    }
  });

  it('reports a service that dies before it is ready, with its log, and stops redis', async () => {
    const [brainPort, redisPort] = [await freePort(), await freePort()];
    const err = await startFleet({
      repoRoot: REPO_ROOT,
      dataDir: dir.path,
      services: ['brain'],
      ports: { brain: brainPort },
      redisPort,
      env,
      logLevel: 'loud', // the brain refuses this config and exits
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CliError);
    const e = err as CliError;
    expect(e.code).toBe('CLI_SERVICE_EXITED');
    expect(e.message).toMatch(/^brain exited \(code 1\) before it was ready; see its log: .*logs\/brain\.log/);
    expect(e.message).toContain('LOG_LEVEL'); // the tail of the log says why
    expect(await isPortFree(redisPort)).toBe(true);
  });
});

describe('up', () => {
  let dir: TempDir;
  beforeEach(async () => {
    dir = await tempDir('automovie-up-');
  });
  afterEach(() => dir.remove());

  async function upAndRunning(): Promise<{ io: ReturnType<typeof memoryIo>; done: Promise<void>; pids: number[] }> {
    const [brainPort, redisPort] = [await freePort(), await freePort()];
    const io = memoryIo({ env: {}, cwd: dir.path });
    const done = runUp(io, { services: 'brain' }, { repoRoot: REPO_ROOT, dataDir: dir.path, ports: { brain: brainPort }, redisPort });
    const deadline = Date.now() + 20_000;
    while (!io.err().includes('The fleet is up') && Date.now() < deadline) {
      await Promise.race([done, new Promise((r) => setTimeout(r, 50))]);
    }
    const pids = [...io.out().matchAll(/^(?:redis|brain)\s+\S+\s+(\d+)\s+ready$/gm)].map((m) => Number(m[1]));
    expect(pids).toHaveLength(2);
    return { io, done, pids };
  }

  it('prints the fleet table, stays up, and stops everything on SIGTERM', async () => {
    const { io, done, pids } = await upAndRunning();
    expect(io.out()).toMatch(
      /^SERVICE\s+URL\s+PID\s+STATUS\nredis\s+redis:\/\/127\.0\.0\.1:\d+\s+\d+\s+ready\nbrain\s+ws:\/\/127\.0\.0\.1:\d+\/mcp\s+\d+\s+ready\n$/,
    );
    await new Promise((r) => setTimeout(r, 200));
    for (const pid of pids) expect(alive(pid)).toBe(true);
    io.raise('SIGTERM');
    await done;
    expect(io.err()).toMatch(/stopping the fleet…\nfleet stopped in /);
    for (const pid of pids) expect(alive(pid)).toBe(false);
  });

  it('stops the whole fleet and fails when a service dies under it', async () => {
    const { io, done, pids } = await upAndRunning();
    process.kill(pids[1]!, 'SIGKILL');
    const err = await done.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).code).toBe('CLI_SERVICE_EXITED');
    expect((err as CliError).message).toMatch(/^brain exited unexpectedly \(signal SIGKILL\), so the fleet was stopped; see .*brain\.log$/);
    expect(io.err()).toContain('brain exited unexpectedly (signal SIGKILL)');
    expect(alive(pids[0]!)).toBe(false); // redis went with it
  });
});
