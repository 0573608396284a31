import { join } from 'node:path';
import { TokenAuthority } from '@automovie/mcp-ws';
import { CliError } from './errors.ts';
import { readFleetSecret, SECRET_FILE } from './secret.ts';

/** Lifetime of the operator token the CLI mints for itself when given none. */
export const OPERATOR_TOKEN_TTL_S = 300;

export interface TokenSource {
  /** `--token`. */
  token?: string | undefined;
  env: Readonly<Record<string, string | undefined>>;
  /** The fleet data dir whose secret file can mint a token. */
  dataDir: string;
}

/**
 * The token a call presents: `--token`, else AUTOMOVIE_TOKEN, else a short-lived operator token
 * (sub `cli`, scope `*`) minted from the fleet secret.
 */
export async function resolveCallToken(src: TokenSource): Promise<string> {
  if (src.token !== undefined && src.token !== '') return src.token;
  const fromEnv = src.env.AUTOMOVIE_TOKEN;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  const secret = readFleetSecret(src.env, src.dataDir);
  if (secret === undefined) {
    throw new CliError(
      'CLI_NO_CREDENTIALS',
      `No token: pass --token, set AUTOMOVIE_TOKEN, or let the CLI mint one from the fleet secret (AUTOMOVIE_JWT_SECRET, or ${join(src.dataDir, SECRET_FILE)} which \`automovie up\` creates)`,
    );
  }
  return new TokenAuthority(secret.secret).mint({ service: 'cli', scopes: ['*'], ttl: OPERATOR_TOKEN_TTL_S });
}
