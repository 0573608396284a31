import { resume_run } from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';
import { checkProjectAccess } from '../access.ts';
import { publicRun, settle, type ToolDeps } from './shared.ts';

export const resumeRunTool = (deps: ToolDeps) =>
  implementTool(resume_run, async ({ runId, choice, waitMs }, call) => {
    const existing = await deps.engine.store.require(runId);
    await checkProjectAccess(deps.clients, call.principal, existing.projectId, 'write');
    const run = await deps.engine.resume(runId, choice.optionIndex);
    return { run: publicRun(await settle(deps, run, waitMs, call)) };
  });
