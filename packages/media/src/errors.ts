import { AutomovieError, formatPath } from '@automovie/contracts';
import type { z } from 'zod';

/**
 * Stable codes of the media helpers. Callers across process, queue or MCP boundaries match on
 * `code`; `data` carries what a person needs to act (ffmpeg's last stderr lines, the package to
 * install, the field that was wrong).
 */
export const MediaErrorCodes = {
  /** ffmpeg or ffprobe exited non-zero; `data.stderr` keeps its last lines. */
  MEDIA_FFMPEG_FAILED: { status: 500, retryable: false },
  /** espeak-ng exited non-zero or wrote no audio. */
  MEDIA_ESPEAK_FAILED: { status: 500, retryable: false },
  /** A program (or an ffmpeg feature such as libass) is not installed; `data.aptPackage` names the Debian package. */
  MEDIA_TOOL_MISSING: { status: 503, retryable: false },
  MEDIA_INVALID_INPUT: { status: 400, retryable: false },
  /** resvg could not parse or render an SVG document. */
  MEDIA_SVG_INVALID: { status: 400, retryable: false },
  /** Bytes that are not a well-formed PNG (signature, IHDR or a chunk length). */
  MEDIA_PNG_INVALID: { status: 400, retryable: false },
  /** The caller's AbortSignal fired; the child process was killed. */
  MEDIA_ABORTED: { status: 499, retryable: true },
} as const satisfies Record<string, { status: number; retryable: boolean }>;
export type MediaErrorCode = keyof typeof MediaErrorCodes;

/** An error of the media helpers with a stable code from `MediaErrorCodes`. */
export class MediaError extends AutomovieError {
  constructor(code: MediaErrorCode, message: string, options: { data?: unknown; cause?: unknown } = {}) {
    const known = MediaErrorCodes[code];
    super(code, message, { status: known.status, retryable: known.retryable, ...options });
    this.name = 'MediaError';
  }
}

/** MEDIA_INVALID_INPUT naming the field and the rule. */
export function invalidMediaInput(field: string, rule: string): MediaError {
  return new MediaError('MEDIA_INVALID_INPUT', `Invalid input: ${field}: ${rule}`, { data: { issues: [{ path: field, message: rule }] } });
}

/** Validates `value` with `schema`, turning zod's issues into MEDIA_INVALID_INPUT that names every field. */
export function parseMediaInput<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const res = schema.safeParse(value);
  if (res.success) return res.data;
  const issues = res.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message }));
  const head = issues
    .slice(0, 5)
    .map((i) => `${i.path}: ${i.message}`)
    .join('; ');
  return throwInvalid(`Invalid ${what}: ${head}`, issues);
}

function throwInvalid(message: string, issues: Array<{ path: string; message: string }>): never {
  throw new MediaError('MEDIA_INVALID_INPUT', message, { data: { issues } });
}

/** MEDIA_ABORTED, for a signal that fired before or during the work. */
export function abortedError(signal?: AbortSignal): MediaError {
  return new MediaError('MEDIA_ABORTED', 'The media operation was aborted', { cause: signal?.reason });
}
