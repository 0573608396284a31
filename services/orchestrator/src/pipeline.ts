import type { PipelineStep, ServiceName } from '@automovie/contracts';
import type { StepDef } from './steps/types.ts';

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
 * The production pipeline: one step module per entry of STEP_SERVICES (src/steps/<step>.ts),
 * in PIPELINE_STEPS order. A step is wired in here when the service it calls exists; until the
 * domain services land none do, and start_run answers ORCHESTRATOR_PIPELINE_EMPTY rather than
 * pretend to make a film.
 */
export function productionPipeline(): StepDef[] {
  return [];
}
