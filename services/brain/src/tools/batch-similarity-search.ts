import { batch_similarity_search } from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';
import { type BrainContext, checkAccess } from '../context.ts';
import { searchText } from '../search.ts';

export const batchSimilaritySearchTool = (ctx: BrainContext) =>
  implementTool(batch_similarity_search, async ({ projectId, queries, k, labels, mode }, call) => {
    await checkAccess(ctx, call.principal, projectId, 'read');
    // The embedding service batches and caches, so embedding the queries first makes one provider call.
    await ctx.embeddings.embed(queries, { inputType: 'query', signal: call.signal });
    const results = [];
    for (const q of queries) results.push(await searchText(ctx, projectId, q, k, mode, labels));
    return { results };
  });
