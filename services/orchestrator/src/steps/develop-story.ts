import { type OutlineSummary, type StoryStructure, storyCatalog } from '@automovie/contracts';
import { callOptions } from './shared.ts';
import { type RunView, workStep } from './types.ts';

export interface DevelopStoryInput {
  idea: string;
  targetDurationS: number;
  structure: StoryStructure | null;
  genre: string | null;
}

export interface DevelopStoryOutput {
  storyId: string;
  options: OutlineSummary[];
  reused: boolean;
}

/** The story service takes films of 10 s and more; shorter targets are drafted at 10 s. */
const MIN_STORY_S = 10;

/** What develop_story is made from: the idea and the run's story options. */
export function developStoryInput(run: RunView): DevelopStoryInput {
  return {
    idea: run.idea,
    targetDurationS: Math.max(MIN_STORY_S, run.options.targetDurationS),
    structure: run.options.structure ?? null,
    genre: run.options.genre ?? null,
  };
}

export function summarizeDevelopStory(o: DevelopStoryOutput): string {
  return `${o.options.length} outlines: ${o.options.map((x) => `"${x.title}"`).join(', ')}${o.reused ? ' (reused)' : ''}`;
}

/** develop_story: the idea into outline options (story.develop_story). */
export const developStoryStep = workStep<DevelopStoryInput, DevelopStoryOutput>({
  name: 'develop_story',
  input: developStoryInput,
  async run(input, ctx) {
    const out = await ctx.client('story').call(
      storyCatalog.tools.develop_story,
      {
        projectId: ctx.projectId,
        idea: input.idea,
        targetDurationS: input.targetDurationS,
        ...(input.structure === null ? {} : { structure: input.structure }),
        ...(input.genre === null ? {} : { genre: input.genre }),
      },
      callOptions(ctx),
    );
    return { storyId: out.storyId, options: out.options, reused: out.reused };
  },
  summarize: summarizeDevelopStory,
});
