import { plan_shots } from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';
import { planContext, type VisualContext } from '../context.ts';
import { planShots } from '../planning.ts';

export const planShotsTool = (ctx: VisualContext) =>
  implementTool(plan_shots, async ({ projectId, style, seed }, call) => {
    const result = await planShots(planContext(ctx, projectId, call), { style, ...(seed === undefined ? {} : { seed }) });
    call.log.info({ projectId, shots: result.shots.length, scenesPlanned: result.scenesPlanned, removed: result.removed }, 'planned shots');
    return result;
  });
