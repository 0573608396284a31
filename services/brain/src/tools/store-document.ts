import { store_document } from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';
import { type BrainContext, checkAccess, recordWrite } from '../context.ts';
import { documentText, indexEntry } from '../indexing.ts';

export const storeDocumentTool = (ctx: BrainContext) =>
  implementTool(store_document, async ({ projectId, id, title, content, metadata }, call) => {
    await checkAccess(ctx, call.principal, projectId, 'write');
    const index = await indexEntry(ctx, documentText({ title, content }), call.signal);
    const properties = { content, metadata, ...(title === undefined ? {} : { title }) };
    const r = await ctx.store.putNodesAtomic(projectId, [{ label: 'Document', properties, index, ...(id ? { id } : {}) }]);
    const item = r.items[0] as { id: string; created: boolean };
    await recordWrite(ctx, call.principal, {
      tool: 'store_document',
      action: 'document.stored',
      projectId,
      target: item.id,
      data: { ids: [item.id], created: r.created, replaced: r.replaced },
    });
    return item;
  });
