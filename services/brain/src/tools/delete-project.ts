import { delete_project } from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';
import { type BrainContext, checkAccess, recordWrite } from '../context.ts';

export const deleteProjectTool = (ctx: BrainContext) =>
  implementTool(delete_project, async ({ projectId }, call) => {
    await checkAccess(ctx, call.principal, projectId, 'own');
    const r = await ctx.store.deleteProject(projectId);
    if (r.deleted) {
      await recordWrite(ctx, call.principal, {
        tool: 'delete_project',
        action: 'project.deleted',
        projectId,
        target: projectId,
        data: { nodesDeleted: r.nodesDeleted },
      });
    }
    return { deleted: r.deleted, nodesDeleted: r.nodesDeleted };
  });
