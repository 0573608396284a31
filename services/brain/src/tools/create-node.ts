import { create_node } from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';
import { type BrainContext, checkAccess, recordWrite } from '../context.ts';
import { indexEntry } from '../indexing.ts';

export const createNodeTool = (ctx: BrainContext) =>
  implementTool(create_node, async ({ projectId, label, id, properties, indexText }, call) => {
    await checkAccess(ctx, call.principal, projectId, 'write');
    const index = indexText === undefined ? undefined : await indexEntry(ctx, indexText, call.signal);
    const node = await ctx.store.createNode(projectId, { label, properties, ...(id ? { id } : {}), ...(index ? { index } : {}) });
    await recordWrite(ctx, call.principal, {
      tool: 'create_node',
      action: 'node.created',
      projectId,
      target: node.id,
      data: { id: node.id, label },
    });
    return { node };
  });
