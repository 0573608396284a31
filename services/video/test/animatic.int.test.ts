import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { buildServer as buildBrain, loadBrainConfig } from '@automovie/brain';
import {
  AutomovieError,
  assemble_animatic,
  build_timeline,
  type CharacterRecord,
  create_project,
  filmIds,
  generate_clip,
  generate_image,
  get_asset,
  type LineRecord,
  type LocationRecord,
  list_prompt_executions,
  make_subtitles,
  merge_clips,
  mix,
  type PromptExecution,
  probe,
  type SceneRecord,
  type ShotRecord,
  ShotRecordSchema,
  score_scene,
  thumbnail,
  transcode,
  trim,
  voice_dialogue,
} from '@automovie/contracts';
import { FilmGraph } from '@automovie/film-graph';
import { buildServer as buildGpuTasks, loadGpuTasksConfig } from '@automovie/gpu-tasks';
import { McpClient } from '@automovie/mcp-ws';
import { probeMedia } from '@automovie/media';
import { downloadAsset } from '@automovie/service-kit';
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
import { buildServer as buildAudio, loadAudioConfig } from '../../audio/src/server.ts';
import { buildServer as buildVideo, loadVideoConfig } from '../src/server.ts';

/**
 * The soundtrack and the animatic end to end over real parts: a brain (offline providers: espeak-ng,
 * synthesized music and ambience, storyboard frames), gpu-tasks on a real Redis, and the audio and
 * video services, all in-process on loopback, called as a project owner.
 */

let redis: RedisServer;
let data: TempDir;
let brain: StartedService;
let tasks: StartedService;
let audioSvc: StartedService;
let videoSvc: StartedService;
let owner: McpClient;
let audio: McpClient;
let video: McpClient;
let graph: FilmGraph;
let projectId: string;

const MARA_VOICE = { gender: 'female', pitch: 62, rate: 185, variant: 'f3' } as const;
const TOM_VOICE = { gender: 'male', pitch: 35, rate: 175, variant: 'm3' } as const;
const LONG_LINE = 'I waited at the harbour until the last ferry left, and then I walked home along the river in the rain.';

function character(name: string, voice: CharacterRecord['voice']): CharacterRecord {
  return {
    name,
    role: 'protagonist',
    bio: `${name} lives by the harbour.`,
    traits: ['stubborn'],
    visualDescription: `${name}, in a raincoat`,
    identity: { palette: ['#334455', '#aa3322', '#222222', '#e0b090'], silhouette: 'average', hair: 'short', accessory: 'none' },
    voice,
  };
}

function scene(
  number: number,
  heading: string,
  location: string,
  intExt: 'INT' | 'EXT',
  timeOfDay: 'DAY' | 'NIGHT',
  summary: string,
  action: string,
  lines: Array<[string, string]>,
): SceneRecord {
  return {
    number,
    heading,
    intExt,
    location,
    timeOfDay,
    summary,
    elements: [{ type: 'action', text: action }, ...lines.map(([c, text]) => ({ type: 'dialogue' as const, character: c, text }))],
  };
}

async function seedFilm(): Promise<void> {
  const scenes = [
    scene(1, 'EXT. HARBOUR - NIGHT', 'HARBOUR', 'EXT', 'NIGHT', 'A tense meeting in the rain.', 'Rain on the quay. Mara waits.', [
      ['MARA', LONG_LINE],
      ['TOM', 'You should not be here.'],
    ]),
    scene(2, 'INT. KITCHEN - DAY', 'KITCHEN', 'INT', 'DAY', 'A tender, quiet breakfast.', 'Warm light. Tom pours tea.', [
      ['TOM', 'Tea?'],
      ['MARA', 'Please.'],
    ]),
  ];
  await graph.upsert('Character', filmIds.character('Mara'), { ...character('Mara', MARA_VOICE) });
  await graph.upsert('Character', filmIds.character('Tom'), { ...character('Tom', TOM_VOICE) });
  const locations: Array<[string, LocationRecord]> = [
    ['HARBOUR', { name: 'HARBOUR', intExt: 'EXT', timeOfDay: 'NIGHT', description: 'A wet stone quay', elements: ['bollard'] }],
    ['KITCHEN', { name: 'KITCHEN', intExt: 'INT', timeOfDay: 'DAY', description: 'A small kitchen', elements: ['table'] }],
  ];
  for (const [name, loc] of locations) await graph.upsert('Location', filmIds.location(name), { ...loc });
  let order = 0;
  for (const s of scenes) {
    await graph.upsert('Scene', filmIds.scene(s.number), { ...s });
    for (const [i, e] of s.elements.entries()) {
      if (e.type !== 'dialogue') continue;
      const line: LineRecord = { sceneNumber: s.number, elementIndex: i, order: ++order, character: e.character, text: e.text };
      await graph.upsert('Line', filmIds.line(s.number, i), { ...line });
    }
  }
  const shots: Array<[number, number, number, number[]]> = [
    [1, 1, 1.5, [1]],
    [1, 2, 1, [2]],
    [2, 1, 1, [1, 2]],
    [2, 2, 1, []],
  ];
  for (const [sceneNumber, order, durationS, elementIndexes] of shots) {
    const frame = await owner.call(generate_image, {
      projectId,
      prompt: `Storyboard frame ${sceneNumber}.${order}: Mara and Tom`,
      width: 640,
      height: 360,
      seed: sceneNumber * 10 + order,
    });
    const shot: ShotRecord = {
      sceneNumber,
      order,
      type: 'medium',
      angle: 'eye_level',
      movement: order === 1 ? 'push_in' : 'static',
      lensMm: 35,
      durationS,
      description: `Shot ${sceneNumber}.${order}`,
      characters: ['Mara', 'Tom'],
      elementIndexes,
      frameAssetId: frame.asset.id,
    };
    await graph.upsert('Shot', filmIds.shot(sceneNumber, order), { ...shot });
  }
}

