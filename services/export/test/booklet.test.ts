import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ProjectBundleSchema } from '@automovie/contracts';
import { type TempDir, tempDir } from '@automovie/testing';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BookletFrame, dialogueOf, renderBooklet, runningTimeS, shotSpec } from '../src/pdf/booklet.ts';
import { sampleBundle, solidPng } from './helpers.ts';

const fonts = { regular: '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf', bold: '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf' };

describe('storyboard booklet', () => {
  let dir: TempDir;
  let png: string;
  beforeAll(async () => {
    dir = await tempDir('export-booklet-');
    png = join(dir.path, 'frame.png');
    await writeFile(png, solidPng(64, 36, [200, 120, 40]));
  });
  afterAll(() => dir.remove());

  it('has a cover, pages per scene and a shot list, with the fonts embedded', async () => {
    const bundle = sampleBundle(7);
    const frames = new Map<string, BookletFrame>(
      bundle.shots.map((s, i) => [s.id, i % 2 === 0 ? { path: png } : { missing: 'frame not rendered' }]),
    );
    const out = join(dir.path, 'a.pdf');
    const plan = await renderBooklet({ bundle, frames, framesPerPage: 6, pageSize: 'A4', fonts }, out);
    // 7 shots at 6 per page → 2 pages per scene.
    expect(plan.scenePages).toHaveLength(4);
    expect(plan.shotListPages).toHaveLength(1);
    expect(plan.total).toBe(1 + 4 + 1);
    const bytes = await readFile(out);
    const pdf = await PDFDocument.load(bytes);
    expect(pdf.getPageCount()).toBe(6);
    const { width, height } = pdf.getPage(0).getSize();
    expect(width).toBeGreaterThan(height);
    expect(pdf.getTitle()).toBe('The Last Keeper — storyboard');
    const raw = bytes.toString('latin1');
    expect(raw).toMatch(/FontFile2/);
    expect(raw).toMatch(/DejaVuSans-Bold/);
    expect(raw).toMatch(/\/Subtype \/Image/);
  });

  it('puts more frames on a page when asked, and survives a project with no shots or frames', async () => {
    const bundle = sampleBundle(7);
    const few = await renderBooklet({ bundle, frames: new Map(), framesPerPage: 12, pageSize: 'LETTER', fonts }, join(dir.path, 'b.pdf'));
    expect(few.total).toBe(1 + 2 + 1);
    const empty = { ...sampleBundle(0), characters: [] };
    const plan = await renderBooklet(
      { bundle: empty, frames: new Map(), framesPerPage: 6, pageSize: 'A4', fonts },
      join(dir.path, 'c.pdf'),
    );
    expect(plan.total).toBe(1 + 2 + 1);
    expect((await PDFDocument.load(await readFile(join(dir.path, 'c.pdf')))).getPageCount()).toBe(4);
  });

  it('describes shots and their dialogue', () => {
    const bundle = sampleBundle(2);
    const [first, second] = bundle.shots;
    expect(shotSpec(first as NonNullable<typeof first>)).toBe('MEDIUM CLOSE · eye level · push in · 35 mm · 3.0 s');
    expect(dialogueOf(first as NonNullable<typeof first>, bundle.scenes[0])).toEqual([
      'MARA (quietly): The lamp stays lit tonight.',
      'ÓDON: Then you will keep it lit alone.',
    ]);
    expect(dialogueOf(second as NonNullable<typeof second>, bundle.scenes[0])).toEqual([]);
    expect(runningTimeS(bundle)).toBe(12);
  });
});

describe('project bundle schema', () => {
  it('accepts a whole project and round-trips through JSON', () => {
    const bundle = sampleBundle(2);
    expect(ProjectBundleSchema.parse(JSON.parse(JSON.stringify(bundle)))).toEqual(bundle);
  });

  it('refuses another schema version and names the bad field', () => {
    const bad = ProjectBundleSchema.safeParse({ ...sampleBundle(1), schemaVersion: 2 });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(['schemaVersion']);
    const shot = sampleBundle(1).shots[0];
    const badShot = ProjectBundleSchema.safeParse({ ...sampleBundle(1), shots: [{ ...shot, type: 'sideways' }] });
    expect(badShot.error?.issues[0]?.path).toEqual(['shots', 0, 'type']);
    const noId = ProjectBundleSchema.safeParse({ ...sampleBundle(1), scenes: [{ ...sampleBundle(1).scenes[0], id: undefined }] });
    expect(noId.error?.issues[0]?.path).toEqual(['scenes', 0, 'id']);
  });
});
