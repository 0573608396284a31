import { choose_outline } from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';
import { forCall, type StoryContext } from '../context.ts';
import { StoryError } from '../errors.ts';
import { applyOutline, requireStory, summary } from '../outline.ts';

export const chooseOutlineTool = (ctx: StoryContext) =>
  implementTool(choose_outline, async ({ projectId, optionIndex }, call) => {
    const { brain, graph } = forCall(ctx, call.principal, projectId);
    const story = await requireStory(graph);
    const outline = story.options[optionIndex];
    if (outline === undefined) {
      throw new StoryError(
        'STORY_OPTION_OUT_OF_RANGE',
        `optionIndex ${optionIndex} is out of range: the story has ${story.options.length} options (0 to ${story.options.length - 1})`,
        { field: 'optionIndex', options: story.options.length },
      );
    }
    const beats = await applyOutline(graph, brain, story, outline, optionIndex, ctx.writeParallelism);
    return { outline: { ...summary(outline, optionIndex), synopsis: outline.synopsis }, beats };
  });
