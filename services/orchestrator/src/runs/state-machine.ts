import type { RunState } from '@automovie/contracts';
import { OrchestratorError } from '../errors.ts';

/**
 * queued → running → waiting_for_choice → running → completed | failed | cancelled; a run that
 * ended goes back to queued only through retry_step.
 */
const NEXT: Record<RunState, readonly RunState[]> = {
  queued: ['running', 'failed', 'cancelled'],
  running: ['waiting_for_choice', 'completed', 'failed', 'cancelled'],
  waiting_for_choice: ['running', 'cancelled'],
  completed: ['queued'],
  failed: ['queued'],
  cancelled: ['queued'],
};

export const TERMINAL_STATES: readonly RunState[] = ['completed', 'failed', 'cancelled'];
/** States in which a run wants an executor. */
export const ACTIVE_STATES: readonly RunState[] = ['queued', 'running'];

export function isTerminal(state: RunState): boolean {
  return TERMINAL_STATES.includes(state);
}

/** A settled run has nothing to do until someone acts: it waits for a choice, or it ended. */
export function isSettled(state: RunState): boolean {
  return state === 'waiting_for_choice' || isTerminal(state);
}

export function canTransition(from: RunState, to: RunState): boolean {
  return NEXT[from].includes(to);
}

/** Throws ORCHESTRATOR_INVALID_TRANSITION unless the state machine allows `from` → `to`. */
export function assertTransition(runId: string, from: RunState, to: RunState): void {
  if (!canTransition(from, to)) {
    throw new OrchestratorError(
      'ORCHESTRATOR_INVALID_TRANSITION',
      `Run ${runId} cannot go from ${from} to ${to} (from ${from} it can go to ${NEXT[from].join(', ')})`,
      { data: { runId, from, to } },
    );
  }
}
