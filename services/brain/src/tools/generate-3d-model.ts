import { generate_3d_model } from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';
import { type BrainContext, checkAccess } from '../context.ts';
import { callLogger, choiceOf, inputFile, metaOf, progressOf, recordedInputs } from '../generation/tool-support.ts';

export const generate3dModelTool = (ctx: BrainContext) =>
  implementTool(generate_3d_model, async (input, call) => {
    const { projectId, description, elements, imageAssetId, seed } = input;
    await checkAccess(ctx, call.principal, projectId, 'write');
    const image = imageAssetId === undefined ? undefined : await inputFile(ctx, projectId, imageAssetId, 'image', 'imageAssetId');
    const r = await ctx.generation.gateway.media({
      kind: 'model3d',
      tool: 'generate_3d_model',
      projectId,
      principal: call.principal,
      request: { description, elements, ...(image ? { image } : {}) },
      inputs: recordedInputs(input),
      choice: choiceOf(input),
      ...(seed === undefined ? {} : { seed }),
      derivedFrom: imageAssetId === undefined ? [] : [imageAssetId],
      prompt: description,
      signal: call.signal,
      logger: callLogger(ctx, call, 'generate_3d_model'),
      progress: progressOf(call),
    });
    return { asset: r.asset, ...metaOf(r) };
  });
