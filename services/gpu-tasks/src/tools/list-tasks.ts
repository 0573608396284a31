import { list_tasks } from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';
import type { GpuTasksContext } from '../context.ts';

export const listTasksTool = (ctx: GpuTasksContext) =>
  implementTool(list_tasks, async ({ projectId, state, kind, limit }, call) => {
    await ctx.gate.check(call.principal, projectId, 'read');
    const tasks = await ctx.tasks.list(projectId, { limit, ...(state ? { state } : {}), ...(kind ? { kind } : {}) });
    return { tasks };
  });
