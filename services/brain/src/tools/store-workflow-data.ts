import { store_workflow_data } from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';
import { type BrainContext, checkAccess, recordWrite } from '../context.ts';
import { indexEntry, workflowText } from '../indexing.ts';

export const storeWorkflowDataTool = (ctx: BrainContext) =>
  implementTool(store_workflow_data, async ({ projectId, id, kind, status, description, data }, call) => {
    await checkAccess(ctx, call.principal, projectId, 'write');
    const index = await indexEntry(ctx, workflowText({ kind, status, description, data }), call.signal);
    const properties = { kind, status, data, ...(description === undefined ? {} : { description }) };
    const r = await ctx.store.putNodesAtomic(projectId, [{ label: 'Workflow', properties, index, ...(id ? { id } : {}) }]);
    const item = r.items[0] as { id: string; created: boolean };
    await recordWrite(ctx, call.principal, {
      tool: 'store_workflow_data',
      action: 'workflow.stored',
      projectId,
      target: item.id,
      data: { id: item.id, kind, status },
    });
    return item;
  });
