import { type StylePresetName, visualCatalog } from '@automovie/contracts';
import { FilmGraph } from '@automovie/film-graph';
import type { CastCharactersOutput } from './cast-characters.ts';
import { callOptions, fingerprint, outputOf, stylePresetFor } from './shared.ts';
import { type RunView, workStep } from './types.ts';
import type { WriteScreenplayOutput } from './write-screenplay.ts';

export interface PlanShotsInput {
  screenplayKey: string;
  castKey: string;
  style: StylePresetName;
}

export interface PlanShotsOutput {
  style: StylePresetName;
  shots: number;
  totalDurationS: number;
  scenesPlanned: number;
  removed: number;
  /**
   * Digest of every shot as stored, without its frame: an edited shot (update_shot) changes it,
   * so render_storyboard and what follows run again when plan_shots is retried.
   */
  shotsKey: string;
}

export function planShotsInput(run: RunView): PlanShotsInput {
  return {
    screenplayKey: outputOf<WriteScreenplayOutput>(run, 'write_screenplay').screenplayKey,
    castKey: outputOf<CastCharactersOutput>(run, 'cast_characters').castKey,
    style: stylePresetFor(run.options.style),
  };
}

export function summarizePlanShots(o: PlanShotsOutput): string {
  return `${o.shots} shots, ${Math.round(o.totalDurationS)} s planned (${o.style}); ${o.scenesPlanned} scenes planned, ${o.removed} stale shots removed`;
}

/** The shots as stored, minus what rendering adds (frame, frame key, clip). */
export async function shotsKey(graph: FilmGraph): Promise<string> {
  const shots = await graph.shots();
  return fingerprint(
    shots.map((s) => {
      const { frameAssetId: _f, frameKey: _k, clipAssetId: _c, ...plan } = s.record;
      return [s.id, plan];
    }),
  );
}

/** plan_shots: the shot list and image prompts of every scene (visual.plan_shots). */
export const planShotsStep = workStep<PlanShotsInput, PlanShotsOutput>({
  name: 'plan_shots',
  input: planShotsInput,
  async run(input, ctx) {
    const out = await ctx
      .client('visual')
      .call(visualCatalog.tools.plan_shots, { projectId: ctx.projectId, style: input.style }, callOptions(ctx, 0, 0.9, 'shots'));
    ctx.progress(0.9, 'reading the shot list back');
    return {
      style: input.style,
      shots: out.shots.length,
      totalDurationS: out.totalDurationS,
      scenesPlanned: out.scenesPlanned,
      removed: out.removed,
      shotsKey: await shotsKey(new FilmGraph(ctx.client('brain'), ctx.projectId)),
    };
  },
  summarize: summarizePlanShots,
});
