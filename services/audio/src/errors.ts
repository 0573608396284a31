import { AutomovieError } from '@automovie/contracts';

/** Stable error codes of the audio service. Across MCP, match on `code`, never on `instanceof`. */
export const AudioErrorCodes = {
  /** The project has no timeline yet: video's build_timeline makes it (after voice_dialogue). */
  AUDIO_NO_TIMELINE: { status: 409, retryable: false },
  /** A line on the timeline has not been voiced (or its audio is stale): run voice_dialogue. */
  AUDIO_LINE_NOT_VOICED: { status: 409, retryable: false },
  /** A scene on the timeline has no score: run score_scene. */
  AUDIO_NO_SCORE: { status: 409, retryable: false },
  /** No such scene on the timeline. */
  AUDIO_SCENE_NOT_FOUND: { status: 404, retryable: false },
  /** The gpu-tasks task failed, was cancelled or answered something unexpected. */
  AUDIO_TASK_FAILED: { status: 502, retryable: true },
} as const;
export type AudioErrorCode = keyof typeof AudioErrorCodes;

/** An error of the audio service: its code fixes status and retryability. */
export class AudioError extends AutomovieError {
  constructor(code: AudioErrorCode, message: string, data?: unknown, cause?: unknown) {
    const { status, retryable } = AudioErrorCodes[code];
    super(code, message, { status, retryable, ...(data === undefined ? {} : { data }), ...(cause === undefined ? {} : { cause }) });
    this.name = 'AudioError';
  }
}

/** The audio service's error for a gpu-tasks task that did not complete (runTask's `fail`). */
export function taskFailed(message: string, data: unknown): AudioError {
  return new AudioError('AUDIO_TASK_FAILED', message, data);
}
