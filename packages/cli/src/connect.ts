import type { AutomovieError } from '@automovie/contracts';
import { type ServiceName, serviceUrl, serviceUrlEnvVar, toAutomovieError } from '@automovie/contracts';
import { McpClient } from '@automovie/mcp-ws';
import { CliError, ExitCodes, RemoteError } from './errors.ts';
import { parseServiceName } from './options.ts';

/** The service a command talks to, and where. */
export interface Target {
  service: ServiceName;
  url: string;
  /** Whether the URL came from --url or the environment (then "is the fleet up?" hints do not apply). */
  overridden: boolean;
}

/** SERVICE and --url → target: --url, else AUTOMOVIE_<SERVICE>_URL, else the local fleet's port. */
export function resolveTarget(serviceArg: string, urlOpt: string | undefined, env: Readonly<Record<string, string | undefined>>): Target {
  const service = parseServiceName(serviceArg);
  const url = urlOpt ?? serviceUrl(service, env);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CliError(
      'CLI_USAGE',
      `Invalid URL "${url}"${urlOpt === undefined ? ` (from ${serviceUrlEnvVar(service)})` : ''}: expected ws://host:port/mcp`,
    );
  }
  if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') {
    throw new CliError('CLI_USAGE', `Invalid URL "${url}": the fleet speaks MCP over WebSocket, so it starts with ws:// or wss://`);
  }
  return { service, url, overridden: urlOpt !== undefined || env[serviceUrlEnvVar(service)] !== undefined };
}

/** Codes that, while connecting, mean "could not reach the service". */
const UNREACHABLE = new Set(['CONNECTION_LOST', 'UNAVAILABLE', 'NOT_FOUND']);

/** Why a connect attempt failed, as an error with the right exit code and a hint. */
export function connectError(err: unknown, target: Target): AutomovieError {
  const e = toAutomovieError(err);
  if (UNREACHABLE.has(e.code)) {
    const hint = target.overridden
      ? ''
      : ` (is ${target.service} running? \`automovie status\` shows the local fleet, \`automovie up\` starts it)`;
    return new RemoteError(e, ExitCodes.CONNECTION, `${e.message}${hint}`);
  }
  if (e.code === 'UNAUTHENTICATED') {
    return new RemoteError(
      e,
      ExitCodes.FAILURE,
      `${e.message} (was the token signed with this fleet's secret? pass --token or set AUTOMOVIE_JWT_SECRET)`,
    );
  }
  return new RemoteError(e, ExitCodes.FAILURE);
}

/** Opens one MCP connection (a single attempt: a CLI reports failure rather than retrying). */
export async function connect(target: Target, token: string, timeoutMs: number): Promise<McpClient> {
  const client = new McpClient({ url: target.url, token, name: 'automovie-cli', timeoutMs });
  try {
    await client.connect();
  } catch (err) {
    await client.close().catch(() => {});
    throw connectError(err, target);
  }
  return client;
}
