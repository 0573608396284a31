import { bulk_store_documents } from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';
import { type BrainContext, checkAccess, recordWrite } from '../context.ts';
import { documentText, indexEntries } from '../indexing.ts';

export const bulkStoreDocumentsTool = (ctx: BrainContext) =>
  implementTool(bulk_store_documents, async ({ projectId, documents }, call) => {
    await checkAccess(ctx, call.principal, projectId, 'write');
    await call.progress({ progress: 0, total: documents.length, message: 'embedding' });
    const entries = await indexEntries(ctx, documents.map(documentText), call.signal);
    await call.progress({ progress: documents.length / 2, total: documents.length, message: 'storing' });
    // One transaction: every document and its index entry, or none of them.
    const r = await ctx.store.putNodesAtomic(
      projectId,
      documents.map((d, i) => ({
        label: 'Document' as const,
        properties: { content: d.content, metadata: d.metadata, ...(d.title === undefined ? {} : { title: d.title }) },
        index: entries[i],
        ...(d.id ? { id: d.id } : {}),
      })),
    );
    const ids = r.items.map((i) => i.id);
    await recordWrite(ctx, call.principal, {
      tool: 'bulk_store_documents',
      action: 'document.stored',
      projectId,
      data: { ids, created: r.created, replaced: r.replaced },
    });
    await call.progress({ progress: documents.length, total: documents.length, message: 'stored' });
    return { ids, created: r.created, replaced: r.replaced };
  });
