import { get_task } from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';
import type { GpuTasksContext } from '../context.ts';

export const getTaskTool = (ctx: GpuTasksContext) =>
  implementTool(get_task, async ({ taskId, waitMs }, call) => {
    const task = await ctx.tasks.get(taskId);
    await ctx.gate.check(call.principal, task.projectId, 'read');
    if (waitMs === 0) return { task };
    return { task: await ctx.tasks.wait(taskId, waitMs, (p) => void call.progress(p).catch(() => {}), call.signal) };
  });
