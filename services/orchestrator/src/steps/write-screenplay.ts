import { storyCatalog } from '@automovie/contracts';
import { FilmGraph } from '@automovie/film-graph';
import type { CastCharactersOutput } from './cast-characters.ts';
import { callOptions, fingerprint, outputOf } from './shared.ts';
import { type RunView, workStep } from './types.ts';

export interface WriteScreenplayInput {
  castKey: string;
  optionIndex: number;
  targetDurationS: number;
}

export interface WriteScreenplayOutput {
  scenes: number;
  lines: number;
  locations: number;
  estimatedDurationS: number;
  reused: boolean;
  /** Digest of the scenes and the dialogue lines' text as stored (an import or edit changes it). */
  screenplayKey: string;
}

export function writeScreenplayInput(run: RunView): WriteScreenplayInput {
  const cast = outputOf<CastCharactersOutput>(run, 'cast_characters');
  return { castKey: cast.castKey, optionIndex: cast.optionIndex, targetDurationS: Math.max(10, run.options.targetDurationS) };
}

export function summarizeWriteScreenplay(o: WriteScreenplayOutput): string {
  return `${o.scenes} scenes, ${o.lines} lines, ${o.locations} locations, ~${Math.round(o.estimatedDurationS)} s${o.reused ? ' (reused)' : ''}`;
}

/** The screenplay's content as stored: scenes in order and each line's speaker and words (not its audio). */
export async function screenplayKey(graph: FilmGraph): Promise<string> {
  const [scenes, lines] = await Promise.all([graph.scenes(), graph.lines()]);
  return fingerprint({
    scenes: scenes.map((s) => [s.id, s.record]),
    lines: lines.map((l) => [l.id, l.record.character, l.record.characterId ?? null, l.record.text, l.record.parenthetical ?? null]),
  });
}

/** write_screenplay: the chosen outline and the cast into scenes and lines (story.write_screenplay). */
export const writeScreenplayStep = workStep<WriteScreenplayInput, WriteScreenplayOutput>({
  name: 'write_screenplay',
  input: writeScreenplayInput,
  async run(input, ctx) {
    const out = await ctx
      .client('story')
      .call(
        storyCatalog.tools.write_screenplay,
        { projectId: ctx.projectId, targetDurationS: input.targetDurationS },
        callOptions(ctx, 0, 0.9, 'screenplay'),
      );
    ctx.progress(0.9, 'reading the screenplay back');
    return { ...out, screenplayKey: await screenplayKey(new FilmGraph(ctx.client('brain'), ctx.projectId)) };
  },
  summarize: summarizeWriteScreenplay,
});
