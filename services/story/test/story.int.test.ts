import { buildServer as buildBrain, loadBrainConfig } from '@automovie/brain';
import {
  AutomovieError,
  analyze_dialogue,
  type CharacterRecord,
  choose_outline,
  create_project,
  develop_story,
  export_screenplay,
  filmIds,
  get_screenplay,
  get_story,
  import_screenplay,
  list_prompt_executions,
  type Screenplay,
  write_screenplay,
} from '@automovie/contracts';
import { FilmGraph } from '@automovie/film-graph';
import { McpClient } from '@automovie/mcp-ws';
import { type StartedService, startService, TEST_JWT_SECRET, type TempDir, tempDir, testToken } from '@automovie/testing';
import { XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildServer, loadStoryConfig } from '../src/server.ts';

const USER = 'writer-1';
/** Any node: beats are only counted. */
const AnyRecord = z.object({});

function essence(s: Screenplay) {
  return {
    scenes: s.scenes.map((sc) => sc.heading),
    characters: [...new Set(s.scenes.flatMap((sc) => sc.elements.flatMap((e) => (e.type === 'dialogue' ? [e.character] : []))))].sort(),
    lines: s.scenes.flatMap((sc) =>
      sc.elements.flatMap((e) => (e.type === 'dialogue' ? [[sc.number, e.character, e.parenthetical ?? '', e.text]] : [])),
    ),
  };
}

async function codeOf(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof AutomovieError)) throw new Error(`expected an AutomovieError, got ${String(err)}`);
  return { code: err.code, message: err.message };
}

const character = (name: string, variant: string, gender: 'female' | 'male'): CharacterRecord => ({
  name,
  role: name === 'Mara' ? 'protagonist' : 'supporting',
  bio: `${name} keeps the lighthouse on a small island.`,
  traits: ['stubborn', 'kind'],
  visualDescription: `${name}, weathered oilskin, salt-grey hair.`,
  identity: { palette: ['#223344', '#ddccbb'], silhouette: 'average', hair: 'short', accessory: 'scarf' },
  voice: { gender, pitch: 50, rate: 170, variant },
});

