import { redactUrlsInText } from '@automovie/mcp-ws';
import { type Logger as PinoLogger, pino } from 'pino';

/** Paths pino blanks out wherever they appear in a log line. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'authorization',
  'token',
  '*.token',
  'access_token',
  '*.access_token',
  'apiKey',
  '*.apiKey',
  'secret',
  '*.secret',
  'password',
  '*.password',
  'AUTOMOVIE_JWT_SECRET',
  '*.AUTOMOVIE_JWT_SECRET',
];

export interface LoggerOptions {
  service: string;
  version: string;
  /** Default `info`. */
  level?: string;
  /** Where lines go. Default stdout. */
  destination?: NodeJS.WritableStream;
}

/**
 * The service's root logger: JSON lines with service and version, secrets redacted: the values of
 * REDACT_PATHS, and in the finished line every authorizing URL parameter (`sig`, `token`,
 * `access_token`… see redactUrl), wherever a URL appears (a `url` field, a message, an error's
 * stack), so a signed URL in a log is never a credential.
 */
export function createLogger(opts: LoggerOptions): PinoLogger {
  return pino(
    {
      level: opts.level ?? 'info',
      base: { service: opts.service, version: opts.version, pid: process.pid },
      redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      hooks: { streamWrite: (line) => redactUrlsInText(line) },
    },
    opts.destination ?? process.stdout,
  );
}
