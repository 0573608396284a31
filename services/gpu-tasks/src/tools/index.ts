import type { ToolImpl } from '@automovie/mcp-ws';
import type { GpuTasksContext } from '../context.ts';
import { cancelTaskTool } from './cancel-task.ts';
import { getTaskTool } from './get-task.ts';
import { listDeadLettersTool } from './list-dead-letters.ts';
import { listTasksTool } from './list-tasks.ts';
import { queueStatsTool } from './queue-stats.ts';
import { replayDeadLetterTool } from './replay-dead-letter.ts';
import { submitTaskTool } from './submit-task.ts';

/** Every MCP tool of gpu-tasks. */
export function gpuTasksTools(ctx: GpuTasksContext): ToolImpl[] {
  return [
    submitTaskTool(ctx),
    getTaskTool(ctx),
    cancelTaskTool(ctx),
    listTasksTool(ctx),
    queueStatsTool(ctx),
    listDeadLettersTool(ctx),
    replayDeadLetterTool(ctx),
  ] as ToolImpl[];
}
