import type { PipelineStep, ServiceName } from '@automovie/contracts';
import { assembleAnimaticStep } from './steps/assemble-animatic.ts';
import { castCharactersStep } from './steps/cast-characters.ts';
import { chooseOutlineStep } from './steps/choose-outline.ts';
import { developStoryStep } from './steps/develop-story.ts';
import { exportStep } from './steps/export.ts';
import { planShotsStep } from './steps/plan-shots.ts';
import { renderStoryboardStep } from './steps/render-storyboard.ts';
import { scoreStep } from './steps/score.ts';
import type { StepDef } from './steps/types.ts';
import { voiceDialogueStep } from './steps/voice-dialogue.ts';
import { writeScreenplayStep } from './steps/write-screenplay.ts';

/**
 * The service whose tools do each step of the production pipeline (ARCHITECTURE.md §5);
 * choose_outline is the orchestrator's own interrupt between develop_story and cast_characters.
 */
export const STEP_SERVICES: Readonly<Record<PipelineStep, ServiceName>> = {
  develop_story: 'story',
  choose_outline: 'orchestrator',
  cast_characters: 'character',
  write_screenplay: 'story',
  plan_shots: 'visual',
  render_storyboard: 'visual',
  voice_dialogue: 'audio',
  score: 'audio',
  assemble_animatic: 'video',
  export: 'export',
};

/**
 * The production pipeline, one step module per entry of STEP_SERVICES (src/steps/<step>.ts), in
 * PIPELINE_STEPS order. Each step's input carries digests of what it is made from (the outlines,
 * the cast, the screenplay, the shots, the frames, the voices, the timeline), so a retried step
 * whose result changed makes exactly the steps that read it run again, while the services' own
 * keys (frameKey, audioKey, …) keep every unchanged asset.
 */
export function productionPipeline(): StepDef[] {
  return [
    developStoryStep,
    chooseOutlineStep,
    castCharactersStep,
    writeScreenplayStep,
    planShotsStep,
    renderStoryboardStep,
    voiceDialogueStep,
    scoreStep,
    assembleAnimaticStep,
    exportStep,
  ];
}
