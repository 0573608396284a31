import { spawn } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

// Every check the project has, in order, each with its time; ends with one line
// `tests: N passed, N failed, N skipped` and a non-zero exit if anything failed.
const root = fileURLToPath(new URL('..', import.meta.url));
const resultsFile = '.data/test-results.json';

function run(name: string, cmd: string, args: string[]): Promise<{ name: string; ok: boolean; ms: number }> {
  const started = Date.now();
  process.stdout.write(`\n── ${name}: ${cmd} ${args.join(' ')}\n`);
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, FORCE_COLOR: process.env.CI ? '0' : '1' } });
    child.on('exit', (code) => resolve({ name, ok: code === 0, ms: Date.now() - started }));
    child.on('error', () => resolve({ name, ok: false, ms: Date.now() - started }));
  });
}

await mkdir(`${root}/.data`, { recursive: true });
const steps = [
  await run('lint + format', 'pnpm', ['exec', 'biome', 'check', '.']),
  await run('typecheck', 'pnpm', ['exec', 'tsc', '-p', 'tsconfig.json']),
  await run('dependency rules', 'node', ['scripts/check-deps.ts']),
  await run('tests (unit + integration)', 'pnpm', [
    'exec',
    'vitest',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${resultsFile}`,
    ...process.argv.slice(2),
  ]),
];

let counts = { passed: 0, failed: 0, skipped: 0 };
try {
  const r = JSON.parse(await readFile(`${root}/${resultsFile}`, 'utf8')) as {
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
    numTodoTests: number;
  };
  counts = { passed: r.numPassedTests, failed: r.numFailedTests, skipped: r.numPendingTests + r.numTodoTests };
} catch {
  // vitest did not write results: the step itself failed and is reported below
}

console.log('\n── summary');
for (const s of steps) console.log(`${s.ok ? '✓' : '✗'} ${s.name.padEnd(28)} ${(s.ms / 1000).toFixed(1).padStart(6)} s`);
const failedSteps = steps.filter((s) => !s.ok).length;
console.log(
  `tests: ${counts.passed} passed, ${counts.failed + (failedSteps > 0 && counts.failed === 0 ? failedSteps : 0)} failed, ${counts.skipped} skipped`,
);
process.exit(failedSteps > 0 ? 1 : 0);
