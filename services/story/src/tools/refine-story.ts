import { OutlineOptionSchema, refine_story } from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';
import { forCall, type StoryContext } from '../context.ts';
import { applyOutline, requireOutline, runTemplate, summary } from '../outline.ts';

export const refineStoryTool = (ctx: StoryContext) =>
  implementTool(refine_story, async ({ projectId, note, seed }, call) => {
    const { brain, graph } = forCall(ctx, call.principal, projectId);
    const { story, outline } = await requireOutline(graph);
    await call.progress({ progress: 0, total: 1, message: 'refining the outline' });
    const refined = await runTemplate(brain, projectId, 'story.refine', { outline, note }, OutlineOptionSchema, seed);
    const index = story.chosenIndex ?? 0;
    const beats = await applyOutline(graph, brain, story, refined, index, ctx.writeParallelism);
    await call.progress({ progress: 1, total: 1, message: 'outline refined' });
    return { outline: { ...summary(refined, index), synopsis: refined.synopsis }, beats };
  });
