import { delete_node } from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';
import { type BrainContext, checkAccess, recordWrite } from '../context.ts';

export const deleteNodeTool = (ctx: BrainContext) =>
  implementTool(delete_node, async ({ projectId, id }, call) => {
    await checkAccess(ctx, call.principal, projectId, 'write');
    const existing = await ctx.store.getNode(projectId, id).catch(() => undefined);
    const r = await ctx.store.deleteNode(projectId, id);
    if (r.deleted) {
      const data = { id, label: existing?.label ?? 'unknown', relationshipsDeleted: r.relationshipsDeleted };
      await recordWrite(ctx, call.principal, { tool: 'delete_node', action: 'node.deleted', projectId, target: id, data });
    }
    return r;
  });
