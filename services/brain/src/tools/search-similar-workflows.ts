import { search_similar_workflows } from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';
import { type BrainContext, checkAccess } from '../context.ts';
import { workflowOf } from '../records.ts';

export const searchSimilarWorkflowsTool = (ctx: BrainContext) =>
  implementTool(search_similar_workflows, async ({ projectId, query, kind, k }, call) => {
    await checkAccess(ctx, call.principal, projectId, 'read');
    const r = await ctx.embeddings.embed([query], { inputType: 'query', signal: call.signal });
    const hits = await ctx.store.vectorSearch(projectId, Array.from(r.vectors[0] as Float32Array), k, {
      labels: ['Workflow'],
      ...(kind === undefined ? {} : { where: [{ property: 'kind', op: 'eq' as const, value: kind }] }),
    });
    const results = [];
    for (const h of hits) results.push({ workflow: workflowOf(await ctx.store.getNode(projectId, h.id)), score: h.score });
    return { results };
  });
