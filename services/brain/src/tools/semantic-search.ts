import { semantic_search } from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';
import { type BrainContext, checkAccess } from '../context.ts';
import { searchText } from '../search.ts';

export const semanticSearchTool = (ctx: BrainContext) =>
  implementTool(semantic_search, async ({ projectId, query, k, labels, mode }, call) => {
    await checkAccess(ctx, call.principal, projectId, 'read');
    return { results: await searchText(ctx, projectId, query, k, mode, labels) };
  });
