import { cancel_run } from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';
import { checkProjectAccess } from '../access.ts';
import { publicRun, type ToolDeps } from './shared.ts';

export const cancelRunTool = (deps: ToolDeps) =>
  implementTool(cancel_run, async ({ runId }, call) => {
    const existing = await deps.engine.store.require(runId);
    await checkProjectAccess(deps.clients, call.principal, existing.projectId, 'write');
    return { run: publicRun(await deps.engine.cancel(runId)) };
  });
