import { audioCatalog } from '@automovie/contracts';
import { FilmGraph } from '@automovie/film-graph';
import type { CastCharactersOutput } from './cast-characters.ts';
import { callOptions, fingerprint, outputOf } from './shared.ts';
import { type RunView, workStep } from './types.ts';
import type { WriteScreenplayOutput } from './write-screenplay.ts';

export interface VoiceDialogueInput {
  screenplayKey: string;
  castKey: string;
}

export interface VoiceDialogueOutput {
  lines: number;
  synthesized: number;
  reused: number;
  totalSpeechS: number;
  fallbackVoices: string[];
  /** Digest of each line's audio (asset, duration, key) as stored: re-voiced lines change it. */
  voicesKey: string;
}

/** Lines depend on the screenplay and the cast's voices, not on shots or frames: a shot edit leaves them alone. */
export function voiceDialogueInput(run: RunView): VoiceDialogueInput {
  return {
    screenplayKey: outputOf<WriteScreenplayOutput>(run, 'write_screenplay').screenplayKey,
    castKey: outputOf<CastCharactersOutput>(run, 'cast_characters').castKey,
  };
}

export function summarizeVoiceDialogue(o: VoiceDialogueOutput): string {
  const fallback = o.fallbackVoices.length > 0 ? `; fallback voices for ${o.fallbackVoices.join(', ')}` : '';
  return `${o.lines} lines, ${o.totalSpeechS.toFixed(1)} s of speech: ${o.synthesized} voiced, ${o.reused} reused${fallback}`;
}

/** voice_dialogue: every line in its character's voice (audio.voice_dialogue, one synthesize_lines task). */
export const voiceDialogueStep = workStep<VoiceDialogueInput, VoiceDialogueOutput>({
  name: 'voice_dialogue',
  input: voiceDialogueInput,
  async run(_input, ctx) {
    const out = await ctx
      .client('audio')
      .call(audioCatalog.tools.voice_dialogue, { projectId: ctx.projectId }, callOptions(ctx, 0, 0.95, 'voices'));
    const lines = await new FilmGraph(ctx.client('brain'), ctx.projectId).lines();
    return {
      lines: out.lines,
      synthesized: out.synthesized,
      reused: out.reused,
      totalSpeechS: out.totalSpeechS,
      fallbackVoices: out.fallbackVoices,
      voicesKey: fingerprint(
        lines.map((l) => [l.id, l.record.audioAssetId ?? null, l.record.durationS ?? null, l.record.audioKey ?? null]),
      ),
    };
  },
  summarize: summarizeVoiceDialogue,
});
