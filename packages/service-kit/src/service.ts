import { randomUUID } from 'node:crypto';
import { AutomovieError, whoami } from '@automovie/contracts';
import { implementTool, LOCAL_HOSTS, McpEndpoint, redactUrl, TokenAuthority, ToolHost, type ToolImpl } from '@automovie/mcp-ws';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import type { Logger as PinoLogger } from 'pino';
import type { BaseConfig } from './config.ts';
import { toServiceError } from './errors.ts';
import { createLogger } from './logger.ts';
import { ServiceMetrics } from './metrics.ts';

/** Addresses that only this machine can reach: a server bound to one only answers to local names. */
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** What a caller-supplied request id may look like. */
const REQUEST_ID = /^[\w.:@/-]{1,128}$/;

/** A named readiness check: resolves when the dependency is usable, throws with the reason otherwise. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<void> | void;
  /** A check that has not settled by then counts as failed. Default 2000 ms. */
  timeoutMs?: number;
}

/** Runs one readiness check; its failure (or its silence past the timeout) as a reason, or undefined. */
async function runCheck(c: ReadinessCheck): Promise<string | undefined> {
  const ms = c.timeoutMs ?? 2000;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      Promise.resolve().then(() => c.check()),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
      }),
    ]);
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  } finally {
    clearTimeout(timer);
  }
}

export interface ServiceDefinition<C extends BaseConfig = BaseConfig> {
  name: string;
  version: string;
  config: C;
  /** The service's domain tools; `whoami` is added to every service. */
  tools: readonly ToolImpl[];
  /** Root logger. Default: a pino logger at `config.LOG_LEVEL` on stdout. */
  logger?: PinoLogger;
  readiness?: readonly ReadinessCheck[];
  /** Extra HTTP routes, registered before listen. */
  routes?: (app: FastifyInstance) => void | Promise<void>;
  /** Releases the service's own resources, after calls have drained and the server closed. */
  onStop?: () => Promise<void> | void;
  /** MCP `instructions` sent at initialize. */
  instructions?: string;
}

