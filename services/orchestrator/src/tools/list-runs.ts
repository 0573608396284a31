import { list_runs } from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';
import { checkProjectAccess } from '../access.ts';
import { publicRun, type ToolDeps } from './shared.ts';

export const listRunsTool = (deps: ToolDeps) =>
  implementTool(list_runs, async ({ projectId, state, limit }, call) => {
    await checkProjectAccess(deps.clients, call.principal, projectId, 'read');
    const runs = await deps.engine.store.listByProject(projectId, { limit, ...(state === undefined ? {} : { state }) });
    return { runs: runs.map(publicRun) };
  });
