import { createHash } from 'node:crypto';
import {
  type CharacterRecord,
  create_relationship,
  filmIds,
  get_node_neighbors,
  type LineRecord,
  type LocationRecord,
  type SceneElement,
  SceneElementSchema,
  type SceneRecord,
  type Screenplay,
  type SetDressingKind,
  type StoryRecord,
  setDressingIn,
  setDressingKind,
} from '@automovie/contracts';
import type { FilmGraph, Stored } from '@automovie/film-graph';
import { z } from 'zod';
import { StoryError } from './errors.ts';
import { UNTITLED } from './screenplay-model.ts';

/**
 * Storing a screenplay in the project's graph and reading it back: Scene nodes hold the full
 * elements (lossless export), Line nodes one per dialogue element, Location nodes one per place,
 * with HAS_SCENE, SET_IN, FEATURES, SPEAKS and HAS_LINE relations. The title page, the preamble
 * and the hash of what the screenplay was made from live on the Story node.
 */

/** sha256 of a value's JSON. */
export function hashOf(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex');
}

/** Runs `fn` over `items` with at most `limit` in flight. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** What the Story node carries about the screenplay besides the scenes. */
export const ScreenplayMetaSchema = z.object({
  title: z.string().min(1),
  titlePage: z.record(z.string(), z.string()).default({}),
  preamble: z.array(SceneElementSchema).optional(),
  /** `generated` by write_screenplay or `imported` (with the source format). */
  source: z.string(),
});
export type ScreenplayMeta = z.infer<typeof ScreenplayMetaSchema>;

/** Story-node properties the service keeps beside the StoryRecord. */
export const StoryExtrasSchema = z.object({
  optionsKey: z.string().optional(),
  screenplayKey: z.string().optional(),
  screenplay: ScreenplayMetaSchema.optional(),
});
export type StoryExtras = z.infer<typeof StoryExtrasSchema>;

export async function storyExtras(graph: FilmGraph): Promise<StoryExtras> {
  const node = await graph.node(filmIds.story());
  if (node === undefined) return {};
  const parsed = StoryExtrasSchema.safeParse(node.properties);
  return parsed.success ? parsed.data : {};
}

