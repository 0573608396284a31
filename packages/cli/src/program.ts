import { Command, CommanderError } from 'commander';
import pkg from '../package.json' with { type: 'json' };
import { registerCall } from './commands/call.ts';
import { registerDemo } from './commands/demo.ts';
import { registerStatus } from './commands/status.ts';
import { registerToken } from './commands/token.ts';
import { registerTools } from './commands/tools.ts';
import { registerUp } from './commands/up.ts';
import { ExitCodes } from './errors.ts';
import type { Io } from './io.ts';
import { Runner } from './runner.ts';

const ROOT_HELP = `
Environment:
  AUTOMOVIE_<SERVICE>_URL  a service's MCP URL (e.g. AUTOMOVIE_BRAIN_URL); default ws://127.0.0.1:<fleet port>/mcp
  AUTOMOVIE_TOKEN          the token \`call\` and \`tools\` present
  AUTOMOVIE_JWT_SECRET     the fleet secret (default: <data-dir>/jwt-secret, created by \`up\`)
  REDIS_PORT, REDIS_URL    the local fleet's redis
  LOG_LEVEL                services' log level under \`up\`

Exit codes: 0 ok, 1 failed (a tool, a service, the fleet), 2 bad usage or input, 3 cannot reach the service.

Examples:
  $ automovie up
  $ automovie call brain whoami
  $ automovie tools brain
  $ automovie demo "a lighthouse keeper befriends a storm"`;

/** The `automovie` program, writing through `io`; command outcomes land in `runner.exitCode`. */
export function buildProgram(runner: Runner): Command {
  const { io } = runner;
  const program = new Command()
    .name('automovie')
    .description("Automovie's command line: call any tool of the fleet, mint tokens, run the local fleet, and make a film from an idea.")
    .version(pkg.version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help for a command')
    .addHelpCommand('help [command]', 'show help for a command')
    .showHelpAfterError('(add --help for usage)')
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: (s, write) => write(`CLI_USAGE: ${s.replace(/^error: /, '')}`),
    })
    .exitOverride()
    .addHelpText('after', ROOT_HELP);
  registerCall(program, runner);
  registerTools(program, runner);
  registerToken(program, runner);
  registerUp(program, runner);
  registerStatus(program, runner);
  registerDemo(program, runner);
  return program;
}

/** Runs `automovie` with `argv` (the arguments after the program name); resolves with the exit code. */
export async function run(argv: readonly string[], io: Io): Promise<number> {
  const runner = new Runner(io);
  const program = buildProgram(runner);
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version exit 0; every parse error is a usage error.
      return err.exitCode === 0 ? ExitCodes.OK : ExitCodes.USAGE;
    }
    throw err;
  }
  return runner.exitCode;
}
