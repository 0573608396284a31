import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FromServer, ToServer } from '../mcp-server.ts';

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

/** Forks bench/mcp-server.ts (the echo service, `--expose-gc`) and waits until it listens. */
export async function startChildServer(): Promise<ChildServer> {
  const child = fork(SCRIPT, [], { execArgv: ['--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ready = await new Promise<Extract<FromServer, { type: 'ready' }>>((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`bench server exited (${code}) before it was ready`));
    child.once('exit', onExit);
    child.once('error', reject);
    child.on('message', (msg: FromServer) => {
      if (msg.type === 'ready') {
        child.off('exit', onExit);
        resolve(msg);
      }
    });
  });
  const request = (msg: ToServer) => child.send(msg);
  return {
    pid: ready.pid,
    mcpUrl: ready.mcpUrl,
    rawUrl: ready.rawUrl,
    memory: () =>
      new Promise((resolve, reject) => {
        const onMessage = (msg: FromServer) => {
          if (msg.type !== 'mem') return;
          child.off('message', onMessage);
          resolve({ usage: msg.usage, connections: msg.connections });
        };
        child.on('message', onMessage);
        if (!child.connected) reject(new Error('bench server is gone'));
        else request({ type: 'mem' });
      }),
    async stop(timeoutMs = 15_000) {
      if (child.connected) request({ type: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      await closed(child);
      clearTimeout(timer);
    },
  };
}