export interface Service {
  readonly name: string;
  readonly app: FastifyInstance;
  readonly endpoint: McpEndpoint;
  readonly logger: PinoLogger;
  readonly metrics: ServiceMetrics;
  readonly auth: TokenAuthority;
  readonly instanceId: string;
  /** Listens on config HOST/PORT; resolves with the bound addresses. */
  start(): Promise<{ port: number; url: string; mcpUrl: string }>;
  /** Drains calls in flight (up to SHUTDOWN_GRACE_MS), closes sockets and server, then `onStop`. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Builds a service of the fleet: Fastify with request ids and JSON logs, the MCP endpoint
 * (WebSocket + Streamable HTTP at /mcp), /healthz, /readyz, /metrics, `whoami`, one error
 * mapping, and a drain-then-close stop. It does not listen until `start()`.
 */
export async function buildService<C extends BaseConfig>(def: ServiceDefinition<C>): Promise<Service> {
  const { config } = def;
  const logger = def.logger ?? createLogger({ service: def.name, version: def.version, level: config.LOG_LEVEL });
  const instanceId = randomUUID();
  const startedAt = Date.now();
  const metrics = new ServiceMetrics(def.name);
  const auth = new TokenAuthority(config.AUTOMOVIE_JWT_SECRET);

  const whoamiTool = implementTool(whoami, async (_input, ctx) => ({
    service: def.name,
    version: def.version,
    instanceId,
    uptimeS: (Date.now() - startedAt) / 1000,
    principal: ctx.principal,
  }));
  const host = new ToolHost({
    service: def.name,
    version: def.version,
    tools: [whoamiTool, ...def.tools],
    logger,
    onCall: metrics.onCall,
    ...(def.instructions === undefined ? {} : { instructions: def.instructions }),
  });

  const app = Fastify({
    loggerInstance: logger,
    // One line per request is written by the onResponse hook below, with the token stripped from the URL.
    logController: new LogController({ disableRequestLogging: true }),
    // A caller's x-request-id is kept when it looks like an id; anything else (huge, odd characters) gets a fresh one.
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    bodyLimit: config.MCP_MAX_MESSAGE_BYTES,
    return503OnClosing: true,
  }) as unknown as FastifyInstance; // the pino logger type is narrower than FastifyBaseLogger; behaviour is the same
  // On the raw response, so replies handed to the MCP SDK (hijacked, no onSend) carry it too.
  app.addHook('onRequest', async (req, reply) => {
    reply.raw.setHeader('x-request-id', req.id);
  });
  app.addHook('onResponse', async (req, reply) => {
    if (req.url === '/healthz' || req.url === '/readyz' || req.url === '/metrics') return;
    req.log.info(
      { method: req.method, url: redactUrl(req.url), status: reply.statusCode, ms: Math.round(reply.elapsedTime * 100) / 100 },
      'request',
    );
  });
  app.setErrorHandler((err, req, reply) => {
    const e = toServiceError(err);
    if (e.status >= 500) req.log.error({ err }, 'request failed');
    void reply.code(e.status).send({ error: e.toWire() });
  });
  app.setNotFoundHandler((req, reply) => {
    void reply.code(404).send({ error: new AutomovieError('NOT_FOUND', `No route ${req.method} ${redactUrl(req.url)}`).toWire() });
  });

  const endpoint = new McpEndpoint({
    host,
    auth,
    logger,
    maxMessageBytes: config.MCP_MAX_MESSAGE_BYTES,
    heartbeatMs: config.MCP_HEARTBEAT_MS,
    ...(config.MCP_ALLOWED_HOSTS !== undefined
      ? { allowedHosts: config.MCP_ALLOWED_HOSTS }
      : LOOPBACK.has(config.HOST)
        ? { allowedHosts: LOCAL_HOSTS }
        : {}),
    ...(config.MCP_HIGH_WATER_MARK_BYTES === undefined ? {} : { highWaterMark: config.MCP_HIGH_WATER_MARK_BYTES }),
    ...(config.MCP_MAX_BUFFERED_BYTES === undefined ? {} : { maxBufferedBytes: config.MCP_MAX_BUFFERED_BYTES }),
    onConnectionChange: metrics.onConnectionChange,
    onInflightChange: metrics.onInflightChange,
  });
  endpoint.attach(app);

  let listening = false;
  let stopping: Promise<void> | undefined;

  app.get('/healthz', async () => ({
    status: 'ok',
    service: def.name,
    version: def.version,
    instanceId,
    uptimeS: (Date.now() - startedAt) / 1000,
  }));
  app.get('/readyz', async (_req, reply) => {
    const failures: { check: string; error: string }[] = [];
    if (!listening) failures.push({ check: 'listening', error: 'not started' });
    if (endpoint.draining) failures.push({ check: 'draining', error: 'shutting down' });
    // In parallel, each bounded: a probe must answer even when a dependency hangs.
    const checks = def.readiness ?? [];
    const results = await Promise.all(checks.map(runCheck));
    checks.forEach((c, i) => {
      const error = results[i];
      if (error !== undefined) failures.push({ check: c.name, error });
    });
    if (failures.length > 0) return reply.code(503).send({ status: 'not_ready', failures });
    return { status: 'ready' };
  });
  app.get('/metrics', async (_req, reply) => {
    const { contentType, body } = await metrics.render();
    return reply.header('content-type', contentType).send(body);
  });
  await def.routes?.(app);

  return {
    name: def.name,
    app,
    endpoint,
    logger,
    metrics,
    auth,
    instanceId,
    async start() {
      await app.listen({ host: config.HOST, port: config.PORT });
      listening = true;
      const addr = app.server.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : config.PORT;
      const h = config.HOST === '0.0.0.0' || config.HOST === '::' ? '127.0.0.1' : config.HOST;
      const url = `http://${h}:${port}`;
      const mcpUrl = `ws://${h}:${port}${endpoint.path}`;
      logger.info({ port, mcpUrl, tools: host.toolNames.length }, 'service started');
      return { port, url, mcpUrl };
    },
    stop() {
      stopping ??= (async () => {
        logger.info({ inflight: endpoint.inflight, connections: endpoint.connections }, 'stopping: draining calls in flight');
        await endpoint.drain(config.SHUTDOWN_GRACE_MS);
        await app.close();
        listening = false;
        await def.onStop?.();
        logger.info('stopped');
      })();
      return stopping;
    },
  };
}

/**
 * Runs a built service as a process: starts it, and on SIGTERM or SIGINT drains and exits 0
 * (1 if stopping takes longer than the grace period plus 5 s, or fails).
 */
export async function runService(service: Service, graceMs: number): Promise<void> {
  const onSignal = (signal: string) => {
    service.logger.info({ signal }, 'signal received');
    const hard = setTimeout(() => {
      service.logger.error('stop took too long; exiting');
      process.exit(1);
    }, graceMs + 5000);
    hard.unref();
    service.stop().then(
      () => process.exit(0),
      (err) => {
        service.logger.error({ err }, 'stop failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  process.on('uncaughtException', (err) => {
    service.logger.fatal({ err }, 'uncaught exception');
    process.exit(1);
  });
  process.on('unhandledRejection', (err) => {
    service.logger.error({ err }, 'unhandled rejection');
  });
  await service.start();
}
