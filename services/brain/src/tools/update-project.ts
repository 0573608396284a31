import { update_project } from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';
import { type BrainContext, checkAccess, recordWrite } from '../context.ts';

export const updateProjectTool = (ctx: BrainContext) =>
  implementTool(update_project, async ({ projectId, ...patch }, call) => {
    // The budget caps what the project may spend: only owners and producers set it.
    await checkAccess(ctx, call.principal, projectId, patch.budgetUsd === undefined ? 'write' : 'manage');
    const fields = Object.entries(patch)
      .filter(([, v]) => v !== undefined)
      .map(([k]) => k);
    const project = await ctx.store.updateProject(projectId, patch);
    await recordWrite(ctx, call.principal, {
      tool: 'update_project',
      action: 'project.updated',
      projectId,
      target: projectId,
      data: { fields },
    });
    return { project };
  });
