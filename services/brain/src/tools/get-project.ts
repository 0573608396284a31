import { get_project } from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';
import { type BrainContext, checkAccess } from '../context.ts';

export const getProjectTool = (ctx: BrainContext) =>
  implementTool(get_project, async ({ projectId }, call) => {
    await checkAccess(ctx, call.principal, projectId, 'read');
    const [project, members] = await Promise.all([ctx.store.getProject(projectId), ctx.store.listMembers(projectId)]);
    return { project, members: members.map(({ projectId: p, userId, role, addedAt }) => ({ projectId: p, userId, role, addedAt })) };
  });
