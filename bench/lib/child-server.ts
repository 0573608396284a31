import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FromServer, ToServer } from '../mcp-server.ts';

/** A bench server in a child process, talking over the IPC channel of `fork`. */
export interface ForkedServer<In extends { type: string }, Out extends { type: string }, Ready extends Out> {
  pid: number;
  /** The child's `ready` message. */
  ready: Ready;
  /** Sends `msg` and resolves with the child's first message of type `reply`. */
  ask<T extends Out['type']>(msg: In, reply: T): Promise<Extract<Out, { type: T }>>;
  /** Sends `{ type: 'stop' }` (the child drains and exits); kills it if it has not exited within `timeoutMs`. */
  stop(timeoutMs?: number): Promise<void>;
}

/** Resolves once the child has exited and its IPC channel is closed (`close` comes after `exit`). */
function closed(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if ((child.exitCode !== null || child.signalCode !== null) && !child.connected) {
      // `close` may already have fired; give the handles a turn to be released either way.
      setImmediate(resolve);
      return;
    }
    child.once('close', () => resolve());
  });
}

/**
 * Forks `script` (a bench server) and waits for its `{ type: 'ready' }` message. The server
 * must exit on `{ type: 'stop' }` and when its parent goes away (IPC disconnect).
 */
export async function forkServer<In extends { type: string }, Out extends { type: string }, Ready extends Out>(
  script: string,
  opts: { args?: string[]; execArgv?: string[] } = {},
): Promise<ForkedServer<In, Out, Ready>> {
  const child = fork(script, opts.args ?? [], { execArgv: opts.execArgv ?? [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ready = await new Promise<Ready>((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`bench server ${script} exited (${code}) before it was ready`));
    child.once('exit', onExit);
    child.once('error', reject);
    const onMessage = (msg: Out) => {
      if (msg.type === 'ready') {
        child.off('exit', onExit);
        child.off('message', onMessage);
        resolve(msg as Ready);
      }
    };
    child.on('message', onMessage);
  });
  return {
    pid: child.pid as number,
    ready,
    ask: (msg, reply) =>
      new Promise((resolve, reject) => {
        const onMessage = (m: Out) => {
          if (m.type !== reply) return;
          child.off('message', onMessage);
          child.off('exit', onExit);
          resolve(m as Extract<Out, { type: typeof reply }>);
        };
        const onExit = () => {
          child.off('message', onMessage);
          reject(new Error('bench server is gone'));
        };
        if (!child.connected) return reject(new Error('bench server is gone'));
        child.on('message', onMessage);
        child.once('exit', onExit);
        child.send(msg);
      }),
    async stop(timeoutMs = 15_000) {
      if (child.connected) child.send({ type: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      await closed(child);
      clearTimeout(timer);
    },
  };
}

export interface ChildServer {
  pid: number;
  mcpUrl: string;
  /** The raw ws JSON-RPC echo (the floor) in the same child. */
  rawUrl: string;
  /** The child's memory after two full GCs, and how many MCP connections it holds. */
  memory(): Promise<{ usage: NodeJS.MemoryUsage; connections: number }>;
  /** Asks the child to drain and exit; kills it if it has not exited within `timeoutMs`. */
  stop(timeoutMs?: number): Promise<void>;
}

const SCRIPT = fileURLToPath(new URL('../mcp-server.ts', import.meta.url));

/** Forks bench/mcp-server.ts (the echo service, `--expose-gc`) and waits until it listens. */
export async function startChildServer(): Promise<ChildServer> {
  const server = await forkServer<ToServer, FromServer, Extract<FromServer, { type: 'ready' }>>(SCRIPT, { execArgv: ['--expose-gc'] });
  return {
    pid: server.ready.pid,
    mcpUrl: server.ready.mcpUrl,
    rawUrl: server.ready.rawUrl,
    memory: async () => {
      const msg = await server.ask({ type: 'mem' }, 'mem');
      return { usage: msg.usage, connections: msg.connections };
    },
    stop: (timeoutMs) => server.stop(timeoutMs),
  };
}
