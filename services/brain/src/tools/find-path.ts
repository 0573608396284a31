import { find_path } from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';
import { type BrainContext, checkAccess } from '../context.ts';

export const findPathTool = (ctx: BrainContext) =>
  implementTool(find_path, async ({ projectId, from, to, maxDepth, types }, call) => {
    await checkAccess(ctx, call.principal, projectId, 'read');
    return ctx.store.findPath(projectId, from, to, { maxDepth, ...(types ? { types } : {}) });
  });
