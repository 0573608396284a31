import { delete_document } from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';
import { type BrainContext, checkAccess, recordWrite } from '../context.ts';
import { documentOf } from '../records.ts';

export const deleteDocumentTool = (ctx: BrainContext) =>
  implementTool(delete_document, async ({ projectId, id }, call) => {
    await checkAccess(ctx, call.principal, projectId, 'write');
    const node = await ctx.store.getNode(projectId, id).catch((err) => {
      if ((err as { code?: string }).code === 'BRAIN_NODE_NOT_FOUND') return undefined;
      throw err;
    });
    if (node === undefined) return { deleted: false };
    documentOf(node); // refuses to delete a node of another kind through this tool
    const r = await ctx.store.deleteNode(projectId, id);
    if (r.deleted) {
      await recordWrite(ctx, call.principal, { tool: 'delete_document', action: 'document.deleted', projectId, target: id, data: { id } });
    }
    return { deleted: r.deleted };
  });
