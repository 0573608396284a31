import { AutomovieError } from '@automovie/contracts';

/** The orchestrator's own error codes (fleet codes such as INVALID_INPUT pass through unchanged). */
export const OrchestratorErrorCodes = {
  ORCHESTRATOR_RUN_NOT_FOUND: { status: 404, retryable: false },
  /** The project does not exist or the caller is not a member of it. */
  ORCHESTRATOR_PROJECT_NOT_FOUND: { status: 404, retryable: false },
  /** resume_run on a run that is not waiting for a choice. */
  ORCHESTRATOR_RUN_NOT_WAITING: { status: 409, retryable: false },
  /** cancel_run on a run that already ended. */
  ORCHESTRATOR_RUN_FINISHED: { status: 409, retryable: false },
  /** retry_step on a run that has not ended. */
  ORCHESTRATOR_RUN_ACTIVE: { status: 409, retryable: false },
  /** A state change the run state machine does not allow. */
  ORCHESTRATOR_INVALID_TRANSITION: { status: 409, retryable: false },
  ORCHESTRATOR_UNKNOWN_STEP: { status: 400, retryable: false },
  ORCHESTRATOR_CHOICE_OUT_OF_RANGE: { status: 400, retryable: false },
  /** The orchestrator was built with no steps (a custom, empty pipeline). */
  ORCHESTRATOR_PIPELINE_EMPTY: { status: 503, retryable: false },
  /** The brain, which says who may use a project, could not be reached. */
  ORCHESTRATOR_BRAIN_UNAVAILABLE: { status: 503, retryable: true },
  /** A step returned more than a checkpoint should hold: outputs are references, not blobs. */
  ORCHESTRATOR_STEP_OUTPUT_TOO_LARGE: { status: 500, retryable: false },
  /** The run was cancelled while the step ran. */
  ORCHESTRATOR_RUN_CANCELLED: { status: 409, retryable: false },
  /** The diagnostic pipeline failed where its idea asked it to (`fail:<step>`). */
  ORCHESTRATOR_DIAGNOSTIC_FAILURE: { status: 500, retryable: false },
  /** export_project could not make one of the film's files (the message names each format and why). */
  ORCHESTRATOR_EXPORT_INCOMPLETE: { status: 502, retryable: false },
  /** A run kept changing under a write (too many concurrent updates). */
  ORCHESTRATOR_CONFLICT: { status: 409, retryable: true },
} as const satisfies Record<string, { status: number; retryable: boolean }>;
export type OrchestratorErrorCode = keyof typeof OrchestratorErrorCodes;

/** An error of the orchestrator with a stable code from `OrchestratorErrorCodes`. */
export class OrchestratorError extends AutomovieError {
  constructor(code: OrchestratorErrorCode, message: string, options: { data?: unknown; cause?: unknown } = {}) {
    const known = OrchestratorErrorCodes[code];
    super(code, message, { status: known.status, retryable: known.retryable, ...options });
    this.name = 'OrchestratorError';
  }
}
