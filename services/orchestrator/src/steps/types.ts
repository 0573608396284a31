import type { RunOptions, ServiceName } from '@automovie/contracts';
import type { McpClient } from '@automovie/mcp-ws';
import type { FleetClients } from '@automovie/service-kit';
import type { Logger } from 'pino';

/** What a step sees of its run: the idea, the options, earlier steps' outputs and the choices made. */
export interface RunView {
  readonly runId: string;
  readonly projectId: string;
  /** The user the run acts for; undefined when a service started it. */
  readonly userId: string | undefined;
  readonly idea: string;
  readonly options: RunOptions;
  /** Outputs of the steps that finished, by step name. */
  readonly outputs: Readonly<Record<string, unknown>>;
  /** Option index chosen at each choice step so far. */
  readonly choices: Readonly<Record<string, number>>;
}

/** What a step gets besides its input. */
export interface StepContext {
  readonly runId: string;
  readonly projectId: string;
  readonly userId: string | undefined;
  /** The fleet: `clients.forUser('story', userId)` / `clients.asService('brain')`. */
  readonly clients: FleetClients;
  /** A client of `target` acting for the run's user (as the orchestrator itself when a service started the run). */
  client(target: ServiceName): McpClient;
  /** Reports the step's progress, 0–1, to run.progress events and the run's waiters. */
  progress(fraction: number, message?: string): void;
  /** Aborted when the run is cancelled or this orchestrator stops. */
  readonly signal: AbortSignal;
  readonly log: Logger;
}

/**
 * A step of work. Its input is picked from the run by `input`; the hash of (name, version,
 * project, input) is the step's idempotency key: a step whose input did not change reuses the
 * output of its earlier execution instead of running again. Outputs are small references (node
 * ids, asset ids, counts): they live in checkpoints.
 */
export interface WorkStepDef<I = unknown, O = unknown> {
  readonly kind: 'work';
  readonly name: string;
  /** Bump when the step's behaviour changes, so outputs of the old version are not reused. Default 1. */
  readonly version?: number;
  /** Executions per run attempt when the step fails with a retryable error. Default 2. */
  readonly maxAttempts?: number;
  input(run: RunView): I;
  run(input: I, ctx: StepContext): Promise<O>;
  /** One line for the run's step list. Default: the output as JSON, cut to 200 characters. */
  summarize?(output: O): string;
}

/** One option of a choice. */
export interface ChoiceOptionDef {
  title: string;
  summary: string;
}

/** A choice: the run pauses with `options` until resume_run picks one (autopilot takes the first). */
export interface ChoiceStepDef {
  readonly kind: 'choice';
  readonly name: string;
  readonly prompt: string;
  options(run: RunView): ChoiceOptionDef[];
}

// biome-ignore lint/suspicious/noExplicitAny: a pipeline holds steps of many input and output types
export type StepDef = WorkStepDef<any, any> | ChoiceStepDef;

/** Declares a work step with its types inferred. */
export function workStep<I, O>(def: Omit<WorkStepDef<I, O>, 'kind'>): WorkStepDef<I, O> {
  return { kind: 'work', ...def };
}

/** Declares a choice step. */
export function choiceStep(def: Omit<ChoiceStepDef, 'kind'>): ChoiceStepDef {
  return { kind: 'choice', ...def };
}
