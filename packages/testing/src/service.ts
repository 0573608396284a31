import { TokenAuthority } from '@automovie/mcp-ws';
import type { BaseConfig, Service } from '@automovie/service-kit';

/** The fleet secret used by tests; never a production value. */
export const TEST_JWT_SECRET = 'test-secret-for-automovie-tests-only-0123456789';

/** A complete base config for a service under test: loopback, port 0, quiet, short grace. */
export function testConfig(overrides: Partial<BaseConfig> = {}): BaseConfig {
  return {
    HOST: '127.0.0.1',
    PORT: 0,
    LOG_LEVEL: 'silent',
    AUTOMOVIE_JWT_SECRET: TEST_JWT_SECRET,
    AUTOMOVIE_DATA_DIR: '.data-test',
    SHUTDOWN_GRACE_MS: 2000,
    MCP_MAX_MESSAGE_BYTES: 4 << 20,
    MCP_HEARTBEAT_MS: 30_000,
    ...overrides,
  };
}

export interface StartedService {
  service: Service;
  port: number;
  url: string;
  mcpUrl: string;
  stop(): Promise<void>;
}

/** Builds and starts any service in-process on port 0; `stop()` drains and closes it. */
export async function startService(build: () => Promise<Service>): Promise<StartedService> {
  const service = await build();
  const { port, url, mcpUrl } = await service.start();
  return { service, port, url, mcpUrl, stop: () => service.stop() };
}

/** Mints a token signed with the test secret. */
export function testToken(opts: { service?: string; scopes?: string[]; userId?: string; ttl?: string | number } = {}): Promise<string> {
  return new TokenAuthority(TEST_JWT_SECRET).mint({
    service: opts.service ?? 'test',
    scopes: opts.scopes ?? ['*'],
    ...(opts.userId === undefined ? {} : { userId: opts.userId }),
    ...(opts.ttl === undefined ? {} : { ttl: opts.ttl }),
  });
}
