import { toAutomovieError } from '@automovie/contracts';
import type { Command } from 'commander';
import { connect } from '../connect.ts';
import { ExitCodes, RemoteError } from '../errors.ts';
import type { Io } from '../io.ts';
import { renderJson, renderTools } from '../render.ts';
import type { Runner } from '../runner.ts';
import { addConnectionOptions, type ConnectionOptions, prepareConnection } from './call.ts';

/** Lists a live service's tools: a readable listing, or the raw `tools/list` array with --json. */
export async function runTools(io: Io, serviceArg: string, opts: ConnectionOptions): Promise<void> {
  const { target, timeoutMs, token } = await prepareConnection(io, serviceArg, opts);
  const client = await connect(target, await token(), timeoutMs);
  try {
    let tools: Awaited<ReturnType<typeof client.listTools>>;
    try {
      tools = await client.listTools({ timeoutMs });
    } catch (err) {
      const e = toAutomovieError(err);
      throw new RemoteError(e, e.code === 'CONNECTION_LOST' ? ExitCodes.CONNECTION : ExitCodes.FAILURE);
    }
    io.stdout.write(opts.json ? renderJson(tools, io.stdout.isTTY === true) : renderTools(target.service, tools));
  } finally {
    await client.close().catch(() => {});
  }
}

export function registerTools(program: Command, runner: Runner): void {
  addConnectionOptions(
    program
      .command('tools')
      .summary("list a service's tools")
      .description("List the tools a running service serves: name, description and input properties (from the live service's tools/list).")
      .argument('<service>', 'a fleet service: brain, story, …'),
  )
    .option('--json', 'print the raw tools/list array (with full input and output JSON Schemas); errors as JSON too')
    .addHelpText('after', "\nExamples:\n  $ automovie tools brain\n  $ automovie tools brain --json | jq '.[].name'")
    .action((service: string, opts: ConnectionOptions) => runner.guard(opts.json, () => runTools(runner.io, service, opts)));
}
