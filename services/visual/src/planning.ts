import {
  AutomovieError,
  type CharacterProfile,
  CharacterProfileSchema,
  type CharacterRecord,
  execute_prompt,
  filmIds,
  ImagePromptsSchema,
  type Json,
  type Progress,
  type SceneRecord,
  ShotListSchema,
  type ShotPatch,
  type ShotPlan,
  ShotPlanSchema,
  type ShotRecord,
  ShotRecordSchema,
  type ShotView,
  type StylePresetName,
} from '@automovie/contracts';
import { FilmGraph, hashOf, resolveName, type Stored } from '@automovie/film-graph';
import type { McpClient } from '@automovie/mcp-ws';
import { VisualError } from './errors.ts';
import { inFrame } from './frames.ts';
import { forgetShot, type PlanState, presetOf, readPlanState, writePlanState } from './plan-state.ts';

/**
 * The shot list: planned per scene by the brain's `shots.plan` template, with one image prompt per
 * shot from `image.prompts`. A scene is replanned only when its text, the cast or the style changed,
 * and a prompt is rewritten only when its shot or the looks of the people in it changed, so user
 * edits survive re-runs and nothing is paid for twice.
 */

export interface PlanContext {
  brain: McpClient;
  projectId: string;
  progress?: (p: Progress) => Promise<void>;
  signal?: AbortSignal;
}

function profilesOf(characters: Stored<CharacterRecord>[]): CharacterProfile[] {
  return characters.map((c) => CharacterProfileSchema.parse(c.record));
}

/** The plan fields of a shot (what shots.plan produced or update_shot changed). */
function planOf(shot: ShotRecord): ShotPlan {
  return ShotPlanSchema.parse(shot);
}

function sceneKey(scene: SceneRecord, cast: string[], style: StylePresetName, seed: number | undefined): string {
  return hashOf({ v: 1, scene, cast, style, seed: seed ?? null });
}

/** What a shot's image prompt is written from: the shot, where it is, the looks of who is in it, the style. */
function promptKey(
  shot: ShotRecord,
  scene: SceneRecord | undefined,
  characters: Stored<CharacterRecord>[],
  style: StylePresetName,
): string {
  const people = inFrame(shot, characters).map((c) => ({ name: c.record.name, look: c.record.visualDescription }));
  const where = scene ? { heading: scene.heading, location: scene.location, intExt: scene.intExt, timeOfDay: scene.timeOfDay } : null;
  return hashOf({ v: 1, plan: planOf(shot), where, people, style });
}

