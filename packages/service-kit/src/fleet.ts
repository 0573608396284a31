import { type Principal, type ServiceName, serviceUrl, serviceUrlEnvVar } from '@automovie/contracts';
import { ClientPool, type McpClient, TokenAuthority } from '@automovie/mcp-ws';
import type { Logger } from 'pino';

/** Options of {@link FleetClients}. */
export interface FleetClientsOptions {
  /** The calling service (token subject). */
  service: string;
  /** The fleet's shared JWT secret (AUTOMOVIE_JWT_SECRET). */
  secret: string;
  /**
   * Where `AUTOMOVIE_<SERVICE>_URL` overrides are read from: the environment, or a service's parsed
   * config (its keys are the same names; values that are not strings are ignored). Default: none (local ports).
   */
  env?: Readonly<Record<string, unknown>>;
  /** Scopes of the service's own tokens. Default `['*']`: services are trusted peers inside the fleet. */
  scopes?: string[];
  /** Per-call timeout. Default 120000 ms (generation and renders are slow). */
  timeoutMs?: number;
  logger?: Logger;
}

/**
 * How a service reaches the rest of the fleet: one reconnecting MCP client per target and
 * identity, with tokens minted on each (re)connect. `forUser` acts on behalf of the user a call
 * came from, so the brain checks that user's project role; `asService` acts as the service itself.
 */
export class FleetClients {
  readonly #opts: FleetClientsOptions;
  readonly #tokens: TokenAuthority;
  readonly #pool: ClientPool;

  constructor(opts: FleetClientsOptions) {
    this.#opts = opts;
    this.#tokens = new TokenAuthority(opts.secret);
    this.#pool = new ClientPool({
      name: opts.service,
      timeoutMs: opts.timeoutMs ?? 120_000,
      ...(opts.logger ? { logger: opts.logger } : {}),
    });
  }

  /** The URL a target is reached at. */
  url(target: ServiceName): string {
    const override = this.#opts.env?.[serviceUrlEnvVar(target)];
    return typeof override === 'string' && override !== '' ? override : serviceUrl(target);
  }

  /** A client acting as this service. */
  asService(target: ServiceName): McpClient {
    const mint = () => this.#tokens.mint({ service: this.#opts.service, scopes: this.#opts.scopes ?? ['*'], ttl: '1h' });
    return this.#pool.get(this.url(target), { token: mint, identity: `svc:${this.#opts.service}` });
  }

  /** A client acting for the user behind `principal` (or as this service when the caller is a service). */
  forCaller(target: ServiceName, principal: Principal): McpClient {
    if (principal.userId === undefined) return this.asService(target);
    return this.forUser(target, principal.userId);
  }

  /** A client acting on behalf of `userId`. */
  forUser(target: ServiceName, userId: string): McpClient {
    const mint = () => this.#tokens.mint({ service: this.#opts.service, userId, scopes: this.#opts.scopes ?? ['*'], ttl: '1h' });
    return this.#pool.get(this.url(target), { token: mint, identity: `user:${userId}` });
  }

  async close(): Promise<void> {
    await this.#pool.closeAll();
  }
}
