import { AutomovieError, formatPath } from '@automovie/contracts';
import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);

/** The environment every service reads. Services extend it in their own `config.ts`. */
export const baseConfigSchema = z.object({
  /** Interface to listen on. Default 127.0.0.1 (containers set 0.0.0.0). */
  HOST: z.string().min(1).default('127.0.0.1'),
  /** TCP port; 0 picks a free one. */
  PORT: port,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** HS256 secret shared by the fleet for its JWTs. */
  AUTOMOVIE_JWT_SECRET: z.string().min(32, 'must be at least 32 characters'),
  /** Where the service keeps its data. Default `.data` under the working directory. */
  AUTOMOVIE_DATA_DIR: z.string().min(1).default('.data'),
  /** How long SIGTERM waits for calls in flight. Default 10000 ms. */
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
  /** Largest MCP message accepted. Default 4 MiB. */
  MCP_MAX_MESSAGE_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(256 << 20)
    .default(4 << 20),
  /** WebSocket ping interval; a peer silent for two intervals is dropped. Default 30000 ms. */
  MCP_HEARTBEAT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  /** Bytes waiting to be sent to one peer above which it is no longer read and senders wait. Default 1 MiB. */
  MCP_HIGH_WATER_MARK_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(1 << 30)
    .optional(),
  /** Bytes waiting to be sent to one peer above which it is closed (1008, slow consumer). Default 16 MiB. */
  MCP_MAX_BUFFERED_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(1 << 30)
    .optional(),
  /**
   * Comma-separated host names the MCP endpoint accepts in Host/Origin headers (DNS-rebinding
   * protection). Default: localhost, 127.0.0.1 and [::1] when HOST is a loopback address, else any.
   */
  MCP_ALLOWED_HOSTS: z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((h) => h.trim().toLowerCase())
        .filter((h) => h !== ''),
    )
    .optional(),
});
export type BaseConfig = z.infer<typeof baseConfigSchema>;

/**
 * Parses the environment with a service's schema, once, into a frozen object. A bad value fails
 * with INVALID_CONFIG naming each variable and its rule. An empty variable (`PORT=`) counts as
 * unset, so it takes its default or is reported missing — `z.coerce.number()` would read it as 0.
 */
export function loadConfig<S extends z.ZodType>(schema: S, env: Record<string, string | undefined>): Readonly<z.output<S>> {
  const set: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v.trim() !== '') set[k] = v;
  const r = schema.safeParse(set);
  if (!r.success) {
    const issues = r.error.issues.map((i) => ({ variable: formatPath(i.path), message: i.message }));
    throw new AutomovieError('INVALID_CONFIG', `Invalid configuration: ${issues.map((i) => `${i.variable}: ${i.message}`).join('; ')}`, {
      data: { issues },
    });
  }
  return Object.freeze(r.data) as Readonly<z.output<S>>;
}
