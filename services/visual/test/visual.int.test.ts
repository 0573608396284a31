import { randomBytes } from 'node:crypto';
import { buildServer as buildBrain, loadBrainConfig } from '@automovie/brain';
import {
  AutomovieError,
  type CharacterBible,
  type CharacterRecord,
  type Composition,
  create_project,
  execute_prompt,
  filmIds,
  generate_image,
  get_asset,
  get_shot_list,
  list_prompt_executions,
  list_style_presets,
  type OutlineOption,
  plan_shots,
  regenerate_frame,
  render_storyboard,
  type Screenplay,
  type StoryRecord,
  update_shot,
} from '@automovie/contracts';
import { FilmGraph } from '@automovie/film-graph';
import { buildServer as buildGpuTasks, loadGpuTasksConfig } from '@automovie/gpu-tasks';
import { McpClient } from '@automovie/mcp-ws';
import { COMPOSITION_TEXT_KEY, readPngText } from '@automovie/media';
import {
  type RedisServer,
  type StartedService,
  startRedis,
  startService,
  TEST_JWT_SECRET,
  type TempDir,
  tempDir,
  testToken,
} from '@automovie/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer, loadVisualConfig } from '../src/server.ts';

const PROJECT = 'storyboard1';
const EMPTY = 'storyboard-empty';

async function errorOf(p: Promise<unknown>): Promise<AutomovieError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AutomovieError);
  return err as AutomovieError;
}

