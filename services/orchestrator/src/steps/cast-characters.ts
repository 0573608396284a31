import { characterCatalog, storyCatalog } from '@automovie/contracts';
import { FilmGraph } from '@automovie/film-graph';
import { chosenOutline } from './choose-outline.ts';
import type { DevelopStoryOutput } from './develop-story.ts';
import { callOptions, fingerprint, outputOf } from './shared.ts';
import { type RunView, workStep } from './types.ts';

export interface CastCharactersInput {
  /** The outlines develop_story made: new outlines, new cast. */
  outlines: string;
  optionIndex: number;
}

export interface CastCharactersOutput {
  optionIndex: number;
  outline: string;
  characters: { id: string; name: string; role: string; referenceAssetId: string | null }[];
  relationships: number;
  references: { rendered: number; reused: number };
  reused: boolean;
  /** Digest of the cast as stored (profiles, looks, voices, reference images): later steps go stale when it changes. */
  castKey: string;
}

export function castCharactersInput(run: RunView): CastCharactersInput {
  return { outlines: fingerprint(outputOf<DevelopStoryOutput>(run, 'develop_story').options), optionIndex: chosenOutline(run) };
}

export function summarizeCastCharacters(o: CastCharactersOutput): string {
  const names = o.characters.map((c) => `${c.name} (${c.role})`).join(', ');
  return `"${o.outline}": ${o.characters.length} characters: ${names}; references ${o.references.rendered} drawn, ${o.references.reused} reused`;
}

/** cast_characters: applies the chosen outline (story.choose_outline), then casts it (character.cast_characters). */
export const castCharactersStep = workStep<CastCharactersInput, CastCharactersOutput>({
  name: 'cast_characters',
  input: castCharactersInput,
  async run(input, ctx) {
    const chosen = await ctx
      .client('story')
      .call(storyCatalog.tools.choose_outline, { projectId: ctx.projectId, optionIndex: input.optionIndex }, callOptions(ctx, 0, 0.1));
    ctx.progress(0.1, `outline "${chosen.outline.title}"`);
    const cast = await ctx
      .client('character')
      .call(characterCatalog.tools.cast_characters, { projectId: ctx.projectId }, callOptions(ctx, 0.1, 0.95, 'cast'));
    const stored = await new FilmGraph(ctx.client('brain'), ctx.projectId).characters();
    return {
      optionIndex: input.optionIndex,
      outline: chosen.outline.title,
      characters: cast.characters.map((c) => ({ id: c.id, name: c.name, role: c.role, referenceAssetId: c.referenceAssetId ?? null })),
      relationships: cast.relationships.length,
      references: cast.references,
      reused: cast.reused,
      castKey: fingerprint(stored.map((c) => [c.id, c.record])),
    };
  },
  summarize: summarizeCastCharacters,
});
