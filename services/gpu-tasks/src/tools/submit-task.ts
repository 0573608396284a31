import { submit_task } from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';
import type { GpuTasksContext } from '../context.ts';

export const submitTaskTool = (ctx: GpuTasksContext) =>
  implementTool(submit_task, async (input, call) => {
    await ctx.gate.check(call.principal, input.projectId, 'write');
    const { task, deduplicated } = await ctx.tasks.submit(
      {
        projectId: input.projectId,
        kind: input.kind,
        payload: input.payload,
        priority: input.priority,
        ...(input.idempotencyKey === undefined ? {} : { idempotencyKey: input.idempotencyKey }),
        ...(input.maxAttempts === undefined ? {} : { maxAttempts: input.maxAttempts }),
      },
      call.principal,
    );
    if (input.waitMs === 0) return { task, deduplicated };
    const waited = await ctx.tasks.wait(task.id, input.waitMs, (p) => void call.progress(p).catch(() => {}), call.signal);
    return { task: waited, deduplicated };
  });
