import { visualCatalog } from '@automovie/contracts';
import type { CastCharactersOutput } from './cast-characters.ts';
import type { PlanShotsOutput } from './plan-shots.ts';
import { callOptions, fingerprint, outputOf } from './shared.ts';
import { type RunView, workStep } from './types.ts';

export interface RenderStoryboardInput {
  shotsKey: string;
  castKey: string;
}

export interface RenderStoryboardOutput {
  frames: number;
  rendered: number;
  reused: number;
  taskId: string | null;
  /** Digest of (shot, frame asset) for every frame: a redrawn frame changes it. */
  framesKey: string;
}

export function renderStoryboardInput(run: RunView): RenderStoryboardInput {
  return {
    shotsKey: outputOf<PlanShotsOutput>(run, 'plan_shots').shotsKey,
    castKey: outputOf<CastCharactersOutput>(run, 'cast_characters').castKey,
  };
}

export function summarizeRenderStoryboard(o: RenderStoryboardOutput): string {
  return `${o.frames} frames: ${o.rendered} drawn, ${o.reused} reused`;
}

/**
 * render_storyboard: a frame per shot (visual.render_storyboard, one gpu-tasks render_frames
 * task); the service's frame keys redraw only frames whose prompt, staging or references changed.
 */
export const renderStoryboardStep = workStep<RenderStoryboardInput, RenderStoryboardOutput>({
  name: 'render_storyboard',
  input: renderStoryboardInput,
  async run(_input, ctx) {
    const out = await ctx
      .client('visual')
      .call(visualCatalog.tools.render_storyboard, { projectId: ctx.projectId }, callOptions(ctx, 0, 1, 'frames'));
    return {
      frames: out.frames.length,
      rendered: out.rendered,
      reused: out.reused,
      taskId: out.taskId ?? null,
      framesKey: fingerprint(out.frames.map((f) => [f.shotId, f.assetId])),
    };
  },
  summarize: summarizeRenderStoryboard,
});
