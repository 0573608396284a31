import { z } from 'zod';
import { StoryStructureSchema } from '../film.ts';
import { IdSchema, ProjectIdSchema } from '../graph.ts';
import { defineCatalog, defineTool } from '../tool.ts';
import { commonTools } from './common.ts';

/**
 * orchestrator: production runs (ARCHITECTURE.md §5) as a LangGraph graph whose checkpoints live
 * in Redis. A run walks its steps in order; a choice step pauses it until `resume_run` (or
 * autopilot) picks an option.
 */

/** The steps of the production pipeline, in order (ARCHITECTURE.md §5). */
export const PIPELINE_STEPS = [
  'develop_story',
  'choose_outline',
  'cast_characters',
  'write_screenplay',
  'plan_shots',
  'render_storyboard',
  'voice_dialogue',
  'score',
  'assemble_animatic',
  'export',
] as const;
export type PipelineStep = (typeof PIPELINE_STEPS)[number];

/** queued → running → waiting_for_choice → running → completed | failed | cancelled. */
export const RunStateSchema = z.enum(['queued', 'running', 'waiting_for_choice', 'completed', 'failed', 'cancelled']);
export type RunState = z.infer<typeof RunStateSchema>;

export const StepStateSchema = z.enum(['pending', 'running', 'completed', 'failed', 'skipped']);
export type StepState = z.infer<typeof StepStateSchema>;

export const StepNameSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,63}$/, 'step names are snake_case: a lowercase letter, then lowercase letters, digits or _ (max 64)');

export const RunErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  retryable: z.boolean().optional(),
  step: StepNameSchema.optional().describe('The step that failed, when one did.'),
});
export type RunError = z.infer<typeof RunErrorSchema>;

export const RunStepSchema = z.object({
  name: StepNameSchema,
  state: StepStateSchema,
  progress: z.number().min(0).max(1),
  message: z.string().max(500).optional(),
  startedAt: z.iso.datetime().optional(),
  finishedAt: z.iso.datetime().optional(),
  /** How many times the step's work ran in this run (a retry or a crash mid-step adds one). */
  attempts: z.number().int().nonnegative(),
  /** The output was reused from an earlier execution with the same inputs; the work did not run again. */
  reused: z.boolean().optional(),
  error: RunErrorSchema.omit({ step: true }).optional(),
  outputSummary: z.string().max(2000).optional(),
});
export type RunStep = z.infer<typeof RunStepSchema>;

export const RunOptionsSchema = z.object({
  autopilot: z.boolean().default(false).describe('Take the first option at every choice instead of pausing.'),
  targetDurationS: z.number().int().min(5).max(3600).default(60).describe('Target running time of the film, in seconds.'),
  structure: StoryStructureSchema.optional(),
  style: z.string().min(1).max(500).optional().describe('Visual style direction: "ink wash, muted", "1970s film stock"…'),
  genre: z.string().min(1).max(60).optional(),
  tone: z.string().min(1).max(120).optional(),
});
export type RunOptions = z.infer<typeof RunOptionsSchema>;

export const ChoiceOptionSchema = z.object({
  index: z.number().int().nonnegative(),
  title: z.string().min(1).max(200),
  summary: z.string().max(2000),
});

export const RunChoiceSchema = z.object({
  step: StepNameSchema,
  prompt: z.string().min(1).max(500),
  options: z.array(ChoiceOptionSchema).min(1).max(20),
});
export type RunChoice = z.infer<typeof RunChoiceSchema>;

export const RunSchema = z.object({
  id: IdSchema,
  projectId: IdSchema,
  idea: z.string(),
  state: RunStateSchema,
  options: RunOptionsSchema,
  steps: z.array(RunStepSchema),
  /** Present while the run waits for a choice. */
  choice: RunChoiceSchema.optional(),
  /** Choices made so far, by choice step. */
  choices: z.record(z.string(), z.number().int().nonnegative()).default({}),
  error: RunErrorSchema.optional(),
  /** The user the run acts for (its steps call the fleet on their behalf). */
  startedBy: z.string().optional(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().optional(),
});
export type Run = z.infer<typeof RunSchema>;

const runId = IdSchema.describe('The run.');
const waitMs = z
  .number()
  .int()
  .min(0)
  .max(600_000)
  .default(0)
  .describe(
    'Wait up to this long for the run to settle (waiting for a choice, completed, failed or cancelled), with progress notifications.',
  );

export const start_run = defineTool({
  name: 'start_run',
  description:
    'Starts a production run of an idea in a project (the caller must be able to write to it). Progress: MCP notifications while `waitMs` lasts, and run.* events. With `options.autopilot` every choice takes its first option.',
  input: z.object({
    projectId: ProjectIdSchema,
    idea: z.string().trim().min(1).max(10_000).describe('The idea to make a film of.'),
    options: RunOptionsSchema.default({ autopilot: false, targetDurationS: 60 }),
    waitMs,
  }),
  output: z.object({ run: RunSchema }),
  scope: 'runs.write',
});

export const get_run = defineTool({
  name: 'get_run',
  description: 'A run: state, per-step progress, the pending choice or the error. `waitMs` long-polls until it settles.',
  input: z.object({ runId, waitMs }),
  output: z.object({ run: RunSchema }),
  scope: 'runs.read',
  readOnly: true,
});

export const list_runs = defineTool({
  name: 'list_runs',
  description: 'Runs of a project, newest first, optionally in one state.',
  input: z.object({
    projectId: ProjectIdSchema,
    state: RunStateSchema.optional(),
    limit: z.number().int().min(1).max(200).default(50),
  }),
  output: z.object({ runs: z.array(RunSchema) }),
  scope: 'runs.read',
  readOnly: true,
});

export const resume_run = defineTool({
  name: 'resume_run',
  description: 'Answers the choice a run is waiting for and lets it continue.',
  input: z.object({
    runId,
    choice: z.object({ optionIndex: z.number().int().min(0).max(19).describe("The chosen option's index.") }),
    waitMs,
  }),
  output: z.object({ run: RunSchema }),
  scope: 'runs.write',
});

export const cancel_run = defineTool({
  name: 'cancel_run',
  description: 'Cancels a queued, running or waiting run; a running step is aborted.',
  input: z.object({ runId }),
  output: z.object({ run: RunSchema }),
  scope: 'runs.write',
});

export const retry_step = defineTool({
  name: 'retry_step',
  description:
    'Runs a finished run (failed, cancelled or completed) again from a step: that step runs afresh; the steps before it and any later step whose inputs did not change reuse their outputs.',
  input: z.object({ runId, step: StepNameSchema, waitMs }),
  output: z.object({ run: RunSchema }),
  scope: 'runs.write',
});

export const orchestratorCatalog = defineCatalog(
  'orchestrator',
  'Production runs: idea → story → choice → characters → screenplay → shots → storyboard → voices → score → animatic → export, as durable LangGraph runs.',
  { ...commonTools, start_run, get_run, list_runs, resume_run, cancel_run, retry_step },
);
