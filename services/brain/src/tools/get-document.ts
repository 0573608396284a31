import { get_document } from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';
import { type BrainContext, checkAccess } from '../context.ts';
import { documentOf } from '../records.ts';

export const getDocumentTool = (ctx: BrainContext) =>
  implementTool(get_document, async ({ projectId, id }, call) => {
    await checkAccess(ctx, call.principal, projectId, 'read');
    return { document: documentOf(await ctx.store.getNode(projectId, id)) };
  });
