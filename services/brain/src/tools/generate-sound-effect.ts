import { generate_sound_effect } from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';
import { type BrainContext, checkAccess } from '../context.ts';
import { callLogger, choiceOf, metaOf, progressOf, recordedInputs } from '../generation/tool-support.ts';

export const generateSoundEffectTool = (ctx: BrainContext) =>
  implementTool(generate_sound_effect, async (input, call) => {
    const { projectId, description, durationS, seed } = input;
    await checkAccess(ctx, call.principal, projectId, 'write');
    const r = await ctx.generation.gateway.media({
      kind: 'sfx',
      tool: 'generate_sound_effect',
      projectId,
      principal: call.principal,
      request: { description, durationS },
      inputs: recordedInputs(input),
      choice: choiceOf(input),
      ...(seed === undefined ? {} : { seed }),
      prompt: description,
      signal: call.signal,
      logger: callLogger(ctx, call, 'generate_sound_effect'),
      progress: progressOf(call),
    });
    return { asset: r.asset, durationS: r.durationS ?? r.asset.durationS ?? durationS, ...metaOf(r) };
  });
