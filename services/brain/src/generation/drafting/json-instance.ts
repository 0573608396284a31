import { AutomovieError } from '@automovie/contracts';
import { Ajv } from 'ajv';
import type { Rng } from './prng.ts';
import { capitalize, clip } from './text.ts';

/**
 * A deterministic instance of a JSON Schema, written from the request's own words. It is what
 * the offline text provider answers to a structured-output request that is not a built-in
 * template: honest draft content of the right shape, validated against the schema with ajv.
 */

type Schema = Record<string, unknown>;

const STOP = new Set(
  'the a an and or of to in on at for with by from is are be as it this that you your please write return give json schema output'.split(
    ' ',
  ),
);

interface Ctx {
  root: Schema;
  words: string[];
  sentences: string[];
  rng: Rng;
  depth: number;
}

function resolve(s: Schema, ctx: Ctx): Schema {
  let cur = s;
  for (let i = 0; i < 20 && typeof cur.$ref === 'string'; i++) {
    const ref = cur.$ref as string;
    if (!ref.startsWith('#'))
      throw new AutomovieError('INVALID_INPUT', `Invalid input: jsonSchema: external $ref "${ref}" is not supported offline`);
    let target: unknown = ctx.root;
    for (const part of ref.slice(1).split('/').filter(Boolean)) {
      target = (target as Record<string, unknown> | undefined)?.[decodeURIComponent(part.replace(/~1/g, '/').replace(/~0/g, '~'))];
    }
    if (!target || typeof target !== 'object')
      throw new AutomovieError('INVALID_INPUT', `Invalid input: jsonSchema: $ref "${ref}" does not resolve`);
    const { $ref: _drop, ...rest } = cur;
    cur = { ...(target as Schema), ...rest };
  }
  if (Array.isArray(cur.allOf)) {
    let merged: Schema = { ...cur };
    delete merged.allOf;
    for (const part of cur.allOf as Schema[]) {
      const r = resolve(part, ctx);
      merged = {
        ...merged,
        ...r,
        properties: { ...((merged.properties as Schema) ?? {}), ...((r.properties as Schema) ?? {}) },
        required: [...new Set([...((merged.required as string[]) ?? []), ...((r.required as string[]) ?? [])])],
      };
    }
    cur = merged;
  }
  return cur;
}

function typeOf(s: Schema): string | undefined {
  if (Array.isArray(s.type)) return (s.type as string[]).find((t) => t !== 'null') ?? 'null';
  if (typeof s.type === 'string') return s.type;
  if (s.properties) return 'object';
  if (s.items) return 'array';
  return undefined;
}

function phraseFor(key: string, ctx: Ctx, index: number): string {
  const k = key.toLowerCase();
  const w = (i: number) => ctx.words[(index + i) % Math.max(1, ctx.words.length)] ?? 'draft';
  if (/title|name|heading|label/.test(k)) return [w(0), w(1), w(2)].map(capitalize).join(' ');
  if (/summary|description|synopsis|text|content|body|answer|explanation|reason|note|message/.test(k)) {
    return ctx.sentences[index % Math.max(1, ctx.sentences.length)] ?? `${capitalize(w(0))} ${w(1)} ${w(2)}.`;
  }
  if (/tag|keyword|topic|genre|category|kind|type/.test(k)) return w(0);
  return [w(0), w(1)].join(' ');
}

const FORMATS: Record<string, (ctx: Ctx) => string> = {
  email: (ctx) => `${(ctx.words[0] ?? 'draft').replace(/[^a-z0-9]/gi, '').toLowerCase() || 'draft'}@example.com`,
  uri: (ctx) => `https://example.com/${(ctx.words[0] ?? 'draft').replace(/[^a-z0-9-]/gi, '').toLowerCase() || 'draft'}`,
  url: (ctx) => `https://example.com/${(ctx.words[0] ?? 'draft').replace(/[^a-z0-9-]/gi, '').toLowerCase() || 'draft'}`,
  'date-time': () => '2000-01-01T00:00:00Z',
  date: () => '2000-01-01',
  time: () => '00:00:00Z',
  uuid: (ctx) => {
    const hex = Array.from({ length: 32 }, () => Math.floor(ctx.rng.next() * 16).toString(16)).join('');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  },
};

function fitString(text: string, s: Schema): string {
  const min = typeof s.minLength === 'number' ? s.minLength : 0;
  const max = typeof s.maxLength === 'number' ? s.maxLength : 4000;
  let t = text;
  while (t.length < min) t = `${t} ${text || 'draft'}`.trim();
  if (t.length > max) t = max >= 8 ? clip(t, max) : t.slice(0, max);
  if ([...t].length > max) t = [...t].slice(0, max).join('');
  return t;
}

