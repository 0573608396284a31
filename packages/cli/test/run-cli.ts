import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { TEST_JWT_SECRET } from '@automovie/testing';

export const REPO_ROOT = join(import.meta.dirname, '..', '..', '..');
export const CLI_MAIN = join(REPO_ROOT, 'packages', 'cli', 'src', 'main.ts');

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The environment of a CLI under test: the test secret, and none of the caller's fleet settings. */
export function cliEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('AUTOMOVIE_') && k !== 'REDIS_URL' && k !== 'REDIS_PORT') env[k] = v;
  }
  return { ...env, AUTOMOVIE_JWT_SECRET: TEST_JWT_SECRET, ...extra };
}

/** Runs the real `automovie` as a child process: `node packages/cli/src/main.ts ...args`. */
export function runCli(args: string[], opts: { env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_MAIN, ...args], { cwd: REPO_ROOT, env: opts.env ?? cliEnv(), stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString('utf8');
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString('utf8');
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 20_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin.end(opts.input ?? '');
  });
}
