import { BUILTIN_TEMPLATES, type BuiltinTemplateName, execute_prompt, type PromptTemplate } from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';
import type { z } from 'zod';
import { type BrainContext, checkAccess } from '../context.ts';
import { BrainError } from '../errors.ts';
import type { ChatMessage } from '../generation/provider.ts';
import { parseJsonAnswer, structuredOutput } from '../generation/structured.ts';
import { callLogger, choiceOf, metaOf, progressOf, recordedInputs } from '../generation/tool-support.ts';

/** A built-in template's zod schema as a `validate` check (refinements JSON Schema cannot express). */
function zodCheck(schema: z.ZodType): (value: unknown) => string | undefined {
  return (value) => {
    const r = schema.safeParse(value);
    if (r.success) return undefined;
    return r.error.issues
      .slice(0, 10)
      .map((i) => `/${i.path.join('/')}: ${i.message}`)
      .join('; ');
  };
}

function builtinSchema(t: PromptTemplate): z.ZodType | undefined {
  return t.builtin ? BUILTIN_TEMPLATES[t.name as BuiltinTemplateName] : undefined;
}

export const executePromptTool = (ctx: BrainContext) =>
  implementTool(execute_prompt, async (input, call) => {
    const { projectId, template: name, version, variables, seed } = input;
    await checkAccess(ctx, call.principal, projectId, 'write');
    const g = ctx.generation;
    const t = await g.templates.get(projectId, name, version);
    const prepared = g.templates.prepare(t, variables);
    const messages: ChatMessage[] = [
      ...(prepared.system ? [{ role: 'system' as const, content: prepared.system }] : []),
      { role: 'user', content: prepared.user },
    ];
    const zod = builtinSchema(t);
    const structured =
      t.outputSchema === undefined
        ? {}
        : structuredOutput(g.validator, t.outputSchema, `outputSchema of ${t.name} v${t.version}`, zod ? zodCheck(zod) : undefined);
    const r = await g.gateway.answer({
      kind: 'text',
      tool: 'execute_prompt',
      projectId,
      principal: call.principal,
      request: {
        messages,
        ...(t.outputSchema === undefined ? {} : { jsonSchema: t.outputSchema }),
        template: { name: t.name, version: t.version, builtin: t.builtin, variables: prepared.variables },
      },
      inputs: recordedInputs(input),
      choice: choiceOf(input),
      ...(t.routing ? { prefer: choiceOf(t.routing) } : {}),
      ...(seed === undefined ? {} : { seed }),
      template: { name: t.name, version: t.version },
      signal: call.signal,
      logger: callLogger(ctx, call, 'execute_prompt'),
      progress: progressOf(call),
      ...structured,
    });
    let output: unknown = r.result.text;
    if (t.outputSchema !== undefined) {
      const parsed = parseJsonAnswer(r.result.text);
      // The gateway validated this answer before returning (or caching) it.
      if (!parsed.ok) throw new BrainError('BRAIN_OUTPUT_SCHEMA', parsed.error);
      output = zod ? zod.parse(parsed.value) : parsed.value;
    }
    return { template: t.name, version: t.version, text: r.result.text, output: output as never, ...metaOf(r) };
  });
