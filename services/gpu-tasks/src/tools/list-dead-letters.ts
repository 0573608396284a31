import { list_dead_letters } from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';
import type { GpuTasksContext } from '../context.ts';

export const listDeadLettersTool = (ctx: GpuTasksContext) =>
  implementTool(list_dead_letters, async ({ kind, limit }) => ({ tasks: await ctx.tasks.deadLetters(kind, limit) }));