const WORD = /[\p{L}\p{N}'’-]+/gu;

/** Words a line speaks: parenthetical directions inside the text are not spoken. */
export function spokenWords(text: string): number {
  const spoken = text
    .split('\n')
    .filter((l) => !/^\s*\(.*\)\s*$/.test(l))
    .join(' ')
    .replace(/\[\[[\s\S]*?\]\]/g, ' ');
  return spoken.match(WORD)?.length ?? 0;
}

/** Speaking rate used when a line has no measured audio. */
export const WORDS_PER_SECOND = 2.5;
/** Reading pace of action on screen (a page of action runs about a minute). */
const ACTION_WORDS_PER_SECOND = 3;

/** Rough running time: dialogue at 2.5 words/s, action at 3 words/s, 2 s per scene for establishing. */
export function estimateDurationS(screenplay: Pick<Screenplay, 'scenes'>): number {
  let s = 0;
  for (const scene of screenplay.scenes) {
    s += 2;
    for (const el of scene.elements) {
      if (el.type === 'dialogue') s += spokenWords(el.text) / WORDS_PER_SECOND;
      else if (el.type === 'action') s += (el.text.match(WORD)?.length ?? 0) / ACTION_WORDS_PER_SECOND;
    }
  }
  return Math.round(s * 10) / 10;
}

// Things that stand outdoors: an interior's action mentions them only as seen or heard from inside.
const OUTDOOR_KINDS = new Set<SetDressingKind>(['structure', 'nature', 'terrain']);

/**
 * Set dressing named in a location's action lines: vocabulary words only (contracts' set-dressing
 * vocabulary), canonical, most frequent first, at most 12. `exclude` holds character-name words;
 * an interior (`INT`) keeps no outdoor things ("traffic murmurs through the window", "the city").
 */
export function locationElements(actions: readonly string[], exclude: ReadonlySet<string>, intExt?: LocationRecord['intExt']): string[] {
  const found = setDressingIn(actions, { exclude, limit: 24 });
  const kept = intExt === 'INT' ? found.filter((e) => !OUTDOOR_KINDS.has(setDressingKind(e) ?? 'prop')) : found;
  return kept.slice(0, 12);
}

function sentences(text: string): string {
  const m = /^[\s\S]*?[.!?](\s|$)/.exec(text.trim());
  return (m ? m[0] : text).trim();
}

/** Relates `from` to each of `tos` once: one neighbour query, then only the missing relationships. */
async function relateAll(graph: FilmGraph, type: string, from: string, tos: string[], existing?: Set<string>): Promise<void> {
  if (tos.length === 0) return;
  let have = existing;
  if (have === undefined) {
    const { nodes } = await graph.brain.call(get_node_neighbors, {
      projectId: graph.projectId,
      id: from,
      depth: 1,
      direction: 'out',
      types: [type],
    });
    have = new Set(nodes.map((n) => n.id));
  }
  for (const to of new Set(tos)) {
    if (!have.has(to)) await graph.brain.call(create_relationship, { projectId: graph.projectId, from, to, type, properties: {} });
  }
}

export interface StoreResult {
  scenes: number;
  lines: number;
  locations: number;
  characters: number;
}

/**
 * Replaces the project's screenplay in the graph with `screenplay`: upserts scenes, locations and
 * lines on their deterministic ids, unsets fields a record no longer has, drops voiced audio of
 * lines whose text changed, and removes scenes, lines and locations the new screenplay lacks.
 */
export async function storeScreenplay(
  graph: FilmGraph,
  screenplay: Screenplay,
  characters: Stored<CharacterRecord>[],
  opts: { parallelism: number; onProgress?: (done: number, total: number) => void },
): Promise<StoreResult> {
  const storyId = filmIds.story();
  const charIdBySlug = new Map(characters.map((c) => [filmIds.slug(c.record.name), c.id]));
  const [oldScenes, oldLines, oldLocations] = await Promise.all([graph.scenes(), graph.lines(), graph.locations()]);
  const oldLineById = new Map(oldLines.map((l) => [l.id, l.record]));
  const oldSceneIds = new Set(oldScenes.map((s) => s.id));

  // Locations: one per place name, described by its first action.
  const locations = new Map<string, { record: LocationRecord; actions: string[] }>();
  for (const scene of screenplay.scenes) {
    const id = filmIds.location(scene.location);
    const actions = scene.elements.filter((e): e is Extract<SceneElement, { type: 'action' }> => e.type === 'action').map((e) => e.text);
    const entry = locations.get(id);
    if (entry) entry.actions.push(...actions);
    else {
      const first = actions[0];
      locations.set(id, {
        record: {
          name: scene.location,
          intExt: scene.intExt,
          timeOfDay: scene.timeOfDay,
          description: first === undefined ? '' : sentences(first).slice(0, 2000),
          elements: [],
        },
        actions,
      });
    }
  }
  const nameWords = new Set(
    [
      ...charIdBySlug.keys(),
      ...screenplay.scenes.flatMap((s) => s.elements.flatMap((e) => (e.type === 'dialogue' ? [filmIds.slug(e.character)] : []))),
    ].flatMap((s) => s.split('-')),
  );
  for (const entry of locations.values()) entry.record.elements = locationElements(entry.actions, nameWords, entry.record.intExt);

  // Lines: one per dialogue element, ordered through the film.
  const lines: { id: string; record: LineRecord }[] = [];
  for (const scene of screenplay.scenes) {
    scene.elements.forEach((el, elementIndex) => {
      if (el.type !== 'dialogue') return;
      const record: LineRecord = {
        sceneNumber: scene.number,
        elementIndex,
        order: lines.length + 1,
        character: el.character,
        text: el.text,
      };
      const characterId = charIdBySlug.get(filmIds.slug(el.character));
      if (characterId !== undefined) record.characterId = characterId;
      if (el.parenthetical !== undefined) record.parenthetical = el.parenthetical;
      lines.push({ id: filmIds.line(scene.number, elementIndex), record });
    });
  }

  const total = screenplay.scenes.length + lines.length + locations.size;
  let done = 0;
  const tick = () => opts.onProgress?.(++done, total);

  await mapLimit([...locations.entries()], opts.parallelism, async ([id, { record }]) => {
    await graph.upsert('Location', id, record, `${record.name}. ${record.description}`);
    tick();
  });
  await mapLimit(screenplay.scenes, opts.parallelism, async (scene) => {
    const id = filmIds.scene(scene.number);
    const record: SceneRecord = scene;
    const text = [scene.heading, scene.summary, ...scene.elements.map((e) => ('text' in e ? e.text : ''))].join('\n');
    await graph.upsert('Scene', id, record, text);
    if (oldSceneIds.has(id) && scene.numberLabel === undefined) await graph.unset(id, ['numberLabel']);
    tick();
  });
  await mapLimit(lines, opts.parallelism, async ({ id, record }) => {
    const old = oldLineById.get(id);
    await graph.upsert('Line', id, record, `${record.character}: ${record.text}`);
    if (old !== undefined) {
      const remove = [
        ...(record.parenthetical === undefined && old.parenthetical !== undefined ? ['parenthetical'] : []),
        ...(record.characterId === undefined && old.characterId !== undefined ? ['characterId'] : []),
        // Audio of other words is not this line's audio any more.
        ...(old.text !== record.text || old.character !== record.character ? ['audioAssetId', 'durationS', 'timings', 'audioKey'] : []),
      ].filter((k) => (old as Record<string, unknown>)[k] !== undefined);
      await graph.unset(id, remove);
    }
    tick();
  });

  // Relations, one neighbour query per source node.
  await relateAll(
    graph,
    'HAS_SCENE',
    storyId,
    screenplay.scenes.map((s) => filmIds.scene(s.number)),
  );
  await mapLimit(screenplay.scenes, opts.parallelism, async (scene) => {
    const sceneId = filmIds.scene(scene.number);
    await relateAll(graph, 'SET_IN', sceneId, [filmIds.location(scene.location)]);
    const speakers = scene.elements
      .flatMap((e) => (e.type === 'dialogue' ? [charIdBySlug.get(filmIds.slug(e.character))] : []))
      .filter((x) => x !== undefined);
    await relateAll(graph, 'FEATURES', sceneId, speakers);
    await relateAll(
      graph,
      'HAS_LINE',
      sceneId,
      lines.filter((l) => l.record.sceneNumber === scene.number).map((l) => l.id),
    );
  });
  const bySpeaker = new Map<string, string[]>();
  for (const l of lines)
    if (l.record.characterId !== undefined) bySpeaker.set(l.record.characterId, [...(bySpeaker.get(l.record.characterId) ?? []), l.id]);
  await mapLimit([...bySpeaker.entries()], opts.parallelism, ([charId, ids]) => relateAll(graph, 'SPEAKS', charId, ids));

  // What the new screenplay no longer has.
  const keepScenes = new Set(screenplay.scenes.map((s) => filmIds.scene(s.number)));
  const keepLines = new Set(lines.map((l) => l.id));
  const stale = [
    ...oldScenes.filter((s) => !keepScenes.has(s.id)).map((s) => s.id),
    ...oldLines.filter((l) => !keepLines.has(l.id)).map((l) => l.id),
    ...oldLocations.filter((l) => !locations.has(l.id)).map((l) => l.id),
  ];
  await mapLimit(stale, opts.parallelism, (id) => graph.remove(id));

  const speakers = new Set(lines.map((l) => filmIds.slug(l.record.character)));
  return { scenes: screenplay.scenes.length, lines: lines.length, locations: locations.size, characters: speakers.size };
}

/** The screenplay as stored: Scene nodes in order, with the title page and preamble from the Story node. */
export async function loadScreenplay(graph: FilmGraph): Promise<Screenplay> {
  const [scenes, extras, story] = await Promise.all([graph.scenes(), storyExtras(graph), graph.story()]);
  if (scenes.length === 0) {
    throw new StoryError('STORY_NO_SCREENPLAY', 'the project has no screenplay yet: run write_screenplay or import_screenplay first', {
      projectId: graph.projectId,
    });
  }
  const meta = extras.screenplay;
  const title = meta?.title ?? story?.outline?.title ?? UNTITLED;
  return {
    title,
    titlePage: meta?.titlePage ?? {},
    ...(meta?.preamble && meta.preamble.length > 0 ? { preamble: meta.preamble } : {}),
    scenes: scenes.map((s) => s.record),
  };
}

/** Creates the Story node an imported screenplay hangs from, when the project has none. */
export async function ensureStory(graph: FilmGraph, fallback: StoryRecord): Promise<void> {
  if ((await graph.node(filmIds.story())) === undefined) await graph.upsert('Story', filmIds.story(), fallback, fallback.idea);
}