/** Generates a string for a simple regular expression: literals, classes, escapes, groups, alternation, quantifiers. */
export function stringForPattern(pattern: string, rng: Rng): string | undefined {
  let i = 0;
  const src = pattern;
  const parseAlt = (): string => {
    const branches: string[] = [parseSeq()];
    while (src[i] === '|') {
      i++;
      branches.push(parseSeq());
    }
    return branches[0]!;
  };
  const classChars = (body: string): string[] => {
    const chars: string[] = [];
    const negate = body.startsWith('^');
    const b = negate ? body.slice(1) : body;
    for (let k = 0; k < b.length; k++) {
      let c = b[k]!;
      if (c === '\\') {
        const e = b[++k]!;
        if (e === 'd') chars.push(...'0123456789');
        else if (e === 'w') chars.push(...'abcxyz019_');
        else if (e === 's') chars.push(' ');
        else chars.push(e);
        continue;
      }
      if (b[k + 1] === '-' && b[k + 2] !== undefined && b[k + 2] !== ']') {
        const end = b[k + 2]!;
        for (let code = c.charCodeAt(0); code <= end.charCodeAt(0) && chars.length < 200; code++) chars.push(String.fromCharCode(code));
        k += 2;
        continue;
      }
      chars.push(c);
      c = '';
    }
    if (negate) return [...'abcdefghijklmnopqrstuvwxyz0123456789'].filter((c) => !chars.includes(c));
    return chars;
  };
  const parseAtom = (): (() => string) | undefined => {
    const c = src[i];
    if (c === undefined || c === '|' || c === ')') return undefined;
    if (c === '^' || c === '$') {
      i++;
      return () => '';
    }
    if (c === '(') {
      i++;
      if (src.startsWith('?:', i)) i += 2;
      const start = i;
      let depth = 0;
      for (; i < src.length; i++) {
        if (src[i] === '\\') i++;
        else if (src[i] === '(') depth++;
        else if (src[i] === ')') {
          if (depth === 0) break;
          depth--;
        }
      }
      const inner = src.slice(start, i);
      i++;
      return () => stringForPattern(inner, rng) ?? '';
    }
    if (c === '[') {
      const end = src.indexOf(']', i + 2);
      const chars = classChars(src.slice(i + 1, end));
      i = end + 1;
      return () => chars[Math.floor(rng.next() * chars.length)] ?? 'a';
    }
    if (c === '\\') {
      const e = src[i + 1]!;
      i += 2;
      if (e === 'd') return () => String(Math.floor(rng.next() * 10));
      if (e === 'w') return () => 'abcxyz'[Math.floor(rng.next() * 6)]!;
      if (e === 's') return () => ' ';
      return () => e;
    }
    if (c === '.') {
      i++;
      return () => 'x';
    }
    i++;
    return () => c;
  };
  const parseSeq = (): string => {
    let out = '';
    for (;;) {
      const atom = parseAtom();
      if (!atom) break;
      let min = 1;
      let max = 1;
      const q = src[i];
      if (q === '?') [min, max, i] = [0, 1, i + 1];
      else if (q === '*') [min, max, i] = [0, 3, i + 1];
      else if (q === '+') [min, max, i] = [1, 3, i + 1];
      else if (q === '{') {
        const end = src.indexOf('}', i);
        const [a, b] = src.slice(i + 1, end).split(',');
        min = Number(a);
        max = b === undefined ? min : b === '' ? min + 3 : Number(b);
        i = end + 1;
      }
      if (src[i] === '?') i++;
      const count = min + Math.floor(rng.next() * (Math.min(max, min + 6) - min + 1));
      for (let k = 0; k < count; k++) out += atom();
    }
    return out;
  };
  try {
    const s = parseAlt();
    return new RegExp(pattern, 'u').test(s) ? s : undefined;
  } catch {
    return undefined;
  }
}

