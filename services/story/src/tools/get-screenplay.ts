import { get_screenplay } from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';
import { forCall, type StoryContext } from '../context.ts';
import { loadScreenplay } from '../graph-io.ts';

export const getScreenplayTool = (ctx: StoryContext) =>
  implementTool(get_screenplay, async ({ projectId }, call) => {
    const { graph } = forCall(ctx, call.principal, projectId);
    return { screenplay: await loadScreenplay(graph) };
  });
