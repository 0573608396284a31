import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';

export interface WorkspacePackage {
  name: string;
  dir: string;
  kind: 'package' | 'service';
  /** Runtime dependencies: these must form no cycle. */
  deps: string[];
  /** Dev dependencies (test harnesses): may point back up the graph, for tests only. */
  devDeps: string[];
}

/** Every workspace package with its declared @automovie/* dependencies. */
export async function readWorkspace(root: string): Promise<WorkspacePackage[]> {
  const out: WorkspacePackage[] = [];
  for (const kind of ['packages', 'services'] as const) {
    const entries = await readdir(join(root, kind), { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      if (!e.isDirectory()) continue;
      const dir = join(root, kind, e.name);
      const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8').catch(() => '{}')) as {
        name?: string;
        dependencies?: Record<string, string>;
        devDependencies?: Record<string, string>;
      };
      if (!pkg.name) continue;
      const ours = (m: Record<string, string> | undefined) => Object.keys(m ?? {}).filter((d) => d.startsWith('@automovie/'));
      out.push({
        name: pkg.name,
        dir,
        kind: kind === 'packages' ? 'package' : 'service',
        deps: ours(pkg.dependencies),
        devDeps: ours(pkg.devDependencies),
      });
    }
  }
  return out;
}

/** Cycles among workspace packages, each as the list of names around it. */
export function findCycles(pkgs: readonly WorkspacePackage[]): string[][] {
  const byName = new Map(pkgs.map((p) => [p.name, p]));
  const cycles: string[][] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string) => {
    state.set(name, 'visiting');
    stack.push(name);
    for (const dep of byName.get(name)?.deps ?? []) {
      if (!byName.has(dep)) continue;
      if (state.get(dep) === 'visiting') cycles.push([...stack.slice(stack.indexOf(dep)), dep]);
      else if (!state.has(dep)) visit(dep);
    }
    stack.pop();
    state.set(name, 'done');
  };
  for (const p of pkgs) if (!state.has(p.name)) visit(p.name);
  return cycles;
}

async function* sourceFiles(dir: string): AsyncGenerator<string> {
  for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const p = join(dir, e.name);
    if (e.isDirectory() && e.name !== 'node_modules') yield* sourceFiles(p);
    else if (e.isFile() && p.endsWith('.ts')) yield p;
  }
}

const IMPORT_RE = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"](@automovie\/[a-z0-9-]+)/g;

/**
 * Rule breaks: runtime cycles between packages, packages that import services, imports of
 * undeclared workspace packages, and shipped code (src/) importing a dev-only dependency.
 */
export async function checkWorkspace(root: string): Promise<string[]> {
  const pkgs = await readWorkspace(root);
  const problems: string[] = [];
  for (const cycle of findCycles(pkgs)) problems.push(`circular package dependency: ${cycle.join(' -> ')}`);
  const kindOf = new Map(pkgs.map((p) => [p.name, p.kind]));
  for (const p of pkgs) {
    for (const dep of p.deps) {
      if (p.kind === 'package' && kindOf.get(dep) === 'service')
        problems.push(`${p.name} depends on service ${dep} at runtime: a package never imports a service`);
    }
    for await (const file of sourceFiles(p.dir)) {
      const text = await readFile(file, 'utf8');
      for (const m of text.matchAll(IMPORT_RE)) {
        const dep = m[1] as string;
        if (dep !== p.name && !p.deps.includes(dep) && !p.devDeps.includes(dep))
          problems.push(`${relative(root, file)} imports ${dep}, which ${p.name}'s package.json does not declare`);
        // Tests may start a real service in-process; shipped package code never imports one.
        if (p.kind === 'package' && kindOf.get(dep) === 'service' && file.startsWith(join(p.dir, 'src')))
          problems.push(`${relative(root, file)} imports service ${dep}: a package never imports a service`);
        if (file.startsWith(join(p.dir, 'src')) && !p.deps.includes(dep) && p.devDeps.includes(dep)) {
          problems.push(`${relative(root, file)} (shipped code) imports dev-only dependency ${dep}`);
        }
      }
    }
  }
  return problems;
}