function build(schemaIn: unknown, key: string, ctx: Ctx, index: number): unknown {
  if (schemaIn === true || schemaIn === undefined) return phraseFor(key, ctx, index);
  if (schemaIn === false) throw new AutomovieError('INVALID_INPUT', `Invalid input: jsonSchema: "${key}" allows no value`);
  if (ctx.depth > 24)
    throw new AutomovieError('INVALID_INPUT', 'Invalid input: jsonSchema: nested deeper than 24 levels (recursive schema?)');
  const s = resolve(schemaIn as Schema, ctx);
  if ('const' in s) return s.const;
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[Math.floor(ctx.rng.next() * s.enum.length)];
  if (Array.isArray(s.oneOf) || Array.isArray(s.anyOf)) {
    const alts = (s.oneOf ?? s.anyOf) as Schema[];
    const nonNull = alts.filter((alt) => typeOf(resolve(alt, ctx)) !== 'null');
    const { oneOf: _o, anyOf: _a, ...rest } = s;
    return build({ ...rest, ...(nonNull[0] ?? alts[0]) }, key, ctx, index);
  }
  const t = typeOf(s);
  const next: Ctx = { ...ctx, depth: ctx.depth + 1 };
  switch (t) {
    case 'object': {
      const props = (s.properties ?? {}) as Record<string, unknown>;
      const required = new Set((s.required as string[] | undefined) ?? []);
      const out: Record<string, unknown> = {};
      let k = 0;
      for (const [name, sub] of Object.entries(props)) {
        out[name] = build(sub, name, next, index + k++);
      }
      for (const name of required) if (!(name in out)) out[name] = build(s.additionalProperties ?? true, name, next, index + k++);
      const minP = typeof s.minProperties === 'number' ? s.minProperties : 0;
      for (let extra = 0; Object.keys(out).length < minP && extra < 100; extra++) {
        out[`${ctx.words[extra] ?? 'field'}_${extra}`] = build(s.additionalProperties ?? true, 'value', next, index + k++);
      }
      return out;
    }
    case 'array': {
      const min = typeof s.minItems === 'number' ? s.minItems : 0;
      const max = typeof s.maxItems === 'number' ? s.maxItems : Math.max(min, 3);
      const count = Math.min(max, Math.max(min, Math.min(3, max)));
      const prefix = Array.isArray(s.prefixItems) ? (s.prefixItems as unknown[]) : [];
      const items: unknown[] = [];
      for (let k = 0; k < count; k++) items.push(build(prefix[k] ?? s.items ?? true, key.replace(/s$/, ''), next, index + k));
      if (s.uniqueItems) {
        const seen = new Set<string>();
        return items.filter((it) => {
          const j = JSON.stringify(it);
          if (seen.has(j)) return false;
          seen.add(j);
          return true;
        });
      }
      return items;
    }
    case 'integer':
    case 'number': {
      const lo =
        typeof s.minimum === 'number'
          ? s.minimum
          : typeof s.exclusiveMinimum === 'number'
            ? s.exclusiveMinimum + (t === 'integer' ? 1 : 0.001)
            : 0;
      const hi =
        typeof s.maximum === 'number'
          ? s.maximum
          : typeof s.exclusiveMaximum === 'number'
            ? s.exclusiveMaximum - (t === 'integer' ? 1 : 0.001)
            : lo + 100;
      let v = lo + (hi - lo) * ((index % 5) / 4) * 0.5;
      if (t === 'integer') v = Math.min(Math.floor(hi), Math.max(Math.ceil(lo), Math.round(v)));
      if (typeof s.multipleOf === 'number') v = Math.ceil(lo / s.multipleOf) * s.multipleOf;
      return v;
    }
    case 'boolean':
      return index % 2 === 0;
    case 'null':
      return null;
    default: {
      if (typeof s.format === 'string' && FORMATS[s.format]) return FORMATS[s.format]!(ctx);
      if (typeof s.pattern === 'string') {
        const base = fitString(phraseFor(key, ctx, index), s);
        if (new RegExp(s.pattern, 'u').test(base)) return base;
        for (let attempt = 0; attempt < 20; attempt++) {
          const g = stringForPattern(s.pattern, ctx.rng);
          if (g !== undefined && g.length >= ((s.minLength as number) ?? 0) && g.length <= ((s.maxLength as number) ?? Infinity)) return g;
        }
        throw new AutomovieError(
          'INVALID_INPUT',
          `Invalid input: jsonSchema: cannot write a string for "${key}" matching /${s.pattern}/ offline`,
        );
      }
      return fitString(phraseFor(key, ctx, index), s);
    }
  }
}

const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });

/**
 * An instance of `schema` built from `text` (the request's words), deterministic for the rng's
 * seed. Throws INVALID_INPUT when the schema cannot be satisfied offline (external refs, patterns
 * beyond simple regular expressions) or the result does not validate.
 */
export function instanceFromJsonSchema(schema: Record<string, unknown>, text: string, rng: Rng): unknown {
  const words = (text.toLowerCase().match(/[a-z][a-z'-]{2,}/g) ?? []).filter((w) => !STOP.has(w));
  const uniq = [...new Set(words)];
  const sentences = (text.match(/[^.!?\n]+[.!?]?/g) ?? []).map((s) => s.trim()).filter((s) => s.length > 3);
  const ctx: Ctx = { root: schema, words: uniq.length > 0 ? uniq : ['draft'], sentences, rng, depth: 0 };
  const value = build(schema, 'root', ctx, 0);
  let validate: ReturnType<Ajv['compile']>;
  try {
    validate = ajv.compile(schema);
  } catch (err) {
    throw new AutomovieError('INVALID_INPUT', `Invalid input: jsonSchema: ${(err as Error).message}`, { cause: err });
  }
  if (!validate(value)) {
    const first = validate.errors?.[0];
    throw new AutomovieError(
      'INVALID_INPUT',
      `Invalid input: jsonSchema: the offline drafter cannot satisfy ${first?.instancePath || '(root)'} ${first?.message ?? ''}`.trim(),
      {
        data: { errors: validate.errors },
      },
    );
  }
  return value;
}
