import { describe_image } from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';
import { type BrainContext, checkAccess } from '../context.ts';
import { callLogger, choiceOf, inputFile, metaOf, progressOf, recordedInputs } from '../generation/tool-support.ts';

export const describeImageTool = (ctx: BrainContext) =>
  implementTool(describe_image, async (input, call) => {
    const { projectId, assetId, question } = input;
    await checkAccess(ctx, call.principal, projectId, 'write');
    const image = await inputFile(ctx, projectId, assetId, 'image', 'assetId');
    const r = await ctx.generation.gateway.answer({
      kind: 'vision',
      tool: 'describe_image',
      projectId,
      principal: call.principal,
      request: { image, ...(question === undefined ? {} : { question }) },
      inputs: recordedInputs(input),
      choice: choiceOf(input),
      signal: call.signal,
      logger: callLogger(ctx, call, 'describe_image'),
      progress: progressOf(call),
    });
    return { description: r.result.text, ...metaOf(r) };
  });
