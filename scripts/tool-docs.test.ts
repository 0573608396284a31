import { readFile } from 'node:fs/promises';
import { defineCatalog, defineTool } from '@automovie/contracts';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { renderToolDocs } from './tool-docs.ts';

describe('docs/mcp-tools.md', () => {
  it('is generated from the current catalogs (run `pnpm docs:tools` if this fails)', async () => {
    const committed = await readFile(new URL('../docs/mcp-tools.md', import.meta.url), 'utf8');
    expect(committed).toBe(renderToolDocs());
  });

  it('renders every field with its type, requiredness and rules', () => {
    const tool = defineTool({
      name: 'make_scene',
      description: 'Makes a scene.',
      input: z.object({
        heading: z.string().max(200).describe('INT. HOUSE - NIGHT'),
        shots: z.array(z.object({ order: z.number().int().min(1) })).optional(),
      }),
      output: z.object({ id: z.string() }),
      readOnly: false,
    });
    const md = renderToolDocs([defineCatalog('story', 'Stories.', { make_scene: tool })]);
    expect(md).toContain('### `make_scene`');
    expect(md).toContain('| `heading` | string | yes | length ≤ 200 | INT. HOUSE - NIGHT |');
    expect(md).toContain('| `shots` | object[] | no |');
    expect(md).toContain('| `shots[].order` | integer | yes | ≥ 1');
    expect(md).toContain('| `id` | string | yes |');
  });
});
