import { update_node } from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';
import { type BrainContext, checkAccess, recordWrite } from '../context.ts';
import { indexEntry } from '../indexing.ts';

export const updateNodeTool = (ctx: BrainContext) =>
  implementTool(update_node, async ({ projectId, id, properties, remove, indexText }, call) => {
    await checkAccess(ctx, call.principal, projectId, 'write');
    const index = indexText === undefined ? undefined : await indexEntry(ctx, indexText, call.signal);
    const node = await ctx.store.updateNode(projectId, id, { properties, remove, ...(index ? { index } : {}) });
    const fields = [...Object.keys(properties), ...remove];
    await recordWrite(ctx, call.principal, {
      tool: 'update_node',
      action: 'node.updated',
      projectId,
      target: id,
      data: { id, label: node.label, fields },
    });
    return { node };
  });
