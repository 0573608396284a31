import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MIN_SECRET_LENGTH } from '@automovie/mcp-ws';
import { CliError } from './errors.ts';

/** The file, in the fleet's data dir, that holds the local fleet's JWT secret. */
export const SECRET_FILE = 'jwt-secret';

export interface FleetSecret {
  secret: string;
  /** Where it came from: the environment, the data dir's file, or created just now in that file. */
  source: 'env' | 'file' | 'created';
  /** The file, when it came from one. */
  path?: string;
}

function checked(secret: string, where: string): string {
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new CliError('CLI_INVALID_SECRET', `The fleet secret in ${where} is too short: at least ${MIN_SECRET_LENGTH} characters`);
  }
  return secret;
}

/** The fleet secret from AUTOMOVIE_JWT_SECRET, else from `<dataDir>/jwt-secret`; undefined if neither exists. */
export function readFleetSecret(env: Readonly<Record<string, string | undefined>>, dataDir: string): FleetSecret | undefined {
  const fromEnv = env.AUTOMOVIE_JWT_SECRET;
  if (fromEnv !== undefined && fromEnv !== '') return { secret: checked(fromEnv, 'AUTOMOVIE_JWT_SECRET'), source: 'env' };
  const path = join(dataDir, SECRET_FILE);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  return { secret: checked(text.trim(), path), source: 'file', path };
}

/**
 * The fleet secret, creating `<dataDir>/jwt-secret` (48 random bytes, base64url, mode 0600) on
 * first use when AUTOMOVIE_JWT_SECRET is not set. Creation is exclusive, so two launchers racing
 * on a fresh data dir end up with the same secret.
 */
export function ensureFleetSecret(env: Readonly<Record<string, string | undefined>>, dataDir: string): FleetSecret {
  const existing = readFleetSecret(env, dataDir);
  if (existing) return existing;
  const path = join(dataDir, SECRET_FILE);
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  try {
    writeFileSync(path, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return readFleetSecret(env, dataDir)!;
    throw err;
  }
  return { secret, source: 'created', path };
}
