import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { buildServer as buildBrain, loadBrainConfig } from '@automovie/brain';
import {
  AutomovieError,
  create_project,
  export_project,
  filmIds,
  generate_image,
  generate_video,
  get_export,
  type Progress,
  ProjectBundleSchema,
  type SceneRecord,
  type ShotRecord,
  store_workflow_data,
} from '@automovie/contracts';
import { FilmGraph } from '@automovie/film-graph';
import { McpClient } from '@automovie/mcp-ws';
import type { Service } from '@automovie/service-kit';
import { freePort, type StartedService, startService, TEST_JWT_SECRET, type TempDir, tempDir, testToken } from '@automovie/testing';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer, loadExportConfig } from '../src/server.ts';
import { sampleBundle } from './helpers.ts';

const run = promisify(execFile);
const STORY_SERVER = resolve(import.meta.dirname, '../../story/src/server.ts');
const hasStory = existsSync(STORY_SERVER);

/** Scene 1 has 3 shots, scene 2 has 2; shot 2.2 has no frame. */
const SHOTS_PER_SCENE = [3, 2];

async function seed(graph: FilmGraph, client: McpClient, projectId: string, withFrames: boolean): Promise<void> {
  const sample = sampleBundle(3);
  if (sample.story) await graph.upsert('Story', filmIds.story(), sample.story);
  for (const { id, ...c } of sample.characters) await graph.upsert('Character', id, c);
  for (const { id, ...s } of sample.scenes) {
    await graph.upsert('Scene', id, s as SceneRecord);
    for (const [i, el] of s.elements.entries()) {
      if (el.type !== 'dialogue') continue;
      await graph.upsert('Line', filmIds.line(s.number, i), {
        sceneNumber: s.number,
        elementIndex: i,
        order: s.number * 10 + i,
        character: el.character,
        text: el.text,
      });
    }
  }
  for (const [sceneIndex, count] of SHOTS_PER_SCENE.entries()) {
    for (let order = 1; order <= count; order++) {
      const sceneNumber = sceneIndex + 1;
      const base = sample.shots.find((s) => s.sceneNumber === sceneNumber && s.order === order) as ShotRecord & { id: string };
      const { id: _id, ...shot } = base;
      let frameAssetId: string | undefined;
      if (withFrames && !(sceneNumber === 2 && order === 2)) {
        const { asset } = await client.call(generate_image, {
          projectId,
          prompt: `${shot.description} (${sceneNumber}.${order})`,
          width: 320,
          height: 180,
          composition: {
            shotType: shot.type,
            figures: [{ name: 'Mara', identity: sample.characters[0]?.identity as never }],
            location: { name: 'Lighthouse', intExt: 'INT', timeOfDay: 'NIGHT', elements: ['window'] },
            caption: `${sceneNumber}.${order} — ${shot.description.slice(0, 40)}`,
          },
        });
        frameAssetId = asset.id;
      }
      await graph.upsert('Shot', filmIds.shot(sceneNumber, order), { ...shot, ...(frameAssetId ? { frameAssetId } : {}) });
    }
  }
}