describe('story service over a real brain', () => {
  let data: TempDir;
  let brain: StartedService;
  let story: StartedService;
  let brainClient: McpClient;
  let client: McpClient;

  beforeAll(async () => {
    data = await tempDir('story-int-');
    brain = await startService(() =>
      buildBrain(loadBrainConfig({ AUTOMOVIE_JWT_SECRET: TEST_JWT_SECRET, PORT: '0', LOG_LEVEL: 'silent', AUTOMOVIE_DATA_DIR: data.path })),
    );
    story = await startService(() =>
      buildServer(
        loadStoryConfig({ AUTOMOVIE_JWT_SECRET: TEST_JWT_SECRET, PORT: '0', LOG_LEVEL: 'silent', AUTOMOVIE_BRAIN_URL: brain.mcpUrl }),
      ),
    );
    brainClient = new McpClient({ url: brain.mcpUrl, token: await testToken({ userId: USER }), timeoutMs: 60_000 });
    client = new McpClient({ url: story.mcpUrl, token: await testToken({ userId: USER }), timeoutMs: 60_000 });
    for (const id of ['p1', 'p2', 'p3']) await brainClient.call(create_project, { id, name: `Story test ${id}` });
  });
  afterAll(async () => {
    await client?.close();
    await brainClient?.close();
    await story?.stop();
    await brain?.stop();
    await data?.remove();
  });

  let written: Screenplay;

  it('develops, chooses and writes; re-running with unchanged inputs generates nothing', async () => {
    const idea = 'A lighthouse keeper’s daughter rows out into a storm to find her missing father.';
    const dev = await client.call(develop_story, { projectId: 'p1', idea, seed: 7 });
    expect(dev.reused).toBe(false);
    expect(dev.options).toHaveLength(3);
    expect(dev.options.every((o) => o.beats >= 3 && o.title.length > 0)).toBe(true);
    const executions = async () => (await brainClient.call(list_prompt_executions, { projectId: 'p1', limit: 500 })).executions.length;
    const afterDevelop = await executions();
    const again = await client.call(develop_story, { projectId: 'p1', idea, seed: 7 });
    expect(again).toEqual({ ...dev, reused: true });
    expect(await executions()).toBe(afterDevelop);

    expect(await codeOf(client.call(write_screenplay, { projectId: 'p1' }))).toMatchObject({ code: 'STORY_NO_OUTLINE' });
    const chosen = await client.call(choose_outline, { projectId: 'p1', optionIndex: 1 });
    expect(chosen.outline.title).toBe(dev.options[1]!.title);
    expect((await client.call(get_story, { projectId: 'p1' })).story.chosenIndex).toBe(1);
    const graph = new FilmGraph(brainClient, 'p1');
    expect((await graph.list('Beat', AnyRecord)).length).toBe(chosen.beats.length);

    const noCast = await codeOf(client.call(write_screenplay, { projectId: 'p1' }));
    expect(noCast.code).toBe('STORY_NO_CHARACTERS');
    expect(noCast.message).toMatch(/cast_characters/);
    // The character service is built beside this one: its records are written here directly.
    for (const c of [character('Mara', 'f3', 'female'), character('Tomas', 'm2', 'male')]) {
      await graph.upsert('Character', filmIds.character(c.name), c, c.bio);
    }

    const ws = await client.call(write_screenplay, { projectId: 'p1', seed: 3 });
    expect(ws.reused).toBe(false);
    expect(ws.scenes).toBeGreaterThan(0);
    expect(ws.lines).toBeGreaterThan(0);
    expect(ws.locations).toBeGreaterThan(0);
    expect(ws.estimatedDurationS).toBeGreaterThan(0);
    const afterWrite = await executions();
    expect(await client.call(write_screenplay, { projectId: 'p1', seed: 3 })).toEqual({ ...ws, reused: true });
    expect(await executions()).toBe(afterWrite);

    written = (await client.call(get_screenplay, { projectId: 'p1' })).screenplay;
    expect(written.scenes).toHaveLength(ws.scenes);
    const lines = await graph.lines();
    expect(lines).toHaveLength(ws.lines);
    expect(lines.every((l) => l.record.characterId === undefined || l.record.characterId.startsWith('char-'))).toBe(true);
    expect(lines.some((l) => l.record.characterId === 'char-mara' || l.record.characterId === 'char-tomas')).toBe(true);
    const locations = await graph.locations();
    expect(locations).toHaveLength(ws.locations);
  });

  it('exports Fountain and FDX, and a Fountain import into another project has the same scenes, characters and lines', async () => {
    const fountain = await client.call(export_screenplay, { projectId: 'p1', format: 'fountain' });
    expect(fountain.filename).toMatch(/\.fountain$/);
    expect(fountain.mime).toBe('text/x-fountain');
    expect(fountain.assetId).toMatch(/.+/);
    const fdx = await client.call(export_screenplay, { projectId: 'p1', format: 'fdx' });
    expect(XMLValidator.validate(fdx.content)).toBe(true);
    expect(fdx.content).toContain('<FinalDraft DocumentType="Script"');

    const imported = await client.call(import_screenplay, { projectId: 'p2', format: 'fountain', content: fountain.content });
    const expected = essence(written);
    expect(imported).toMatchObject({
      format: 'fountain',
      scenes: expected.scenes.length,
      lines: expected.lines.length,
      characters: expected.characters.length,
    });
    expect(imported.createdCharacters.sort()).toEqual(expected.characters);
    const back = (await client.call(get_screenplay, { projectId: 'p2' })).screenplay;
    expect(essence(back)).toEqual(expected);
    expect(back.title).toBe(written.title);

    // Imported speakers got valid, distinct voices.
    const cast = await new FilmGraph(brainClient, 'p2').characters();
    expect(cast.map((c) => c.record.name).sort()).toEqual(expected.characters);
    expect(new Set(cast.map((c) => c.record.voice.variant)).size).toBe(cast.length);
    expect(cast[0]!.record.bio).toMatch(/imported/);

    // FDX of the imported project reads back the same too, through an asset.
    const fdx2 = await client.call(export_screenplay, { projectId: 'p2', format: 'fdx' });
    const reimport = await client.call(import_screenplay, { projectId: 'p2', format: 'auto', assetId: fdx2.assetId });
    expect(reimport).toMatchObject({ format: 'fdx', createdCharacters: [], lines: expected.lines.length });
    expect(essence((await client.call(get_screenplay, { projectId: 'p2' })).screenplay)).toEqual(expected);
  });

  it('analyses dialogue per character', async () => {
    const { characters, totals } = await client.call(analyze_dialogue, { projectId: 'p2' });
    const expected = essence(written);
    expect(totals.lines).toBe(expected.lines.length);
    expect(characters.map((c) => c.character).sort()).toEqual(expected.characters);
    expect(characters.reduce((a, c) => a + c.lines, 0)).toBe(totals.lines);
    expect(characters.reduce((a, c) => a + c.words, 0)).toBe(totals.words);
    for (const c of characters) {
      expect(c.estimatedSpeakingS).toBeCloseTo(c.words / 2.5, 1);
      expect(c.share).toBeCloseTo(c.words / totals.words, 3);
      expect(c.measuredLines).toBe(0);
    }
    expect(totals.estimatedSpeakingS).toBeCloseTo(totals.words / 2.5, 0);
  });

  it('refuses bad input with clear errors', async () => {
    expect((await codeOf(client.call(import_screenplay, { projectId: 'p3', format: 'docx' as 'fdx', content: 'x' }))).code).toBe(
      'INVALID_INPUT',
    );
    expect(await codeOf(client.call(import_screenplay, { projectId: 'p3', format: 'fountain', content: '   ' }))).toMatchObject({
      code: 'STORY_EMPTY_CONTENT',
    });
    expect((await codeOf(client.call(import_screenplay, { projectId: 'p3', format: 'fountain' }))).code).toBe('INVALID_INPUT');
    const broken = await codeOf(
      client.call(import_screenplay, { projectId: 'p3', format: 'fountain', content: 'INT. A - DAY\n\n/* never closed\n' }),
    );
    expect(broken).toMatchObject({ code: 'STORY_PARSE_ERROR', message: 'fountain at line 3: boneyard "/*" is never closed with "*/"' });
    expect((await codeOf(client.call(get_story, { projectId: 'p3' }))).code).toBe('STORY_NO_STORY');
    expect((await codeOf(client.call(export_screenplay, { projectId: 'p3', format: 'fountain' }))).code).toBe('STORY_NO_SCREENPLAY');
    await client.call(develop_story, { projectId: 'p3', idea: 'Two clocks fall in love.', optionCount: 2 });
    const out = await codeOf(client.call(choose_outline, { projectId: 'p3', optionIndex: 2 }));
    expect(out).toMatchObject({ code: 'STORY_OPTION_OUT_OF_RANGE' });
    expect(out.message).toMatch(/2 options \(0 to 1\)/);
    expect((await codeOf(client.call(write_screenplay, { projectId: 'p3' }))).code).toBe('STORY_NO_OUTLINE');
  });
});
