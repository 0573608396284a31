import {
  AutomovieError,
  type CharacterBible,
  CharacterBibleSchema,
  type CharacterRecord,
  CharacterRecordSchema,
  type CharacterRelationship,
  type CharacterView,
  type Composition,
  create_relationship,
  execute_prompt,
  filmIds,
  generate_image,
  get_node_neighbors,
  get_workflow_data,
  type Json,
  type Progress,
  store_workflow_data,
} from '@automovie/contracts';
import { FilmGraph, hashOf, resolveName, type Stored, seedOf } from '@automovie/film-graph';
import type { McpClient } from '@automovie/mcp-ws';
import { CharacterError } from './errors.ts';

/**
 * The cast: the bible drafted by the brain from the chosen outline, stored as Character nodes,
 * and one reference image per character. What each was made from is remembered (a workflow
 * record), so a re-run with the same inputs reuses the cast and its images instead of paying twice.
 */

/** The workflow record holding what the cast and its reference images were made from. */
export const CAST_STATE_ID = 'character-cast';

interface CastState {
  castKey?: string;
  seed?: number;
  /** Per character id: the hash of the reference request and the asset it produced. */
  refs: Record<string, { key: string; assetId: string }>;
}

/** Reference images: a full-length portrait, taller than wide. */
export const REFERENCE_SIZE = { width: 768, height: 1024 } as const;

export interface CastContext {
  brain: McpClient;
  projectId: string;
  /** Reference images drawn at once. */
  parallelism: number;
  progress?: (p: Progress) => Promise<void>;
  signal?: AbortSignal;
}

function graphOf(ctx: CastContext): FilmGraph {
  return new FilmGraph(ctx.brain, ctx.projectId);
}

async function readState(ctx: CastContext): Promise<CastState> {
  try {
    const { workflow } = await ctx.brain.call(get_workflow_data, { projectId: ctx.projectId, id: CAST_STATE_ID });
    const data = workflow.data as { castKey?: unknown; seed?: unknown; refs?: unknown };
    return {
      ...(typeof data.castKey === 'string' ? { castKey: data.castKey } : {}),
      ...(typeof data.seed === 'number' ? { seed: data.seed } : {}),
      refs: typeof data.refs === 'object' && data.refs !== null ? (data.refs as CastState['refs']) : {},
    };
  } catch (err) {
    if (err instanceof AutomovieError && err.code === 'BRAIN_NODE_NOT_FOUND') return { refs: {} };
    throw err;
  }
}

async function writeState(ctx: CastContext, state: CastState): Promise<void> {
  await ctx.brain.call(store_workflow_data, {
    projectId: ctx.projectId,
    id: CAST_STATE_ID,
    kind: 'character_cast',
    status: 'cast',
    description: `Cast of ${Object.keys(state.refs).length} characters and their reference images`,
    data: state as unknown as Record<string, Json>,
  });
}

/** The generate_image request of a character's reference image: the character alone, full length, on a neutral backdrop. */
export function referenceRequest(
  id: string,
  c: Pick<CharacterRecord, 'name' | 'identity' | 'visualDescription'>,
  baseSeed = 0,
): { prompt: string; composition: Composition; width: number; height: number; seed: number } {
  return {
    prompt: `Character reference: ${c.name}, full length, standing, facing the camera, alone on a plain neutral backdrop, even light. ${c.visualDescription}`,
    composition: {
      shotType: 'full',
      angle: 'eye_level',
      movement: 'static',
      figures: [{ characterId: id, name: c.name, identity: c.identity, x: 0.5, facing: 'camera' }],
      location: { name: 'Reference', intExt: 'INT', timeOfDay: 'DAY', elements: [] },
      caption: `${c.name.toUpperCase()} — reference`,
      palette: ['#e9e6df', '#d6d2c8'],
    },
    ...REFERENCE_SIZE,
    seed: seedOf(`${baseSeed}:${id}`),
  };
}

/** Runs `fn` over `items`, at most `limit` at a time, results in input order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/**
 * Draws the reference image of every character whose look changed since its last one (or that
 * has none); the others keep theirs. Updates `state.refs` and the Character nodes.
 */