function badGeneration(what: string, err: unknown): VisualError {
  const issue = err instanceof AutomovieError ? err.message : err instanceof Error ? err.message : String(err);
  return new VisualError('VISUAL_BAD_GENERATION', `${what} from the brain does not fit: ${issue}`);
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

/** Writes a shot node with its edges. Replacing the node drops edges that no longer hold (FEATURES of someone left out). */
async function writeShot(
  graph: FilmGraph,
  id: string,
  record: ShotRecord,
  characters: Stored<CharacterRecord>[],
  replace: boolean,
): Promise<void> {
  if (replace) await graph.remove(id);
  await graph.upsert('Shot', id, record as unknown as Record<string, unknown>, record.description);
  await graph.relate('HAS_SHOT', filmIds.scene(record.sceneNumber), id);
  for (const c of inFrame(record, characters)) await graph.relate('FEATURES', id, c.id);
  if (replace && record.frameAssetId) await graph.relate('RENDERED_AS', id, record.frameAssetId);
}

/** Writes the image prompts of `shots` in one image.prompts call and records their keys. */
async function writePrompts(
  ctx: PlanContext,
  graph: FilmGraph,
  shots: Stored<ShotRecord>[],
  scenes: Map<number, Stored<SceneRecord>>,
  characters: Stored<CharacterRecord>[],
  state: PlanState,
  seed: number | undefined,
): Promise<Map<string, string>> {
  const written = new Map<string, string>();
  if (shots.length === 0) return written;
  const style = presetOf(state.style);
  const sceneRecords = [...new Set(shots.map((s) => s.record.sceneNumber))]
    .map((n) => scenes.get(n)?.record)
    .filter((s): s is SceneRecord => s !== undefined);
  if (sceneRecords.length === 0) return written;
  const out = await ctx.brain.call(
    execute_prompt,
    {
      projectId: ctx.projectId,
      template: 'image.prompts',
      variables: {
        shots: shots.map((s) => planOf(s.record)),
        scenes: sceneRecords,
        characters: profilesOf(characters),
        style: style.promptSuffix,
      } as unknown as Record<string, Json>,
      ...(seed === undefined ? {} : { seed }),
    },
    ctx.signal === undefined ? {} : { signal: ctx.signal },
  );
  const parsed = ImagePromptsSchema.safeParse(out.output);
  if (!parsed.success) throw badGeneration('The image prompts', parsed.error);
  for (const shot of shots) {
    const p = parsed.data.prompts.find((x) => x.sceneNumber === shot.record.sceneNumber && x.order === shot.record.order);
    if (!p) continue;
    await graph.upsert('Shot', shot.id, { imagePrompt: p.prompt });
    shot.record.imagePrompt = p.prompt;
    state.prompts[shot.id] = promptKey(shot.record, scenes.get(shot.record.sceneNumber)?.record, characters, state.style);
    written.set(shot.id, p.prompt);
  }
  return written;
}

export interface PlanResult {
  shots: Array<{ id: string; sceneNumber: number; order: number; type: ShotRecord['type']; durationS: number; characters: string[] }>;
  totalDurationS: number;
  scenesPlanned: number;
  removed: number;
}

function summary(shots: Stored<ShotRecord>[]): Pick<PlanResult, 'shots' | 'totalDurationS'> {
  return {
    shots: shots.map((s) => ({
      id: s.id,
      sceneNumber: s.record.sceneNumber,
      order: s.record.order,
      type: s.record.type,
      durationS: s.record.durationS,
      characters: s.record.characters,
    })),
    totalDurationS: Math.round(shots.reduce((t, s) => t + s.record.durationS, 0) * 10) / 10,
  };
}

/** plan_shots. */
export async function planShots(ctx: PlanContext, opts: { style: StylePresetName; seed?: number }): Promise<PlanResult> {
  const graph = new FilmGraph(ctx.brain, ctx.projectId);
  const [scenes, characters, existing, state] = await Promise.all([
    graph.scenes(),
    graph.characters(),
    graph.shots(),
    readPlanState(ctx.brain, ctx.projectId),
  ]);
  if (scenes.length === 0) {
    throw new VisualError('VISUAL_NO_SCENES', `Project ${ctx.projectId} has no scenes yet: write or import the screenplay first`);
  }
  const cast = characters.map((c) => c.record.name).sort();
  const byNumber = new Map(scenes.map((s) => [s.record.number, s]));
  const keys = new Map(scenes.map((s) => [s.record.number, sceneKey(s.record, cast, opts.style, opts.seed)]));
  const hasShots = new Set(existing.map((s) => s.record.sceneNumber));
  const toPlan = scenes.filter(
    (s) => state.scenes[String(s.record.number)] !== keys.get(s.record.number) || !hasShots.has(s.record.number),
  );
  let removed = 0;

  // Shots of scenes that are gone.
  for (const shot of existing) {
    if (byNumber.has(shot.record.sceneNumber)) continue;
    await graph.remove(shot.id);
    forgetShot(state, shot.id);
    removed++;
  }
  for (const n of Object.keys(state.scenes)) if (!byNumber.has(Number(n))) delete state.scenes[n];
  if (state.style !== opts.style) state.prompts = {};
  state.style = opts.style;

  if (toPlan.length > 0) {
    await ctx.progress?.({ progress: 0, total: 2, message: `planning shots of ${toPlan.length} scenes` });
    const out = await ctx.brain.call(
      execute_prompt,
      {
        projectId: ctx.projectId,
        template: 'shots.plan',
        variables: {
          scenes: toPlan.map((s) => s.record),
          characters: profilesOf(characters),
          style: presetOf(opts.style).promptSuffix,
        } as unknown as Record<string, Json>,
        ...(opts.seed === undefined ? {} : { seed: opts.seed }),
      },
      ctx.signal === undefined ? {} : { signal: ctx.signal },
    );
    const parsed = ShotListSchema.safeParse(out.output);
    if (!parsed.success) throw badGeneration('The shot plan', parsed.error);
    const planned = new Set(toPlan.map((s) => s.record.number));
    const existingById = new Map(existing.map((s) => [s.id, s]));
    const fresh = new Set<string>();
    for (const n of planned) {
      // Orders are renumbered 1…k in the plan's order, so ids stay dense whatever the model numbered.
      const plans = parsed.data.shots.filter((p) => p.sceneNumber === n).sort((a, b) => a.order - b.order);
      for (const [i, p] of plans.entries()) {
        const plan: ShotPlan = { ...p, order: i + 1 };
        const id = filmIds.shot(n, plan.order);
        fresh.add(id);
        const old = existingById.get(id);
        // Keep the old frame: if nothing it is drawn from changed, its frameKey still matches and it is reused.
        const record = ShotRecordSchema.parse({ ...(old?.record ?? {}), ...plan });
        if (old?.record.imagePrompt !== undefined && !sameSet(old.record.characters, plan.characters)) forgetShot(state, id);
        await writeShot(graph, id, record, characters, old !== undefined && !sameSet(old.record.characters, plan.characters));
      }
      state.scenes[String(n)] = keys.get(n) as string;
    }
    for (const shot of existing) {
      if (!planned.has(shot.record.sceneNumber) || fresh.has(shot.id)) continue;
      await graph.remove(shot.id);
      forgetShot(state, shot.id);
      removed++;
    }
  }

  const shots = await graph.shots();
  const stale = shots.filter(
    (s) =>
      s.record.imagePrompt === undefined ||
      state.prompts[s.id] !== promptKey(s.record, byNumber.get(s.record.sceneNumber)?.record, characters, state.style),
  );
  if (stale.length > 0) {
    await ctx.progress?.({ progress: 1, total: 2, message: `writing ${stale.length} image prompts` });
    await writePrompts(ctx, graph, stale, byNumber, characters, state, opts.seed);
  }
  await writePlanState(ctx.brain, ctx.projectId, state);
  await ctx.progress?.({ progress: 2, total: 2, message: `${shots.length} shots` });
  return { ...summary(shots), scenesPlanned: toPlan.length, removed };
}

/** get_shot_list. */
export async function shotList(ctx: PlanContext): Promise<{ shots: ShotView[]; style: StylePresetName; totalDurationS: number }> {
  const graph = new FilmGraph(ctx.brain, ctx.projectId);
  const [shots, state] = await Promise.all([graph.shots(), readPlanState(ctx.brain, ctx.projectId)]);
  return { shots: shots.map((s) => ({ id: s.id, ...s.record })), style: state.style, totalDurationS: summary(shots).totalDurationS };
}

export async function getShot(graph: FilmGraph, shotId: string): Promise<ShotRecord> {
  const shot = await graph.get(shotId, ShotRecordSchema).catch((err: unknown) => {
    // A node of another label under that id is not a shot either.
    if (err instanceof AutomovieError && err.code === 'FILM_GRAPH_MALFORMED_RECORD') return undefined;
    throw err;
  });
  if (!shot) throw new VisualError('VISUAL_SHOT_NOT_FOUND', `shotId: no shot ${shotId} in project ${graph.projectId}`, { shotId });
  return shot;
}

/** update_shot: applies the patch, rewrites the shot's image prompt; its frame is then stale by its key. */
export async function updateShot(ctx: PlanContext, shotId: string, patch: ShotPatch): Promise<ShotView> {
  const graph = new FilmGraph(ctx.brain, ctx.projectId);
  const [current, characters, scenes, state] = await Promise.all([
    getShot(graph, shotId),
    graph.characters(),
    graph.scenes(),
    readPlanState(ctx.brain, ctx.projectId),
  ]);
  const cast = characters.map((c) => ({ id: c.id, name: c.record.name }));
  const names = patch.characters?.map((n, i) => {
    const who = resolveName(n, cast);
    if (!who) {
      throw new VisualError('VISUAL_UNKNOWN_CHARACTER', `patch.characters[${i}]: "${n}" is not a character of project ${ctx.projectId}`, {
        field: `patch.characters[${i}]`,
        known: cast.map((c) => c.name),
      });
    }
    return who.name;
  });
  const merged = ShotRecordSchema.parse({ ...current, ...patch, ...(names ? { characters: [...new Set(names)] } : {}) });
  const replace = names !== undefined && !sameSet(current.characters, merged.characters);
  await writeShot(graph, shotId, merged, characters, replace);
  const byNumber = new Map(scenes.map((s) => [s.record.number, s]));
  const stored = { id: shotId, record: merged };
  if (state.prompts[shotId] !== promptKey(merged, byNumber.get(merged.sceneNumber)?.record, characters, state.style)) {
    await writePrompts(ctx, graph, [stored], byNumber, characters, state, undefined);
    await writePlanState(ctx.brain, ctx.projectId, state);
  }
  return { id: shotId, ...stored.record };
}
