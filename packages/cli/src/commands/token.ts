import { TokenAuthority } from '@automovie/mcp-ws';
import type { Command } from 'commander';
import { CliError } from '../errors.ts';
import type { Io } from '../io.ts';
import { parseScopes, parseSubject, parseTtl, parseUserId, unknownScopeServices } from '../options.ts';
import { resolveDataDir } from '../repo.ts';
import type { Runner } from '../runner.ts';
import { readFleetSecret, SECRET_FILE } from '../secret.ts';

export interface TokenOptions {
  sub: string;
  scopes: string;
  user?: string;
  ttl?: string;
  dataDir?: string;
}

/** Mints a fleet JWT and prints it on stdout (warnings, if any, on stderr). */
export async function runToken(io: Io, opts: TokenOptions): Promise<void> {
  const service = parseSubject(opts.sub);
  const scopes = parseScopes(opts.scopes);
  const userId = opts.user === undefined ? undefined : parseUserId(opts.user);
  const ttl = parseTtl(opts.ttl ?? '1h');
  const dataDir = resolveDataDir(opts.dataDir, io.cwd);
  const secret = readFleetSecret(io.env, dataDir);
  if (secret === undefined) {
    throw new CliError(
      'CLI_NO_CREDENTIALS',
      `No fleet secret to sign with: set AUTOMOVIE_JWT_SECRET, or run \`automovie up\` once to create ${dataDir}/${SECRET_FILE}`,
    );
  }
  for (const name of unknownScopeServices(scopes)) {
    io.stderr.write(`warning: no fleet service is named "${name}"; scopes for it grant nothing\n`);
  }
  const token = await new TokenAuthority(secret.secret).mint({ service, scopes, ttl, ...(userId === undefined ? {} : { userId }) });
  io.stdout.write(`${token}\n`);
}

export function registerToken(program: Command, runner: Runner): void {
  program
    .command('token')
    .summary('print a signed fleet JWT')
    .description(
      'Mint a JWT signed with the fleet secret (AUTOMOVIE_JWT_SECRET, else <data-dir>/jwt-secret) and print it on stdout. A scope is "*" (everything), "service:*", "service:tool_name" or "service:group.name".',
    )
    .requiredOption('--sub <name>', "the calling service's name (the token's subject)")
    .requiredOption('--scopes <list>', 'comma-separated scopes, e.g. brain:*,story:develop_story')
    .option('--user <id>', 'make an on-behalf-of token for this user id')
    .option('--ttl <duration>', 'lifetime: seconds, or a number with s, m, h or d', '1h')
    .option('--data-dir <dir>', 'the local fleet data dir holding jwt-secret (default: .data at the repo root)')
    .addHelpText(
      'after',
      '\nExamples:\n  $ automovie token --sub orchestrator --scopes "brain:*,story:*"\n  $ automovie token --sub frontend --scopes brain:whoami --user u-42 --ttl 15m',
    )
    .action((opts: TokenOptions) => runner.guard(false, () => runToken(runner.io, opts)));
}