describe('export over a real brain', () => {
  let data: TempDir;
  let brain: StartedService;
  let story: StartedService | undefined;
  let exporter: StartedService;
  let brainClient: McpClient;
  let client: McpClient;
  const projectId = 'keeper';
  let videoUrl = '';

  beforeAll(async () => {
    data = await tempDir('export-int-');
    brain = await startService(() =>
      buildBrain(
        loadBrainConfig({
          AUTOMOVIE_JWT_SECRET: TEST_JWT_SECRET,
          PORT: '0',
          LOG_LEVEL: 'silent',
          AUTOMOVIE_DATA_DIR: join(data.path, 'brain'),
        }),
      ),
    );
    if (hasStory) {
      const mod = (await import(pathToFileURL(STORY_SERVER).href)) as {
        buildServer: (c: unknown) => Promise<Service>;
        loadStoryConfig: (env: Record<string, string>) => unknown;
      };
      const config = mod.loadStoryConfig({
        AUTOMOVIE_JWT_SECRET: TEST_JWT_SECRET,
        PORT: '0',
        LOG_LEVEL: 'silent',
        AUTOMOVIE_BRAIN_URL: brain.mcpUrl,
        AUTOMOVIE_DATA_DIR: join(data.path, 'story'),
      });
      story = await startService(() => mod.buildServer(config));
    }
    // Nothing listens on the video port: MP4 must fail with a clear error, not hang.
    videoUrl = `ws://127.0.0.1:${await freePort()}/mcp`;
    exporter = await startService(() =>
      buildServer(
        loadExportConfig({
          AUTOMOVIE_JWT_SECRET: TEST_JWT_SECRET,
          PORT: '0',
          LOG_LEVEL: 'silent',
          AUTOMOVIE_DATA_DIR: join(data.path, 'export'),
          AUTOMOVIE_BRAIN_URL: brain.mcpUrl,
          AUTOMOVIE_STORY_URL: story?.mcpUrl ?? videoUrl,
          AUTOMOVIE_VIDEO_URL: videoUrl,
        }),
      ),
    );
    const token = await testToken({ userId: 'u-director' });
    brainClient = new McpClient({ url: brain.mcpUrl, token, timeoutMs: 60_000 });
    client = new McpClient({ url: exporter.mcpUrl, token, timeoutMs: 60_000 });
    await brainClient.call(create_project, { id: projectId, name: 'The Last Keeper' });
    const graph = new FilmGraph(brainClient, projectId);
    await seed(graph, brainClient, projectId, true);
    await graph.saveTimeline({
      durationS: 3,
      fps: 24,
      shots: [{ shotId: 'shot-1-1', sceneNumber: 1, startS: 0, durationS: 3, movement: 'push_in', transition: 'cut' }],
      lines: [],
      scenes: [{ sceneNumber: 1, startS: 0, durationS: 3, mood: 'tense' }],
    });
  }, 40_000);

  afterAll(async () => {
    await client?.close();
    await brainClient?.close();
    await exporter?.stop();
    await story?.stop();
    await brain?.stop();
    await data?.remove();
  });

  let exportId = '';

  it('exports a PDF booklet, a JSON bundle and a ZIP, with progress per file', async () => {
    const progress: Progress[] = [];
    const out = await client.call(export_project, { projectId, formats: ['pdf', 'json', 'zip'] }, { onProgress: (p) => progress.push(p) });
    expect(out.reused).toBe(false);
    expect(out.failures).toEqual([]);
    expect(out.files.map((f) => [f.format, f.filename])).toEqual([
      ['pdf', 'the-last-keeper-storyboard.pdf'],
      ['json', 'the-last-keeper-bundle.json'],
      ['zip', 'the-last-keeper-export.zip'],
    ]);
    expect(out.zip?.assetId).toBe(out.files[2]?.assetId);
    expect(progress.map((p) => p.message)).toEqual(
      expect.arrayContaining([
        'making the-last-keeper-storyboard.pdf',
        'making the-last-keeper-bundle.json',
        'making the-last-keeper-export.zip',
      ]),
    );
    exportId = out.exportId;

    const links = await client.call(get_export, { projectId });
    expect(links.exportId).toBe(exportId);
    const fetchBytes = async (format: string) => {
      const f = links.files.find((x) => x.format === format);
      expect(f, format).toBeDefined();
      const res = await fetch(f?.url as string);
      expect(res.status).toBe(200);
      return Buffer.from(await res.arrayBuffer());
    };

    // Cover + one page per scene (3 and 2 shots at 6 per page) + the shot list.
    const pdf = await PDFDocument.load(await fetchBytes('pdf'));
    expect(pdf.getPageCount()).toBe(1 + 2 + 1);
    expect(pdf.getTitle()).toBe('The Last Keeper — storyboard');

    const bundle = ProjectBundleSchema.parse(JSON.parse((await fetchBytes('json')).toString('utf8')));
    expect(bundle.schemaVersion).toBe(1);
    expect(bundle.project.name).toBe('The Last Keeper');
    expect(bundle.scenes.map((s) => s.id)).toEqual(['scene-1', 'scene-2']);
    expect(bundle.shots.map((s) => s.id)).toEqual(['shot-1-1', 'shot-1-2', 'shot-1-3', 'shot-2-1', 'shot-2-2']);
    expect(bundle.lines).toHaveLength(4);
    expect(bundle.characters.map((c) => c.name).sort()).toEqual(['Mara', 'Ódon']);
    const frameIds = bundle.shots.flatMap((s) => (s.frameAssetId ? [s.frameAssetId] : []));
    expect(frameIds).toHaveLength(4);
    for (const id of frameIds) expect(bundle.assets.find((a) => a.id === id)?.mime).toBe('image/png');
    expect(bundle.assets.some((a) => a.kind === 'export')).toBe(false);

    const zipPath = join(data.path, 'out.zip');
    await writeFile(zipPath, await fetchBytes('zip'));
    const { stdout } = await run('unzip', ['-l', zipPath]);
    for (const name of ['README.txt', 'the-last-keeper-storyboard.pdf', 'the-last-keeper-bundle.json']) {
      expect(stdout).toContain(`the-last-keeper/${name}`);
    }
    const { stdout: readme } = await run('unzip', ['-p', zipPath, 'the-last-keeper/README.txt']);
    expect(readme).toContain('the-last-keeper-storyboard.pdf');
    // The PDF in the ZIP is the same file as the one uploaded.
    const { stdout: pdfInZip } = await run('unzip', ['-p', zipPath, 'the-last-keeper/the-last-keeper-storyboard.pdf'], {
      encoding: 'buffer',
      maxBuffer: 64 << 20,
    });
    expect((pdfInZip as unknown as Buffer).equals(await fetchBytes('pdf'))).toBe(true);
  });

  it('reuses an unchanged export, makes a new one when asked or when the project changes', async () => {
    const again = await client.call(export_project, { projectId, formats: ['pdf', 'json', 'zip'] });
    expect(again).toMatchObject({ exportId, reused: true });
    const forced = await client.call(export_project, { projectId, formats: ['json'], force: true });
    expect(forced.reused).toBe(false);
    expect(forced.exportId).not.toBe(exportId);
    // The newest export is the default of get_export; an older one is still reachable by id.
    expect((await client.call(get_export, { projectId })).exportId).toBe(forced.exportId);
    const old = await client.call(get_export, { projectId, exportId, format: 'pdf' });
    expect(old.files.map((f) => f.format)).toEqual(['pdf']);
    expect(Date.parse(old.files[0]?.expiresAt as string)).toBeGreaterThan(Date.now());
  });

  it('exports the animatic the video service recorded, and puts it in the ZIP', async () => {
    const frame = (await new FilmGraph(brainClient, projectId).shots())[0]?.record.frameAssetId as string;
    const { asset } = await brainClient.call(generate_video, {
      projectId,
      prompt: 'animatic',
      imageAssetId: frame,
      durationS: 1,
      width: 320,
      height: 180,
      fps: 12,
    });
    await brainClient.call(store_workflow_data, {
      projectId,
      id: 'animatic-mp4',
      kind: 'animatic',
      status: 'done',
      data: { key: 'k', assetId: asset.id, durationS: 1, hasAudio: false },
    });
    const out = await client.call(export_project, { projectId, formats: ['mp4', 'zip'] });
    expect(out.failures).toEqual([]);
    expect(out.files[0]).toMatchObject({ format: 'mp4', filename: 'the-last-keeper-animatic.mp4', assetId: asset.id, mime: 'video/mp4' });
    const links = await client.call(get_export, { projectId, exportId: out.exportId, format: 'zip' });
    const zipPath = join(data.path, 'video.zip');
    await writeFile(zipPath, Buffer.from(await (await fetch(links.files[0]?.url as string)).arrayBuffer()));
    const { stdout } = await run('unzip', ['-l', zipPath]);
    expect(stdout).toMatch(new RegExp(`\\s${asset.bytes}\\s.*the-last-keeper/the-last-keeper-animatic\\.mp4`));
  });

  it('fails a format whose service is down with an error naming it, and still makes the others', async () => {
    // WebM is a transcode of the recorded MP4 by the video service, which is not running.
    const out = await client.call(export_project, { projectId, formats: ['json', 'webm'], force: true });
    expect(out.files.map((f) => f.format)).toEqual(['json']);
    expect(out.failures).toHaveLength(1);
    expect(out.failures[0]).toMatchObject({ format: 'webm', code: 'EXPORT_SERVICE_UNAVAILABLE' });
    expect(out.failures[0]?.message).toMatch(/video service at ws:\/\/127\.0\.0\.1:\d+\/mcp cannot be reached/);
    const links = await client.call(get_export, { projectId });
    expect(links.failures).toEqual(out.failures);
    // Without the story service there is no screenplay file: it is not written another way.
    const lonely = await startService(() =>
      buildServer(
        loadExportConfig({
          AUTOMOVIE_JWT_SECRET: TEST_JWT_SECRET,
          PORT: '0',
          LOG_LEVEL: 'silent',
          AUTOMOVIE_BRAIN_URL: brain.mcpUrl,
          AUTOMOVIE_STORY_URL: videoUrl,
        }),
      ),
    );
    const lonelyClient = new McpClient({ url: lonely.mcpUrl, token: await testToken({ userId: 'u-director' }) });
    try {
      const r = await lonelyClient.call(export_project, { projectId, formats: ['fountain', 'fdx', 'json'] });
      expect(r.files.map((f) => f.format)).toEqual(['json']);
      expect(r.failures.map((f) => [f.format, f.code])).toEqual([
        ['fountain', 'EXPORT_SERVICE_UNAVAILABLE'],
        ['fdx', 'EXPORT_SERVICE_UNAVAILABLE'],
      ]);
      expect(r.failures[0]?.message).toMatch(/The story service at .* cannot be reached, so the Fountain screenplay was not made/);
    } finally {
      await lonelyClient.close();
      await lonely.stop();
    }
    // Every requested format failing is an error, listing each reason.
    const err = (await client.call(export_project, { projectId, formats: ['webm'] }).catch((e: unknown) => e)) as AutomovieError;
    expect(err.code).toBe('EXPORT_FAILED');
    expect(err.message).toMatch(/webm: The video service/);
  });

  it.skipIf(!hasStory)('writes Fountain and FDX through the story service', async () => {
    const out = await client.call(export_project, { projectId, formats: ['fountain', 'fdx', 'zip'] });
    expect(out.failures).toEqual([]);
    const links = await client.call(get_export, { projectId, exportId: out.exportId });
    const text = async (format: string) => (await fetch(links.files.find((f) => f.format === format)?.url as string)).text();
    const fountain = await text('fountain');
    expect(fountain).toMatch(/INT\. LIGHTHOUSE - NIGHT/);
    expect(fountain).toMatch(/MARA\n\(quietly\)\nThe lamp stays lit tonight\./);
    const fdx = await text('fdx');
    expect(fdx).toMatch(/^<\?xml/);
    expect(fdx).toMatch(/<FinalDraft[^>]*DocumentType="Script"/);
    expect(fdx).toMatch(/<Paragraph Type="Scene Heading">/);
    expect(fdx).toContain('The lamp stays lit tonight.');
    // Well-formed XML: python's parser refuses anything else.
    const fdxPath = join(data.path, 'out.fdx');
    await writeFile(fdxPath, fdx);
    const { stdout } = await run('python3', ['-c', 'import sys,xml.dom.minidom as m; m.parse(sys.argv[1]); print("ok")', fdxPath]);
    expect(stdout).toBe('ok\n');
  });

  it('makes a booklet for a project without frames, with "frame not rendered" boxes', async () => {
    await brainClient.call(create_project, { id: 'bare', name: 'Bare' });
    await seed(new FilmGraph(brainClient, 'bare'), brainClient, 'bare', false);
    const out = await client.call(export_project, { projectId: 'bare', formats: ['pdf'] });
    const links = await client.call(get_export, { projectId: 'bare', format: 'pdf' });
    expect(links.files[0]?.assetId).toBe(out.files[0]?.assetId);
    const pdf = await PDFDocument.load(Buffer.from(await (await fetch(links.files[0]?.url as string)).arrayBuffer()));
    expect(pdf.getPageCount()).toBe(4);
  });

  it('refuses bad input with errors naming the field', async () => {
    const unknown = (await client.callTool('export_project', { projectId, formats: ['gif'] }).catch((e: unknown) => e)) as AutomovieError;
    expect(unknown.code).toBe('INVALID_INPUT');
    expect(unknown.message).toMatch(/formats/);
    const repeated = (await client.call(export_project, { projectId, formats: ['pdf', 'pdf'] }).catch((e: unknown) => e)) as AutomovieError;
    expect(repeated.message).toMatch(/formats must not repeat/);
    const pages = (await client.call(export_project, { projectId, framesPerPage: 40 }).catch((e: unknown) => e)) as AutomovieError;
    expect(pages.message).toMatch(/framesPerPage/);
    const missing = (await client.call(get_export, { projectId, exportId: 'exp-nope' }).catch((e: unknown) => e)) as AutomovieError;
    expect(missing.code).toBe('EXPORT_NOT_FOUND');
    const none = (await client.call(get_export, { projectId, format: 'webm' }).catch((e: unknown) => e)) as AutomovieError;
    expect(none.code).toBe('EXPORT_NOT_FOUND');
    expect(none.message).toMatch(/no webm file/);
    const stranger = new McpClient({ url: exporter.mcpUrl, token: await testToken({ userId: 'u-stranger' }) });
    try {
      const denied = (await stranger.call(export_project, { projectId, formats: ['json'] }).catch((e: unknown) => e)) as AutomovieError;
      expect(denied).toBeInstanceOf(AutomovieError);
      expect(denied.code).toMatch(/FORBIDDEN|NOT_FOUND/);
    } finally {
      await stranger.close();
    }
  });
});
