import { AutomovieError } from '@automovie/contracts';

/** Stable error codes of the video service. Across MCP, match on `code`, never on `instanceof`. */
export const VideoErrorCodes = {
  /** The project has no timeline: run build_timeline (after voice_dialogue). */
  VIDEO_NO_TIMELINE: { status: 409, retryable: false },
  /** The project has no shots: the visual service's plan_shots makes them. */
  VIDEO_NO_SHOTS: { status: 409, retryable: false },
  /** Dialogue lines without measured audio: run the audio service's voice_dialogue. */
  VIDEO_LINES_NOT_VOICED: { status: 409, retryable: false },
  /** Shots without a storyboard frame: run the visual service's render_storyboard. */
  VIDEO_MISSING_FRAMES: { status: 409, retryable: false },
  /** The stored mix was made for another timeline: run the audio service's mix again. */
  VIDEO_MIX_STALE: { status: 409, retryable: false },
  /** No shot with that id in the project. */
  VIDEO_SHOT_NOT_FOUND: { status: 404, retryable: false },
  /** An asset that is not the kind of media the tool works on (a still given to trim…). */
  VIDEO_UNSUPPORTED_ASSET: { status: 400, retryable: false },
  /** The gpu-tasks task failed, was cancelled or answered something unexpected. */
  VIDEO_TASK_FAILED: { status: 502, retryable: true },
} as const;
export type VideoErrorCode = keyof typeof VideoErrorCodes;

/** An error of the video service: its code fixes status and retryability. */
export class VideoError extends AutomovieError {
  constructor(code: VideoErrorCode, message: string, data?: unknown, cause?: unknown) {
    const { status, retryable } = VideoErrorCodes[code];
    super(code, message, { status, retryable, ...(data === undefined ? {} : { data }), ...(cause === undefined ? {} : { cause }) });
    this.name = 'VideoError';
  }
}

/** The video service's error for a gpu-tasks task that did not complete (runTask's `fail`). */
export function taskFailed(message: string, data: unknown): VideoError {
  return new VideoError('VIDEO_TASK_FAILED', message, data);
}
