import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { checkWorkspace } from './workspace-graph.ts';

// Two checks: no cycles between workspace packages (and no package importing a service), and no
// cycles between files (dpdm over every package's and service's sources).
const root = fileURLToPath(new URL('..', import.meta.url));
const problems = await checkWorkspace(root);
for (const p of problems) console.error(`✗ ${p}`);

const dpdm = spawnSync(
  'pnpm',
  ['exec', 'dpdm', '--no-warning', '--no-tree', '--exit-code', 'circular:1', '-T', 'packages/*/src/**/*.ts', 'services/*/src/**/*.ts'],
  { cwd: root, encoding: 'utf8' },
);
if (dpdm.status !== 0) {
  console.error(dpdm.stdout, dpdm.stderr);
  console.error('✗ circular imports between files (above)');
}
if (problems.length > 0 || dpdm.status !== 0) process.exit(1);
console.log('✓ no circular imports; packages import no services; workspace imports are declared');
