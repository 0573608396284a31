import type { DevelopStoryOutput } from '../../src/steps/develop-story.ts';
import type { PlanShotsOutput } from '../../src/steps/plan-shots.ts';
import type { RunView } from '../../src/steps/types.ts';

/** A run as a step's input function sees it, with the given outputs of earlier steps. */
export function runView(over: Partial<RunView> = {}): RunView {
  return {
    runId: 'run-1',
    projectId: 'proj-1',
    userId: 'user-1',
    idea: 'a lighthouse keeper befriends a storm',
    options: { autopilot: true, targetDurationS: 60 },
    outputs: {},
    choices: {},
    ...over,
  };
}

/** Outputs of every step up to export, as a finished run holds them. */
export const OUTPUTS = {
  develop_story: {
    storyId: 'story',
    reused: false,
    options: [
      { index: 0, title: 'The Keeper', logline: 'A keeper…', structure: 'three_act', genre: 'drama', tone: 'warm', beats: 8 },
      { index: 1, title: 'Last Light', logline: 'A storm…', structure: 'save_the_cat', genre: 'thriller', tone: 'tense', beats: 15 },
    ],
  } satisfies DevelopStoryOutput as DevelopStoryOutput,
  cast_characters: {
    optionIndex: 0,
    outline: 'The Keeper',
    characters: [{ id: 'char-ada', name: 'Ada', role: 'protagonist', referenceAssetId: 'a1' }],
    relationships: 0,
    references: { rendered: 1, reused: 0 },
    reused: false,
    castKey: 'cast-1',
  },
  write_screenplay: { scenes: 3, lines: 10, locations: 2, estimatedDurationS: 64, reused: false, screenplayKey: 'sp-1' },
  plan_shots: {
    style: 'pencil',
    shots: 15,
    totalDurationS: 62,
    scenesPlanned: 3,
    removed: 0,
    shotsKey: 'shots-1',
  } satisfies PlanShotsOutput as PlanShotsOutput,
  render_storyboard: { frames: 15, rendered: 15, reused: 0, taskId: 't1', framesKey: 'frames-1' },
  voice_dialogue: { lines: 10, synthesized: 10, reused: 0, totalSpeechS: 43.2, fallbackVoices: [], voicesKey: 'voices-1' },
  score: {
    durationS: 65.3,
    shots: 15,
    lines: 10,
    scenes: 3,
    music: { generated: 3, reused: 0 },
    mix: { assetId: 'mix-1', durationS: 65.3, loudnessLufs: -15.8, reused: false },
    subtitles: { cues: 10, srtAssetId: 'srt-1', vttAssetId: 'vtt-1' },
    timelineKey: 'tl-1',
  },
  assemble_animatic: { assetId: 'mp4-1', durationS: 65.3, rebuilt: true, hasAudio: true, taskId: 't2' },
};
