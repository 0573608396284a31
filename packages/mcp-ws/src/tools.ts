import {
  type AutomovieError,
  ERROR_META_KEY,
  fromZodError,
  type Principal,
  type Progress,
  scopeAllows,
  type ToolDef,
  toAutomovieError,
} from '@automovie/contracts';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  type CallToolResult,
  ListToolsRequestSchema,
  McpError,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv-provider.js';
import { z } from 'zod';
import type { Logger } from './logger.ts';

/** JSON-RPC error codes this package adds to the MCP set (server-defined range). */
export const RpcCodes = {
  Forbidden: -32003,
  Unavailable: -32004,
} as const;

/** The request `_meta` key through which a caller passes the production run a call belongs to (for logs). */
export const RUN_ID_META_KEY = 'automovie/runId';

/** What a tool handler gets besides its input. */
export interface ToolContext {
  readonly principal: Principal;
  /** Aborted when the caller cancels, times out or disconnects. */
  readonly signal: AbortSignal;
  /** Reports progress to the caller as MCP progress notifications (a no-op if none was asked for). */
  progress(p: Progress): Promise<void>;
  readonly requestId: string | number;
  readonly log: Logger;
}

export interface ToolImpl<D extends ToolDef = ToolDef> {
  readonly def: D;
  handler(input: z.output<D['input']>, ctx: ToolContext): Promise<z.input<D['output']>>;
}

/** Binds a catalog entry to its handler with the types flowing from the contract. */
export function implementTool<D extends ToolDef>(
  def: D,
  handler: (input: z.output<D['input']>, ctx: ToolContext) => Promise<z.input<D['output']>>,
): ToolImpl<D> {
  return { def, handler };
}

export type CallOutcome = 'ok' | 'error' | 'invalid_input' | 'forbidden' | 'unknown_tool' | 'unavailable';

export interface CallEvent {
  tool: string;
  principal: Principal;
  durationMs: number;
  outcome: CallOutcome;
  code?: string;
}

export interface ToolHostOptions {
  service: string;
  version: string;
  tools: readonly ToolImpl[];
  logger: Logger;
  /** Called after every tools/call, for metrics. */
  onCall?: (e: CallEvent) => void;
  instructions?: string;
}

interface CompiledTool {
  impl: ToolImpl;
  listing: Tool;
}

function toJsonSchema(schema: z.ZodType, io: 'input' | 'output'): Tool['inputSchema'] {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  delete json.$schema;
  if (json.type !== 'object') {
    throw new Error(`tool schemas must describe objects (got ${String(json.type)})`);
  }
  return json as Tool['inputSchema'];
}

function errorResult(err: AutomovieError): CallToolResult {
  return {
    content: [{ type: 'text', text: `${err.code}: ${err.message}` }],
    isError: true,
    _meta: { [ERROR_META_KEY]: err.toWire() },
  };
}

/**
 * The tools of one service, compiled once (JSON schemas, listing) and served to any number of
 * connections: each connection gets its own SDK `Server` bound to the caller's principal.
 */
export class ToolHost {
  readonly service: string;
  readonly version: string;
  readonly #tools = new Map<string, CompiledTool>();
  readonly #listing: { tools: Tool[] };
  readonly #opts: ToolHostOptions;
  /** One validator for every connection: the SDK would otherwise build an Ajv per Server. */
  readonly #validator = new AjvJsonSchemaValidator();

