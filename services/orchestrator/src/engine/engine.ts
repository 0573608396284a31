import { createHash, randomUUID } from 'node:crypto';
import type { AutomovieError } from '@automovie/contracts';
import { type RunChoice, type RunError, type RunOptions, type RunStep, toAutomovieError } from '@automovie/contracts';
import type { EventPublisher, FleetClients } from '@automovie/service-kit';
import { Command, interrupt } from '@langchain/langgraph';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { RedisSaver } from '../checkpoint/redis-saver.ts';
import { OrchestratorError } from '../errors.ts';
import { assertTransition, isSettled, isTerminal } from '../runs/state-machine.ts';
import { RunStore, type StoredRun } from '../runs/store.ts';
import type { ChoiceStepDef, RunView, StepContext, StepDef, WorkStepDef } from '../steps/types.ts';
import { buildRunGraph, type RunGraph, type RunGraphValues, type RunSeed } from './graph.ts';

/** Largest step output kept (serialised): outputs are references, and they live in every later checkpoint. */
export const MAX_STEP_OUTPUT_BYTES = 64 * 1024;

export interface EngineOptions {
  redis: Redis;
  /** Key prefix of runs, leases and the step cache; checkpoints go under `<prefix>lg:`. */
  prefix: string;
  steps: readonly StepDef[];
  clients: FleetClients;
  events: EventPublisher | undefined;
  logger: Logger;
  /** Owner written into leases. */
  instanceId: string;
  /** Runs executed at once by this process. */
  concurrency: number;
  leaseMs: number;
  sweepMs: number;
  cacheTtlS: number;
  /** How often a step's progress is written to the run and published. Default 200 ms. */
  progressIntervalMs?: number;
}

/** A step's own failure (as opposed to the engine's or Redis'): it fails the run. */
export class StepFailure extends Error {
  readonly step: string;
  readonly error: AutomovieError;
  constructor(step: string, error: AutomovieError) {
    super(`step ${step} failed: ${error.code}: ${error.message}`, { cause: error });
    this.name = 'StepFailure';
    this.step = step;
    this.error = error;
  }
}

/** The run stopped being ours to execute (cancelled, lease lost, shutting down). */
class RunStopped extends Error {
  constructor(runId: string, why: string) {
    super(`run ${runId} stopped: ${why}`);
    this.name = 'RunStopped';
  }
}

type StopReason = 'cancel' | 'stop' | 'lease';

interface LocalRun {
  runId: string;
  controller: AbortController;
  reason?: StopReason;
  done?: Promise<void>;
  /** Progress waiting to be written, by step. */
  progress?: { step: string; fraction: number; message?: string };
  progressTimer?: NodeJS.Timeout;
  lastProgressAt: number;
}

const now = () => new Date().toISOString();

function viewOf(state: RunGraphValues): RunView {
  const { seed } = state;
  return {
    runId: seed.runId,
    projectId: seed.projectId,
    userId: seed.userId,
    idea: seed.idea,
    options: seed.options,
    outputs: state.outputs ?? {},
    // Choices carried over by retry_step (seed.choices) are answered by their choice step when the
    // run reaches it; steps before it must not see them, or their inputs would differ from before.
    choices: state.choices ?? {},
  };
}

function summarize(step: WorkStepDef, output: unknown): string {
  const text = step.summarize ? step.summarize(output) : (JSON.stringify(output) ?? 'null');
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}

function runProgress(run: StoredRun): number {
  if (run.steps.length === 0) return 0;
  const done = run.steps.reduce((sum, s) => sum + (s.state === 'completed' || s.state === 'skipped' ? 1 : s.progress), 0);
  return Math.min(1, done / run.steps.length);
}

/**
 * Executes production runs: creates them, runs each one's LangGraph graph under a Redis lease
 * (one replica per run), records every step on the run, pauses at choices, and resumes runs whose
 * lease expired — a crashed orchestrator's runs continue from their last checkpoint.
 */
