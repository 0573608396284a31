import { generate_video } from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';
import { type BrainContext, checkAccess } from '../context.ts';
import { callLogger, choiceOf, inputFile, metaOf, progressOf, recordedInputs } from '../generation/tool-support.ts';

export const generateVideoTool = (ctx: BrainContext) =>
  implementTool(generate_video, async (input, call) => {
    const { projectId, prompt, imageAssetId, durationS, movement, width, height, fps, seed } = input;
    await checkAccess(ctx, call.principal, projectId, 'write');
    const image = imageAssetId === undefined ? undefined : await inputFile(ctx, projectId, imageAssetId, 'image', 'imageAssetId');
    const r = await ctx.generation.gateway.media({
      kind: 'video',
      tool: 'generate_video',
      projectId,
      principal: call.principal,
      request: { prompt, durationS, movement, width, height, fps, ...(image ? { image } : {}) },
      inputs: recordedInputs(input),
      choice: choiceOf(input),
      ...(seed === undefined ? {} : { seed }),
      derivedFrom: imageAssetId === undefined ? [] : [imageAssetId],
      prompt,
      signal: call.signal,
      logger: callLogger(ctx, call, 'generate_video'),
      progress: progressOf(call),
    });
    return { asset: r.asset, ...metaOf(r) };
  });
