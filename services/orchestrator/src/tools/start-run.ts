import { start_run } from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';
import { checkProjectAccess } from '../access.ts';
import { publicRun, settle, type ToolDeps } from './shared.ts';

export const startRunTool = (deps: ToolDeps) =>
  implementTool(start_run, async ({ projectId, idea, options, waitMs }, call) => {
    await checkProjectAccess(deps.clients, call.principal, projectId, 'write');
    const run = await deps.engine.createRun({ projectId, idea, options, userId: call.principal.userId });
    call.log.info({ runId: run.id, projectId }, 'run started');
    return { run: publicRun(await settle(deps, run, waitMs, call)) };
  });
