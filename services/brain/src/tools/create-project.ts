import { create_project } from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';
import { type BrainContext, recordWrite } from '../context.ts';

export const createProjectTool = (ctx: BrainContext) =>
  implementTool(create_project, async (input, call) => {
    // A user creating a project (through a service acting for them) becomes its owner.
    const project = await ctx.store.createProject(input, call.principal.userId);
    await recordWrite(ctx, call.principal, {
      tool: 'create_project',
      action: 'project.created',
      projectId: project.id,
      target: project.id,
      data: { name: project.name },
    });
    return { project };
  });
