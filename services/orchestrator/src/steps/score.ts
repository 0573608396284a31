import { audioCatalog, videoCatalog } from '@automovie/contracts';
import { FilmGraph } from '@automovie/film-graph';
import type { PlanShotsOutput } from './plan-shots.ts';
import type { RenderStoryboardOutput } from './render-storyboard.ts';
import { callOptions, fingerprint, outputOf } from './shared.ts';
import { type RunView, workStep } from './types.ts';
import type { VoiceDialogueOutput } from './voice-dialogue.ts';

export interface ScoreInput {
  shotsKey: string;
  framesKey: string;
  voicesKey: string;
}

export interface ScoreOutput {
  durationS: number;
  shots: number;
  lines: number;
  scenes: number;
  music: { generated: number; reused: number };
  mix: { assetId: string; durationS: number; loudnessLufs: number; reused: boolean };
  subtitles: { cues: number; srtAssetId: string | null; vttAssetId: string | null };
  /** Digest of the saved timeline (when each shot and line plays), the mix and the subtitles: the animatic goes stale when one changes. */
  timelineKey: string;
}

export function scoreInput(run: RunView): ScoreInput {
  return {
    shotsKey: outputOf<PlanShotsOutput>(run, 'plan_shots').shotsKey,
    framesKey: outputOf<RenderStoryboardOutput>(run, 'render_storyboard').framesKey,
    voicesKey: outputOf<VoiceDialogueOutput>(run, 'voice_dialogue').voicesKey,
  };
}

export function summarizeScore(o: ScoreOutput): string {
  return (
    `timeline ${o.durationS.toFixed(1)} s (${o.scenes} scenes, ${o.shots} shots, ${o.lines} lines); ` +
    `music ${o.music.generated} made, ${o.music.reused} reused; mix ${o.mix.loudnessLufs.toFixed(1)} LUFS; ${o.subtitles.cues} subtitle cues`
  );
}

/**
 * score: the timeline from the shots and the measured dialogue (video.build_timeline), a music bed
 * and ambience per scene (audio.score_scene), the mix (audio.mix) and the subtitles aligned to the
 * measured speech (audio.make_subtitles). Each tool reuses what it made when its inputs did not change.
 */
export const scoreStep = workStep<ScoreInput, ScoreOutput>({
  name: 'score',
  input: scoreInput,
  async run(_input, ctx) {
    const projectId = ctx.projectId;
    const timeline = await ctx.client('video').call(videoCatalog.tools.build_timeline, { projectId }, callOptions(ctx, 0, 0.1, 'timeline'));
    ctx.progress(0.1, `timeline ${timeline.durationS.toFixed(1)} s`);
    const audio = ctx.client('audio');
    const music = await audio.call(audioCatalog.tools.score_scene, { projectId }, callOptions(ctx, 0.1, 0.5, 'music'));
    const mix = await audio.call(audioCatalog.tools.mix, { projectId }, callOptions(ctx, 0.5, 0.9, 'mix'));
    const subs = await audio.call(audioCatalog.tools.make_subtitles, { projectId, format: 'both' }, callOptions(ctx, 0.9, 1, 'subtitles'));
    const saved = await new FilmGraph(ctx.client('brain'), projectId).timeline();
    return {
      durationS: timeline.durationS,
      shots: timeline.shots,
      lines: timeline.lines,
      scenes: timeline.scenes.length,
      music: { generated: music.generated, reused: music.reused },
      mix: { assetId: mix.assetId, durationS: mix.durationS, loudnessLufs: mix.loudnessLufs, reused: mix.reused },
      subtitles: { cues: subs.cues.length, srtAssetId: subs.assetIds.srt ?? null, vttAssetId: subs.assetIds.vtt ?? null },
      timelineKey: fingerprint({ timeline: saved ?? null, mix: mix.assetId, srt: subs.assetIds.srt ?? null }),
    };
  },
  summarize: summarizeScore,
});
