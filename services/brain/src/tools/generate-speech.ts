import { generate_speech } from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';
import { type BrainContext, checkAccess } from '../context.ts';
import { callLogger, choiceOf, metaOf, progressOf, recordedInputs } from '../generation/tool-support.ts';

export const generateSpeechTool = (ctx: BrainContext) =>
  implementTool(generate_speech, async (input, call) => {
    const { projectId, text, voice, seed } = input;
    await checkAccess(ctx, call.principal, projectId, 'write');
    const r = await ctx.generation.gateway.media({
      kind: 'speech',
      tool: 'generate_speech',
      projectId,
      principal: call.principal,
      request: { text, voice },
      inputs: recordedInputs(input),
      choice: choiceOf(input),
      ...(seed === undefined ? {} : { seed }),
      prompt: text,
      signal: call.signal,
      logger: callLogger(ctx, call, 'generate_speech'),
      progress: progressOf(call),
    });
    return { asset: r.asset, durationS: r.durationS ?? r.asset.durationS ?? 0, timings: r.timings ?? [], ...metaOf(r) };
  });
