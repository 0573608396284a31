import { AutomovieError, toAutomovieError } from '@automovie/contracts';

/** Fastify's own error codes → the fleet's. */
const FASTIFY_CODES: Record<number, string> = {
  400: 'INVALID_INPUT',
  404: 'NOT_FOUND',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'INVALID_INPUT',
  429: 'RATE_LIMITED',
};

/**
 * The one mapping from anything thrown to the error a caller sees, over HTTP here and over MCP
 * in mcp-ws (both go through `toAutomovieError`): known codes keep their status; Fastify's
 * client errors keep theirs; the rest become INTERNAL with the cause kept for the log.
 */
export function toServiceError(err: unknown): AutomovieError {
  const e = err as { statusCode?: unknown; code?: unknown; message?: unknown; validation?: unknown };
  if (!(err instanceof AutomovieError) && typeof e?.statusCode === 'number' && typeof e.code === 'string' && e.code.startsWith('FST_')) {
    const status = e.statusCode;
    const code = FASTIFY_CODES[status] ?? (status >= 500 ? 'INTERNAL' : 'INVALID_INPUT');
    return new AutomovieError(code, String(e.message), { status, data: { fastifyCode: e.code }, cause: err });
  }
  if (!(err instanceof AutomovieError) && err instanceof SyntaxError && typeof e.statusCode === 'number') {
    return new AutomovieError('INVALID_INPUT', `Invalid JSON body: ${err.message}`, { cause: err });
  }
  return toAutomovieError(err);
}

/** service-kit's own error codes (the asset transfer helpers). */
export const ServiceKitErrorCodes = {
  /** Downloaded bytes whose sha256 is not the one the server announced (ETag): nothing was kept. */
  ASSET_CHECKSUM_MISMATCH: { status: 502, retryable: true },
  /** The transfer broke off or the server answered something that is not the asset protocol. */
  ASSET_TRANSFER_FAILED: { status: 502, retryable: true },
} as const satisfies Record<string, { status: number; retryable: boolean }>;
export type ServiceKitErrorCode = keyof typeof ServiceKitErrorCodes;

/** An error of service-kit itself, with a stable code from `ServiceKitErrorCodes`. */
export class ServiceKitError extends AutomovieError {
  constructor(code: ServiceKitErrorCode, message: string, options: { data?: unknown; cause?: unknown } = {}) {
    const known = ServiceKitErrorCodes[code];
    super(code, message, { status: known.status, retryable: known.retryable, ...options });
    this.name = 'ServiceKitError';
  }
}
