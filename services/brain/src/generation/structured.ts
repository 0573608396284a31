import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import formatsModule from 'ajv-formats';
import { BrainError } from '../errors.ts';
import type { TextRequest, TextResult } from './provider.ts';

// ajv-formats is CommonJS: under Node's ESM loader its default import is the plugin function itself,
// while its types describe the module object.
const addFormats = formatsModule as unknown as typeof formatsModule.default;

/** Compiles and caches JSON Schemas (draft-07 and 2019 keywords Ajv knows, plus formats such as date-time). */
export class SchemaValidator {
  readonly #ajv: Ajv;
  readonly #compiled = new Map<string, ValidateFunction>();

  constructor() {
    this.#ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(this.#ajv);
  }

  /** The compiled schema; BRAIN_INVALID_SCHEMA naming `field` when it is not a valid JSON Schema. */
  compile(schema: Record<string, unknown>, field: string): ValidateFunction {
    const key = JSON.stringify(schema);
    let fn = this.#compiled.get(key);
    if (fn === undefined) {
      try {
        // Stray $schema/$id make Ajv look for meta-schemas and register ids globally; neither is needed here.
        const { $schema: _s, $id: _i, ...plain } = schema;
        fn = this.#ajv.compile(plain);
      } catch (err) {
        throw new BrainError(
          'BRAIN_INVALID_SCHEMA',
          `${field}: not a valid JSON Schema: ${err instanceof Error ? err.message : String(err)}`,
          {
            data: { field },
          },
        );
      }
      if (this.#compiled.size > 1000) this.#compiled.clear();
      this.#compiled.set(key, fn);
    }
    return fn;
  }

  /** Undefined when `value` satisfies the schema; else the errors, one `path: rule` per line. */
  check(schema: Record<string, unknown>, value: unknown, field: string): string | undefined {
    const fn = this.compile(schema, field);
    return fn(value) ? undefined : describeErrors(fn.errors ?? []);
  }
}

/** Ajv errors as `path: rule` text, the way a model (or a person) can act on them. */
export function describeErrors(errors: readonly ErrorObject[], max = 10): string {
  const lines = errors.slice(0, max).map((e) => {
    const path = e.instancePath === '' ? '(root)' : e.instancePath;
    const extra =
      e.keyword === 'additionalProperties'
        ? ` (${String((e.params as { additionalProperty?: string }).additionalProperty)})`
        : e.keyword === 'enum'
          ? ` (${JSON.stringify((e.params as { allowedValues?: unknown }).allowedValues)})`
          : '';
    return `${path}: ${e.message ?? e.keyword}${extra}`;
  });
  if (errors.length > max) lines.push(`(and ${errors.length - max} more)`);
  return lines.join('; ');
}

/**
 * The JSON value in a model's answer: the whole text, or the body of a ```json fence, or the span
 * from the first `{`/`[` to the last `}`/`]` (models like to add a sentence around it).
 */
export function parseJsonAnswer(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  const attempts: string[] = [text.trim()];
  const fence = /```(?:json)?\s*\n?([\s\S]*?)```/i.exec(text);
  if (fence?.[1] !== undefined) attempts.push(fence[1].trim());
  const start = text.search(/[[{]/);
  const end = Math.max(text.lastIndexOf('}'), text.lastIndexOf(']'));
  if (start >= 0 && end > start) attempts.push(text.slice(start, end + 1));
  let error = 'empty answer';
  for (const a of attempts) {
    if (a === '') continue;
    try {
      return { ok: true, value: JSON.parse(a) };
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
    }
  }
  return { ok: false, error: `(root): not JSON (${error})` };
}

/** Structured output against a JSON Schema: the gateway's `validate` and `repair` for a text call. */
export function structuredOutput(
  validator: SchemaValidator,
  schema: Record<string, unknown>,
  field: string,
  /** Extra check after the schema (the built-in templates' zod schemas); a message means invalid. */
  extra?: (value: unknown) => string | undefined,
): { validate: (r: TextResult) => string | undefined; repair: (req: TextRequest, r: TextResult, error: string) => TextRequest } {
  // Refuse a bad schema before anything is spent.
  validator.compile(schema, field);
  return {
    validate(r) {
      const parsed = parseJsonAnswer(r.text);
      if (!parsed.ok) return parsed.error;
      return validator.check(schema, parsed.value, field) ?? extra?.(parsed.value);
    },
    repair(req, r, error) {
      return {
        ...req,
        messages: [
          ...req.messages,
          { role: 'assistant', content: r.text.slice(0, 100_000) },
          {
            role: 'user',
            content: `Your answer does not satisfy the required JSON Schema: ${error}\nAnswer again with only the corrected JSON, nothing else.`,
          },
        ],
      };
    },
  };
}
