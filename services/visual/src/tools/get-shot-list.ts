import { get_shot_list } from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';
import { planContext, type VisualContext } from '../context.ts';
import { shotList } from '../planning.ts';

export const getShotListTool = (ctx: VisualContext) =>
  implementTool(get_shot_list, async ({ projectId }, call) => shotList(planContext(ctx, projectId, call)));