async function executions(kind: 'speech' | 'music' | 'sfx' | 'image' | 'video'): Promise<PromptExecution[]> {
  return (await owner.call(list_prompt_executions, { projectId, kind, limit: 500 })).executions;
}

async function probeAsset(assetId: string) {
  const { url, asset } = await owner.call(get_asset, { projectId, assetId });
  const path = join(data.path, `${randomBytes(4).toString('hex')}-${assetId}`);
  await downloadAsset(url, path);
  return { asset, facts: await probeMedia(path) };
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AutomovieError);
  return (err as AutomovieError).code;
}

beforeAll(async () => {
  [redis, data] = await Promise.all([startRedis(), tempDir('video-int-')]);
  const base = { AUTOMOVIE_JWT_SECRET: TEST_JWT_SECRET, PORT: '0', LOG_LEVEL: 'silent' };
  brain = await startService(() => buildBrain(loadBrainConfig({ ...base, AUTOMOVIE_DATA_DIR: join(data.path, 'brain') })));
  tasks = await startService(() =>
    buildGpuTasks(
      loadGpuTasksConfig({
        ...base,
        REDIS_URL: redis.url,
        GPU_TASKS_PREFIX: `v${randomBytes(4).toString('hex')}`,
        GPU_TASKS_CHECK_PROJECTS: 'false',
        AUTOMOVIE_BRAIN_URL: brain.mcpUrl,
      }),
    ),
  );
  const urls = { AUTOMOVIE_BRAIN_URL: brain.mcpUrl, AUTOMOVIE_GPU_TASKS_URL: tasks.mcpUrl };
  audioSvc = await startService(() => buildAudio(loadAudioConfig({ ...base, ...urls })));
  videoSvc = await startService(() => buildVideo(loadVideoConfig({ ...base, ...urls, AUTOMOVIE_AUDIO_URL: audioSvc.mcpUrl })));
  const token = await testToken({ userId: 'u-director', service: 'frontend' });
  owner = new McpClient({ url: brain.mcpUrl, token, timeoutMs: 60_000 });
  audio = new McpClient({ url: audioSvc.mcpUrl, token, timeoutMs: 90_000 });
  video = new McpClient({ url: videoSvc.mcpUrl, token, timeoutMs: 90_000 });
  projectId = (await owner.call(create_project, { name: 'Harbour animatic' })).project.id;
  graph = new FilmGraph(owner, projectId);
  await seedFilm();
}, 60_000);

afterAll(async () => {
  for (const c of [audio, video, owner]) await c?.close();
  for (const s of [videoSvc, audioSvc, tasks, brain]) await s?.stop();
  await redis?.stop();
  await data?.remove();
});