export class Engine {
  readonly store: RunStore;
  readonly saver: RedisSaver;
  readonly steps: readonly StepDef[];
  readonly #graph: RunGraph | undefined;
  readonly #opts: EngineOptions;
  readonly #log: Logger;
  readonly #local = new Map<string, LocalRun>();
  /** Consecutive failures of the engine itself (not of a step) per run; the run fails after a few. */
  readonly #infraFailures = new Map<string, number>();
  #sweepTimer: NodeJS.Timeout | undefined;
  #stopping = false;

  constructor(opts: EngineOptions) {
    this.#opts = opts;
    this.#log = opts.logger;
    this.steps = opts.steps;
    const names = new Set<string>();
    for (const s of opts.steps) {
      if (names.has(s.name)) throw new Error(`pipeline: step ${s.name} appears twice`);
      names.add(s.name);
    }
    this.store = new RunStore(opts.redis, opts.prefix);
    this.saver = new RedisSaver({ redis: opts.redis, prefix: `${opts.prefix}lg:` });
    this.#graph =
      opts.steps.length === 0
        ? undefined
        : buildRunGraph(
            opts.steps,
            {
              work: (step, state) => this.#work(step, state),
              choose: (step, state) => this.#choose(step, state),
              retryable: (err) => err instanceof StepFailure && err.error.retryable,
            },
            this.saver,
          );
  }

  /** Starts looking for runs to execute (at once, then every sweepMs). */
  start(): void {
    this.#stopping = false;
    void this.#sweep();
    this.#sweepTimer = setInterval(() => void this.#sweep(), this.#opts.sweepMs);
    this.#sweepTimer.unref();
  }

