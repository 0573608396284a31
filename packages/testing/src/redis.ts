import { type ChildProcess, spawn } from 'node:child_process';
import { createConnection } from 'node:net';
import { freePort } from './ports.ts';
import { type TempDir, tempDir } from './temp.ts';

export interface RedisServer {
  port: number;
  url: string;
  dir: string;
  /** Stops the server (SIGTERM; it saves first when persistence is on). */
  stop(): Promise<void>;
  /** Kills the server without saving (SIGKILL). */
  kill(): Promise<void>;
  /** Starts it again on the same port and data dir. */
  restart(): Promise<void>;
}

export interface RedisOptions {
  /** Append-only file persistence, as production runs it. Default false. */
  persistence?: boolean;
  /** Data directory. Default: a new temp dir, removed on stop. */
  dir?: string;
  /** Path of the redis-server binary. Default `redis-server` on PATH. */
  binary?: string;
}

/** Sends PING until the server answers PONG or the deadline passes. */
async function waitForPong(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const sock = createConnection({ port, host: '127.0.0.1' });
      sock.setTimeout(500);
      sock.once('connect', () => sock.write('PING\r\n'));
      sock.once('data', (d) => {
        sock.destroy();
        resolve(d.toString().startsWith('+PONG'));
      });
      sock.once('error', () => resolve(false));
      sock.once('timeout', () => {
        sock.destroy();
        resolve(false);
      });
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not answer PING within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Starts a real redis-server on a free loopback port, for one test run. */
export async function startRedis(opts: RedisOptions = {}): Promise<RedisServer> {
  const port = await freePort();
  let owned: TempDir | undefined;
  let dir = opts.dir;
  if (dir === undefined) {
    owned = await tempDir('automovie-redis-');
    dir = owned.path;
  }
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--save',
    '',
    '--appendonly',
    opts.persistence ? 'yes' : 'no',
    '--appendfsync',
    'everysec',
    '--maxmemory-policy',
    'noeviction',
    '--daemonize',
    'no',
    '--loglevel',
    'warning',
  ];
  let proc: ChildProcess | undefined;
  const launch = async () => {
    const p = spawn(opts.binary ?? 'redis-server', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    p.stderr?.on('data', (d) => {
      stderr += d.toString();
    });
    const exited = new Promise<never>((_, reject) =>
      p.once('exit', (code) => reject(new Error(`redis-server exited (${code}) before it was ready: ${stderr.trim()}`))),
    );
    const spawnError = new Promise<never>((_, reject) =>
      p.once('error', (err) => reject(new Error(`cannot start redis-server (is it installed?): ${err.message}`))),
    );
    await Promise.race([waitForPong(port, 10_000), exited, spawnError]);
    proc = p;
  };
  const halt = async (signal: NodeJS.Signals) => {
    const p = proc;
    proc = undefined;
    if (p === undefined || p.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      p.kill(signal);
    });
  };
  await launch();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    dir,
    async stop() {
      await halt('SIGTERM');
      await owned?.remove();
    },
    kill: () => halt('SIGKILL'),
    async restart() {
      await halt('SIGTERM');
      await launch();
    },
  };
}
