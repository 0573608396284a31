import { AutomovieError, ERROR_META_KEY, fromZodError, type Progress, type ToolDef, WireErrorSchema } from '@automovie/contracts';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { McpError, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { type Logger, silentLogger } from './logger.ts';
import { redactUrl } from './tokens.ts';
import { WsClientTransport } from './ws-client-transport.ts';

export interface ReconnectOptions {
  /** First retry delay. Default 100 ms. */
  initialDelayMs?: number;
  /** Largest delay between attempts. Default 5000 ms. */
  maxDelayMs?: number;
  /** Growth per attempt. Default 2. */
  factor?: number;
}

export interface McpClientOptions {
  /** `ws://host:port/mcp` */
  url: string;
  /** A token, or a function that returns a fresh one at every (re)connect. */
  token?: string | (() => string | Promise<string>);
  /** Client name sent in `initialize`. Default `automovie-client`. */
  name?: string;
  /** Default per-call timeout. Default 30 s. */
  timeoutMs?: number;
  reconnect?: ReconnectOptions;
  /** Largest accepted message, in bytes. Default 64 MiB. */
  maxMessageBytes?: number;
  /** Ping interval; a server silent for two intervals is dropped and reconnected. 0 turns it off. Default 30 s. */
  heartbeatMs?: number;
  logger?: Logger;
}

export interface CallOptions {
  /** This call's timeout (reset by each progress notification when `onProgress` is set). */
  timeoutMs?: number;
  onProgress?: (p: Progress) => void;
  signal?: AbortSignal;
}

export type ClientState = 'idle' | 'connecting' | 'open' | 'closed';

/** A permissive result schema: the contract's own output schema is what validates results. */
const LooseResultSchema = z.looseObject({
  isError: z.boolean().optional(),
  structuredContent: z.record(z.string(), z.unknown()).optional(),
  content: z.array(z.unknown()).optional(),
  _meta: z.record(z.string(), z.unknown()).optional(),
});
type LooseResult = z.infer<typeof LooseResultSchema>;

const MCP_PREFIX = /^(MCP error -?\d+: )+/;

/**
 * Whether a request failed before it left this process (the connection was already going away),
 * so sending it again on a new connection cannot run it twice.
 */
function notSent(err: unknown): boolean {
  if (err instanceof AutomovieError) return (err.data as { sent?: unknown } | undefined)?.sent === false;
  // The SDK's Protocol, once its transport has closed.
  return err instanceof Error && !(err instanceof McpError) && err.message === 'Not connected';
}

/** Maps what the SDK throws to the fleet's error codes. */
export function fromSdkError(err: unknown, url: string): AutomovieError {
  if (err instanceof AutomovieError) return err;
  if (notSent(err)) return new AutomovieError('CONNECTION_LOST', `Connection to ${url} lost before the call was sent; retry`);
  if (err instanceof McpError) {
    const message = err.message.replace(MCP_PREFIX, '');
    const data = err.data as { code?: unknown } | undefined;
    if (typeof data?.code === 'string') {
      const retryable = (data as { retryable?: unknown }).retryable === true ? true : undefined;
      return new AutomovieError(data.code, message, { data, ...(retryable ? { retryable } : {}) });
    }
    if (err.code === -32001) return new AutomovieError('TIMEOUT', `Call to ${url} timed out: ${message}`);
    if (err.code === -32000) return new AutomovieError('CONNECTION_LOST', `Connection to ${url} lost during the call; retry`);
    if (err.code === -32602) return new AutomovieError('INVALID_INPUT', message);
    return new AutomovieError('INTERNAL', message, { data: { rpcCode: err.code } });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new AutomovieError('INTERNAL', message, { cause: err });
}

function resultError(result: LooseResult, tool: string): AutomovieError {
  const wire = WireErrorSchema.safeParse(result._meta?.[ERROR_META_KEY]);
  if (wire.success) return AutomovieError.fromWire(wire.data);
  const text = (result.content?.[0] as { text?: unknown } | undefined)?.text;
  return new AutomovieError('INTERNAL', `${tool} failed: ${typeof text === 'string' ? text : 'no message'}`);
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}

/**
 * An MCP client of one service over WebSocket. It connects on first use, reconnects by itself
 * with exponential backoff and jitter when the connection drops, times calls out, and validates
 * inputs and results against the tool contract. Calls in flight when the connection drops fail
 * with CONNECTION_LOST (retryable); the next call waits for the reconnection.
 */
export class McpClient {
  readonly url: string;
  readonly #opts: McpClientOptions;
  readonly #log: Logger;
  #client: Client | undefined;
  #ready: Promise<Client> | undefined;
  #state: ClientState = 'idle';
  #wake: (() => void) | undefined;
  /** Number of successful connections so far (1 after the first connect, +1 per reconnection). */
  connects = 0;

  constructor(opts: McpClientOptions) {
    this.url = opts.url;
    this.#opts = opts;
    // Every line of this client names its service's URL, never a credential a caller put in it.
    this.#log = (opts.logger ?? silentLogger).child({ url: redactUrl(opts.url) });
  }

  get state(): ClientState {
    return this.#state;
  }

  /** A method, not a field read, so TypeScript does not narrow the state across awaits. */
  #isClosed(): boolean {
    return this.#state === 'closed';
  }

  /** Connects now (calls connect lazily anyway); rejects if the first attempt fails. */
  async connect(): Promise<void> {
    if (this.#state === 'open') return;
    await this.#ensure(Date.now() + (this.#opts.timeoutMs ?? 30_000), false);
  }

  #token(): Promise<string | undefined> | string | undefined {
    const t = this.#opts.token;
    return typeof t === 'function' ? t() : t;
  }

  async #connectOnce(): Promise<Client> {
    const token = await this.#token();
    const transport = new WsClientTransport({
      url: this.url,
      ...(token === undefined ? {} : { token }),
      ...(this.#opts.maxMessageBytes === undefined ? {} : { maxMessageBytes: this.#opts.maxMessageBytes }),
      ...(this.#opts.heartbeatMs === undefined ? {} : { heartbeatMs: this.#opts.heartbeatMs }),
    });
    const client = new Client({ name: this.#opts.name ?? 'automovie-client', version: '0.1.0' }, { capabilities: {} });
    client.onclose = () => this.#onDrop(client);
    client.onerror = (err) => this.#log.debug({ err: err.message }, 'mcp client transport error');
    try {
      await client.connect(transport);
    } catch (err) {
      await client.close().catch(() => {});
      throw err instanceof AutomovieError ? err : fromSdkError(err, this.url);
    }
    return client;
  }

  /** Starts (or joins) the connect loop: attempts with backoff until open, closed or a fatal error. */
  #startConnecting(): Promise<Client> {
    if (this.#ready) return this.#ready;
    this.#state = 'connecting';
    const r = this.#opts.reconnect ?? {};
    const initial = r.initialDelayMs ?? 100;
    const max = r.maxDelayMs ?? 5000;
    const factor = r.factor ?? 2;
    const reconnecting = this.connects > 0;
    const ready = (async () => {
      for (let attempt = 0; ; attempt++) {
        if (this.#isClosed()) throw new AutomovieError('CONNECTION_LOST', `Client of ${this.url} is closed`);
        if (attempt > 0 || reconnecting) {
          const ceiling = Math.min(max, initial * factor ** attempt);
          // "Equal jitter": half fixed, half random, so a fleet restart does not reconnect in lockstep.
          await Promise.race([delay(ceiling / 2 + Math.random() * (ceiling / 2)), new Promise<void>((w) => (this.#wake = w))]);
        }
        if (this.#isClosed()) throw new AutomovieError('CONNECTION_LOST', `Client of ${this.url} is closed`);
        try {
          const client = await this.#connectOnce();
          if (this.#isClosed()) {
            await client.close();
            throw new AutomovieError('CONNECTION_LOST', `Client of ${this.url} is closed`);
          }
          this.#client = client;
          this.#state = 'open';
          this.connects++;
          if (this.connects > 1) this.#log.info({ attempt }, 'mcp client reconnected');
          return client;
        } catch (err) {
          const e = err instanceof AutomovieError ? err : fromSdkError(err, this.url);
          if (!e.retryable) {
            throw e;
          }
          this.#log.debug({ attempt, err: e.message }, 'mcp connect attempt failed');
        }
      }
    })();
    this.#ready = ready;
    ready.catch(() => {
      if (this.#ready === ready) {
        this.#ready = undefined;
        if (this.#state !== 'closed') this.#state = 'idle';
      }
    });
    return ready;
  }

  #onDrop(client: Client): void {
    if (this.#client !== client) return;
    this.#client = undefined;
    this.#ready = undefined;
    if (this.#state === 'closed') return;
    this.#log.warn({}, 'mcp connection lost; reconnecting');
    this.#startConnecting().catch(() => {});
  }

  async #ensure(deadline: number, waitThroughFailures = true): Promise<Client> {
    if (this.#state === 'closed') throw new AutomovieError('CONNECTION_LOST', `Client of ${this.url} is closed`);
    if (this.#client && this.#state === 'open') return this.#client;
    if (!waitThroughFailures && this.#ready === undefined) {
      // One attempt, no retries; concurrent callers join it rather than open sockets of their own.
      this.#state = 'connecting';
      const once = (async () => {
        const client = await this.#connectOnce();
        if (this.#isClosed()) {
          await client.close();
          throw new AutomovieError('CONNECTION_LOST', `Client of ${this.url} is closed`);
        }
        this.#client = client;
        this.#state = 'open';
        this.connects++;
        return client;
      })();
      this.#ready = once;
      once.catch(() => {
        if (this.#ready === once) {
          this.#ready = undefined;
          if (this.#state !== 'closed') this.#state = 'idle';
        }
      });
      return once;
    }
    const ready = this.#startConnecting();
    const remaining = deadline - Date.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        ready,
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () =>
              reject(
                new AutomovieError('CONNECTION_LOST', `Cannot reach ${this.url} (still reconnecting after ${Math.round(remaining)} ms)`),
              ),
            Math.max(0, remaining),
          );
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Calls a tool through its contract: the input is validated before sending, the result after. */
  async call<D extends ToolDef>(def: D, input: z.input<D['input']>, opts: CallOptions = {}): Promise<z.output<D['output']>> {
    const parsedIn = def.input.safeParse(input);
    if (!parsedIn.success) throw fromZodError(parsedIn.error, `input to ${def.name}`);
    const structured = await this.callTool(def.name, parsedIn.data as Record<string, unknown>, opts);
    const out = def.output.safeParse(structured);
    if (!out.success) throw fromZodError(out.error, `output of ${def.name} from ${this.url}`, 'INVALID_OUTPUT');
    return out.data as z.output<D['output']>;
  }

  /** Calls a tool by name with no contract (the CLI's path); returns its structured content. */
  async callTool(name: string, args: Record<string, unknown>, opts: CallOptions = {}): Promise<unknown> {
    const timeout = opts.timeoutMs ?? this.#opts.timeoutMs ?? 30_000;
    const result = await this.#withClient(Date.now() + timeout, (client) =>
      client.request({ method: 'tools/call', params: { name, arguments: args } }, LooseResultSchema, {
        timeout,
        ...(opts.signal ? { signal: opts.signal } : {}),
        ...(opts.onProgress
          ? {
              resetTimeoutOnProgress: true,
              onprogress: (p: { progress: number; total?: number; message?: string }) => opts.onProgress?.(p),
            }
          : {}),
      }),
    );
    if (result.isError) throw resultError(result, name);
    if (result.structuredContent === undefined) {
      const text = (result.content?.[0] as { text?: unknown } | undefined)?.text;
      if (typeof text === 'string') {
        try {
          return JSON.parse(text);
        } catch {
          return { text };
        }
      }
      return {};
    }
    return result.structuredContent;
  }

  async listTools(opts: { timeoutMs?: number } = {}): Promise<Tool[]> {
    const timeout = opts.timeoutMs ?? this.#opts.timeoutMs ?? 30_000;
    return this.#withClient(Date.now() + timeout, async (client) => {
      const tools: Tool[] = [];
      let cursor: string | undefined;
      do {
        const page = await client.listTools(cursor === undefined ? {} : { cursor }, { timeout });
        tools.push(...page.tools);
        cursor = page.nextCursor;
      } while (cursor !== undefined);
      return tools;
    });
  }

  /**
   * Runs `fn` on a connected SDK client. A request that could not even be sent because the
   * connection was going away (closed by the server a moment ago, before its close event
   * arrived here) waits for the reconnection and is sent again; anything else maps through
   * `fromSdkError`.
   */
  async #withClient<T>(deadline: number, fn: (client: Client) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const client = await this.#ensure(deadline);
      try {
        return await fn(client);
      } catch (err) {
        if (notSent(err) && attempt < 3 && Date.now() < deadline && !this.#isClosed()) {
          this.#onDrop(client);
          continue;
        }
        throw fromSdkError(err, this.url);
      }
    }
  }

  async close(): Promise<void> {
    this.#state = 'closed';
    this.#wake?.();
    const client = this.#client;
    this.#client = undefined;
    this.#ready = undefined;
    await client?.close();
  }
}

/**
 * One shared connection per target service (and per identity) per process: services get their
 * clients here rather than opening a connection per call site.
 */
export class ClientPool {
  readonly #clients = new Map<string, McpClient>();
  readonly #defaults: Omit<McpClientOptions, 'url'>;

  constructor(defaults: Omit<McpClientOptions, 'url'> = {}) {
    this.#defaults = defaults;
  }

  /** The client for `url`; `identity` separates connections made with different principals. */
  get(url: string, opts: Omit<McpClientOptions, 'url'> & { identity?: string } = {}): McpClient {
    const key = `${opts.identity ?? ''}\u0000${url}`;
    let client = this.#clients.get(key);
    if (client === undefined || client.state === 'closed') {
      client = new McpClient({ ...this.#defaults, ...opts, url });
      this.#clients.set(key, client);
    }
    return client;
  }

  get size(): number {
    return this.#clients.size;
  }

  async closeAll(): Promise<void> {
    const all = [...this.#clients.values()];
    this.#clients.clear();
    await Promise.all(all.map((c) => c.close()));
  }
}
