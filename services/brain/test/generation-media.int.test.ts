import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { brainCatalog } from '@automovie/contracts';
import { McpClient } from '@automovie/mcp-ws';
import { testToken } from '@automovie/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBrain, type TestBrain } from './helpers.ts';

const t = brainCatalog.tools;
const run = promisify(execFile);

/** ffprobe's view of a file: container, streams and duration. */
async function probe(
  path: string,
): Promise<{ format: { format_name: string; duration: string }; streams: Array<{ codec_type: string; width?: number }> }> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', path]);
  return JSON.parse(stdout);
}

describe('offline media through the gateway (storyboard, camera move, espeak-ng, synth, blockout)', () => {
  let brain: TestBrain;
  let c: McpClient;
  let projectId: string;
  beforeAll(async () => {
    brain = await startTestBrain();
    c = new McpClient({ url: brain.mcpUrl, token: await testToken({ service: 'test', scopes: ['brain:*'] }) });
    projectId = (await c.call(t.create_project, { name: 'Offline media' })).project.id;
  });
  afterAll(async () => {
    await c?.close();
    await brain?.stop();
  });

  async function fetchAsset(assetId: string, name: string): Promise<string> {
    const { url } = await c.call(t.get_asset, { projectId, assetId });
    const res = await fetch(url);
    expect(res.status).toBe(200);
    const path = join(brain.dataDir, name);
    await writeFile(path, new Uint8Array(await res.arrayBuffer()));
    return path;
  }

  it('lists an offline provider for every media kind', async () => {
    const { providers } = await c.call(t.list_providers, {});
    const offline = Object.fromEntries(providers.filter((p) => p.offline).map((p) => [p.kind, p.name]));
    expect(offline).toMatchObject({
      image: 'offline-storyboard',
      video: 'offline-camera',
      speech: 'espeak-ng',
      music: 'offline-synth',
      sfx: 'offline-synth',
      model3d: 'offline-blockout',
      text: 'offline',
    });
  });

  it('draws a frame, moves the camera over it, and caches the frame', async () => {
    const img = await c.call(t.generate_image, {
      projectId,
      prompt: 'Wide shot: Mara at the lighthouse window at dusk',
      width: 320,
      height: 180,
    });
    expect(img.asset).toMatchObject({
      kind: 'image',
      mime: 'image/png',
      width: 320,
      height: 180,
      provider: 'offline-storyboard',
      costUsd: 0,
    });
    const again = await c.call(t.generate_image, {
      projectId,
      prompt: 'Wide shot: Mara at the lighthouse window at dusk',
      width: 320,
      height: 180,
    });
    expect(again).toMatchObject({ cached: true });
    expect(again.asset.id).toBe(img.asset.id);

    const progress: Array<string | undefined> = [];
    const vid = await c.call(
      t.generate_video,
      { projectId, prompt: 'push in', imageAssetId: img.asset.id, durationS: 1, width: 320, height: 180, fps: 12 },
      { onProgress: (p) => progress.push(p.message) },
    );
    expect(progress).toContain('video: offline-camera camera-move-1');
    expect(vid.asset).toMatchObject({ kind: 'video', mime: 'video/mp4', provider: 'offline-camera' });
    const p = await probe(await fetchAsset(vid.asset.id, 'move.mp4'));
    expect(p.format.format_name).toContain('mp4');
    expect(p.streams.find((s) => s.codec_type === 'video')?.width).toBe(320);
    expect(Number(p.format.duration)).toBeCloseTo(1, 1);
    const from = await c.call(t.get_node_neighbors, { projectId, id: vid.asset.id, direction: 'out', types: ['DERIVED_FROM'] });
    expect(from.nodes.map((n) => n.id)).toEqual([img.asset.id]);

    const described = await c.call(t.describe_image, { projectId, assetId: img.asset.id });
    expect(described.provider).toBe('offline');
    expect(described.description.length).toBeGreaterThan(10);
  });

  it('speaks a line with word timings', async () => {
    const r = await c.call(t.generate_speech, {
      projectId,
      text: 'The light is still burning.',
      voice: { gender: 'female', pitch: 55, rate: 160, variant: 'f3' },
    });
    expect(r.asset).toMatchObject({ kind: 'audio', mime: 'audio/wav', provider: 'espeak-ng' });
    expect(r.timings.map((w) => w.text)).toEqual(['The', 'light', 'is', 'still', 'burning.']);
    expect(r.durationS).toBeGreaterThan(0.5);
    for (let i = 1; i < r.timings.length; i++) expect(r.timings[i]?.startS).toBeGreaterThanOrEqual(r.timings[i - 1]?.endS ?? 0);
    const cached = await c.call(t.generate_speech, {
      projectId,
      text: 'The light is still burning.',
      voice: { gender: 'female', pitch: 55, rate: 160, variant: 'f3' },
    });
    expect(cached).toMatchObject({ cached: true, timings: r.timings, durationS: r.durationS });
  });

  it('scores a bed, makes an effect and blocks out a set', async () => {
    const music = await c.call(t.generate_music, { projectId, mood: 'tender', durationS: 2 });
    expect(music).toMatchObject({ durationS: 2, provider: 'offline-synth' });
    const mp = await probe(await fetchAsset(music.asset.id, 'bed.wav'));
    expect(Number(mp.format.duration)).toBeCloseTo(2, 2);
    const sfx = await c.call(t.generate_sound_effect, { projectId, description: 'waves on rocks, gulls', durationS: 1.5 });
    expect(sfx.asset).toMatchObject({ kind: 'audio', mime: 'audio/wav' });
    const model = await c.call(t.generate_3d_model, { projectId, description: 'a lighthouse room with a table and a window' });
    expect(model.asset).toMatchObject({ kind: 'model3d', mime: 'model/gltf-binary', provider: 'offline-blockout' });
    const glb = await fetchAsset(model.asset.id, 'set.glb');
    expect(new TextDecoder().decode((await readFile(glb)).subarray(0, 4))).toBe('glTF');
    const usage = await c.call(t.get_usage, { projectId });
    expect(usage.totalCostUsd).toBe(0);
    expect(usage.rows.map((r) => r.kind).sort()).toEqual(['image', 'model3d', 'music', 'sfx', 'speech', 'video', 'vision']);
  });
});
