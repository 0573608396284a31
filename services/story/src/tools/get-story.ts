import { get_story } from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';
import { forCall, type StoryContext } from '../context.ts';
import { requireStory } from '../outline.ts';

export const getStoryTool = (ctx: StoryContext) =>
  implementTool(get_story, async ({ projectId }, call) => {
    const { graph } = forCall(ctx, call.principal, projectId);
    return { story: await requireStory(graph) };
  });
