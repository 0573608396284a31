import { upsert_prompt_template } from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';
import { type BrainContext, checkAccess, recordWrite } from '../context.ts';

export const upsertPromptTemplateTool = (ctx: BrainContext) =>
  implementTool(upsert_prompt_template, async ({ projectId, name, description, system, body, variables, outputSchema, routing }, call) => {
    await checkAccess(ctx, call.principal, projectId, 'write');
    const template = await ctx.generation.templates.upsert(projectId, {
      name,
      body,
      variables,
      ...(description === undefined ? {} : { description }),
      ...(system === undefined ? {} : { system }),
      ...(outputSchema === undefined ? {} : { outputSchema }),
      ...(routing === undefined ? {} : { routing: Object.fromEntries(Object.entries(routing).filter(([, v]) => v !== undefined)) }),
    });
    await recordWrite(ctx, call.principal, {
      tool: 'upsert_prompt_template',
      action: 'node.created',
      projectId,
      target: template.id,
      data: { id: template.id, label: 'PromptTemplate' },
    });
    return { template };
  });
