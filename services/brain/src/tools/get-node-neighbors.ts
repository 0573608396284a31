import { get_node_neighbors } from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';
import { type BrainContext, checkAccess } from '../context.ts';

export const getNodeNeighborsTool = (ctx: BrainContext) =>
  implementTool(get_node_neighbors, async ({ projectId, id, depth, direction, types, labels, limit }, call) => {
    await checkAccess(ctx, call.principal, projectId, 'read');
    return ctx.store.getNeighbors(projectId, id, { depth, direction, limit, ...(types ? { types } : {}), ...(labels ? { labels } : {}) });
  });
