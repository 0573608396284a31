import { moderate_content } from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';
import { type BrainContext, checkAccess } from '../context.ts';
import { callLogger, choiceOf, metaOf, recordedInputs } from '../generation/tool-support.ts';

export const moderateContentTool = (ctx: BrainContext) =>
  implementTool(moderate_content, async (input, call) => {
    const { projectId, text } = input;
    await checkAccess(ctx, call.principal, projectId, 'write');
    const r = await ctx.generation.gateway.answer({
      kind: 'moderation',
      tool: 'moderate_content',
      projectId,
      principal: call.principal,
      request: { text },
      inputs: recordedInputs(input),
      choice: choiceOf(input),
      signal: call.signal,
      logger: callLogger(ctx, call, 'moderate_content'),
    });
    return { flagged: r.result.flagged, categories: r.result.categories, ...metaOf(r) };
  });
