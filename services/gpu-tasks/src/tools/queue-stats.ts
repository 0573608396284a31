import { queue_stats } from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';
import type { GpuTasksContext } from '../context.ts';

export const queueStatsTool = (ctx: GpuTasksContext) => implementTool(queue_stats, async () => ({ kinds: await ctx.tasks.stats() }));
