import { type AutomovieError, isAutomovieError } from '@automovie/contracts';
import { draftBuiltin, extractiveDraft, instanceFromJsonSchema, isBuiltinTemplateName } from '../drafting/index.ts';
import { draftRng } from '../drafting/prng.ts';
import { type Provider, type ProviderCallContext, ProviderError, type TextRequest, type TextResult } from '../provider.ts';

/**
 * The text provider that needs no key and no network: the drafting engine for the built-in
 * templates, a schema-shaped draft for other structured requests, and an extractive draft for
 * free text. Its output is labelled `offline` wherever it is recorded.
 */

const NAME = 'offline';
const MODEL = 'drafting-engine-1';

function tokens(text: string): number {
  return Math.ceil(text.length / 4);
}

function promptText(req: TextRequest): string {
  return req.messages.map((m) => m.content).join('\n');
}

function userText(req: TextRequest): string {
  const users = req.messages.filter((m) => m.role === 'user');
  return (users.length > 0 ? users : req.messages).map((m) => m.content).join('\n');
}

export function createOfflineTextProvider(): Provider<'text'> {
  return {
    kind: 'text',
    name: NAME,
    offline: true,
    models: [MODEL],
    defaultModel: MODEL,
    estimateCostUsd: () => 0,
    costUsd: () => 0,
    async run(req: TextRequest, ctx: ProviderCallContext): Promise<TextResult> {
      if (ctx.signal.aborted) throw new ProviderError(NAME, 'timeout', 'offline drafting was cancelled before it started');
      let text: string;
      try {
        if (req.template?.builtin && isBuiltinTemplateName(req.template.name)) {
          text = JSON.stringify(draftBuiltin(req.template.name, req.template.variables, ctx.seed));
        } else if (req.jsonSchema) {
          const source = req.template
            ? `${userText(req)}\n${Object.values(req.template.variables)
                .filter((v) => typeof v === 'string')
                .join('\n')}`
            : userText(req);
          text = JSON.stringify(instanceFromJsonSchema(req.jsonSchema, source, draftRng(ctx.seed, 'json', source)));
        } else {
          text = extractiveDraft(userText(req));
        }
      } catch (err) {
        // Bad variables or an unsatisfiable schema: the request is wrong for this provider, not the provider broken.
        if (isAutomovieError(err) && (err as AutomovieError).code === 'INVALID_INPUT') {
          throw new ProviderError(NAME, 'rejected', (err as AutomovieError).message, { status: 400, cause: err });
        }
        throw new ProviderError(NAME, 'bad_response', `offline drafting failed: ${(err as Error).message}`, { cause: err });
      }
      return { text, inputTokens: tokens(promptText(req)), outputTokens: tokens(text) };
    },
  };
}