describe('voices, timeline, score, mix, subtitles and the animatic', () => {
  it('runs the whole chain and the MP4 matches the timeline; a re-run regenerates nothing', async () => {
    // Before anything is voiced, the timeline refuses; the audio tools want a timeline.
    expect(await codeOf(video.call(build_timeline, { projectId }))).toBe('VIDEO_LINES_NOT_VOICED');
    expect(await codeOf(audio.call(make_subtitles, { projectId }))).toBe('AUDIO_NO_TIMELINE');

    const progress: number[] = [];
    const voiced = await audio.call(voice_dialogue, { projectId }, { onProgress: (p) => progress.push(p.progress) });
    expect(voiced).toMatchObject({ lines: 4, synthesized: 4, reused: 0, fallbackVoices: [] });
    expect(voiced.totalSpeechS).toBeGreaterThan(4);
    expect(progress.length).toBeGreaterThan(0);
    const lines = await graph.lines();
    for (const l of lines) {
      expect(l.record.audioAssetId).toBeDefined();
      expect(l.record.timings?.length).toBe(l.record.text.split(/\s+/).length);
    }

    const built = await video.call(build_timeline, { projectId });
    expect(built).toMatchObject({ shots: 4, lines: 4, shotsWithoutFrames: [], unplacedLines: [], changed: true });
    expect(built.scenes.map((s) => s.mood)).toEqual(['tense', 'tender']);
    const timeline = (await graph.timeline())!;
    // The long line lengthened its shot past the planned 1.5 s.
    const longLine = lines.find((l) => l.record.text === LONG_LINE)!;
    expect(timeline.shots[0]!.durationS).toBeGreaterThanOrEqual(longLine.record.durationS! + 0.3);
    expect(timeline.shots.map((s) => s.transition)).toEqual(['cut', 'cut', 'fade', 'cut']);

    const scored = await audio.call(score_scene, { projectId });
    expect(scored).toMatchObject({ generated: 2, reused: 0 });
    expect(scored.scenes.map((s) => s.mood)).toEqual(['tense', 'tender']);
    expect(scored.scenes[0]!.ambience).toMatch(/rain/);
    expect(scored.scenes[1]!.ambience).toMatch(/room tone/);

    const mixed = await audio.call(mix, { projectId });
    expect(mixed.reused).toBe(false);
    expect(Math.abs(mixed.durationS - timeline.durationS)).toBeLessThan(0.01);
    expect(mixed.loudnessLufs).toBeGreaterThan(-19);
    expect(mixed.loudnessLufs).toBeLessThan(-13);

    const subs = await audio.call(make_subtitles, { projectId });
    expect(subs.srt).toMatch(/^1\n00:00:00,\d{3} --> /);
    expect(subs.vtt).toMatch(/^WEBVTT\n/);
    expect(subs.assetIds.srt).toBeDefined();
    expect(subs.assetIds.vtt).toBeDefined();
    // The long line is split; every cue is inside its line's measured speech on the timeline.
    expect(subs.cues.filter((c) => c.lineId === longLine.id).length).toBeGreaterThan(1);
    for (const cue of subs.cues) {
      for (const row of cue.text.split('\n')) expect(row.length).toBeLessThanOrEqual(42);
      const onTimeline = timeline.lines.find((l) => l.lineId === cue.lineId)!;
      const timings = lines.find((l) => l.id === cue.lineId)!.record.timings!;
      const spanStart = onTimeline.startS + Math.min(...timings.map((t) => t.startS));
      const spanEnd = onTimeline.startS + Math.max(...timings.map((t) => t.endS));
      expect(cue.startS).toBeGreaterThanOrEqual(spanStart - 1e-6);
      expect(cue.endS).toBeLessThanOrEqual(spanEnd + 1e-6);
    }

    const animatic = await video.call(assemble_animatic, { projectId, width: 640, height: 360, burnSubtitles: true });
    expect(animatic).toMatchObject({ rebuilt: true, hasAudio: true });
    const { facts } = await probeAsset(animatic.assetId);
    expect(facts.streams.some((s) => s.type === 'video' && s.codec === 'h264' && s.width === 640 && s.height === 360)).toBe(true);
    expect(facts.streams.some((s) => s.type === 'audio')).toBe(true);
    expect(Math.abs(facts.durationS - timeline.durationS)).toBeLessThanOrEqual(0.5);

    // The same voice speaks all of a character's lines (as the brain recorded each speech call).
    const speech = await executions('speech');
    expect(speech).toHaveLength(4);
    const voiceOf = (text: string) => JSON.stringify(speech.find((e) => e.inputs.text === text)!.inputs.voice);
    for (const l of lines) expect(voiceOf(l.record.text)).toBe(JSON.stringify(l.record.character === 'MARA' ? MARA_VOICE : TOM_VOICE));

    // Everything again: nothing is made twice.
    const counts = async () => ({
      speech: (await executions('speech')).length,
      music: (await executions('music')).length,
      sfx: (await executions('sfx')).length,
    });
    const before = await counts();
    expect(await audio.call(voice_dialogue, { projectId })).toMatchObject({ synthesized: 0, reused: 4 });
    expect((await video.call(build_timeline, { projectId })).changed).toBe(false);
    expect(await audio.call(score_scene, { projectId })).toMatchObject({ generated: 0, reused: 2 });
    expect(await audio.call(mix, { projectId })).toMatchObject({ assetId: mixed.assetId, reused: true });
    expect(await video.call(assemble_animatic, { projectId, width: 640, height: 360, burnSubtitles: true })).toMatchObject({
      assetId: animatic.assetId,
      rebuilt: false,
    });
    expect(await counts()).toEqual(before);

    // Edit one shot (a new frame): the animatic is rebuilt; voices, score and mix are reused.
    const newFrame = await owner.call(generate_image, {
      projectId,
      prompt: 'Storyboard frame 2.2: the empty kitchen',
      width: 640,
      height: 360,
      seed: 99,
    });
    await graph.upsert('Shot', filmIds.shot(2, 2), { frameAssetId: newFrame.asset.id });
    expect(await audio.call(voice_dialogue, { projectId })).toMatchObject({ synthesized: 0 });
    expect((await video.call(build_timeline, { projectId })).changed).toBe(true);
    expect(await audio.call(score_scene, { projectId })).toMatchObject({ generated: 0 });
    expect(await audio.call(mix, { projectId })).toMatchObject({ reused: true });
    const again = await video.call(assemble_animatic, { projectId, width: 640, height: 360, burnSubtitles: true });
    expect(again.rebuilt).toBe(true);
    expect(again.assetId).not.toBe(animatic.assetId);
    expect(await counts()).toEqual(before);
  }, 90_000);

  it('works on video assets: probe, thumbnail, trim, merge, transcode and a generated clip', async () => {
    const { assetId } = await video.call(assemble_animatic, { projectId, width: 640, height: 360, burnSubtitles: true });
    const facts = await video.call(probe, { projectId, assetId });
    expect(facts.formatName).toMatch(/mp4/);
    expect(facts.streams.map((s) => s.type).sort()).toEqual(['audio', 'video']);

    const thumb = await video.call(thumbnail, { projectId, assetId, atS: 1, width: 320 });
    expect(thumb).toMatchObject({ width: 320, height: 180 });

    const cut = await video.call(trim, { projectId, assetId, startS: 0.5, endS: 1.5 });
    expect(cut.durationS).toBeGreaterThan(0.9);
    expect(cut.durationS).toBeLessThan(1.2);

    const merged = await video.call(merge_clips, { projectId, assetIds: [cut.assetId, cut.assetId] });
    expect(merged.durationS).toBeGreaterThan(1.9);
    expect(merged.durationS).toBeLessThan(2.4);

    const webm = await video.call(transcode, { projectId, assetId: cut.assetId, format: 'webm', width: 320, height: 180 });
    const webmFacts = await video.call(probe, { projectId, assetId: webm.assetId });
    expect(webmFacts.formatName).toMatch(/webm|matroska/);
    expect(webmFacts.streams.find((s) => s.type === 'video')).toMatchObject({ codec: 'vp9', width: 320, height: 180 });

    const clip = await video.call(generate_clip, { projectId, shotId: 'shot-1-2', durationS: 1, width: 320, height: 180 });
    expect(clip.durationS).toBeCloseTo(1, 0);
    expect((await graph.get('shot-1-2', ShotRecordSchema))?.clipAssetId).toBe(clip.assetId);
    expect((await video.call(probe, { projectId, assetId: clip.assetId })).streams.some((s) => s.type === 'video')).toBe(true);
  }, 60_000);

  it('refuses bad input with a clear error naming the field or the step to run', async () => {
    expect(await codeOf(video.call(assemble_animatic, { projectId, width: 641 }))).toBe('INVALID_INPUT');
    expect(await codeOf(video.call(trim, { projectId, assetId: 'x', startS: 2, endS: 1 }))).toBe('INVALID_INPUT');
    expect(await codeOf(audio.call(make_subtitles, { projectId, format: 'ass' as 'srt' }))).toBe('INVALID_INPUT');
    expect(await codeOf(audio.call(score_scene, { projectId, sceneNumber: 9 }))).toBe('AUDIO_SCENE_NOT_FOUND');
    expect(await codeOf(video.call(generate_clip, { projectId, shotId: 'shot-9-9' }))).toBe('VIDEO_SHOT_NOT_FOUND');
    const { facts } = { facts: await owner.call(get_asset, { projectId, assetId: (await graph.lines())[0]!.record.audioAssetId! }) };
    expect(await codeOf(video.call(thumbnail, { projectId, assetId: facts.asset.id, atS: 0 }))).toBe('VIDEO_UNSUPPORTED_ASSET');

    const empty = (await owner.call(create_project, { name: 'Nothing yet' })).project.id;
    expect(await codeOf(video.call(build_timeline, { projectId: empty }))).toBe('VIDEO_NO_SHOTS');
    expect(await codeOf(video.call(assemble_animatic, { projectId: empty }))).toBe('VIDEO_NO_TIMELINE');
    expect(await codeOf(audio.call(mix, { projectId: empty }))).toBe('AUDIO_NO_TIMELINE');
    expect(await audio.call(voice_dialogue, { projectId: empty })).toMatchObject({ lines: 0, synthesized: 0 });
  }, 30_000);
});