  constructor(opts: ToolHostOptions) {
    this.#opts = opts;
    this.service = opts.service;
    this.version = opts.version;
    for (const impl of opts.tools) {
      const { def } = impl;
      if (this.#tools.has(def.name)) throw new Error(`${opts.service}: tool ${def.name} registered twice`);
      const listing: Tool = {
        name: def.name,
        description: def.description,
        inputSchema: toJsonSchema(def.input, 'input'),
        outputSchema: toJsonSchema(def.output, 'output') as Tool['outputSchema'],
        annotations: { readOnlyHint: def.readOnly ?? false },
      };
      this.#tools.set(def.name, { impl, listing });
    }
    this.#listing = { tools: [...this.#tools.values()].map((t) => t.listing) };
  }

  get toolNames(): string[] {
    return [...this.#tools.keys()];
  }

  /**
   * A new SDK server for one connection (or one stateless HTTP request) of `principal`.
   * While `isDraining()` is true, tools/call is refused as UNAVAILABLE (retryable).
   */
  createServer(principal: Principal, isDraining: () => boolean = () => false): Server {
    const server = new Server(
      { name: this.service, version: this.version },
      {
        capabilities: { tools: { listChanged: false } },
        jsonSchemaValidator: this.#validator,
        ...(this.#opts.instructions === undefined ? {} : { instructions: this.#opts.instructions }),
      },
    );
    server.setRequestHandler(ListToolsRequestSchema, () => this.#listing);
    server.setRequestHandler(CallToolRequestSchema, (request, extra) =>
      this.#call(principal, isDraining, request.params.name, request.params.arguments, extra),
    );
    return server;
  }

  async #call(
    principal: Principal,
    isDraining: () => boolean,
    name: string,
    args: Record<string, unknown> | undefined,
    extra: {
      signal: AbortSignal;
      requestId: string | number;
      _meta?: { progressToken?: string | number; [key: string]: unknown } | undefined;
      sendNotification: (n: { method: 'notifications/progress'; params: Record<string, unknown> }) => Promise<void>;
    },
  ): Promise<CallToolResult> {
    const started = performance.now();
    const { onCall, logger } = this.#opts;
    const done = (outcome: CallOutcome, code?: string) =>
      onCall?.({ tool: name, principal, durationMs: performance.now() - started, outcome, ...(code ? { code } : {}) });

    const compiled = this.#tools.get(name);
    if (compiled === undefined) {
      done('unknown_tool', 'UNKNOWN_TOOL');
      throw new McpError(-32602, `Unknown tool "${name}" on service ${this.service}`, {
        code: 'UNKNOWN_TOOL',
        tools: this.toolNames,
      });
    }
    const { def, handler } = compiled.impl;
    if (!scopeAllows(principal.scopes, this.service, name, def.scope)) {
      done('forbidden', 'FORBIDDEN');
      const required = `${this.service}:${name}`;
      throw new McpError(RpcCodes.Forbidden, `Forbidden: the token of ${principal.sub} lacks scope ${required}`, {
        code: 'FORBIDDEN',
        required,
      });
    }
    if (isDraining()) {
      done('unavailable', 'UNAVAILABLE');
      throw new McpError(RpcCodes.Unavailable, `Unavailable: ${this.service} is shutting down; retry`, {
        code: 'UNAVAILABLE',
        retryable: true,
      });
    }
    const parsed = def.input.safeParse(args ?? {});
    if (!parsed.success) {
      const err = fromZodError(parsed.error, `input to ${name}`);
      done('invalid_input', err.code);
      return errorResult(err);
    }
    const progressToken = extra._meta?.progressToken;
    const runId = extra._meta?.[RUN_ID_META_KEY];
    let log: Logger | undefined;
    const ctx: ToolContext = {
      principal,
      signal: extra.signal,
      requestId: extra.requestId,
      // A child logger costs a little; most calls never log, so it is made on first use.
      get log() {
        log ??= logger.child({ tool: name, rpcId: extra.requestId, sub: principal.sub, ...(typeof runId === 'string' ? { runId } : {}) });
        return log;
      },
      progress:
        progressToken === undefined
          ? async () => {}
          : (p) => extra.sendNotification({ method: 'notifications/progress', params: { progressToken, ...p } }),
    };
    try {
      const raw = await handler(parsed.data, ctx);
      const out = def.output.safeParse(raw);
      if (!out.success) {
        const err = fromZodError(out.error, `output of ${name}`, 'INVALID_OUTPUT');
        logger.error({ tool: name, err }, 'tool returned output that breaks its contract');
        done('error', err.code);
        return errorResult(err);
      }
      done('ok');
      return {
        content: [{ type: 'text', text: JSON.stringify(out.data) }],
        structuredContent: out.data as Record<string, unknown>,
      };
    } catch (e) {
      const err = toAutomovieError(e);
      if (err.code === 'INTERNAL') logger.error({ tool: name, err: e }, 'tool failed');
      done('error', err.code);
      return errorResult(err);
    }
  }
}
