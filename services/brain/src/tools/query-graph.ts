import { query_graph } from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';
import { type BrainContext, checkAccess } from '../context.ts';

export const queryGraphTool = (ctx: BrainContext) =>
  implementTool(query_graph, async ({ projectId, start, hops, orderBy, limit, skip }, call) => {
    await checkAccess(ctx, call.principal, projectId, 'read');
    const rows = await ctx.store.queryGraph(projectId, { start, hops, limit, skip, ...(orderBy ? { orderBy } : {}) });
    return { rows };
  });
