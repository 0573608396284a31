import type { Redis } from 'ioredis';
import { OrchestratorError } from './errors.ts';
import { choiceStep, type StepDef, workStep } from './steps/types.ts';

/** Options of {@link diagnosticPipeline}. */
export interface DiagnosticOptions {
  redis: Redis;
  /** Prefix of the counter keys. */
  prefix: string;
  /** How long each step works. */
  stepMs: number;
}

/** The Redis hash where the diagnostic pipeline counts the executions of a run's steps. */
export function diagnosticCounterKey(prefix: string, runId: string): string {
  return `${prefix}diagnostic:${runId}`;
}

/** Sleeps `ms` in ten slices, reporting progress after each; stops when the run is aborted. */
async function work(ms: number, signal: AbortSignal, progress: (f: number, m: string) => void): Promise<void> {
  for (let i = 1; i <= 10; i++) {
    await new Promise<void>((resolve, reject) => {
      if (signal.aborted) {
        reject(signal.reason);
        return;
      }
      const t = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms / 10);
      const onAbort = () => {
        clearTimeout(t);
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });
    progress(i / 10, `${i * 10}%`);
  }
}

/**
 * The operator diagnostic pipeline (ORCHESTRATOR_PIPELINE=diagnostic): it checks a deployment's
 * run machinery — leases, checkpoints, choices, crash recovery — without the domain services.
 * Each work step works for DIAGNOSTIC_STEP_MS and counts, in the hash
 * `<prefix>diagnostic:<runId>`, how often it started (`<step>:started`) and finished
 * (`<step>:finished`): after a crash, a finished step must never have run twice. A run whose idea
 * contains `fail:<step>` fails at that step, to check the failure path.
 */
export function diagnosticPipeline(opts: DiagnosticOptions): StepDef[] {
  const { redis, prefix, stepMs } = opts;
  const step = (name: string, previous: string | undefined) =>
    workStep({
      name,
      input: (run) => ({ runId: run.runId, idea: run.idea, previous: previous === undefined ? null : (run.outputs[previous] ?? null) }),
      async run(input, ctx) {
        const key = diagnosticCounterKey(prefix, input.runId);
        await redis.hincrby(key, `${name}:started`, 1);
        await work(stepMs, ctx.signal, ctx.progress);
        if (input.idea.includes(`fail:${name}`)) {
          throw new OrchestratorError(
            'ORCHESTRATOR_DIAGNOSTIC_FAILURE',
            `diagnostic failure asked for at ${name} (the idea contains fail:${name})`,
          );
        }
        const finished = await redis.hincrby(key, `${name}:finished`, 1);
        return { step: name, executions: finished, after: previous ?? null };
      },
      summarize: (o) => `${o.step} done (execution ${o.executions})`,
    });
  return [
    step('diag_prepare', undefined),
    choiceStep({
      name: 'diag_choose',
      prompt: 'Pick a variant for the diagnostic run',
      options: (run) => [0, 1, 2].map((i) => ({ title: `Variant ${i + 1}`, summary: `Variant ${i + 1} of "${run.idea.slice(0, 80)}"` })),
    }),
    step('diag_work_1', 'diag_prepare'),
    step('diag_work_2', 'diag_work_1'),
    step('diag_work_3', 'diag_work_2'),
    step('diag_finish', 'diag_work_3'),
  ];
}
