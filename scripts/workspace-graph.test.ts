import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkWorkspace, findCycles, type WorkspacePackage } from './workspace-graph.ts';

const pkg = (name: string, deps: string[], kind: WorkspacePackage['kind'] = 'package'): WorkspacePackage => ({
  name,
  dir: '',
  kind,
  deps,
  devDeps: [],
});

describe('workspace dependency rules', () => {
  it('finds a cycle between packages and names it', () => {
    const cycles = findCycles([
      pkg('@automovie/a', ['@automovie/b']),
      pkg('@automovie/b', ['@automovie/c']),
      pkg('@automovie/c', ['@automovie/a']),
    ]);
    expect(cycles).toEqual([['@automovie/a', '@automovie/b', '@automovie/c', '@automovie/a']]);
  });

  it('finds no cycle in a DAG', () => {
    expect(
      findCycles([pkg('@automovie/a', ['@automovie/b', '@automovie/c']), pkg('@automovie/b', ['@automovie/c']), pkg('@automovie/c', [])]),
    ).toEqual([]);
  });

  it('holds for this repository', async () => {
    expect(await checkWorkspace(fileURLToPath(new URL('..', import.meta.url)))).toEqual([]);
  });
});
