import { replay_dead_letter } from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';
import type { GpuTasksContext } from '../context.ts';

export const replayDeadLetterTool = (ctx: GpuTasksContext) =>
  implementTool(replay_dead_letter, async ({ taskId }, call) => ({ task: await ctx.tasks.replay(taskId, call.principal.sub) }));
