import { get_workflow_data } from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';
import { type BrainContext, checkAccess } from '../context.ts';
import { workflowOf } from '../records.ts';

export const getWorkflowDataTool = (ctx: BrainContext) =>
  implementTool(get_workflow_data, async ({ projectId, id }, call) => {
    await checkAccess(ctx, call.principal, projectId, 'read');
    return { workflow: workflowOf(await ctx.store.getNode(projectId, id)) };
  });
