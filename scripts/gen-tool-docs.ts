import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { renderToolDocs } from './tool-docs.ts';

const target = fileURLToPath(new URL('../docs/mcp-tools.md', import.meta.url));
const fresh = renderToolDocs();
if (process.argv.includes('--check')) {
  const current = await readFile(target, 'utf8').catch(() => '');
  if (current !== fresh) {
    console.error('docs/mcp-tools.md is stale: run `pnpm docs:tools` and commit the result.');
    process.exit(1);
  }
  console.log('docs/mcp-tools.md is current.');
} else {
  await writeFile(target, fresh);
  console.log(`wrote ${target}`);
}