async function ensureReferences(
  ctx: CastContext,
  characters: Stored<CharacterRecord>[],
  state: CastState,
  done: { count: number; total: number },
): Promise<{ rendered: number; reused: number }> {
  const graph = graphOf(ctx);
  let rendered = 0;
  let reused = 0;
  await mapLimit(characters, ctx.parallelism, async ({ id, record }) => {
    const req = referenceRequest(id, record, state.seed);
    const key = hashOf(req);
    const known = state.refs[id];
    if (known && known.key === key && record.referenceAssetId === known.assetId) {
      reused++;
    } else {
      const out = await ctx.brain.call(
        generate_image,
        { projectId: ctx.projectId, ...req },
        ctx.signal === undefined ? {} : { signal: ctx.signal },
      );
      await graph.upsert('Character', id, { referenceAssetId: out.asset.id });
      await graph.relate('HAS_REFERENCE', id, out.asset.id);
      record.referenceAssetId = out.asset.id;
      state.refs[id] = { key, assetId: out.asset.id };
      rendered++;
    }
    done.count++;
    await ctx.progress?.({ progress: done.count, total: done.total, message: `reference image of ${record.name}` });
  });
  return { rendered, reused };
}

function indexText(c: CharacterRecord): string {
  return [c.name, c.role, c.bio, c.traits.join(', '), c.visualDescription, c.voice.description ?? ''].join('\n');
}

/** The RELATES_TO edges among the project's characters. */
export async function readRelationships(ctx: CastContext, characters: ReadonlyArray<{ id: string }>): Promise<CharacterRelationship[]> {
  const ids = new Set(characters.map((c) => c.id));
  const out: CharacterRelationship[] = [];
  for (const c of characters) {
    const { relationships } = await ctx.brain.call(get_node_neighbors, {
      projectId: ctx.projectId,
      id: c.id,
      direction: 'out',
      types: ['RELATES_TO'],
      limit: 1000,
    });
    for (const r of relationships) {
      if (r.from !== c.id || !ids.has(r.to)) continue;
      const kind = typeof r.properties.kind === 'string' ? r.properties.kind : 'related';
      const description = typeof r.properties.description === 'string' ? r.properties.description : undefined;
      out.push({ from: r.from, to: r.to, kind, ...(description === undefined ? {} : { description }) });
    }
  }
  return out;
}

/** Creates `from -RELATES_TO{kind}-> to` unless one of that kind exists; true when created. */
export async function relate(
  ctx: CastContext,
  rel: CharacterRelationship,
  existing?: CharacterRelationship[],
): Promise<{ relationship: CharacterRelationship; created: boolean }> {
  const known = existing ?? (await readRelationships(ctx, [{ id: rel.from }, { id: rel.to }]));
  const same = known.find((r) => r.from === rel.from && r.to === rel.to && r.kind === rel.kind);
  if (same) return { relationship: same, created: false };
  await ctx.brain.call(create_relationship, {
    projectId: ctx.projectId,
    from: rel.from,
    to: rel.to,
    type: 'RELATES_TO',
    properties: { kind: rel.kind, ...(rel.description === undefined ? {} : { description: rel.description }) },
  });
  return { relationship: rel, created: true };
}

