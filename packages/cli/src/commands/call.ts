import { toAutomovieError } from '@automovie/contracts';
import type { Command } from 'commander';
import { connect, resolveTarget, type Target } from '../connect.ts';
import { resolveCallToken } from '../credentials.ts';
import { ExitCodes, RemoteError } from '../errors.ts';
import type { Io } from '../io.ts';
import { parseJsonArguments } from '../json-input.ts';
import { parseTimeout, parseToolName } from '../options.ts';
import { formatProgress, renderJson } from '../render.ts';
import { resolveDataDir } from '../repo.ts';
import type { Runner } from '../runner.ts';

/** Default time a call (and its connection) may take. */
export const DEFAULT_TIMEOUT_MS = 30_000;

export interface ConnectionOptions {
  url?: string;
  token?: string;
  timeout?: string;
  dataDir?: string;
  json?: boolean;
}

/** Options shared by commands that talk to a service. */
export function addConnectionOptions(cmd: Command): Command {
  return cmd
    .option('--url <url>', 'the service MCP URL (default: AUTOMOVIE_<SERVICE>_URL, else ws://127.0.0.1:<fleet port>/mcp)')
    .option('--token <jwt>', 'the token to present (default: AUTOMOVIE_TOKEN, else a 5-minute operator token minted from the fleet secret)')
    .option('--timeout <ms>', `how long to wait for the connection and the result (default: ${DEFAULT_TIMEOUT_MS})`)
    .option('--data-dir <dir>', 'the local fleet data dir holding jwt-secret (default: .data at the repo root)');
}

/** Target, token and timeout for a command that talks to a service; all checked before connecting. */
export async function prepareConnection(
  io: Io,
  serviceArg: string,
  opts: ConnectionOptions,
): Promise<{ target: Target; timeoutMs: number; token: () => Promise<string> }> {
  const target = resolveTarget(serviceArg, opts.url, io.env);
  const timeoutMs = opts.timeout === undefined ? DEFAULT_TIMEOUT_MS : parseTimeout(opts.timeout);
  const token = () => resolveCallToken({ token: opts.token, env: io.env, dataDir: resolveDataDir(opts.dataDir, io.cwd) });
  return { target, timeoutMs, token };
}

/** A failure during the call: a lost connection is exit 3, anything the service answered is exit 1. */
function callError(err: unknown): RemoteError {
  const e = toAutomovieError(err);
  return new RemoteError(e, e.code === 'CONNECTION_LOST' ? ExitCodes.CONNECTION : ExitCodes.FAILURE);
}

/** Calls one tool and prints its result: pretty JSON on a terminal, one line otherwise. */
export async function runCall(
  io: Io,
  serviceArg: string,
  toolArg: string,
  jsonArg: string | undefined,
  opts: ConnectionOptions,
): Promise<void> {
  const { target, timeoutMs, token } = await prepareConnection(io, serviceArg, opts);
  const tool = parseToolName(toolArg);
  const args =
    jsonArg === undefined
      ? {}
      : jsonArg === '-'
        ? parseJsonArguments(await io.readStdin(), 'JSON from stdin')
        : parseJsonArguments(jsonArg, 'JSON argument');
  const client = await connect(target, await token(), timeoutMs);
  try {
    let result: unknown;
    try {
      result = await client.callTool(tool, args, { timeoutMs, onProgress: (p) => io.stderr.write(formatProgress(p)) });
    } catch (err) {
      throw callError(err);
    }
    io.stdout.write(renderJson(result, io.stdout.isTTY === true));
  } finally {
    await client.close().catch(() => {});
  }
}

export function registerCall(program: Command, runner: Runner): void {
  addConnectionOptions(
    program
      .command('call')
      .summary('call a tool of a service and print its JSON result')
      .description(
        'Call TOOL of SERVICE over MCP and print the JSON result on stdout (indented on a terminal, one line otherwise). Progress notifications are printed on stderr. Errors are printed on stderr as `CODE: message`.',
      )
      .argument('<service>', 'a fleet service: brain, story, …')
      .argument('<tool>', 'the tool name, e.g. whoami')
      .argument('[json]', "the tool's arguments as a JSON object, or - to read them from stdin", undefined),
  )
    .option('--json', 'print errors on stderr as a JSON object')
    .addHelpText(
      'after',
      [
        '',
        'Exit codes: 0 ok, 1 the tool or service failed, 2 bad usage or input, 3 cannot reach the service.',
        '',
        'Examples:',
        '  $ automovie call brain whoami',
        `  $ automovie call brain whoami '{}' --url ws://10.0.0.5:4100/mcp --token "$TOKEN"`,
        `  $ echo '{"projectId":"p1"}' | automovie call brain get_project -`,
      ].join('\n'),
    )
    .action((service: string, tool: string, json: string | undefined, opts: ConnectionOptions) =>
      runner.guard(opts.json, () => runCall(runner.io, service, tool, json, opts)),
    );
}
