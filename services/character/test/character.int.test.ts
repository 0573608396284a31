import { buildServer as buildBrain, loadBrainConfig } from '@automovie/brain';
import {
  AutomovieError,
  type Composition,
  cast_characters,
  check_consistency,
  create_project,
  execute_prompt,
  filmIds,
  get_asset,
  get_bible,
  list_prompt_executions,
  type OutlineOption,
  relate_characters,
  type StoryRecord,
  update_character,
} from '@automovie/contracts';
import { FilmGraph } from '@automovie/film-graph';
import { McpClient } from '@automovie/mcp-ws';
import { COMPOSITION_TEXT_KEY, readPngText } from '@automovie/media';
import { type StartedService, startService, TEST_JWT_SECRET, type TempDir, tempDir, testToken } from '@automovie/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer, loadCharacterConfig } from '../src/server.ts';

const PROJECT = 'film1';

async function errorOf(p: Promise<unknown>): Promise<AutomovieError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AutomovieError);
  return err as AutomovieError;
}

describe('character service over a real brain', () => {
  let data: TempDir;
  let brain: StartedService;
  let character: StartedService;
  let brainClient: McpClient;
  let client: McpClient;
  let graph: FilmGraph;

  const images = async () =>
    (await brainClient.call(list_prompt_executions, { projectId: PROJECT, kind: 'image', limit: 500 })).executions.filter(
      (e) => e.status !== 'cached',
    ).length;
  const bibles = async () =>
    (await brainClient.call(list_prompt_executions, { projectId: PROJECT, template: 'character.bible', limit: 500 })).executions.length;
  const compositionOf = async (assetId: string): Promise<Composition> => {
    const { url, asset } = await brainClient.call(get_asset, { projectId: PROJECT, assetId });
    expect(asset.mime).toBe('image/png');
    const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
    return (JSON.parse(readPngText(bytes)[COMPOSITION_TEXT_KEY] as string) as { composition: Composition }).composition;
  };

  beforeAll(async () => {
    data = await tempDir('character-');
    brain = await startService(() =>
      buildBrain(loadBrainConfig({ AUTOMOVIE_JWT_SECRET: TEST_JWT_SECRET, PORT: '0', LOG_LEVEL: 'silent', AUTOMOVIE_DATA_DIR: data.path })),
    );
    character = await startService(() =>
      buildServer(
        loadCharacterConfig({ AUTOMOVIE_JWT_SECRET: TEST_JWT_SECRET, PORT: '0', LOG_LEVEL: 'silent', AUTOMOVIE_BRAIN_URL: brain.mcpUrl }),
      ),
    );
    const token = await testToken({ userId: 'u-writer', service: 'frontend' });
    brainClient = new McpClient({ url: brain.mcpUrl, token, timeoutMs: 60_000 });
    client = new McpClient({ url: character.mcpUrl, token, timeoutMs: 60_000 });
    await brainClient.call(create_project, { id: PROJECT, name: 'Lighthouse' });
    graph = new FilmGraph(brainClient, PROJECT);
  }, 30_000);

  afterAll(async () => {
    await client?.close();
    await brainClient?.close();
    await character?.stop();
    await brain?.stop();
    await data?.remove();
  });

  it('refuses to cast before an outline is chosen', async () => {
    const err = await errorOf(client.call(cast_characters, { projectId: PROJECT }));
    expect(err.code).toBe('CHARACTER_NO_OUTLINE');
  });

  it('casts from the outline: bible, relationships and one reference image per character drawn with its identity', async () => {
    const idea =
      'A lighthouse keeper named Mara finds a message in a bottle from her missing sister Ada, while a smuggler called Victor watches the coast.';
    const { output } = await brainClient.call(execute_prompt, {
      projectId: PROJECT,
      template: 'story.outlines',
      variables: { idea },
      seed: 7,
    });
    const outline = (output as { options: OutlineOption[] }).options[0] as OutlineOption;
    const story: StoryRecord = { idea, options: [outline], chosenIndex: 0, outline, targetDurationS: 60 };
    await graph.upsert('Story', filmIds.story(), story);

    const progress: number[] = [];
    const cast = await client.call(
      cast_characters,
      { projectId: PROJECT, maxCharacters: 3, seed: 3 },
      { onProgress: (p) => progress.push(p.progress) },
    );
    expect(cast.reused).toBe(false);
    expect(cast.characters.length).toBeGreaterThanOrEqual(2);
    expect(cast.references).toEqual({ rendered: cast.characters.length, reused: 0 });
    expect(progress.length).toBeGreaterThan(0);
    for (const c of cast.characters) expect(c.id).toBe(filmIds.character(c.name));
    expect(cast.relationships.length).toBeGreaterThan(0);

    const { characters } = await client.call(get_bible, { projectId: PROJECT });
    for (const c of characters) {
      expect(c.referenceAssetId).toBeDefined();
      const comp = await compositionOf(c.referenceAssetId as string);
      expect(comp.shotType).toBe('full');
      expect(comp.caption).toBe(`${c.name.toUpperCase()} — reference`);
      expect(comp.figures).toEqual([expect.objectContaining({ characterId: c.id, name: c.name, identity: c.identity })]);
    }
    expect(await images()).toBe(characters.length);
  });

  it('re-casting with the same inputs reuses the bible and every reference image', async () => {
    const [imagesBefore, biblesBefore] = [await images(), await bibles()];
    const again = await client.call(cast_characters, { projectId: PROJECT, maxCharacters: 3, seed: 3 });
    expect(again.reused).toBe(true);
    expect(again.references.rendered).toBe(0);
    expect(await images()).toBe(imagesBefore);
    expect(await bibles()).toBe(biblesBefore);
  });

  it('updates a character: a new bio keeps the reference, a new look redraws only its own', async () => {
    const { characters } = await client.call(get_bible, { projectId: PROJECT });
    const c = characters[0] as (typeof characters)[number];
    const before = await images();
    const bio = await client.call(update_character, {
      projectId: PROJECT,
      characterId: c.id,
      patch: { bio: 'Keeps the light and her secrets.' },
    });
    expect(bio.referenceRedrawn).toBe(false);
    expect(bio.character.referenceAssetId).toBe(c.referenceAssetId);
    expect(bio.character.bio).toBe('Keeps the light and her secrets.');

    const hair = c.identity.hair === 'curly' ? 'bun' : 'curly';
    const look = await client.call(update_character, { projectId: PROJECT, characterId: c.id, patch: { identity: { hair } } });
    expect(look.referenceRedrawn).toBe(true);
    expect(look.character.identity).toEqual({ ...c.identity, hair });
    expect(look.character.referenceAssetId).not.toBe(c.referenceAssetId);
    expect((await compositionOf(look.character.referenceAssetId as string)).figures[0]?.identity.hair).toBe(hair);
    expect(await images()).toBe(before + 1);

    // The edit survives a re-run of the pipeline step.
    await client.call(cast_characters, { projectId: PROJECT, maxCharacters: 3, seed: 3 });
    const after = (await client.call(get_bible, { projectId: PROJECT })).characters.find((x) => x.id === c.id);
    expect(after?.identity.hair).toBe(hair);
    expect(after?.bio).toBe('Keeps the light and her secrets.');
  });

  it('relates characters once per kind, by id or name', async () => {
    const { characters } = await client.call(get_bible, { projectId: PROJECT });
    const [a, b] = characters as [(typeof characters)[number], (typeof characters)[number]];
    const first = await client.call(relate_characters, {
      projectId: PROJECT,
      from: a.name,
      to: b.id,
      kind: 'old friend',
      description: 'Since school.',
    });
    expect(first).toEqual({ created: true, relationship: { from: a.id, to: b.id, kind: 'old friend', description: 'Since school.' } });
    const second = await client.call(relate_characters, { projectId: PROJECT, from: a.id, to: b.name.toUpperCase(), kind: 'old friend' });
    expect(second.created).toBe(false);
    const { relationships } = await client.call(get_bible, { projectId: PROJECT });
    expect(relationships.filter((r) => r.from === a.id && r.to === b.id && r.kind === 'old friend')).toHaveLength(1);
  });

  it('finds contradictions planted in the screenplay and the storyboard', async () => {
    const { characters } = await client.call(get_bible, { projectId: PROJECT });
    const [a, b] = characters as [(typeof characters)[number], (typeof characters)[number]];
    const first = a.name.split(' ')[0] as string;
    const slip = `${first.toUpperCase()}H`;
    await graph.upsert('Scene', filmIds.scene(1), {
      number: 1,
      heading: 'INT. LIGHTHOUSE - NIGHT',
      intExt: 'INT',
      location: 'LIGHTHOUSE',
      timeOfDay: 'NIGHT',
      summary: `${a.name} keeps watch.`,
      elements: [
        { type: 'action', text: `${a.name} climbs the stairs.` },
        { type: 'dialogue', character: first.toUpperCase(), text: 'Who is there?' },
        { type: 'dialogue', character: slip, text: 'Only the wind.' },
      ],
    });
    await graph.upsert('Shot', filmIds.shot(1, 1), {
      sceneNumber: 1,
      order: 1,
      type: 'two_shot',
      angle: 'eye_level',
      movement: 'static',
      lensMm: 40,
      durationS: 3,
      description: `${a.name} and ${b.name} on the stairs.`,
      characters: [a.name, b.name],
      elementIndexes: [],
      imagePrompt: `two-shot. ${a.name}, bald, in a neon pink raincoat.`,
    });
    const { contradictions, checked } = await client.call(check_consistency, { projectId: PROJECT });
    expect(checked).toMatchObject({ characters: characters.length, scenes: 1, shots: 1, prompts: 1 });
    expect(contradictions).toContainEqual(
      expect.objectContaining({
        kind: 'name_variant',
        characterId: a.id,
        where: expect.objectContaining({ nodeId: 'scene-1', field: 'elements[2].character' }),
      }),
    );
    expect(contradictions).toContainEqual(
      expect.objectContaining({
        kind: 'missing_from_frame',
        characterId: b.id,
        where: expect.objectContaining({ nodeId: 'shot-1-1', field: 'characters[1]' }),
      }),
    );
    const prompt = contradictions.filter(
      (c) => c.kind === 'look_conflict' && c.where.nodeId === 'shot-1-1' && c.where.field === 'imagePrompt',
    );
    expect(prompt.length).toBeGreaterThanOrEqual(1);
    expect(prompt.every((c) => c.characterId === a.id)).toBe(true);
  });

  it('answers bad input with clear errors', async () => {
    const { characters } = await client.call(get_bible, { projectId: PROJECT });
    const a = characters[0] as (typeof characters)[number];
    expect(
      (await errorOf(client.call(update_character, { projectId: PROJECT, characterId: 'char-nobody', patch: { bio: 'x' } }))).code,
    ).toBe('CHARACTER_NOT_FOUND');
    const rename = await errorOf(client.callTool('update_character', { projectId: PROJECT, characterId: a.id, patch: { name: 'Other' } }));
    expect(rename.code).toBe('INVALID_INPUT');
    expect(rename.message).toMatch(/patch/);
    const empty = await errorOf(client.callTool('update_character', { projectId: PROJECT, characterId: a.id, patch: {} }));
    expect(empty.message).toMatch(/changes nothing/);
    const colour = await errorOf(
      client.callTool('update_character', { projectId: PROJECT, characterId: a.id, patch: { identity: { palette: ['red', '#000000'] } } }),
    );
    expect(colour.message).toMatch(/palette.*#rrggbb/);
    expect((await errorOf(client.call(relate_characters, { projectId: PROJECT, from: a.id, to: a.name, kind: 'self' }))).code).toBe(
      'CHARACTER_SELF_RELATION',
    );
    expect(
      (await errorOf(client.callTool('relate_characters', { projectId: PROJECT, from: a.id, to: 'x', kind: 'Not A Kind!' }))).code,
    ).toBe('INVALID_INPUT');
    expect((await errorOf(client.callTool('cast_characters', { projectId: PROJECT, maxCharacters: 0 }))).message).toMatch(/maxCharacters/);
  });

  it('acts for the caller: a user who is not a member of the project is refused by the brain', async () => {
    const stranger = new McpClient({ url: character.mcpUrl, token: await testToken({ userId: 'u-stranger', service: 'frontend' }) });
    try {
      const err = await errorOf(stranger.call(get_bible, { projectId: PROJECT }));
      expect(['FORBIDDEN', 'BRAIN_PROJECT_NOT_FOUND']).toContain(err.code);
    } finally {
      await stranger.close();
    }
  });
});
