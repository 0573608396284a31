import { generate_image } from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';
import { type BrainContext, checkAccess } from '../context.ts';
import { callLogger, choiceOf, inputFile, metaOf, progressOf, recordedInputs } from '../generation/tool-support.ts';

export const generateImageTool = (ctx: BrainContext) =>
  implementTool(generate_image, async (input, call) => {
    const { projectId, prompt, negativePrompt, width, height, composition, referenceAssetIds, seed } = input;
    await checkAccess(ctx, call.principal, projectId, 'write');
    const references = await Promise.all(
      referenceAssetIds.map((id, i) => inputFile(ctx, projectId, id, 'image', `referenceAssetIds[${i}]`)),
    );
    const r = await ctx.generation.gateway.media({
      kind: 'image',
      tool: 'generate_image',
      projectId,
      principal: call.principal,
      request: {
        prompt,
        width,
        height,
        references,
        ...(negativePrompt === undefined ? {} : { negativePrompt }),
        ...(composition === undefined ? {} : { composition }),
      },
      inputs: recordedInputs(input),
      choice: choiceOf(input),
      ...(seed === undefined ? {} : { seed }),
      derivedFrom: referenceAssetIds,
      prompt,
      signal: call.signal,
      logger: callLogger(ctx, call, 'generate_image'),
      progress: progressOf(call),
    });
    return { asset: r.asset, ...metaOf(r) };
  });
