import { z } from 'zod';

/**
 * Stable error codes shared by every service. Across process, queue or MCP boundaries, match on
 * `code`, never on `instanceof`. Services add their own codes (`BRAIN_PROJECT_NOT_FOUND`) with
 * the same shape.
 */
export const ErrorCodes = {
  INVALID_INPUT: { status: 400, retryable: false },
  INVALID_OUTPUT: { status: 502, retryable: false },
  INVALID_CONFIG: { status: 500, retryable: false },
  UNAUTHENTICATED: { status: 401, retryable: false },
  FORBIDDEN: { status: 403, retryable: false },
  NOT_FOUND: { status: 404, retryable: false },
  CONFLICT: { status: 409, retryable: false },
  PAYLOAD_TOO_LARGE: { status: 413, retryable: false },
  RATE_LIMITED: { status: 429, retryable: true },
  UNKNOWN_TOOL: { status: 404, retryable: false },
  TIMEOUT: { status: 504, retryable: true },
  CONNECTION_LOST: { status: 503, retryable: true },
  UNAVAILABLE: { status: 503, retryable: true },
  INTERNAL: { status: 500, retryable: false },
} as const satisfies Record<string, { status: number; retryable: boolean }>;
export type CommonErrorCode = keyof typeof ErrorCodes;

/** Error codes are SCREAMING_SNAKE_CASE, optionally prefixed by the owning service. */
export const ErrorCodeSchema = z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'error codes are SCREAMING_SNAKE_CASE');

/** What crosses the wire for an error: in a tool result's `_meta`, an HTTP body or a job's failure. */
export const WireErrorSchema = z.object({
  code: ErrorCodeSchema,
  message: z.string(),
  status: z.number().int().min(400).max(599),
  retryable: z.boolean(),
  data: z.unknown().optional(),
});
export type WireError = z.infer<typeof WireErrorSchema>;

/** The `_meta` key of a tool result that carries a WireError. */
export const ERROR_META_KEY = 'automovie/error';

export interface AutomovieErrorOptions {
  status?: number;
  retryable?: boolean;
  data?: unknown;
  cause?: unknown;
}

/** The one error class of the fleet: a stable `code`, an HTTP-like `status`, and `data`. */
export class AutomovieError extends Error {
  readonly code: string;
  readonly status: number;
  readonly retryable: boolean;
  readonly data: unknown;

  constructor(code: string, message: string, options: AutomovieErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AutomovieError';
    this.code = code;
    const known = (ErrorCodes as Record<string, { status: number; retryable: boolean } | undefined>)[code];
    this.status = options.status ?? known?.status ?? 500;
    this.retryable = options.retryable ?? known?.retryable ?? false;
    this.data = options.data;
  }

  toWire(): WireError {
    const wire: WireError = { code: this.code, message: this.message, status: this.status, retryable: this.retryable };
    if (this.data !== undefined) wire.data = this.data;
    return wire;
  }

  static fromWire(wire: WireError): AutomovieError {
    return new AutomovieError(wire.code, wire.message, { status: wire.status, retryable: wire.retryable, data: wire.data });
  }
}

/** Duck-typed check that survives realms and bundles: anything with a string `code` and numeric `status`. */
export function isAutomovieError(err: unknown): err is AutomovieError {
  return (
    err instanceof AutomovieError ||
    (typeof err === 'object' &&
      err !== null &&
      typeof (err as { code?: unknown }).code === 'string' &&
      typeof (err as { status?: unknown }).status === 'number' &&
      typeof (err as { retryable?: unknown }).retryable === 'boolean')
  );
}

/** One problem with an input, named by its path: `scenes[2].heading: Too big: expected string to have <=200 characters`. */
export interface FieldIssue {
  path: string;
  message: string;
}

/** Renders a zod path as `a.b[2].c`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(root)' : out;
}

/** Turns a zod error into INVALID_INPUT (or another code) that names every field and rule. */
export function fromZodError(err: z.ZodError, what = 'input', code: string = 'INVALID_INPUT'): AutomovieError {
  const issues: FieldIssue[] = err.issues.map((i) => ({ path: formatPath(i.path), message: i.message }));
  const head = issues
    .slice(0, 5)
    .map((i) => `${i.path}: ${i.message}`)
    .join('; ');
  const more = issues.length > 5 ? ` (and ${issues.length - 5} more)` : '';
  return new AutomovieError(code, `Invalid ${what}: ${head}${more}`, { data: { issues } });
}

/** Any thrown value → AutomovieError; unknown errors become INTERNAL and keep their cause. */
export function toAutomovieError(err: unknown): AutomovieError {
  if (err instanceof AutomovieError) return err;
  if (err instanceof z.ZodError) return fromZodError(err);
  if (isAutomovieError(err)) {
    const e = err as AutomovieError;
    return new AutomovieError(e.code, e.message, { status: e.status, retryable: e.retryable, data: e.data, cause: err });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new AutomovieError('INTERNAL', `Internal error: ${message}`, { cause: err });
}
