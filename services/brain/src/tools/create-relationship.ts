import { create_relationship } from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';
import { type BrainContext, checkAccess, recordWrite } from '../context.ts';

export const createRelationshipTool = (ctx: BrainContext) =>
  implementTool(create_relationship, async ({ projectId, from, to, type, properties }, call) => {
    await checkAccess(ctx, call.principal, projectId, 'write');
    const relationship = await ctx.store.createRelationship(projectId, { from, to, type, properties });
    await recordWrite(ctx, call.principal, {
      tool: 'create_relationship',
      action: 'relationship.created',
      projectId,
      target: relationship.id,
      data: { id: relationship.id, type, from, to },
    });
    return { relationship };
  });
