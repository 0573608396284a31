/**
 * The main job end to end: `automovie demo` against a fleet of real processes (every service as
 * `node services/<name>/src/index.ts`, a real redis-server, ffmpeg and espeak-ng, offline
 * providers), then every file it wrote checked with an independent reader, and one edit re-run
 * with the provider calls counted.
 *
 * It lives with the export service because the export's own test dependencies carry the readers
 * it needs (ffprobe via @automovie/media, pdf-lib, the film graph); the CLI is driven through its
 * command function, exactly as `automovie demo` runs it.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type Composition,
  create_project,
  get_asset,
  get_export,
  get_run,
  get_screenplay,
  import_screenplay,
  list_prompt_executions,
  make_subtitles,
  type ProjectBundle,
  ProjectBundleSchema,
  retry_step,
  type Screenplay,
  type ServiceName,
  update_shot,
} from '@automovie/contracts';
import { FilmGraph } from '@automovie/film-graph';
import { McpClient, TokenAuthority } from '@automovie/mcp-ws';
import { COMPOSITION_TEXT_KEY, parseSrt, probeMedia, readPngText } from '@automovie/media';
import { freePort, type TempDir, tempDir } from '@automovie/testing';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The CLI is driven in-process; relative imports keep the export service's package.json free of a CLI dependency.
import { DEMO_USER, type DemoResult, runDemo } from '../../../packages/cli/src/commands/demo.ts';
import { type Fleet, startFleet } from '../../../packages/cli/src/fleet.ts';
import type { Io } from '../../../packages/cli/src/io.ts';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const FILM: readonly ServiceName[] = ['brain', 'gpu-tasks', 'orchestrator', 'story', 'character', 'visual', 'audio', 'video', 'export'];
const IDEA = 'a lighthouse keeper befriends a storm';
const TARGET_S = 30;

function captureIo(cwd: string): Io & { err(): string; out(): string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (s: string) => (out += s), isTTY: false },
    stderr: { write: (s: string) => (err += s), isTTY: false },
    env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'warn' },
    cwd,
    readStdin: async () => '',
    trapSignals: () => ({ received: new Promise(() => {}), dispose() {} }),
    out: () => out,
    err: () => err,
  };
}

/** Dialogue lines of a screenplay as (speaker, words), scene by scene. */
function dialogue(sp: Screenplay): string[][] {
  return sp.scenes.map((s) =>
    s.elements.flatMap((e) => (e.type === 'dialogue' ? [`${e.character.toUpperCase()}: ${e.text.replace(/\s+/g, ' ').trim()}`] : [])),
  );
}

