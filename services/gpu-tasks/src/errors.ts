import { AutomovieError } from '@automovie/contracts';

/** Stable error codes of gpu-tasks. Across the queue and MCP, match on `code`, never on `instanceof`. */
export const GpuTasksErrorCodes = {
  GPU_TASKS_UNKNOWN_KIND: { status: 400, retryable: false },
  GPU_TASKS_INVALID_PAYLOAD: { status: 400, retryable: false },
  GPU_TASKS_PAYLOAD_TOO_LARGE: { status: 413, retryable: false },
  GPU_TASKS_NOT_FOUND: { status: 404, retryable: false },
  GPU_TASKS_PROJECT_NOT_FOUND: { status: 404, retryable: false },
  GPU_TASKS_FORBIDDEN: { status: 403, retryable: false },
  GPU_TASKS_IDEMPOTENCY_CONFLICT: { status: 409, retryable: false },
  GPU_TASKS_NOT_CANCELLABLE: { status: 409, retryable: false },
  GPU_TASKS_NOT_DEAD: { status: 409, retryable: false },
  GPU_TASKS_CANCELLED: { status: 409, retryable: false },
  GPU_TASKS_STALLED: { status: 500, retryable: false },
  GPU_TASKS_KIND_UNAVAILABLE: { status: 501, retryable: false },
  GPU_TASKS_QUEUE_UNAVAILABLE: { status: 503, retryable: true },
  /** A payload names an asset that is not in the task's project (or no longer exists). */
  GPU_TASKS_ASSET_NOT_FOUND: { status: 404, retryable: false },
  /** A payload names an asset of the wrong type for its place (an audio file as a clip, an image to transcode). */
  GPU_TASKS_ASSET_UNUSABLE: { status: 422, retryable: false },
  /** ffmpeg was killed from outside (out of memory, a node drained): the same render can succeed on another attempt. */
  GPU_TASKS_RENDER_INTERRUPTED: { status: 503, retryable: true },
} as const;
export type GpuTasksErrorCode = keyof typeof GpuTasksErrorCodes;

/** An error of gpu-tasks: its code fixes status and retryability. */
export class GpuTasksError extends AutomovieError {
  constructor(code: GpuTasksErrorCode, message: string, data?: unknown, cause?: unknown) {
    const { status, retryable } = GpuTasksErrorCodes[code];
    super(code, message, { status, retryable, ...(data === undefined ? {} : { data }), ...(cause === undefined ? {} : { cause }) });
    this.name = 'GpuTasksError';
  }
}
