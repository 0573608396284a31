import { describe, expect, it } from 'vitest';
import { developStoryInput, developStoryStep, summarizeDevelopStory } from '../../src/steps/develop-story.ts';
import { OUTPUTS, runView } from './run-view.ts';

describe('develop_story step', () => {
  it('is made from the idea and the story options only', () => {
    expect(developStoryInput(runView())).toEqual({
      idea: 'a lighthouse keeper befriends a storm',
      targetDurationS: 60,
      structure: null,
      genre: null,
    });
    const opts = runView({ options: { autopilot: false, targetDurationS: 5, structure: 'three_act', genre: 'noir', style: 'comic' } });
    expect(developStoryInput(opts)).toEqual({
      idea: 'a lighthouse keeper befriends a storm',
      targetDurationS: 10,
      structure: 'three_act',
      genre: 'noir',
    });
    // The style does not change the story.
    const styled = runView({ options: { autopilot: true, targetDurationS: 60, style: 'noir' } });
    expect(developStoryInput(styled)).toEqual(developStoryInput(runView()));
  });

  it('summarizes the outlines by title', () => {
    expect(summarizeDevelopStory(OUTPUTS.develop_story)).toBe('2 outlines: "The Keeper", "Last Light"');
    expect(developStoryStep.name).toBe('develop_story');
  });
});
