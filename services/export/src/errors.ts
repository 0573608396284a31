import { AutomovieError } from '@automovie/contracts';

/** Stable error codes of the export service. Across MCP, match on `code`, never on `instanceof`. */
export const ExportErrorCodes = {
  /** A service a format needs (story for Fountain/FDX, video for MP4/WebM) cannot be reached. */
  EXPORT_SERVICE_UNAVAILABLE: { status: 503, retryable: true },
  /** The project has no animatic to export (assemble_animatic has not run). */
  EXPORT_NO_ANIMATIC: { status: 409, retryable: false },
  /** The project has no screenplay to export. */
  EXPORT_NO_SCREENPLAY: { status: 409, retryable: false },
  /** No export of that id (or none at all) in the project. */
  EXPORT_NOT_FOUND: { status: 404, retryable: false },
  /** Every requested format failed; `data.failures` says why each one did. */
  EXPORT_FAILED: { status: 422, retryable: false },
  /** A font the booklet embeds is missing on this machine. */
  EXPORT_FONT_MISSING: { status: 500, retryable: false },
  /** The collected project does not match the bundle schema (a malformed record in the graph). */
  EXPORT_BUNDLE_INVALID: { status: 500, retryable: false },
  /** Writing a file (PDF, ZIP) failed. */
  EXPORT_WRITE_FAILED: { status: 500, retryable: true },
} as const;
export type ExportErrorCode = keyof typeof ExportErrorCodes;

/** An error of the export service: its code fixes status and retryability. */
export class ExportError extends AutomovieError {
  constructor(code: ExportErrorCode, message: string, data?: unknown, cause?: unknown) {
    const { status, retryable } = ExportErrorCodes[code];
    super(code, message, { status, retryable, ...(data === undefined ? {} : { data }), ...(cause === undefined ? {} : { cause }) });
    this.name = 'ExportError';
  }
}
