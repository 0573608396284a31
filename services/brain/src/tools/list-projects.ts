import { list_projects } from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';
import type { BrainContext } from '../context.ts';

export const listProjectsTool = (ctx: BrainContext) =>
  implementTool(list_projects, async ({ limit, cursor }, call) => {
    const userId = call.principal.userId;
    const page = await ctx.store.listProjects({ limit, ...(cursor ? { cursor } : {}), ...(userId ? { userId } : {}) });
    return { projects: page.projects, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
  });