  /** Stops executing: runs in progress are aborted without changing their state, and their leases released for the next start. */
  async stop(): Promise<void> {
    this.#stopping = true;
    clearInterval(this.#sweepTimer);
    const running = [...this.#local.values()];
    for (const local of running) this.#abort(local, 'stop');
    await Promise.all(running.map((l) => l.done));
  }

  /** How many runs this process executes now. */
  get executing(): number {
    return this.#local.size;
  }

  // ── run lifecycle (called by the tools) ───────────────────────────────────────────────────

  async createRun(input: { projectId: string; idea: string; options: RunOptions; userId?: string | undefined }): Promise<StoredRun> {
    if (this.steps.length === 0) {
      throw new OrchestratorError(
        'ORCHESTRATOR_PIPELINE_EMPTY',
        'This orchestrator was built with an empty pipeline; the default (ORCHESTRATOR_PIPELINE=production) makes films, ORCHESTRATOR_PIPELINE=diagnostic runs the operator diagnostic pipeline',
      );
    }
    const id = randomUUID();
    const at = now();
    const run: StoredRun = {
      id,
      projectId: input.projectId,
      idea: input.idea,
      state: 'queued',
      options: input.options,
      steps: this.steps.map((s) => ({ name: s.name, state: 'pending', progress: 0, attempts: 0 })),
      choices: {},
      ...(input.userId === undefined ? {} : { startedBy: input.userId }),
      createdAt: at,
      updatedAt: at,
      thread: id,
      generation: 0,
    };
    await this.store.create(run);
    this.#emit('run.queued', run, { idea: run.idea.slice(0, 500), autopilot: run.options.autopilot, steps: run.steps.map((s) => s.name) });
    this.kick(id);
    return run;
  }

  async resume(runId: string, optionIndex: number): Promise<StoredRun> {
    let step = '';
    const run = await this.store.update(runId, (r) => {
      if (r.state !== 'waiting_for_choice' || r.choice === undefined) {
        throw new OrchestratorError('ORCHESTRATOR_RUN_NOT_WAITING', `Run ${runId} is not waiting for a choice (it is ${r.state})`, {
          data: { runId, state: r.state },
        });
      }
      const count = r.choice.options.length;
      if (optionIndex >= count) {
        throw new OrchestratorError(
          'ORCHESTRATOR_CHOICE_OUT_OF_RANGE',
          `Invalid input: choice.optionIndex: run ${runId} offers options 0–${count - 1} at ${r.choice.step}; got ${optionIndex}`,
          { data: { runId, optionIndex, options: count } },
        );
      }
      assertTransition(runId, r.state, 'running');
      step = r.choice.step;
      r.state = 'running';
      r.choices[step] = optionIndex;
      r.pendingResume = { step, optionIndex };
      delete r.choice;
      return r;
    });
    this.#emit('run.resumed', run, { step, optionIndex, autopilot: false });
    this.kick(runId);
    return run;
  }

  async cancel(runId: string): Promise<StoredRun> {
    let runningStep: string | undefined;
    const run = await this.store.update(runId, (r) => {
      if (isTerminal(r.state)) {
        throw new OrchestratorError('ORCHESTRATOR_RUN_FINISHED', `Run ${runId} already ended (${r.state}); nothing to cancel`, {
          data: { runId, state: r.state },
        });
      }
      assertTransition(runId, r.state, 'cancelled');
      r.state = 'cancelled';
      r.finishedAt = now();
      for (const s of r.steps) {
        if (s.state === 'running') {
          runningStep = s.name;
          s.state = 'failed';
          s.finishedAt = r.finishedAt;
          s.error = { code: 'ORCHESTRATOR_RUN_CANCELLED', message: 'The run was cancelled while this step ran' };
        } else if (s.state === 'pending') {
          s.state = 'skipped';
        }
      }
      delete r.choice;
      delete r.pendingResume;
      return r;
    });
    const local = this.#local.get(runId);
    if (local) this.#abort(local, 'cancel');
    this.#emit('run.cancelled', run, runningStep === undefined ? {} : { step: runningStep });
    return run;
  }

  async retry(runId: string, stepName: string): Promise<StoredRun> {
    const index = this.steps.findIndex((s) => s.name === stepName);
    if (index < 0) {
      throw new OrchestratorError(
        'ORCHESTRATOR_UNKNOWN_STEP',
        `Invalid input: step: "${stepName}" is not a step of this pipeline (steps: ${this.steps.map((s) => s.name).join(', ')})`,
        { data: { step: stepName, steps: this.steps.map((s) => s.name) } },
      );
    }
    let oldThread = '';
    const run = await this.store.update(runId, (r) => {
      if (!isTerminal(r.state)) {
        throw new OrchestratorError(
          'ORCHESTRATOR_RUN_ACTIVE',
          `Run ${runId} is ${r.state}; retry_step needs a run that ended (cancel it first)`,
          {
            data: { runId, state: r.state },
          },
        );
      }
      assertTransition(runId, r.state, 'queued');
      // Choices made before the retried step still hold; the retried step and what follows are decided again.
      const carried: Record<string, number> = {};
      for (const s of this.steps.slice(0, index)) {
        const c = r.choices[s.name];
        if (s.kind === 'choice' && c !== undefined) carried[s.name] = c;
      }
      oldThread = r.thread;
      r.generation += 1;
      r.thread = `${r.id}:g${r.generation}`;
      r.state = 'queued';
      r.force = stepName;
      r.choices = carried;
      r.carriedChoices = carried;
      delete r.error;
      delete r.finishedAt;
      delete r.choice;
      delete r.pendingResume;
      r.steps = r.steps.map((s, i) => (i < index ? s : { name: s.name, state: 'pending', progress: 0, attempts: s.attempts }));
      return r;
    });
    // The old thread's checkpoints are of no further use: the new thread reuses step outputs through the step cache.
    this.saver.deleteThread(oldThread).catch((err) => this.#log.warn({ err, runId }, 'old checkpoints not deleted'));
    this.#emit('run.queued', run, { idea: run.idea.slice(0, 500), autopilot: run.options.autopilot, steps: run.steps.map((s) => s.name) });
    this.kick(runId);
    return run;
  }

  /**
   * The run after waiting up to `waitMs` for it to settle (waiting for a choice, or ended);
   * `onChange` sees every update meanwhile. Changes by other replicas are seen by polling.
   */
  async waitFor(runId: string, waitMs: number, onChange?: (run: StoredRun) => void, signal?: AbortSignal): Promise<StoredRun> {
    let run = await this.store.require(runId);
    if (waitMs <= 0 || isSettled(run.state)) return run;
    return new Promise<StoredRun>((resolve) => {
      const seen = (r: StoredRun) => {
        if (r.id !== runId || r.updatedAt < run.updatedAt) return;
        run = r;
        onChange?.(r);
        if (isSettled(r.state)) finish();
      };
      const poll = setInterval(() => {
        this.store.get(runId).then(
          (r) => r && r.updatedAt !== run.updatedAt && seen(r),
          () => {},
        );
      }, 500);
      const timer = setTimeout(() => finish(), waitMs);
      const finish = () => {
        clearInterval(poll);
        clearTimeout(timer);
        this.store.off('change', seen);
        signal?.removeEventListener('abort', finish);
        resolve(run);
      };
      this.store.on('change', seen);
      signal?.addEventListener('abort', finish, { once: true });
    });
  }

  /** Overall progress of a run, 0–1. */
  progressOf(run: StoredRun): number {
    return runProgress(run);
  }

  // ── execution ──────────────────────────────────────────────────────────────────────────────

  /** Tries to execute a run now, if this process has room and nobody else holds its lease. */
  kick(runId: string): void {
    if (this.#stopping || this.#graph === undefined || this.#local.has(runId) || this.#local.size >= this.#opts.concurrency) return;
    const local: LocalRun = { runId, controller: new AbortController(), lastProgressAt: 0 };
    this.#local.set(runId, local);
    local.done = this.#execute(local)
      .catch((err) => this.#log.error({ err, runId }, 'run execution failed'))
      .finally(() => {
        clearTimeout(local.progressTimer);
        this.#local.delete(runId);
      });
  }

  async #sweep(): Promise<void> {
    if (this.#stopping) return;
    try {
      for (const id of await this.store.activeIds()) this.kick(id);
    } catch (err) {
      this.#log.warn({ err: (err as Error).message }, 'could not look for runs to execute');
    }
  }

  #abort(local: LocalRun, reason: StopReason): void {
    local.reason ??= reason;
    local.controller.abort(new RunStopped(local.runId, reason));
  }

  async #execute(local: LocalRun): Promise<void> {
    const { runId } = local;
    const { instanceId, leaseMs } = this.#opts;
    if (!(await this.store.acquireLease(runId, instanceId, leaseMs))) return;
    const renew = setInterval(
      () => {
        this.store.renewLease(runId, instanceId, leaseMs).then(
          (ok) => {
            if (!ok) this.#abort(local, 'lease');
          },
          (err) => this.#log.warn({ err: (err as Error).message, runId }, 'lease not renewed'),
        );
        // A cancel made through another replica reaches the executor here.
        this.store.get(runId).then(
          (r) => {
            if (r?.state === 'cancelled') this.#abort(local, 'cancel');
          },
          () => {},
        );
      },
      Math.max(50, Math.floor(leaseMs / 3)),
    );
    try {
      await this.#drive(local);
      this.#infraFailures.delete(runId);
    } catch (err) {
      await this.#onError(local, err);
    } finally {
      clearInterval(renew);
      await this.#flushProgress(local).catch(() => {});
      await this.store.releaseLease(runId, instanceId).catch(() => {});
    }
  }

  async #drive(local: LocalRun): Promise<void> {
    const graph = this.#graph as RunGraph;
    const { runId } = local;
    let run = await this.store.require(runId);
    if (run.state !== 'queued' && run.state !== 'running') return;
    const config = {
      configurable: { thread_id: run.thread },
      signal: local.controller.signal,
      durability: 'sync' as const,
      recursionLimit: this.steps.length * 3 + 10,
    };
    let snapshot = await graph.getState(config);
    const fromCheckpoint = snapshot.createdAt !== undefined;
    if (run.state === 'queued') {
      run = await this.store.update(runId, (r) => {
        if (r.state !== 'queued') throw new RunStopped(runId, `it is ${r.state}`);
        r.state = 'running';
        return r;
      });
    }
    this.#emit('run.started', run, { resumedFromCheckpoint: fromCheckpoint });
    let input: unknown;
    if (!fromCheckpoint) {
      const seed: RunSeed = {
        runId,
        projectId: run.projectId,
        ...(run.startedBy === undefined ? {} : { userId: run.startedBy }),
        idea: run.idea,
        options: run.options,
        ...(run.force === undefined ? {} : { force: run.force }),
        choices: run.carriedChoices ?? {},
      };
      input = { seed };
    } else {
      const waiting = pendingChoice(snapshot);
      if (waiting !== undefined) {
        if (run.pendingResume?.step !== waiting.step) {
          await this.#pause(runId, waiting);
          return;
        }
        input = new Command({ resume: { optionIndex: run.pendingResume.optionIndex } });
      } else if (snapshot.next.length === 0) {
        await this.#complete(runId);
        return;
      } else {
        input = null;
      }
    }
    await graph.invoke(input as never, config);
    snapshot = await graph.getState(config);
    const waiting = pendingChoice(snapshot);
    if (waiting !== undefined) await this.#pause(runId, waiting);
    else if (snapshot.next.length === 0) await this.#complete(runId);
  }

  async #onError(local: LocalRun, err: unknown): Promise<void> {
    const { runId } = local;
    if (local.reason !== undefined || err instanceof RunStopped) {
      this.#log.info({ runId, reason: local.reason ?? (err as Error).message }, 'run execution stopped');
      return;
    }
    if (err instanceof StepFailure) {
      await this.#fail(runId, { code: err.error.code, message: err.error.message, retryable: err.error.retryable, step: err.step });
      return;
    }
    // The engine's own trouble (Redis gone, a checkpoint not written): the run stays active and the
    // sweeper tries again from its last checkpoint; a run that keeps failing this way is failed.
    const count = (this.#infraFailures.get(runId) ?? 0) + 1;
    this.#infraFailures.set(runId, count);
    this.#log.error({ err, runId, count }, 'run interrupted by an engine error; it will continue from its last checkpoint');
    if (count >= 5) {
      this.#infraFailures.delete(runId);
      const e = toAutomovieError(err);
      await this.#fail(runId, { code: e.code, message: e.message, retryable: e.retryable }).catch((e2) =>
        this.#log.error({ err: e2, runId }, 'run could not be marked failed'),
      );
    }
  }

  async #pause(runId: string, choice: RunChoice): Promise<void> {
    const run = await this.store.update(runId, (r) => {
      if (r.state !== 'running') return undefined;
      assertTransition(runId, r.state, 'waiting_for_choice');
      r.state = 'waiting_for_choice';
      r.choice = choice;
      delete r.pendingResume;
      return r;
    });
    if (run.state === 'waiting_for_choice')
      this.#emit('run.waiting_for_choice', run, { step: choice.step, options: choice.options.length });
  }

