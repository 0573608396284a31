import { update_shot } from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';
import { planContext, type VisualContext } from '../context.ts';
import { updateShot } from '../planning.ts';

export const updateShotTool = (ctx: VisualContext) =>
  implementTool(update_shot, async ({ projectId, shotId, patch }, call) => ({
    shot: await updateShot(planContext(ctx, projectId, call), shotId, patch),
  }));
