import { AutomovieError } from '@automovie/contracts';

/** Stable error codes of the visual service. Across MCP, match on `code`, never on `instanceof`. */
export const VisualErrorCodes = {
  /** plan_shots needs the screenplay's scenes (story service: write_screenplay or import_screenplay). */
  VISUAL_NO_SCENES: { status: 409, retryable: false },
  /** render_storyboard needs a shot list (plan_shots). */
  VISUAL_NO_SHOTS: { status: 409, retryable: false },
  VISUAL_SHOT_NOT_FOUND: { status: 404, retryable: false },
  /** A shot names someone who is not a character of the project. */
  VISUAL_UNKNOWN_CHARACTER: { status: 400, retryable: false },
  /** The brain's shot plan or prompts do not fit the scenes they were asked for. */
  VISUAL_BAD_GENERATION: { status: 502, retryable: true },
  /** The render_frames task failed; `data.task` has its error. */
  VISUAL_RENDER_FAILED: { status: 502, retryable: true },
  /** The frames were not done in time; the task keeps running and a retry picks it up (same idempotency key). */
  VISUAL_RENDER_TIMEOUT: { status: 504, retryable: true },
} as const;
export type VisualErrorCode = keyof typeof VisualErrorCodes;

/** An error of the visual service: its code fixes status and retryability. */
export class VisualError extends AutomovieError {
  constructor(code: VisualErrorCode, message: string, data?: unknown, cause?: unknown) {
    const { status, retryable } = VisualErrorCodes[code];
    super(code, message, { status, retryable, ...(data === undefined ? {} : { data }), ...(cause === undefined ? {} : { cause }) });
    this.name = 'VisualError';
  }
}