describe('automovie demo: one idea → a film and its exports', () => {
  let dir: TempDir;
  let fleet: Fleet;
  let demo: DemoResult;
  let io: ReturnType<typeof captureIo>;
  let bundle: ProjectBundle;
  const clients: McpClient[] = [];
  let clientOf: (name: ServiceName) => McpClient;
  const file = (format: string) => {
    const f = demo.report.files.find((x) => x.format === format);
    if (f === undefined) throw new Error(`the demo wrote no ${format} file`);
    return f.path;
  };

  beforeAll(async () => {
    dir = await tempDir('automovie-film-e2e-');
    const ports: Partial<Record<ServiceName, number>> = {};
    for (const name of FILM) ports[name] = await freePort();
    const dataDir = join(dir.path, 'data');
    io = captureIo(dir.path);
    fleet = await startFleet({ repoRoot: REPO_ROOT, dataDir, services: FILM, ports, redisPort: await freePort(), env: io.env });
    demo = await runDemo(io, IDEA, { out: 'film', duration: String(TARGET_S) }, { repoRoot: REPO_ROOT, dataDir, services: FILM, ports });
    bundle = ProjectBundleSchema.parse(JSON.parse(readFileSync(file('json'), 'utf8')));
    const token = await new TokenAuthority(fleet.secret).mint({ service: 'e2e', userId: DEMO_USER, scopes: ['*'], ttl: 3600 });
    const urls = new Map(fleet.services.map((s) => [s.name, s.mcpUrl]));
    const opened = new Map<ServiceName, McpClient>();
    clientOf = (name) => {
      let c = opened.get(name);
      if (c === undefined) {
        c = new McpClient({ url: urls.get(name) as string, token, name: 'film-e2e', timeoutMs: 120_000 });
        opened.set(name, c);
        clients.push(c);
      }
      return c;
    };
  }, 240_000);

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close().catch(() => {})));
    await fleet?.stop();
    await dir?.remove();
  }, 60_000);

  it('runs every step, writes every export and says what it made', () => {
    expect(demo.run.state).toBe('completed');
    expect(demo.run.steps.map((s) => [s.name, s.state])).toEqual(
      [
        'develop_story',
        'choose_outline',
        'cast_characters',
        'write_screenplay',
        'plan_shots',
        'render_storyboard',
        'voice_dialogue',
        'score',
        'assemble_animatic',
        'export',
      ].map((n) => [n, 'completed']),
    );
    expect(demo.outDir).toBe(join(dir.path, 'film'));
    expect(demo.report.files.map((f) => f.format).sort()).toEqual(['fdx', 'fountain', 'json', 'mp4', 'pdf', 'zip']);
    for (const f of demo.report.files) expect(readFileSync(f.path).byteLength, f.filename).toBe(f.bytes);
    expect(existsSync(join(demo.outDir, 'report.json'))).toBe(true);
    expect(readdirSync(demo.outDir)).toHaveLength(7);
    expect(demo.report.offline).toBe(true);
    expect(demo.report.providers.length).toBeGreaterThan(0);
    // Live progress: one plain line per step as it ran (stderr is not a terminal here).
    for (const s of demo.run.steps) expect(io.err()).toMatch(new RegExp(`^✓ ${s.name}\\s+\\[#{20}\\] 100%`, 'm'));
    expect(io.out()).toContain(`Files in film:`);
    expect(io.out()).toMatch(/Providers: offline \(/);
    expect(io.err()).toContain('a fleet is already up and ready');
  });

  it('makes an MP4 as long as the timeline (±0.5 s) with video and audio', async () => {
    const timeline = await new FilmGraph(clientOf('brain'), demo.report.projectId).timeline();
    expect(timeline).toBeDefined();
    const probe = await probeMedia(file('mp4'));
    expect(Math.abs(probe.durationS - (timeline?.durationS ?? 0))).toBeLessThanOrEqual(0.5);
    expect(probe.streams.some((s) => s.type === 'video')).toBe(true);
    expect(probe.streams.some((s) => s.type === 'audio')).toBe(true);
    expect(timeline?.durationS).toBeGreaterThan(TARGET_S * 0.5);
    expect(demo.report.film.videoDurationS).toBeCloseTo(probe.durationS, 1);
  });

  it("puts every subtitle cue inside its line's measured speech", async () => {
    const projectId = demo.report.projectId;
    const timeline = await new FilmGraph(clientOf('brain'), projectId).timeline();
    const spans = new Map((timeline?.lines ?? []).map((l) => [l.lineId, { startS: l.startS, endS: l.startS + l.durationS }]));
    const subs = await clientOf('audio').call(make_subtitles, { projectId, format: 'srt' });
    expect(subs.cues.length).toBeGreaterThanOrEqual(bundle.lines.length);
    const eps = 0.0015; // SRT keeps milliseconds
    for (const cue of subs.cues) {
      const span = spans.get(cue.lineId);
      expect(span, cue.lineId).toBeDefined();
      expect(cue.startS).toBeGreaterThanOrEqual((span?.startS ?? 0) - eps);
      expect(cue.endS).toBeLessThanOrEqual((span?.endS ?? 0) + eps);
      expect(cue.endS).toBeGreaterThan(cue.startS);
    }
    const parsed = parseSrt(subs.srt ?? '');
    expect(parsed).toHaveLength(subs.cues.length);
    const all = [...spans.values()];
    for (const c of parsed)
      expect(
        all.some((s) => c.startS >= s.startS - eps && c.endS <= s.endS + eps),
        `${c.index}`,
      ).toBe(true);
  });

  it('makes a PDF booklet a PDF reader opens, with at least a page per scene', async () => {
    const bytes = readFileSync(file('pdf'));
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const pdf = await PDFDocument.load(bytes);
    expect(pdf.getPageCount()).toBeGreaterThanOrEqual(bundle.scenes.length);
  });

  it('writes Fountain that imports back with the same scenes, characters and lines, and a well-formed FDX', async () => {
    const projectId = demo.report.projectId;
    const original = (await clientOf('story').call(get_screenplay, { projectId })).screenplay;
    const speakers = new Set(bundle.lines.map((l) => l.character.toUpperCase()));
    for (const [format, path] of [
      ['fountain', file('fountain')],
      ['fdx', file('fdx')],
    ] as const) {
      const { project } = await clientOf('brain').call(create_project, { name: `${IDEA} (${format} import)` });
      const imported = await clientOf('story').call(import_screenplay, {
        projectId: project.id,
        format,
        content: readFileSync(path, 'utf8'),
      });
      expect(imported.format).toBe(format);
      expect(imported.scenes).toBe(bundle.scenes.length);
      expect(imported.lines).toBe(bundle.lines.length);
      expect(imported.characters).toBe(speakers.size);
      const back = (await clientOf('story').call(get_screenplay, { projectId: project.id })).screenplay;
      expect(back.scenes.map((s) => s.heading)).toEqual(original.scenes.map((s) => s.heading));
      expect(dialogue(back)).toEqual(dialogue(original));
    }
    const fdx = readFileSync(file('fdx'), 'utf8');
    expect(fdx).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"( standalone="no")? ?\?>\s*<FinalDraft\b[^>]*DocumentType="Script"/);
    expect(fdx.trimEnd()).toMatch(/<\/FinalDraft>$/);
  });

  it('writes a JSON bundle that its contract accepts, describing the film made', () => {
    expect(bundle.scenes.length).toBe(demo.report.film.scenes);
    expect(bundle.shots.length).toBeGreaterThan(0);
    expect(bundle.shots.every((s) => s.frameAssetId !== undefined)).toBe(true);
    expect(bundle.lines.every((l) => l.audioAssetId !== undefined && (l.durationS ?? 0) > 0)).toBe(true);
    expect(bundle.timeline?.durationS).toBeGreaterThan(0);
  });

  it('draws each character with one identity in every frame, and voices all its lines with one voice', async () => {
    const projectId = demo.report.projectId;
    const brain = clientOf('brain');
    const identities = new Map<string, Set<string>>();
    for (const shot of bundle.shots) {
      const { url } = await brain.call(get_asset, { projectId, assetId: shot.frameAssetId as string });
      const png = new Uint8Array(await (await fetch(url)).arrayBuffer());
      const { composition } = JSON.parse(readPngText(png)[COMPOSITION_TEXT_KEY] as string) as { composition: Composition };
      for (const fig of composition.figures ?? []) {
        const key = fig.characterId ?? fig.name;
        const set = identities.get(key) ?? new Set<string>();
        set.add(JSON.stringify(fig.identity));
        identities.set(key, set);
      }
    }
    expect(identities.size).toBeGreaterThan(0);
    for (const [who, set] of identities) {
      expect(set.size, who).toBe(1);
      const bible = bundle.characters.find((c) => c.id === who);
      if (bible) expect([...set][0]).toBe(JSON.stringify(bible.identity));
    }

    const speech = (await brain.call(list_prompt_executions, { projectId, kind: 'speech', limit: 500 })).executions;
    const voiceOfAsset = new Map(speech.filter((e) => e.assetId).map((e) => [e.assetId as string, JSON.stringify(e.inputs.voice)]));
    const voices = new Map<string, Set<string>>();
    for (const line of bundle.lines) {
      const voice = voiceOfAsset.get(line.audioAssetId as string);
      expect(voice, line.text).toBeDefined();
      const set = voices.get(line.character) ?? new Set<string>();
      set.add(voice as string);
      voices.set(line.character, set);
    }
    for (const [who, set] of voices) expect(set.size, who).toBe(1);
    const distinct = new Set([...voices.values()].map((s) => [...s][0]));
    expect(distinct.size).toBe(voices.size);
  });

  it('after one shot is edited, a re-run redraws exactly that frame and rebuilds the animatic, and regenerates nothing else', async () => {
    const projectId = demo.report.projectId;
    const brain = clientOf('brain');
    const count = async (kind: 'image' | 'speech' | 'music' | 'sfx' | 'text') =>
      (await brain.call(list_prompt_executions, { projectId, kind, limit: 500 })).executions.filter((e) => e.status !== 'cached').length;
    const counts = async () => ({
      image: await count('image'),
      speech: await count('speech'),
      music: await count('music'),
      sfx: await count('sfx'),
      text: await count('text'),
    });
    const target = bundle.shots[Math.min(1, bundle.shots.length - 1)]!;
    await clientOf('visual').call(update_shot, {
      projectId,
      shotId: target.id,
      patch: { description: 'The keeper lifts the lamp; the storm leans in to look.' },
    });
    const before = await counts();
    const exportBefore = await clientOf('export').call(get_export, { projectId, format: 'mp4' });

    const orchestrator = clientOf('orchestrator');
    await orchestrator.call(retry_step, { runId: demo.run.id, step: 'plan_shots' });
    let run = (await orchestrator.call(get_run, { runId: demo.run.id, waitMs: 120_000 })).run;
    while (run.state === 'queued' || run.state === 'running')
      run = (await orchestrator.call(get_run, { runId: run.id, waitMs: 60_000 })).run;
    expect(run.state, JSON.stringify(run.error)).toBe('completed');

    const after = await counts();
    expect(after).toEqual({ ...before, image: before.image + 1 });
    const step = (name: string) => run.steps.find((s) => s.name === name);
    expect(step('render_storyboard')?.outputSummary).toMatch(/: 1 drawn, \d+ reused$/);
    expect(step('voice_dialogue')?.reused).toBe(true);
    expect(step('assemble_animatic')?.outputSummary).toMatch(/\(rendered\)$/);

    const shots = await new FilmGraph(brain, projectId).shots();
    for (const s of shots) {
      const old = bundle.shots.find((b) => b.id === s.id);
      if (s.id === target.id) expect(s.record.frameAssetId).not.toBe(old?.frameAssetId);
      else expect(s.record.frameAssetId, s.id).toBe(old?.frameAssetId);
    }
    const latest = await clientOf('export').call(get_export, { projectId, format: 'mp4' });
    expect(latest.exportId).not.toBe(exportBefore.exportId);
    expect(latest.files[0]?.assetId).not.toBe(exportBefore.files[0]?.assetId);
  });
});
