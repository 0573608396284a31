import { generate_music } from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';
import { type BrainContext, checkAccess } from '../context.ts';
import { callLogger, choiceOf, metaOf, progressOf, recordedInputs } from '../generation/tool-support.ts';

export const generateMusicTool = (ctx: BrainContext) =>
  implementTool(generate_music, async (input, call) => {
    const { projectId, mood, durationS, prompt, tempoBpm, seed } = input;
    await checkAccess(ctx, call.principal, projectId, 'write');
    const r = await ctx.generation.gateway.media({
      kind: 'music',
      tool: 'generate_music',
      projectId,
      principal: call.principal,
      request: { mood, durationS, ...(prompt === undefined ? {} : { prompt }), ...(tempoBpm === undefined ? {} : { tempoBpm }) },
      inputs: recordedInputs(input),
      choice: choiceOf(input),
      ...(seed === undefined ? {} : { seed }),
      prompt: prompt ? `${mood}: ${prompt}` : mood,
      signal: call.signal,
      logger: callLogger(ctx, call, 'generate_music'),
      progress: progressOf(call),
    });
    return { asset: r.asset, durationS: r.durationS ?? r.asset.durationS ?? durationS, ...metaOf(r) };
  });
