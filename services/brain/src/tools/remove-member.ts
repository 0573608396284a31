import { remove_member } from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';
import { type BrainContext, checkAccess, recordWrite } from '../context.ts';

export const removeMemberTool = (ctx: BrainContext) =>
  implementTool(remove_member, async ({ projectId, userId }, call) => {
    // Anyone may leave a project; removing someone else takes an owner or producer.
    if (call.principal.userId !== userId) await checkAccess(ctx, call.principal, projectId, 'manage');
    else await checkAccess(ctx, call.principal, projectId, 'read');
    const removed = await ctx.store.removeMember(projectId, userId);
    if (removed) {
      await recordWrite(ctx, call.principal, {
        tool: 'remove_member',
        action: 'member.removed',
        projectId,
        target: userId,
        data: { userId },
      });
    }
    return { removed };
  });
