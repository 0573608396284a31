import type { RunOptions } from '@automovie/contracts';
import { Annotation, END, START, StateGraph } from '@langchain/langgraph';
import type { BaseCheckpointSaver } from '@langchain/langgraph-checkpoint';
import type { ChoiceStepDef, StepDef, WorkStepDef } from '../steps/types.ts';

/** What a run's graph starts from; it lives in the thread's first checkpoint. */
export interface RunSeed {
  runId: string;
  projectId: string;
  userId?: string;
  idea: string;
  options: RunOptions;
  /** The step retry_step asked to run afresh. */
  force?: string;
  /** Choices already made (carried over by retry_step). */
  choices: Record<string, number>;
}

const merge = <T>(a: Record<string, T>, b: Record<string, T>) => ({ ...a, ...b });

export const RunGraphState = Annotation.Root({
  seed: Annotation<RunSeed>(),
  outputs: Annotation<Record<string, unknown>>({ reducer: merge, default: () => ({}) }),
  choices: Annotation<Record<string, number>>({ reducer: merge, default: () => ({}) }),
});
export type RunGraphValues = typeof RunGraphState.State;

/** What the graph's nodes delegate to: the engine, which records each step on the run. */
export interface NodeHooks {
  work(step: WorkStepDef, state: RunGraphValues): Promise<unknown>;
  choose(step: ChoiceStepDef, state: RunGraphValues): Promise<number>;
  /** Whether a failed execution of a step may be tried again within the same run attempt. */
  retryable(err: unknown): boolean;
}

/**
 * The pipeline as a LangGraph StateGraph: one node per step, in order. A work node stores its
 * output under `outputs[step]`; a choice node stores the chosen index under `choices[step]`.
 * Checkpoints after every node are what make a killed run continue where it stopped.
 */
export function buildRunGraph(steps: readonly StepDef[], hooks: NodeHooks, checkpointer: BaseCheckpointSaver) {
  // Node names are only known at run time, which StateGraph's literal-typed builder cannot express.
  const g = new StateGraph(RunGraphState) as unknown as {
    addNode(name: string, fn: (s: RunGraphValues) => Promise<Partial<RunGraphValues>>, opts?: object): void;
    addEdge(from: string, to: string): void;
    compile(opts: { checkpointer: BaseCheckpointSaver }): ReturnType<StateGraph<typeof RunGraphState>['compile']>;
  };
  for (const step of steps) {
    if (step.kind === 'work') {
      g.addNode(step.name, async (state) => ({ outputs: { [step.name]: await hooks.work(step, state) } }), {
        retryPolicy: {
          maxAttempts: step.maxAttempts ?? 2,
          initialInterval: 500,
          backoffFactor: 2,
          maxInterval: 5000,
          jitter: false,
          retryOn: hooks.retryable,
        },
      });
    } else {
      g.addNode(step.name, async (state) => ({ choices: { [step.name]: await hooks.choose(step, state) } }));
    }
  }
  const names = steps.map((s) => s.name);
  names.forEach((name, i) => {
    g.addEdge(i === 0 ? START : (names[i - 1] as string), name);
  });
  g.addEdge(names.at(-1) ?? START, END);
  return g.compile({ checkpointer });
}
export type RunGraph = ReturnType<typeof buildRunGraph>;
