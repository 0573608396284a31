import { list_prompt_templates } from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';
import { type BrainContext, checkAccess } from '../context.ts';

export const listPromptTemplatesTool = (ctx: BrainContext) =>
  implementTool(list_prompt_templates, async ({ projectId, name }, call) => {
    await checkAccess(ctx, call.principal, projectId, 'read');
    return { templates: await ctx.generation.templates.list(projectId, name) };
  });
