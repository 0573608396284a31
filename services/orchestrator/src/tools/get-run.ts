import { get_run } from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';
import { checkProjectAccess } from '../access.ts';
import { publicRun, settle, type ToolDeps } from './shared.ts';

export const getRunTool = (deps: ToolDeps) =>
  implementTool(get_run, async ({ runId, waitMs }, call) => {
    const run = await deps.engine.store.require(runId);
    await checkProjectAccess(deps.clients, call.principal, run.projectId, 'read');
    return { run: publicRun(await settle(deps, run, waitMs, call)) };
  });
