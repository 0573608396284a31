import { generate_text } from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';
import { type BrainContext, checkAccess } from '../context.ts';
import { parseJsonAnswer, structuredOutput } from '../generation/structured.ts';
import { callLogger, choiceOf, metaOf, progressOf, recordedInputs } from '../generation/tool-support.ts';

export const generateTextTool = (ctx: BrainContext) =>
  implementTool(generate_text, async (input, call) => {
    const { projectId, messages, jsonSchema, temperature, maxTokens, seed } = input;
    await checkAccess(ctx, call.principal, projectId, 'write');
    const g = ctx.generation;
    const structured = jsonSchema === undefined ? {} : structuredOutput(g.validator, jsonSchema, 'jsonSchema');
    const r = await g.gateway.answer({
      kind: 'text',
      tool: 'generate_text',
      projectId,
      principal: call.principal,
      request: {
        messages,
        ...(jsonSchema === undefined ? {} : { jsonSchema }),
        ...(temperature === undefined ? {} : { temperature }),
        ...(maxTokens === undefined ? {} : { maxTokens }),
      },
      inputs: recordedInputs(input),
      choice: choiceOf(input),
      ...(seed === undefined ? {} : { seed }),
      signal: call.signal,
      logger: callLogger(ctx, call, 'generate_text'),
      progress: progressOf(call),
      ...structured,
    });
    const parsed = jsonSchema === undefined ? undefined : parseJsonAnswer(r.result.text);
    return {
      text: r.result.text,
      ...(parsed?.ok ? { json: parsed.value as never } : {}),
      inputTokens: r.result.inputTokens,
      outputTokens: r.result.outputTokens,
      ...metaOf(r),
    };
  });
