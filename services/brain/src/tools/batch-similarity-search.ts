import { batch_similarity_search } from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';
import { type BrainContext, checkAccess } from '../context.ts';
import { searchText } from '../search.ts';

export const batchSimilaritySearchTool = (ctx: BrainContext) =>
  implementTool(batch_similarity_search, async ({ projectId, queries, k, labels, mode }, call) => {
    await checkAccess(ctx, call.principal, projectId, 'read');
    // All queries are embedded in one batched call, then searched one by one with their vectors.
    const vectors = mode === 'keyword' ? [] : (await ctx.embeddings.embed(queries, { inputType: 'query', signal: call.signal })).vectors;
    const results = [];
    for (const [i, q] of queries.entries()) results.push(await searchText(ctx, projectId, q, k, mode, labels, vectors[i]));
    return { results };
  });
