import { add_member } from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';
import { type BrainContext, checkAccess, recordWrite } from '../context.ts';

export const addMemberTool = (ctx: BrainContext) =>
  implementTool(add_member, async ({ projectId, userId, role, email, name }, call) => {
    // Making someone an owner is an owner's decision; producers manage the other roles.
    await checkAccess(ctx, call.principal, projectId, role === 'owner' ? 'own' : 'manage');
    const m = await ctx.store.setMember(projectId, userId, role, { ...(email ? { email } : {}), ...(name ? { name } : {}) });
    await recordWrite(ctx, call.principal, {
      tool: 'add_member',
      action: 'member.added',
      projectId,
      target: userId,
      data: { userId, role },
    });
    return { membership: { projectId: m.projectId, userId: m.userId, role: m.role, addedAt: m.addedAt } };
  });
