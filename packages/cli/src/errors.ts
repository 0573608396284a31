import { AutomovieError, isAutomovieError, toAutomovieError } from '@automovie/contracts';

/** Process exit codes of `automovie`; scripts branch on them, so they are part of the contract. */
export const ExitCodes = {
  OK: 0,
  /** The remote side (a tool, a service, the fleet launcher) failed or refused. */
  FAILURE: 1,
  /** Bad command line or input: nothing was sent. */
  USAGE: 2,
  /** The service could not be reached, or the connection was lost. */
  CONNECTION: 3,
  /** Stopped by SIGINT/SIGTERM before finishing. */
  INTERRUPTED: 130,
} as const;

/** The CLI's own error codes (fleet codes such as FORBIDDEN pass through unchanged), with their exit codes. */
export const CliErrorCodes = {
  CLI_USAGE: { exit: ExitCodes.USAGE, status: 400 },
  CLI_INVALID_JSON: { exit: ExitCodes.USAGE, status: 400 },
  CLI_INVALID_SCOPE: { exit: ExitCodes.USAGE, status: 400 },
  CLI_UNKNOWN_SERVICE: { exit: ExitCodes.USAGE, status: 400 },
  CLI_NO_CREDENTIALS: { exit: ExitCodes.USAGE, status: 400 },
  CLI_INVALID_SECRET: { exit: ExitCodes.USAGE, status: 400 },
  CLI_SERVICE_NOT_BUILT: { exit: ExitCodes.USAGE, status: 400 },
  CLI_PORT_IN_USE: { exit: ExitCodes.FAILURE, status: 409 },
  CLI_REDIS_FAILED: { exit: ExitCodes.FAILURE, status: 500 },
  CLI_SERVICE_EXITED: { exit: ExitCodes.FAILURE, status: 500 },
  CLI_SERVICE_NOT_READY: { exit: ExitCodes.FAILURE, status: 504 },
  CLI_INTERRUPTED: { exit: ExitCodes.INTERRUPTED, status: 499 },
  /** The production run ended failed or cancelled (the message names the step and its error). */
  CLI_RUN_FAILED: { exit: ExitCodes.FAILURE, status: 502 },
  /** An export file could not be downloaded from the fleet. */
  CLI_DOWNLOAD_FAILED: { exit: ExitCodes.FAILURE, status: 502 },
} as const satisfies Record<string, { exit: number; status: number }>;
export type CliErrorCode = keyof typeof CliErrorCodes;

export interface CliErrorOptions {
  data?: unknown;
  cause?: unknown;
}

/** A failure of the CLI itself; carries the process exit code besides the fleet error shape. */
export class CliError extends AutomovieError {
  readonly exitCode: number;

  constructor(code: CliErrorCode, message: string, options: CliErrorOptions = {}) {
    super(code, message, { status: CliErrorCodes[code].status, ...options });
    this.name = 'CliError';
    this.exitCode = CliErrorCodes[code].exit;
  }
}

/**
 * A fleet error (kept with its own code) that also says which exit code it maps to; used where
 * the same code means different things by phase, e.g. UNAVAILABLE at connect time is "cannot reach".
 */
export class RemoteError extends AutomovieError {
  readonly exitCode: number;

  constructor(err: AutomovieError, exitCode: number, message = err.message) {
    super(err.code, message, { status: err.status, retryable: err.retryable, data: err.data, cause: err });
    this.name = 'RemoteError';
    this.exitCode = exitCode;
  }
}

/** The exit code for anything thrown: CLI errors say theirs; a lost connection is 3; any other failure 1. */
export function exitCodeFor(err: unknown): number {
  if (err instanceof CliError || err instanceof RemoteError) return err.exitCode;
  if (isAutomovieError(err) && (err as AutomovieError).code === 'CONNECTION_LOST') return ExitCodes.CONNECTION;
  return ExitCodes.FAILURE;
}

/** How an error is printed on stderr: `CODE: message` (plus hints), or the error object as one JSON line. */
export function formatError(err: unknown, opts: { json?: boolean } = {}): string {
  const e = toAutomovieError(err);
  if (opts.json) return `${JSON.stringify(e.toWire())}\n`;
  let out = `${e.code}: ${e.message}\n`;
  const data = e.data as { tools?: unknown } | undefined;
  if (e.code === 'UNKNOWN_TOOL' && Array.isArray(data?.tools)) {
    out += `  tools of this service: ${data.tools.join(', ') || '(none)'}\n`;
  }
  return out;
}
