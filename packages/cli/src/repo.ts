import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { ServiceName } from '@automovie/contracts';
import { CliError } from './errors.ts';
import { SERVICE_NAMES } from './options.ts';

/** The repository root: the nearest directory at or above `from` holding pnpm-workspace.yaml. */
export function findRepoRoot(from: string = import.meta.dirname): string {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) {
      throw new CliError('CLI_USAGE', `No pnpm-workspace.yaml at or above ${from}: run from an automovie checkout, or pass --data-dir`);
    }
    dir = parent;
  }
}

/** The local fleet's data directory: `<repo>/.data` unless given. */
export function resolveDataDir(dataDir: string | undefined, cwd: string, repoRoot: () => string = () => findRepoRoot()): string {
  return dataDir === undefined ? join(repoRoot(), '.data') : resolve(cwd, dataDir);
}

/** The entry file of a service in the repo. */
export function serviceEntry(repoRoot: string, name: ServiceName): string {
  return join(repoRoot, 'services', name, 'src', 'index.ts');
}

/** The FLEET services that exist in this checkout (their `src/index.ts` is there), in FLEET order. */
export function servicesInRepo(repoRoot: string): ServiceName[] {
  return SERVICE_NAMES.filter((name) => existsSync(serviceEntry(repoRoot, name)));
}