  async #complete(runId: string): Promise<void> {
    const run = await this.store.update(runId, (r) => {
      if (r.state !== 'running') return undefined;
      assertTransition(runId, r.state, 'completed');
      r.state = 'completed';
      r.finishedAt = now();
      delete r.force;
      delete r.pendingResume;
      return r;
    });
    this.store.forget(runId);
    if (run.state === 'completed') {
      this.#emit('run.completed', run, { durationMs: Date.parse(run.finishedAt ?? run.updatedAt) - Date.parse(run.createdAt) });
    }
  }

  async #fail(runId: string, error: RunError): Promise<void> {
    const run = await this.store.update(runId, (r) => {
      if (r.state !== 'running' && r.state !== 'queued') return undefined;
      r.state = 'failed';
      r.error = error;
      r.finishedAt = now();
      return r;
    });
    this.store.forget(runId);
    if (run.state === 'failed')
      this.#emit('run.failed', run, { error: { code: error.code, message: error.message, ...(error.step ? { step: error.step } : {}) } });
  }

  /** Changes one step of a run that is still running (else the run was cancelled or taken over: stop). */
  async #updateStep(runId: string, name: string, change: (s: RunStep, r: StoredRun) => void): Promise<StoredRun> {
    return this.store.update(runId, (r) => {
      if (r.state !== 'running') throw new RunStopped(runId, `it is ${r.state}`);
      const s = r.steps.find((x) => x.name === name);
      if (s === undefined) throw new OrchestratorError('ORCHESTRATOR_UNKNOWN_STEP', `Run ${runId} has no step ${name}`);
      change(s, r);
      return r;
    });
  }

  #localOf(runId: string): LocalRun {
    const local = this.#local.get(runId);
    if (local === undefined) throw new RunStopped(runId, 'not executing here');
    if (local.controller.signal.aborted) throw local.controller.signal.reason;
    return local;
  }

  async #work(step: WorkStepDef, state: RunGraphValues): Promise<unknown> {
    const view = viewOf(state);
    const { runId, projectId } = view;
    const local = this.#localOf(runId);
    const input = step.input(view);
    const key = createHash('sha256')
      .update(JSON.stringify([step.name, step.version ?? 1, projectId, input ?? null]))
      .digest('hex');
    if (state.seed.force !== step.name) {
      const hit = (await this.store.cacheGet(key)) as { o: unknown } | undefined;
      if (hit !== undefined) {
        const run = await this.#updateStep(runId, step.name, (s) => {
          s.state = 'completed';
          s.progress = 1;
          s.reused = true;
          s.finishedAt = now();
          s.outputSummary = summarize(step, hit.o);
          delete s.error;
          delete s.message;
        });
        this.#emit('run.step_completed', run, { step: step.name, reused: true, attempts: stepOf(run, step.name).attempts, durationMs: 0 });
        return hit.o;
      }
    }
    await this.#updateStep(runId, step.name, (s) => {
      s.state = 'running';
      s.attempts += 1;
      s.progress = 0;
      s.startedAt = now();
      delete s.finishedAt;
      delete s.error;
      delete s.message;
      delete s.reused;
    });
    const started = performance.now();
    const { clients } = this.#opts;
    const ctx: StepContext = {
      runId,
      projectId,
      userId: view.userId,
      clients,
      client: (target) => (view.userId === undefined ? clients.asService(target) : clients.forUser(target, view.userId)),
      progress: (fraction, message) => this.#progress(local, step.name, fraction, message),
      signal: local.controller.signal,
      log: this.#log.child({ runId, step: step.name }),
    };
    let output: unknown;
    try {
      output = await step.run(input, ctx);
    } catch (err) {
      if (local.controller.signal.aborted) throw local.controller.signal.reason;
      throw await this.#stepFailed(runId, step.name, toAutomovieError(err));
    }
    const json = JSON.stringify({ o: output ?? null });
    if (Buffer.byteLength(json) > MAX_STEP_OUTPUT_BYTES) {
      throw await this.#stepFailed(
        runId,
        step.name,
        new OrchestratorError(
          'ORCHESTRATOR_STEP_OUTPUT_TOO_LARGE',
          `Step ${step.name} returned ${Buffer.byteLength(json)} bytes; outputs are references (ids, counts) of at most ${MAX_STEP_OUTPUT_BYTES} bytes`,
        ),
      );
    }
    await this.store.cacheSet(key, json, this.#opts.cacheTtlS);
    local.progress = undefined;
    const value = (JSON.parse(json) as { o: unknown }).o;
    const run = await this.#updateStep(runId, step.name, (s) => {
      s.state = 'completed';
      s.progress = 1;
      s.finishedAt = now();
      s.outputSummary = summarize(step, value);
      delete s.message;
    });
    this.#emit('run.step_completed', run, {
      step: step.name,
      reused: false,
      attempts: stepOf(run, step.name).attempts,
      durationMs: Math.round((performance.now() - started) * 100) / 100,
    });
    return value;
  }

  async #stepFailed(runId: string, name: string, error: AutomovieError): Promise<StepFailure> {
    await this.#updateStep(runId, name, (s) => {
      s.state = 'failed';
      s.finishedAt = now();
      s.error = { code: error.code, message: error.message.slice(0, 2000), retryable: error.retryable };
    });
    return new StepFailure(name, error);
  }

  async #choose(step: ChoiceStepDef, state: RunGraphValues): Promise<number> {
    const view = viewOf(state);
    const { runId } = view;
    this.#localOf(runId);
    const options = step.options(view);
    const done = async (index: number, autopilot: boolean) => {
      const picked = options[index];
      const run = await this.#updateStep(runId, step.name, (s, r) => {
        s.state = 'completed';
        s.progress = 1;
        s.finishedAt = now();
        s.outputSummary = `option ${index}${picked ? `: ${picked.title}` : ''}${autopilot ? ' (autopilot)' : ''}`;
        delete s.message;
        r.choices[step.name] = index;
      });
      if (autopilot) this.#emit('run.resumed', run, { step: step.name, optionIndex: index, autopilot: true });
      return index;
    };
    const made = state.seed.choices[step.name] ?? view.choices[step.name];
    if (made !== undefined) return done(made, false);
    if (view.options.autopilot) return done(0, true);
    await this.#updateStep(runId, step.name, (s) => {
      if (s.state !== 'running') {
        s.state = 'running';
        s.attempts += 1;
        s.startedAt = now();
      }
      s.message = 'waiting for a choice';
    });
    const choice: RunChoice = {
      step: step.name,
      prompt: step.prompt,
      options: options.map((o, index) => ({ index, title: o.title.slice(0, 200), summary: o.summary.slice(0, 2000) })),
    };
    const answer = interrupt(choice) as { optionIndex: number };
    return done(answer.optionIndex, false);
  }

  #progress(local: LocalRun, step: string, fraction: number, message?: string): void {
    if (local.controller.signal.aborted) return;
    local.progress = {
      step,
      fraction: Math.max(0, Math.min(1, Number.isFinite(fraction) ? fraction : 0)),
      ...(message ? { message: message.slice(0, 500) } : {}),
    };
    if (local.progressTimer !== undefined) return;
    const interval = this.#opts.progressIntervalMs ?? 200;
    const wait = Math.max(0, local.lastProgressAt + interval - Date.now());
    local.progressTimer = setTimeout(() => {
      local.progressTimer = undefined;
      this.#flushProgress(local).catch((err) => this.#log.debug({ err: (err as Error).message }, 'progress not written'));
    }, wait);
  }

  async #flushProgress(local: LocalRun): Promise<void> {
    const p = local.progress;
    local.progress = undefined;
    clearTimeout(local.progressTimer);
    local.progressTimer = undefined;
    if (p === undefined) return;
    local.lastProgressAt = Date.now();
    const run = await this.store.update(local.runId, (r) => {
      const s = r.steps.find((x) => x.name === p.step);
      if (r.state !== 'running' || s === undefined || s.state !== 'running') return undefined;
      s.progress = p.fraction;
      if (p.message !== undefined) s.message = p.message;
      return r;
    });
    if (run.state === 'running') {
      this.#emit('run.progress', run, {
        step: p.step,
        stepProgress: p.fraction,
        progress: runProgress(run),
        ...(p.message === undefined ? {} : { message: p.message }),
      });
    }
  }

  #emit(type: string, run: StoredRun, data: Record<string, unknown>): void {
    // Not awaited: the publisher never throws, and a step should not wait on the event stream.
    void this.#opts.events?.publish(
      type,
      { runId: run.id, projectId: run.projectId, ...data },
      { projectId: run.projectId, runId: run.id, ...(run.startedBy ? { actor: `user:${run.startedBy}` } : {}) },
    );
  }
}

function stepOf(run: StoredRun, name: string): RunStep {
  return run.steps.find((s) => s.name === name) as RunStep;
}

/** The choice a thread's graph is paused at, if any. */
function pendingChoice(snapshot: { tasks: readonly { interrupts?: readonly { value?: unknown }[] }[] }): RunChoice | undefined {
  for (const task of snapshot.tasks) {
    for (const i of task.interrupts ?? []) {
      const v = i.value as RunChoice | undefined;
      if (v && typeof v.step === 'string' && Array.isArray(v.options)) return v;
    }
  }
  return undefined;
}
