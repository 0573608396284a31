import type { DevelopStoryOutput } from './develop-story.ts';
import { outputOf } from './shared.ts';
import { type ChoiceOptionDef, choiceStep, type RunView } from './types.ts';

/** The outline options develop_story offered, as choice options (autopilot takes the first). */
export function outlineOptions(run: RunView): ChoiceOptionDef[] {
  const { options } = outputOf<DevelopStoryOutput>(run, 'develop_story');
  return options.map((o) => ({
    title: o.title,
    summary: `${o.logline} (${o.genre}, ${o.tone}; ${o.structure}, ${o.beats} beats)`,
  }));
}

/**
 * choose_outline: the run pauses here with the outlines until resume_run picks one; the choice is
 * applied to the story (story.choose_outline) by cast_characters, the first step that needs it.
 */
export const chooseOutlineStep = choiceStep({
  name: 'choose_outline',
  prompt: 'Pick the outline to make the film from',
  options: outlineOptions,
});

/** The outline chosen at choose_outline (0 when the run has not chosen, e.g. a step test). */
export function chosenOutline(run: RunView): number {
  return run.choices.choose_outline ?? 0;
}
