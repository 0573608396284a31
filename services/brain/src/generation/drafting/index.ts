import {
  AutomovieError,
  BUILTIN_TEMPLATE_VARIABLES,
  BUILTIN_TEMPLATES,
  type BuiltinTemplateName,
  fromZodError,
} from '@automovie/contracts';
import type { z } from 'zod';
import { draftCharacterBible } from './characters.ts';
import { draftRng } from './prng.ts';
import { writeImagePrompts } from './prompts.ts';
import { refineOutline } from './refine.ts';
import { draftScreenplay } from './screenplay.ts';
import { planShots } from './shots.ts';
import { draftOutlines } from './story.ts';

/**
 * The offline drafting engine: the built-in prompt templates answered without a language model,
 * from the user's idea and the project's own material, deterministic for a given seed.
 */

export { analyze } from './analyze.ts';
export { extractiveDraft } from './free-text.ts';
export { instanceFromJsonSchema } from './json-instance.ts';
export { BUILTIN_TEMPLATE_DEFS, type BuiltinTemplateDef } from './templates.ts';
export { actionSeconds, dialogueSeconds, sceneSeconds, screenplaySeconds } from './timing.ts';

export function isBuiltinTemplateName(name: string): name is BuiltinTemplateName {
  return Object.hasOwn(BUILTIN_TEMPLATES, name);
}

/**
 * Drafts the output of a built-in template. Throws INVALID_INPUT naming the variable and rule when
 * `variables` do not match the template's variables schema; the result always satisfies the
 * template's output schema (checked here, so a drafting bug surfaces as INVALID_OUTPUT, never as
 * a malformed draft).
 */
export function draftBuiltin(name: BuiltinTemplateName, variables: unknown, seed: number): unknown {
  const schema = BUILTIN_TEMPLATE_VARIABLES[name] as z.ZodType;
  if (!schema) throw new AutomovieError('INVALID_INPUT', `Invalid input: template: unknown built-in template "${String(name)}"`);
  const parsed = schema.safeParse(variables ?? {});
  if (!parsed.success) throw fromZodError(parsed.error, `variables of ${name}`);
  const v = parsed.data as never;
  const rng = draftRng(seed, name, parsed.data);
  let out: unknown;
  switch (name) {
    case 'story.outlines':
      out = draftOutlines(v, rng);
      break;
    case 'story.refine': {
      const r = parsed.data as z.infer<(typeof BUILTIN_TEMPLATE_VARIABLES)['story.refine']>;
      out = refineOutline(r.outline, r.note, rng);
      break;
    }
    case 'character.bible':
      out = draftCharacterBible(v, rng);
      break;
    case 'screenplay.scenes':
      out = draftScreenplay(v, rng, seed);
      break;
    case 'shots.plan':
      out = planShots(v, rng);
      break;
    case 'image.prompts':
      out = writeImagePrompts(v);
      break;
  }
  const checked = (BUILTIN_TEMPLATES[name] as z.ZodType).safeParse(out);
  if (!checked.success) throw fromZodError(checked.error, `draft of ${name}`, 'INVALID_OUTPUT');
  return checked.data;
}
