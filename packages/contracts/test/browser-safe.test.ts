import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Every module specifier of a file: static imports and re-exports, side-effect imports, dynamic imports, require. */
function specifiers(code: string): string[] {
  const out: string[] = [];
  const patterns = [
    /\b(?:import|export)\s+(?:type\s+)?[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"`]([^'"`]+)['"`]\s*\)/g,
    /\brequire\s*\(\s*['"`]([^'"`]+)['"`]\s*\)/g,
  ];
  for (const re of patterns) for (const m of code.matchAll(re)) out.push(m[1]!);
  return out;
}

/** contracts is loaded by browsers too: zod and its own files only. */
describe('contracts imports', () => {
  it('finds the imports it checks (the scan is not vacuous)', () => {
    expect(specifiers(`import { z } from 'zod';\nexport { a } from './a.ts';\nimport 'node:fs';\nconst m = await import("x");`)).toEqual([
      'zod',
      './a.ts',
      'node:fs',
      'x',
    ]);
  });

  it('imports nothing but zod and its own files (no node: or other packages)', () => {
    const files = sources(SRC);
    expect(files.length).toBeGreaterThan(3);
    const seen = new Set<string>();
    const offending: string[] = [];
    for (const file of files) {
      const code = readFileSync(file, 'utf8');
      for (const spec of specifiers(code)) {
        seen.add(spec);
        const own = spec.startsWith('./') || spec.startsWith('../');
        if (!own && spec !== 'zod') offending.push(`${relative(SRC, file)}: ${spec}`);
        if (own && !join(file, '..', spec).startsWith(SRC)) offending.push(`${relative(SRC, file)}: ${spec} (outside src)`);
      }
      expect(code, `${relative(SRC, file)} uses process/Buffer`).not.toMatch(/\b(process\.|Buffer\.)/);
    }
    expect(seen.has('zod')).toBe(true);
    expect(offending).toEqual([]);
  });
});
