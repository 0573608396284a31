import { search_by_embedding } from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';
import { type BrainContext, checkAccess } from '../context.ts';

export const searchByEmbeddingTool = (ctx: BrainContext) =>
  implementTool(search_by_embedding, async ({ projectId, embedding, k, labels }, call) => {
    await checkAccess(ctx, call.principal, projectId, 'read');
    return { results: await ctx.store.vectorSearch(projectId, embedding, k, labels === undefined ? {} : { labels }) };
  });
