import { get_node } from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';
import { type BrainContext, checkAccess } from '../context.ts';

export const getNodeTool = (ctx: BrainContext) =>
  implementTool(get_node, async ({ projectId, id }, call) => {
    await checkAccess(ctx, call.principal, projectId, 'read');
    return { node: await ctx.store.getNode(projectId, id) };
  });
