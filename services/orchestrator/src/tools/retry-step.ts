import { retry_step } from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';
import { checkProjectAccess } from '../access.ts';
import { publicRun, settle, type ToolDeps } from './shared.ts';

export const retryStepTool = (deps: ToolDeps) =>
  implementTool(retry_step, async ({ runId, step, waitMs }, call) => {
    const existing = await deps.engine.store.require(runId);
    await checkProjectAccess(deps.clients, call.principal, existing.projectId, 'write');
    const run = await deps.engine.retry(runId, step);
    return { run: publicRun(await settle(deps, run, waitMs, call)) };
  });