describe('visual service with a real brain and real gpu-tasks', () => {
  let data: TempDir;
  let redis: RedisServer;
  let brain: StartedService;
  let gpu: StartedService;
  let visual: StartedService;
  let brainClient: McpClient;
  let graph: FilmGraph;
  let client: McpClient;

  const common = { AUTOMOVIE_JWT_SECRET: TEST_JWT_SECRET, PORT: '0', LOG_LEVEL: 'silent' };
  const imageCalls = async () =>
    (await brainClient.call(list_prompt_executions, { projectId: PROJECT, kind: 'image', limit: 500 })).executions;
  const templateCalls = async (template: string) =>
    (await brainClient.call(list_prompt_executions, { projectId: PROJECT, template, limit: 500 })).executions.length;
  const compositionOf = async (assetId: string): Promise<Composition> => {
    const { url, asset } = await brainClient.call(get_asset, { projectId: PROJECT, assetId });
    expect(asset.mime).toBe('image/png');
    const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
    expect([...bytes.subarray(1, 4)].map((b) => String.fromCharCode(b)).join('')).toBe('PNG');
    return (JSON.parse(readPngText(bytes)[COMPOSITION_TEXT_KEY] as string) as { composition: Composition }).composition;
  };
  /** Stores a character with a reference image, as cast_characters does. */
  const drawCharacter = async (id: string, c: CharacterRecord) => {
    const { asset } = await brainClient.call(generate_image, {
      projectId: PROJECT,
      prompt: `Character reference: ${c.name}. ${c.visualDescription}`,
      composition: {
        shotType: 'full',
        figures: [{ characterId: id, name: c.name, identity: c.identity }],
        location: { name: 'Reference', intExt: 'INT', timeOfDay: 'DAY' },
      },
      width: 256,
      height: 256,
    });
    await graph.upsert('Character', id, { ...c, referenceAssetId: asset.id });
  };
  const bibleOf = async () => (await graph.characters()).map((c) => ({ id: c.id, ...c.record }));
  const frameIds = async () => new Map((await client.call(get_shot_list, { projectId: PROJECT })).shots.map((s) => [s.id, s.frameAssetId]));

  beforeAll(async () => {
    data = await tempDir('visual-');
    redis = await startRedis();
    brain = await startService(() => buildBrain(loadBrainConfig({ ...common, AUTOMOVIE_DATA_DIR: data.path })));
    gpu = await startService(() =>
      buildGpuTasks(
        loadGpuTasksConfig({
          ...common,
          REDIS_URL: redis.url,
          GPU_TASKS_PREFIX: `v${randomBytes(4).toString('hex')}`,
          AUTOMOVIE_BRAIN_URL: brain.mcpUrl,
          SHUTDOWN_GRACE_MS: '2000',
        }),
      ),
    );
    visual = await startService(() =>
      buildServer(
        loadVisualConfig({
          ...common,
          AUTOMOVIE_BRAIN_URL: brain.mcpUrl,
          AUTOMOVIE_GPU_TASKS_URL: gpu.mcpUrl,
          VISUAL_RENDER_POLL_MS: '20000',
        }),
      ),
    );
    const token = await testToken({ userId: 'u-director', service: 'frontend' });
    brainClient = new McpClient({ url: brain.mcpUrl, token, timeoutMs: 60_000 });
    client = new McpClient({ url: visual.mcpUrl, token, timeoutMs: 120_000 });
    await brainClient.call(create_project, { id: PROJECT, name: 'Storyboard' });
    await brainClient.call(create_project, { id: EMPTY, name: 'Nothing yet' });

    // The story, the cast and the screenplay, as the story and character steps leave them in the graph.
    graph = new FilmGraph(brainClient, PROJECT);
    const idea = 'A lighthouse keeper named Mara argues with her brother Tomas about selling the lighthouse during a storm.';
    const outlines = await brainClient.call(execute_prompt, {
      projectId: PROJECT,
      template: 'story.outlines',
      variables: { idea, targetDurationS: 30 },
      seed: 1,
    });
    const outline = (outlines.output as { options: OutlineOption[] }).options[0] as OutlineOption;
    const story: StoryRecord = { idea, options: [outline], chosenIndex: 0, outline, targetDurationS: 30 };
    await graph.upsert('Story', filmIds.story(), story);
    const bible = await brainClient.call(execute_prompt, {
      projectId: PROJECT,
      template: 'character.bible',
      variables: { idea, outline, maxCharacters: 2 } as never,
      seed: 1,
    });
    const characters = (bible.output as CharacterBible).characters;
    for (const c of characters) await drawCharacter(filmIds.character(c.name), c);
    const sp = await brainClient.call(execute_prompt, {
      projectId: PROJECT,
      template: 'screenplay.scenes',
      variables: { outline, characters, targetDurationS: 30 } as never,
      seed: 1,
    });
    for (const scene of (sp.output as Screenplay).scenes.slice(0, 3)) {
      await graph.upsert('Scene', filmIds.scene(scene.number), scene, scene.summary);
      const loc = filmIds.location(scene.location);
      await graph.upsert('Location', loc, {
        name: scene.location,
        intExt: scene.intExt,
        timeOfDay: scene.timeOfDay,
        description: '',
        elements: ['window', 'table'],
      });
      await graph.relate('SET_IN', filmIds.scene(scene.number), loc);
    }
  }, 60_000);

  afterAll(async () => {
    await client?.close();
    await brainClient?.close();
    await visual?.stop();
    await gpu?.stop();
    await brain?.stop();
    await redis?.stop();
    await data?.remove();
  });

  it('lists the style presets', async () => {
    const { presets, defaultPreset } = await client.call(list_style_presets, {});
    expect(presets.map((p) => p.name)).toEqual(['pencil', 'noir', 'pastel', 'comic', 'blueprint']);
    expect(defaultPreset).toBe('pencil');
  });

  it('plans shots per scene with an image prompt each, and keeps them when nothing changed', async () => {
    const plan = await client.call(plan_shots, { projectId: PROJECT, style: 'noir' });
    expect(plan.scenesPlanned).toBeGreaterThan(0);
    expect(plan.shots.length).toBeGreaterThanOrEqual(plan.scenesPlanned);
    expect(plan.totalDurationS).toBeGreaterThan(0);
    const { shots, style } = await client.call(get_shot_list, { projectId: PROJECT });
    expect(style).toBe('noir');
    for (const s of shots) {
      expect(s.id).toBe(filmIds.shot(s.sceneNumber, s.order));
      expect(s.imagePrompt).toMatch(/film noir/);
    }
    const [plans, prompts] = [await templateCalls('shots.plan'), await templateCalls('image.prompts')];
    const again = await client.call(plan_shots, { projectId: PROJECT, style: 'noir' });
    expect(again).toMatchObject({ scenesPlanned: 0, removed: 0, shots: plan.shots });
    expect([await templateCalls('shots.plan'), await templateCalls('image.prompts')]).toEqual([plans, prompts]);
  });

  it('renders the storyboard in one task: every frame a PNG, each character drawn with one identity and its reference', async () => {
    const before = (await imageCalls()).length;
    const progress: string[] = [];
    const board = await client.call(
      render_storyboard,
      { projectId: PROJECT, width: 640, height: 360 },
      { onProgress: (p) => progress.push(p.message ?? '') },
    );
    const { shots } = await client.call(get_shot_list, { projectId: PROJECT });
    expect(board.rendered).toBe(shots.length);
    expect(board.reused).toBe(0);
    expect(progress.some((m) => m.startsWith('frame '))).toBe(true);
    const calls = await imageCalls();
    expect(calls.length - before).toBe(shots.length);

    const characters = await bibleOf();
    const identities = new Map<string, Set<string>>();
    for (const f of board.frames) {
      const comp = await compositionOf(f.assetId);
      for (const fig of comp.figures) {
        const set = identities.get(fig.characterId as string) ?? new Set<string>();
        set.add(JSON.stringify(fig.identity));
        identities.set(fig.characterId as string, set);
      }
    }
    expect(identities.size).toBeGreaterThan(0);
    for (const [id, set] of identities) {
      const c = characters.find((x) => x.id === id);
      expect([...set]).toEqual([JSON.stringify(c?.identity)]);
    }
    // The references went with the frames that show the character.
    const withRefs = calls
      .slice(0, shots.length)
      .filter((e) => Array.isArray(e.inputs.referenceAssetIds) && e.inputs.referenceAssetIds.length > 0);
    expect(withRefs.length).toBeGreaterThan(0);
    const refs = new Set(characters.map((c) => c.referenceAssetId));
    for (const e of withRefs) for (const r of e.inputs.referenceAssetIds as string[]) expect(refs.has(r)).toBe(true);
  });

  it('re-rendering unchanged shots sends nothing', async () => {
    const before = (await imageCalls()).length;
    const board = await client.call(render_storyboard, { projectId: PROJECT, width: 640, height: 360 });
    expect(board.rendered).toBe(0);
    expect(board.frames.every((f) => f.reused)).toBe(true);
    expect((await imageCalls()).length).toBe(before);
  });

  it('an edited shot description re-renders exactly that one frame', async () => {
    const frames = await frameIds();
    const target = [...frames.keys()][1] as string;
    const before = (await imageCalls()).length;
    const { shot } = await client.call(update_shot, {
      projectId: PROJECT,
      shotId: target,
      patch: { description: 'The lamp gutters; both of them look up.' },
    });
    expect(shot.description).toBe('The lamp gutters; both of them look up.');
    const board = await client.call(render_storyboard, { projectId: PROJECT, width: 640, height: 360 });
    expect(board.rendered).toBe(1);
    expect((await imageCalls()).length).toBe(before + 1);
    const after = await frameIds();
    for (const [id, asset] of frames) {
      if (id === target) expect(after.get(id)).not.toBe(asset);
      else expect(after.get(id)).toBe(asset);
    }
    expect((await compositionOf(after.get(target) as string)).caption).toContain('The lamp gutters');

    // A new duration does not change the picture: nothing is drawn.
    await client.call(update_shot, { projectId: PROJECT, shotId: target, patch: { durationS: 7.5 } });
    expect((await client.call(render_storyboard, { projectId: PROJECT, width: 640, height: 360 })).rendered).toBe(0);
    // Re-planning unchanged scenes keeps the edit.
    await client.call(plan_shots, { projectId: PROJECT, style: 'noir' });
    expect((await client.call(get_shot_list, { projectId: PROJECT })).shots.find((s) => s.id === target)?.durationS).toBe(7.5);
  });

  it('regenerates one frame with a new seed, which later renders keep', async () => {
    const frames = await frameIds();
    const target = [...frames.keys()][0] as string;
    const before = (await imageCalls()).length;
    const out = await client.call(regenerate_frame, { projectId: PROJECT, shotId: target, seed: 4242 });
    expect(out.seed).toBe(4242);
    expect(out.assetId).not.toBe(frames.get(target));
    expect((await imageCalls()).length).toBe(before + 1);
    const board = await client.call(render_storyboard, { projectId: PROJECT, width: 640, height: 360 });
    expect(board.rendered).toBe(0);
    expect(board.frames.find((f) => f.shotId === target)?.assetId).toBe(out.assetId);
  });

  it("a character's new look re-renders exactly the frames that show them", async () => {
    const characters = await bibleOf();
    const [c, other] = characters as [(typeof characters)[number], (typeof characters)[number]];
    // One shot without c, so the look change has frames to leave alone.
    const first = (await client.call(get_shot_list, { projectId: PROJECT })).shots[0] as { id: string };
    await client.call(update_shot, { projectId: PROJECT, shotId: first.id, patch: { characters: [other.name] } });
    await client.call(render_storyboard, { projectId: PROJECT, width: 640, height: 360 });
    const { shots } = await client.call(get_shot_list, { projectId: PROJECT });
    const showing = shots.filter((s) => s.characters.includes(c.name)).map((s) => s.id);
    expect(showing).not.toContain(first.id);
    expect(showing.length).toBeGreaterThan(0);
    const { id, referenceAssetId: _old, ...record } = c;
    await drawCharacter(id, { ...record, identity: { ...c.identity, accessory: c.identity.accessory === 'cane' ? 'bag' : 'cane' } });
    const board = await client.call(render_storyboard, { projectId: PROJECT, width: 640, height: 360 });
    expect(
      board.frames
        .filter((f) => !f.reused)
        .map((f) => f.shotId)
        .sort(),
    ).toEqual(showing.sort());
  });

  it('answers bad input and missing steps with clear errors', async () => {
    const shotId = [...(await frameIds()).keys()][0] as string;
    expect((await errorOf(client.call(plan_shots, { projectId: EMPTY }))).code).toBe('VISUAL_NO_SCENES');
    expect((await errorOf(client.call(render_storyboard, { projectId: EMPTY }))).code).toBe('VISUAL_NO_SHOTS');
    expect((await errorOf(client.call(update_shot, { projectId: PROJECT, shotId: 'shot-99-1', patch: { durationS: 2 } }))).code).toBe(
      'VISUAL_SHOT_NOT_FOUND',
    );
    expect((await errorOf(client.call(regenerate_frame, { projectId: PROJECT, shotId: 'scene-1' }))).code).toBe('VISUAL_SHOT_NOT_FOUND');
    const who = await errorOf(client.call(update_shot, { projectId: PROJECT, shotId, patch: { characters: ['Nobody Atall'] } }));
    expect(who.code).toBe('VISUAL_UNKNOWN_CHARACTER');
    expect(who.message).toMatch(/patch\.characters\[0\]/);
    const style = await errorOf(client.callTool('plan_shots', { projectId: PROJECT, style: 'watercolor' }));
    expect(style.code).toBe('INVALID_INPUT');
    expect(style.message).toMatch(/style/);
    expect((await errorOf(client.callTool('update_shot', { projectId: PROJECT, shotId, patch: {} }))).message).toMatch(/changes nothing/);
    expect((await errorOf(client.callTool('update_shot', { projectId: PROJECT, shotId, patch: { lensMm: 2 } }))).message).toMatch(/lensMm/);
    expect((await errorOf(client.callTool('render_storyboard', { projectId: PROJECT, width: 10 }))).message).toMatch(/width/);
  });
});
