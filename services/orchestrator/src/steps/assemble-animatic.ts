import { videoCatalog } from '@automovie/contracts';
import type { ScoreOutput } from './score.ts';
import { callOptions, outputOf } from './shared.ts';
import { type RunView, workStep } from './types.ts';

export interface AssembleAnimaticInput {
  timelineKey: string;
  mixAssetId: string;
  burnSubtitles: boolean;
}

export interface AssembleAnimaticOutput {
  assetId: string;
  durationS: number;
  rebuilt: boolean;
  hasAudio: boolean;
  taskId: string | null;
}

/** The animatic carries its subtitles burnt in, so it plays with captions anywhere. */
export const BURN_SUBTITLES = true;

export function assembleAnimaticInput(run: RunView): AssembleAnimaticInput {
  const score = outputOf<ScoreOutput>(run, 'score');
  return { timelineKey: score.timelineKey, mixAssetId: score.mix.assetId, burnSubtitles: BURN_SUBTITLES };
}

export function summarizeAssembleAnimatic(o: AssembleAnimaticOutput): string {
  return `animatic ${o.durationS.toFixed(1)} s${o.hasAudio ? ' with sound' : ', silent'} (${o.rebuilt ? 'rendered' : 'reused'})`;
}

/** assemble_animatic: the timeline's frames, camera moves and transitions over the mix, as one MP4 (video.assemble_animatic). */
export const assembleAnimaticStep = workStep<AssembleAnimaticInput, AssembleAnimaticOutput>({
  name: 'assemble_animatic',
  input: assembleAnimaticInput,
  async run(input, ctx) {
    const out = await ctx
      .client('video')
      .call(
        videoCatalog.tools.assemble_animatic,
        { projectId: ctx.projectId, format: 'mp4', burnSubtitles: input.burnSubtitles },
        callOptions(ctx, 0, 1, 'render'),
      );
    return { assetId: out.assetId, durationS: out.durationS, rebuilt: out.rebuilt, hasAudio: out.hasAudio, taskId: out.taskId ?? null };
  },
  summarize: summarizeAssembleAnimatic,
});
