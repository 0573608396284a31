import { randomInt } from 'node:crypto';
import { filmIds, get_task, type Progress, submit_task, type Task, TaskPayloads, type TaskResult } from '@automovie/contracts';
import { FilmGraph, hashOf } from '@automovie/film-graph';
import type { McpClient } from '@automovie/mcp-ws';
import { VisualError } from './errors.ts';
import { buildFrame, type FrameRequest, frameSeed } from './frames.ts';
import { type PlanState, presetOf, readPlanState, writePlanState } from './plan-state.ts';
import { getShot } from './planning.ts';

/**
 * The storyboard: every shot's frame request is built and keyed; frames whose key is unchanged keep
 * their asset, the rest go to gpu-tasks as ONE render_frames task (its idempotency key is the hash
 * of the batch, so a retried call picks up the same task instead of drawing twice).
 */

export interface StoryboardContext {
  brain: McpClient;
  gpu: McpClient;
  projectId: string;
  /** One long-poll of the task. */
  pollMs: number;
  /** Give up waiting after this long in all. */
  timeoutMs: number;
  progress?: (p: Progress) => Promise<void>;
  signal?: AbortSignal;
}

const DEFAULT_SIZE = { width: 1280, height: 720 } as const;
const FINISHED = new Set<Task['state']>(['completed', 'failed', 'cancelled', 'dead']);

/** Renders frames in one render_frames task and waits for it; the asset id of each frame by its key. */
async function renderBatch(ctx: StoryboardContext, frames: FrameRequest[]): Promise<Map<string, string>> {
  const key = `storyboard:${hashOf(frames)}`;
  const onProgress = (p: Progress) => void ctx.progress?.(p).catch(() => {});
  const opts = { onProgress, timeoutMs: ctx.pollMs + 30_000, ...(ctx.signal === undefined ? {} : { signal: ctx.signal }) };
  const submit = (idempotencyKey: string) =>
    ctx.gpu.call(
      submit_task,
      { projectId: ctx.projectId, kind: 'render_frames', payload: { frames }, idempotencyKey, waitMs: ctx.pollMs },
      opts,
    );
  let { task, deduplicated } = await submit(key);
  // The same batch failed before: its key would keep answering with that failure, so this is a new attempt.
  if (deduplicated && (task.state === 'failed' || task.state === 'dead' || task.state === 'cancelled')) {
    ({ task } = await submit(`${key}:${Date.now().toString(36)}`));
  }
  const deadline = Date.now() + ctx.timeoutMs;
  while (!FINISHED.has(task.state)) {
    if (Date.now() > deadline) {
      throw new VisualError(
        'VISUAL_RENDER_TIMEOUT',
        `Frames not done after ${ctx.timeoutMs} ms (task ${task.id} is ${task.state}); call again to keep waiting`,
        {
          taskId: task.id,
        },
      );
    }
    ({ task } = await ctx.gpu.call(get_task, { taskId: task.id, waitMs: ctx.pollMs }, opts));
  }
  if (task.state !== 'completed') {
    throw new VisualError(
      'VISUAL_RENDER_FAILED',
      `render_frames task ${task.id} ${task.state}: ${task.error?.message ?? 'no error recorded'}`,
      {
        taskId: task.id,
        error: task.error,
      },
    );
  }
  const result = TaskPayloads.render_frames.result.parse(task.result) as TaskResult<'render_frames'>;
  return new Map(result.frames.map((f) => [f.key, f.assetId]));
}

interface Built {
  shotId: string;
  request: FrameRequest;
  frameKey: string;
  current?: { assetId: string; frameKey?: string };
}

/** Every shot's frame request, from the graph. */
async function buildAll(
  graph: FilmGraph,
  state: PlanState,
  size: { width: number; height: number },
  baseSeed: number,
  only?: { shotId: string; seed: number },
): Promise<Built[]> {
  const [shots, scenes, locations, characters] = await Promise.all([graph.shots(), graph.scenes(), graph.locations(), graph.characters()]);
  const style = presetOf(state.style);
  const sceneOf = new Map(scenes.map((s) => [s.record.number, s.record]));
  const locationOf = new Map(locations.map((l) => [l.id, l.record]));
  return shots
    .filter((shot) => !only || shot.id === only.shotId)
    .map((shot) => {
      const scene = sceneOf.get(shot.record.sceneNumber);
      const location = scene ? locationOf.get(filmIds.location(scene.location)) : undefined;
      const seed = only ? only.seed : frameSeed(shot.id, baseSeed, state.frameSeeds[shot.id]);
      const { request, frameKey } = buildFrame({
        shot,
        ...(scene ? { scene } : {}),
        ...(location ? { location } : {}),
        characters,
        style,
        ...size,
        seed,
      });
      return {
        shotId: shot.id,
        request,
        frameKey,
        ...(shot.record.frameAssetId === undefined
          ? {}
          : {
              current: {
                assetId: shot.record.frameAssetId,
                ...(shot.record.frameKey === undefined ? {} : { frameKey: shot.record.frameKey }),
              },
            }),
      };
    });
}

