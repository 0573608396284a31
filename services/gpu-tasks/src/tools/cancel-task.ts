import { cancel_task } from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';
import type { GpuTasksContext } from '../context.ts';

export const cancelTaskTool = (ctx: GpuTasksContext) =>
  implementTool(cancel_task, async ({ taskId }, call) => {
    const task = await ctx.tasks.get(taskId);
    await ctx.gate.check(call.principal, task.projectId, 'write');
    return { task: await ctx.tasks.cancel(taskId, call.principal.sub) };
  });
