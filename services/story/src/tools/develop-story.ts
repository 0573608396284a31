import { develop_story, filmIds, StoryOutlinesSchema, type StoryRecord } from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';
import { forCall, type StoryContext } from '../context.ts';
import { hashOf, storyExtras } from '../graph-io.ts';
import { runTemplate, summary } from '../outline.ts';

export const developStoryTool = (ctx: StoryContext) =>
  implementTool(develop_story, async (input, call) => {
    const { brain, graph } = forCall(ctx, call.principal, input.projectId);
    const variables = {
      idea: input.idea,
      ...(input.structure === undefined ? {} : { structure: input.structure }),
      ...(input.genre === undefined ? {} : { genre: input.genre }),
      targetDurationS: input.targetDurationS,
      optionCount: input.optionCount,
    };
    const optionsKey = hashOf({ ...variables, seed: input.seed ?? null });
    const [story, extras] = await Promise.all([graph.story(), storyExtras(graph)]);
    if (story !== undefined && extras.optionsKey === optionsKey && story.options.length > 0) {
      return { storyId: filmIds.story(), options: story.options.map(summary), reused: true };
    }
    await call.progress({ progress: 0, total: 1, message: 'drafting outline options' });
    const { options } = await runTemplate(brain, input.projectId, 'story.outlines', variables, StoryOutlinesSchema, input.seed);
    const record: StoryRecord = { idea: input.idea, options, targetDurationS: input.targetDurationS };
    await graph.upsert(
      'Story',
      filmIds.story(),
      { ...record, optionsKey },
      `${input.idea}\n${options.map((o) => `${o.title}: ${o.logline}`).join('\n')}`,
    );
    // New options: an earlier choice referred to the old ones.
    if (story?.chosenIndex !== undefined || story?.outline !== undefined) await graph.unset(filmIds.story(), ['chosenIndex', 'outline']);
    await call.progress({ progress: 1, total: 1, message: `${options.length} outline options` });
    return { storyId: filmIds.story(), options: options.map(summary), reused: false };
  });