async function store(graph: FilmGraph, built: Built, assetId: string): Promise<void> {
  await graph.upsert('Shot', built.shotId, { frameAssetId: assetId, frameKey: built.frameKey });
  await graph.relate('RENDERED_AS', built.shotId, assetId);
}

export interface StoryboardResult {
  frames: Array<{ shotId: string; assetId: string; reused: boolean }>;
  rendered: number;
  reused: number;
  taskId?: string;
}

/** render_storyboard. */
export async function renderStoryboard(
  ctx: StoryboardContext,
  opts: { width: number; height: number; seed?: number },
): Promise<StoryboardResult> {
  const graph = new FilmGraph(ctx.brain, ctx.projectId);
  const state = await readPlanState(ctx.brain, ctx.projectId);
  const size = { width: opts.width, height: opts.height };
  const built = await buildAll(graph, state, size, opts.seed ?? 0);
  if (built.length === 0) throw new VisualError('VISUAL_NO_SHOTS', `Project ${ctx.projectId} has no shots yet: run plan_shots first`);
  const stale = built.filter((b) => b.current?.frameKey !== b.frameKey);
  const rendered = new Map<string, string>();
  if (stale.length > 0) {
    await ctx.progress?.({ progress: 0, total: stale.length, message: `rendering ${stale.length} of ${built.length} frames` });
    const assets = await renderBatch(
      ctx,
      stale.map((b) => b.request),
    );
    for (const b of stale) {
      const assetId = assets.get(b.shotId);
      if (!assetId)
        throw new VisualError('VISUAL_RENDER_FAILED', `The render task returned no frame for ${b.shotId}`, { shotId: b.shotId });
      await store(graph, b, assetId);
      rendered.set(b.shotId, assetId);
    }
  }
  if (state.size?.width !== size.width || state.size?.height !== size.height) {
    state.size = size;
    await writePlanState(ctx.brain, ctx.projectId, state);
  }
  const frames = built.map((b) => {
    const fresh = rendered.get(b.shotId);
    return { shotId: b.shotId, assetId: fresh ?? (b.current?.assetId as string), reused: fresh === undefined };
  });
  return { frames, rendered: rendered.size, reused: frames.length - rendered.size };
}

/** regenerate_frame: one shot, a new seed (remembered, so later renders keep this frame). */
export async function regenerateFrame(
  ctx: StoryboardContext,
  opts: { shotId: string; seed?: number; width?: number; height?: number },
): Promise<{ shotId: string; assetId: string; seed: number }> {
  const graph = new FilmGraph(ctx.brain, ctx.projectId);
  await getShot(graph, opts.shotId);
  const state = await readPlanState(ctx.brain, ctx.projectId);
  const seed = opts.seed ?? randomInt(0, 2 ** 31 - 1);
  const size = {
    width: opts.width ?? state.size?.width ?? DEFAULT_SIZE.width,
    height: opts.height ?? state.size?.height ?? DEFAULT_SIZE.height,
  };
  const [built] = await buildAll(graph, state, size, 0, { shotId: opts.shotId, seed });
  if (!built) throw new VisualError('VISUAL_SHOT_NOT_FOUND', `shotId: no shot ${opts.shotId} in project ${ctx.projectId}`);
  const assets = await renderBatch(ctx, [built.request]);
  const assetId = assets.get(built.shotId);
  if (!assetId)
    throw new VisualError('VISUAL_RENDER_FAILED', `The render task returned no frame for ${built.shotId}`, { shotId: built.shotId });
  await store(graph, built, assetId);
  state.frameSeeds[opts.shotId] = seed;
  await writePlanState(ctx.brain, ctx.projectId, state);
  return { shotId: opts.shotId, assetId, seed };
}