function parseBible(output: unknown): CharacterBible {
  const parsed = CharacterBibleSchema.safeParse(output);
  if (!parsed.success) {
    throw new CharacterError(
      'CHARACTER_BAD_GENERATION',
      `The character bible from the brain is malformed: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
    );
  }
  const ids = new Set<string>();
  for (const c of parsed.data.characters) {
    const id = filmIds.character(c.name);
    if (ids.has(id)) throw new CharacterError('CHARACTER_BAD_GENERATION', `The character bible names ${c.name} twice`, { id });
    ids.add(id);
  }
  return parsed.data;
}

export interface CastResult {
  characters: Array<{ id: string; name: string; role: CharacterRecord['role']; referenceAssetId?: string }>;
  relationships: CharacterRelationship[];
  reused: boolean;
  references: { rendered: number; reused: number };
}

/** cast_characters: the bible from the chosen outline (reused when nothing changed), then the reference images. */
export async function castCharacters(ctx: CastContext, opts: { maxCharacters: number; seed?: number }): Promise<CastResult> {
  const graph = graphOf(ctx);
  const story = await graph.story();
  if (!story?.outline) {
    throw new CharacterError(
      'CHARACTER_NO_OUTLINE',
      `Project ${ctx.projectId} has no chosen outline yet: run develop_story and choose an outline first`,
    );
  }
  const castKey = hashOf({ idea: story.idea, outline: story.outline, maxCharacters: opts.maxCharacters, seed: opts.seed ?? null });
  const state = await readState(ctx);
  let characters = await graph.characters();
  const reused = state.castKey === castKey && characters.length > 0;
  if (!reused) {
    await ctx.progress?.({ progress: 0, message: 'drafting the character bible' });
    const out = await ctx.brain.call(
      execute_prompt,
      {
        projectId: ctx.projectId,
        template: 'character.bible',
        variables: { idea: story.idea, outline: story.outline, maxCharacters: opts.maxCharacters } as unknown as Record<string, Json>,
        ...(opts.seed === undefined ? {} : { seed: opts.seed }),
      },
      ctx.signal === undefined ? {} : { signal: ctx.signal },
    );
    const bible = parseBible(out.output);
    const keep = new Set(bible.characters.map((c) => filmIds.character(c.name)));
    for (const old of characters) {
      if (keep.has(old.id)) continue;
      await graph.remove(old.id);
      delete state.refs[old.id];
    }
    for (const profile of bible.characters) {
      const id = filmIds.character(profile.name);
      const record = CharacterRecordSchema.parse(profile);
      await graph.upsert('Character', id, record, indexText(record));
      if (profile.age === undefined) await graph.unset(id, ['age']);
    }
    characters = await graph.characters();
    const cast = characters.map((c) => ({ id: c.id, name: c.record.name }));
    let known = await readRelationships(ctx, characters);
    for (const r of bible.relationships) {
      const from = resolveName(r.from, cast);
      const to = resolveName(r.to, cast);
      if (!from || !to || from.id === to.id) continue;
      const { created, relationship } = await relate(
        ctx,
        { from: from.id, to: to.id, kind: r.kind.toLowerCase(), ...(r.description === undefined ? {} : { description: r.description }) },
        known,
      );
      if (created) known = [...known, relationship];
    }
    state.castKey = castKey;
    if (opts.seed === undefined) delete state.seed;
    else state.seed = opts.seed;
  }
  const references = await ensureReferences(ctx, characters, state, { count: 0, total: characters.length });
  await writeState(ctx, state);
  return {
    characters: characters.map((c) => ({
      id: c.id,
      name: c.record.name,
      role: c.record.role,
      ...(c.record.referenceAssetId === undefined ? {} : { referenceAssetId: c.record.referenceAssetId }),
    })),
    relationships: await readRelationships(ctx, characters),
    reused,
    references,
  };
}

/** A character by id, or by a name that means exactly one character. */
export async function findCharacter(ctx: CastContext, idOrName: string, field: string): Promise<Stored<CharacterRecord>> {
  const graph = graphOf(ctx);
  const characters = await graph.characters();
  const found = resolveName(
    idOrName,
    characters.map((c) => ({ id: c.id, name: c.record.name })),
  );
  const hit = found && characters.find((c) => c.id === found.id);
  if (!hit) {
    throw new CharacterError('CHARACTER_NOT_FOUND', `${field}: no character "${idOrName}" in project ${ctx.projectId}`, {
      field,
      known: characters.map((c) => c.id),
    });
  }
  return hit;
}

/** update_character: merges the patch; a new look redraws the reference image. */
export async function updateCharacter(
  ctx: CastContext,
  characterId: string,
  patch: {
    identity?: Partial<CharacterRecord['identity']>;
    voice?: Partial<CharacterRecord['voice']>;
  } & Partial<Omit<CharacterRecord, 'name' | 'identity' | 'voice' | 'referenceAssetId'>>,
): Promise<{ character: CharacterView; referenceRedrawn: boolean }> {
  const current = await findCharacter(ctx, characterId, 'characterId');
  const merged = {
    ...current.record,
    ...patch,
    identity: { ...current.record.identity, ...patch.identity },
    voice: { ...current.record.voice, ...patch.voice },
  };
  const parsed = CharacterRecordSchema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = ['patch', ...(issue?.path ?? [])].join('.');
    throw new AutomovieError('INVALID_INPUT', `Invalid input: ${path}: ${issue?.message ?? 'invalid'}`, {
      data: { issues: parsed.error.issues.map((i) => ({ path: ['patch', ...i.path].join('.'), message: i.message })) },
    });
  }
  const record = parsed.data;
  const graph = graphOf(ctx);
  await graph.upsert('Character', current.id, record as unknown as Record<string, unknown>, indexText(record));
  const state = await readState(ctx);
  const before = record.referenceAssetId;
  const refs = await ensureReferences(ctx, [{ id: current.id, record }], state, { count: 0, total: 1 });
  if (refs.rendered > 0) await writeState(ctx, state);
  return { character: { id: current.id, ...record }, referenceRedrawn: refs.rendered > 0 && record.referenceAssetId !== before };
}

/** get_bible: every character and their relationships. */
export async function getBible(ctx: CastContext): Promise<{ characters: CharacterView[]; relationships: CharacterRelationship[] }> {
  const characters = await graphOf(ctx).characters();
  return {
    characters: characters.map((c) => ({ id: c.id, ...c.record })),
    relationships: await readRelationships(ctx, characters),
  };
}
