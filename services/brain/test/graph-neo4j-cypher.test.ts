import type { PropertyFilter } from '@automovie/contracts';
import neo4j from 'neo4j-driver';
import { describe, expect, it } from 'vitest';
import {
  BM25,
  CypherParams,
  canonicalProperties,
  compileFilters,
  compileGraphQuery,
  cosineFromScore,
  embeddingProperty,
  escapeLucene,
  flatPatch,
  flattenProperties,
  ftsTermsValue,
  int,
  keywordSearchCypher,
  LUCENE_SPECIAL,
  luceneKeywordQuery,
  normalizeVector,
  orderByProperty,
  overFetchSchedule,
  parseNeo4jVersion,
  schemaStatements,
  termFrequency,
  toIsoString,
  toNumber,
  unflattenProperties,
  vectorIndexName,
} from '../src/graph/neo4j-cypher.ts';
import type { GraphQuery } from '../src/graph/store.ts';

// ── a reference evaluator for the Cypher the builders generate ─────────────────────────────
//
// The filters cannot run against a server here, so this evaluates the subset of Cypher they are
// made of, with Cypher's rules: three-valued logic (null), `=` false across types, `<` null across
// types, `IN`, `CONTAINS`, `STARTS WITH`, `coalesce`, `CASE`. The tests then check that flattened
// properties + compiled filters give exactly the FILTER_SEMANTICS of store.ts.

// Numbers: Cypher integers are bigints here (integer division truncates, as in Cypher), floats are
// numbers; parameters that are JavaScript numbers are floats, as the driver sends them.
type V = unknown;
type Env = Record<string, V>;

function tokenize(src: string): string[] {
  const re = /\s*(<>|<=|>=|\d+\.\d+|\d+|'[^']*'|[()=<>,.[\]+\-*/]|\$[A-Za-z_][A-Za-z0-9_]*|`[^`]*`|[A-Za-z_][A-Za-z0-9_]*)/y;
  const out: string[] = [];
  let pos = 0;
  for (;;) {
    while (pos < src.length && /\s/.test(src[pos]!)) pos++;
    if (pos >= src.length) return out;
    re.lastIndex = pos;
    const m = re.exec(src);
    if (!m) throw new Error(`cannot tokenize at: ${src.slice(pos, pos + 30)}`);
    out.push(m[1]!);
    pos = re.lastIndex;
  }
}

const isNum = (v: V): v is number | bigint => typeof v === 'number' || typeof v === 'bigint';
const sameType = (a: V, b: V) => typeof a === typeof b && Array.isArray(a) === Array.isArray(b);
function cypherEquals(a: V, b: V): boolean | null {
  if (a === null || b === null) return null;
  if (isNum(a) && isNum(b)) return Number(a) === Number(b);
  if (!sameType(a, b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false;
    let result: boolean | null = true;
    for (let i = 0; i < a.length; i++) {
      const e = cypherEquals(a[i], b[i]);
      if (e === false) return false;
      if (e === null) result = null;
    }
    return result;
  }
  return a === b;
}
function cypherCompare(a: V, b: V): number | null {
  if (a === null || b === null) return null;
  if (isNum(a) && isNum(b)) return Number(a) - Number(b);
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return null;
}
function arith(op: string, a: V, b: V): V {
  if (typeof a === 'bigint' && typeof b === 'bigint') {
    if (op === '/' && b === 0n) throw new Error('/ by zero');
    return op === '+' ? a + b : op === '-' ? a - b : op === '*' ? a * b : a / b;
  }
  const [x, y] = [Number(a), Number(b)];
  return op === '+' ? x + y : op === '-' ? x - y : op === '*' ? x * y : x / y;
}
const and = (a: V, b: V) => (a === false || b === false ? false : a === null || b === null ? null : true);
const or = (a: V, b: V) => (a === true || b === true ? true : a === null || b === null ? null : false);
const not = (a: V) => (a === null ? null : !a);

class Evaluator {
  private toks: string[];
  private i = 0;
  private readonly env: Env;
  private readonly params: Record<string, V>;

  constructor(src: string, env: Env, params: Record<string, V>) {
    this.toks = tokenize(src);
    this.env = env;
    this.params = params;
  }

  run(): V {
    const v = this.expr();
    if (this.i !== this.toks.length) throw new Error(`unexpected ${this.toks[this.i]} in ${this.toks.join(' ')}`);
    return v;
  }

  private peek(word?: string): boolean {
    const t = this.toks[this.i];
    return word === undefined ? t !== undefined : t?.toUpperCase() === word;
  }
  private take(word?: string): string {
    const t = this.toks[this.i++];
    if (t === undefined || (word !== undefined && t.toUpperCase() !== word)) throw new Error(`expected ${word} at ${t}`);
    return t;
  }
  private expr(): V {
    let v = this.andExpr();
    while (this.peek('OR')) {
      this.take();
      v = or(v, this.andExpr());
    }
    return v;
  }
  private andExpr(): V {
    let v = this.notExpr();
    while (this.peek('AND')) {
      this.take();
      v = and(v, this.notExpr());
    }
    return v;
  }
  private notExpr(): V {
    if (this.peek('NOT')) {
      this.take();
      return not(this.notExpr());
    }
    return this.predicate();
  }
  private predicate(): V {
    const left = this.additive();
    if (this.peek('IS')) {
      this.take();
      const negated = this.peek('NOT');
      if (negated) this.take();
      this.take('NULL');
      return negated ? left !== null : left === null;
    }
    const op = this.toks[this.i]?.toUpperCase();
    if (op === '=' || op === '<>' || op === '<' || op === '<=' || op === '>' || op === '>=') {
      this.take();
      const right = this.additive();
      if (op === '=') return cypherEquals(left, right);
      if (op === '<>') return not(cypherEquals(left, right));
      const c = cypherCompare(left, right);
      if (c === null) return null;
      return { '<': c < 0, '<=': c <= 0, '>': c > 0, '>=': c >= 0 }[op];
    }
    if (op === 'IN') {
      this.take();
      const list = this.primary();
      if (list === null || left === null) return null;
      let result: V = false;
      for (const item of list as V[]) result = or(result, cypherEquals(left, item));
      return result;
    }
    if (op === 'CONTAINS' || op === 'STARTS') {
      this.take();
      if (op === 'STARTS') this.take('WITH');
      const right = this.primary();
      if (typeof left !== 'string' || typeof right !== 'string') return null;
      return op === 'CONTAINS' ? left.includes(right) : left.startsWith(right);
    }
    return left;
  }
  private additive(): V {
    let v = this.multiplicative();
    while (this.peek('+') || this.peek('-')) {
      const op = this.take();
      const r = this.multiplicative();
      if (v === null || r === null) v = null;
      else if (op === '+' && (typeof v === 'string' || typeof r === 'string')) v = String(v) + String(r);
      else v = arith(op, v, r);
    }
    return v;
  }
  private multiplicative(): V {
    let v = this.postfix();
    while (this.peek('*') || this.peek('/')) {
      const op = this.take();
      const r = this.postfix();
      v = v === null || r === null ? null : arith(op, v, r);
    }
    return v;
  }
  private postfix(): V {
    let v = this.primary();
    while (this.peek('[')) {
      this.take();
      const index = this.expr();
      this.take(']');
      v = v === null ? null : (v as V[])[Number(index)];
    }
    return v;
  }
  private primary(): V {
    const t = this.take();
    const up = t.toUpperCase();
    if (t.startsWith("'")) return t.slice(1, -1);
    if (/^\d+\.\d+$/.test(t)) return Number(t);
    if (/^\d+$/.test(t)) return BigInt(t);
    if (['SIZE', 'REPLACE', 'LOG', 'TOFLOAT'].includes(up) && this.peek('(')) {
      this.take('(');
      const args = [this.expr()];
      while (this.peek(',')) {
        this.take();
        args.push(this.expr());
      }
      this.take(')');
      if (args.some((a) => a === null)) return null;
      if (up === 'SIZE') return BigInt((args[0] as string | V[]).length);
      if (up === 'REPLACE') return (args[0] as string).replaceAll(args[1] as string, args[2] as string);
      if (up === 'LOG') return Math.log(Number(args[0]));
      return Number(args[0]);
    }
    if (t === '(') {
      const v = this.expr();
      this.take(')');
      return v;
    }
    if (up === 'TRUE') return true;
    if (up === 'FALSE') return false;
    if (up === 'NULL') return null;
    if (t.startsWith('$')) {
      const name = t.slice(1);
      if (!(name in this.params)) throw new Error(`unbound parameter ${t}`);
      const v = this.params[name];
      return neo4j.isInt(v) ? BigInt(v.toString()) : v;
    }
    if (up === 'COALESCE') {
      this.take('(');
      const a = this.expr();
      this.take(',');
      const b = this.expr();
      this.take(')');
      return a ?? b;
    }
    if (up === 'CASE') {
      let result: V;
      let decided = false;
      while (this.peek('WHEN')) {
        this.take();
        const cond = this.expr();
        this.take('THEN');
        const v = this.expr();
        if (!decided && cond === true) {
          result = v;
          decided = true;
        }
      }
      this.take('ELSE');
      const otherwise = this.expr();
      this.take('END');
      return decided ? result : otherwise;
    }
    if (/^[A-Za-z_]/.test(t) && this.peek('.')) {
      this.take('.');
      const name = this.take().replace(/^`|`$/g, '');
      const entity = this.env[t] as Record<string, V> | undefined;
      if (!entity) throw new Error(`unknown variable ${t}`);
      return entity[name] ?? null;
    }
    if (/^[A-Za-z_]/.test(t) && t in this.env) return this.env[t];
    throw new Error(`unexpected token ${t}`);
  }
}

/** Evaluates a Cypher expression against variables and parameters. */
const evaluate = (src: string, env: Env, params: Record<string, V>): V => new Evaluator(src, env, params).run();

/** The ids of `items` whose flattened properties pass the compiled filters (WHERE semantics: only true passes). */
function matching(items: Array<[string, Record<string, unknown>]>, filters: PropertyFilter[]): string[] {
  const params = new CypherParams();
  const condition = compileFilters('n', filters, params, 'where');
  return items.filter(([, props]) => evaluate(condition, { n: flattenProperties(props) }, params.values) === true).map(([id]) => id);
}

/** The scenes of the contract's queryGraph tests. */
const SCENES: Array<[string, Record<string, unknown>]> = [
  ['a', { number: 1, heading: 'INT. VAULT - NIGHT', intExt: 'INT', tags: ['heist', 'night'], rating: 4.5, done: true }],
  ['b', { number: 2, heading: 'EXT. STREET - DAY', intExt: 'EXT', tags: ['chase'], rating: 3, done: false }],
  ['c', { number: 3, heading: 'INT. CAR - NIGHT', intExt: 'INT', tags: [], done: true, note: null }],
  ['d', { number: '4', heading: 'EXT. ROOF - DAWN', intExt: 'EXT', rating: 5 }],
];

async function codeOf(fn: () => unknown): Promise<string | undefined> {
  try {
    await fn();
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return undefined;
}

describe('the reference evaluator itself', () => {
  it('follows Cypher null logic and type rules', () => {
    const env = { n: { a: 1, s: 'x' } };
    expect(evaluate('n.a = 1', env, {})).toBe(true);
    expect(evaluate('n.missing = 1', env, {})).toBe(null);
    expect(evaluate('NOT n.missing = 1', env, {})).toBe(null);
    expect(evaluate('n.s = 1', env, {})).toBe(false);
    expect(evaluate('n.s < 1', env, {})).toBe(null);
    expect(evaluate('null OR true', env, {})).toBe(true);
    expect(evaluate('null AND false', env, {})).toBe(false);
    expect(evaluate('coalesce(n.missing = 1, false)', env, {})).toBe(false);
    expect(evaluate('CASE WHEN n.a IS NOT NULL THEN 0 ELSE 1 END', env, {})).toBe(0n);
    expect(evaluate('7 / 2', env, {})).toBe(3n); // integer division
    expect(evaluate('7 / 2.0', env, {})).toBe(3.5);
    expect(evaluate('1 + 2 * 3 - 4 / 2', env, {})).toBe(5n);
    expect(evaluate("size(replace('a-b-c', '-', '')) + size('x')", env, {})).toBe(4n);
    expect(evaluate("' ' + n.s + ' '", env, {})).toBe(' x ');
    expect(() => evaluate('n.a = $nope', env, {})).toThrow(/unbound/);
  });
});

describe('property flattening', () => {
  it('stores each JSON type under its own prefix, drops nulls and keeps whole arrays and objects as JSON', () => {
    const flat = flattenProperties({
      name: 'Ada',
      age: 30,
      brave: false,
      nothing: null,
      tags: ['a', 1, null, ['x']],
      empty: [],
      voice: { pitch: 2 },
    });
    expect(flat).toEqual({
      s_name: 'Ada',
      n_age: 30,
      b_brave: false,
      j_tags: '["a",1,null,["x"]]',
      a_tags: ['"a"', '1', 'null', '["x"]'],
      j_empty: '[]',
      j_voice: '{"pitch":2}',
    });
    // Every value is one Neo4j can store: a scalar, or a homogeneous list of strings.
    for (const v of Object.values(flat)) {
      expect(['string', 'number', 'boolean'].includes(typeof v) || (Array.isArray(v) && v.every((x) => typeof x === 'string'))).toBe(true);
    }
  });

  it('canonicalises like JSON: NaN and infinities become null, undefined disappears', () => {
    expect(canonicalProperties({ a: Number.NaN, b: Number.POSITIVE_INFINITY, c: undefined, d: [Number.NaN] })).toEqual({
      a: null,
      b: null,
      d: [null],
    });
    expect(flattenProperties({ a: Number.NaN, c: undefined })).toEqual({});
  });

  it('round-trips: unflatten(flatten(p)) is p without its null properties', () => {
    const samples: Array<Record<string, unknown>> = [
      {},
      { s: '', n: 0, neg: -1.5, big: 1e21, t: true, f: false },
      { nested: { a: [1, { b: null }], c: 'x' }, list: [1, '1', true, null], empty: [], obj: {} },
      { unicode: 'Café 🎬 "quoted" \\ `tick`', n: null },
      ...SCENES.map(([, p]) => p),
    ];
    for (const p of samples) {
      const expected = Object.fromEntries(Object.entries(canonicalProperties(p)).filter(([, v]) => v !== null));
      expect(unflattenProperties(flattenProperties(p))).toEqual(expected);
    }
  });

  it('refuses property names that are not identifiers (they become stored names)', () => {
    expect(() => flattenProperties({ 'a-b': 1 })).toThrow(/identifier/);
    expect(() => flattenProperties({ 'x`) DETACH DELETE n //': 1 })).toThrow(/identifier/);
  });

  it('patches from one flattened form to another, removing what is gone', () => {
    const before = flattenProperties({ a: 1, b: 'x', c: [1] });
    const after = flattenProperties({ a: 'now a string', c: [1] });
    expect(flatPatch(before, after)).toEqual({ s_a: 'now a string', n_a: null, s_b: null, j_c: '[1]', a_c: ['1'] });
  });
});

describe('compiled property filters', () => {
  it('give the semantics of every operator (the contract’s queryGraph table)', () => {
    const q = (filters: PropertyFilter[]) => matching(SCENES, filters);
    expect(q([])).toEqual(['a', 'b', 'c', 'd']);
    expect(q([{ property: 'number', op: 'eq', value: 2 }])).toEqual(['b']);
    expect(q([{ property: 'number', op: 'eq', value: '4' }])).toEqual(['d']);
    expect(q([{ property: 'done', op: 'eq', value: true }])).toEqual(['a', 'c']);
    expect(q([{ property: 'done', op: 'ne', value: true }])).toEqual(['b']);
    expect(q([{ property: 'intExt', op: 'ne', value: 'INT' }])).toEqual(['b', 'd']);
    expect(q([{ property: 'number', op: 'lt', value: 3 }])).toEqual(['a', 'b']);
    expect(q([{ property: 'number', op: 'lte', value: 3 }])).toEqual(['a', 'b', 'c']);
    expect(q([{ property: 'rating', op: 'gt', value: 3 }])).toEqual(['a', 'd']);
    expect(q([{ property: 'rating', op: 'gte', value: 3 }])).toEqual(['a', 'b', 'd']);
    expect(q([{ property: 'heading', op: 'gt', value: 'F' }])).toEqual(['a', 'c']);
    expect(q([{ property: 'number', op: 'in', value: [1, 3, '4'] }])).toEqual(['a', 'c', 'd']);
    expect(q([{ property: 'heading', op: 'contains', value: 'NIGHT' }])).toEqual(['a', 'c']);
    expect(q([{ property: 'heading', op: 'contains', value: 'night' }])).toEqual([]);
    expect(q([{ property: 'tags', op: 'contains', value: 'chase' }])).toEqual(['b']);
    expect(q([{ property: 'heading', op: 'startsWith', value: 'EXT.' }])).toEqual(['b', 'd']);
    expect(q([{ property: 'rating', op: 'exists' }])).toEqual(['a', 'b', 'd']);
    expect(q([{ property: 'rating', op: 'exists', value: false }])).toEqual(['c']);
    expect(q([{ property: 'note', op: 'exists' }])).toEqual([]);
    expect(q([{ property: 'note', op: 'eq', value: null }])).toEqual(['a', 'b', 'c', 'd']);
    expect(q([{ property: 'tags', op: 'eq', value: ['chase'] }])).toEqual(['b']);
    expect(
      q([
        { property: 'intExt', op: 'eq', value: 'INT' },
        { property: 'number', op: 'gt', value: 1 },
      ]),
    ).toEqual(['c']);
    expect(q([{ property: 'nope', op: 'eq', value: 1 }])).toEqual([]);
  });

  it('compare JSON types strictly, whatever the operator', () => {
    const items: Array<[string, Record<string, unknown>]> = [
      ['num', { v: 1 }],
      ['str', { v: '1' }],
      ['bool', { v: true }],
      ['arr', { v: [1] }],
      ['obj', { v: { x: 1 } }],
      ['nul', { v: null }],
      ['none', {}],
      ['mixed', { v: [1, '1', null, { x: 1 }] }],
    ];
    const q = (op: PropertyFilter['op'], value?: PropertyFilter['value']) => matching(items, [{ property: 'v', op, value }]);
    expect(q('eq', 1)).toEqual(['num']);
    expect(q('eq', '1')).toEqual(['str']);
    expect(q('eq', true)).toEqual(['bool']);
    expect(q('eq', [1])).toEqual(['arr']);
    expect(q('eq', { x: 1 })).toEqual(['obj']);
    expect(q('eq', null)).toEqual(['nul', 'none']);
    // ne: another type is not equal; missing or null fails.
    expect(q('ne', 1)).toEqual(['str', 'bool', 'arr', 'obj', 'mixed']);
    expect(q('ne', [1])).toEqual(['num', 'str', 'bool', 'obj', 'mixed']);
    expect(q('ne', null)).toEqual(['num', 'str', 'bool', 'arr', 'obj', 'mixed']);
    expect(q('gt', 0)).toEqual(['num']);
    expect(q('lt', '2')).toEqual(['str']);
    expect(q('in', [1, null])).toEqual(['num', 'nul', 'none']);
    expect(q('in', [[1], { x: 1 }, true])).toEqual(['bool', 'arr', 'obj']);
    expect(q('in', [])).toEqual([]);
    // contains: a substring of a string, or an item equal (by JSON type) to the value.
    expect(q('contains', 1)).toEqual(['arr', 'mixed']);
    expect(q('contains', '1')).toEqual(['str', 'mixed']);
    expect(q('contains', null)).toEqual(['mixed']);
    expect(q('contains', { x: 1 })).toEqual(['mixed']);
    expect(q('startsWith', '1')).toEqual(['str']);
    expect(q('exists')).toEqual(['num', 'str', 'bool', 'arr', 'obj', 'mixed']);
    expect(q('exists', false)).toEqual(['nul', 'none']);
  });

  it('bind every value as a parameter: nothing of the caller’s reaches the Cypher text', () => {
    const evil = ["x' OR 1=1 //", '`) DETACH DELETE n //', '$projectId', '}]->(m) RETURN m', 'MATCH (n) DELETE n', 'NIGHT'];
    const filters: PropertyFilter[] = evil.flatMap((value) => [
      { property: 'heading', op: 'eq', value },
      { property: 'heading', op: 'ne', value },
      { property: 'heading', op: 'lt', value },
      { property: 'heading', op: 'contains', value },
      { property: 'heading', op: 'startsWith', value },
      { property: 'heading', op: 'in', value: [value, 42, { k: value }] },
      { property: 'heading', op: 'eq', value: [value] },
    ]);
    const params = new CypherParams();
    const cypher = compileFilters('n', filters, params, 'where');
    for (const value of evil) {
      expect(cypher).not.toContain(value);
      expect(Object.values(params.values).flat()).toContain(value);
    }
    // No literal either: with parameter names taken out, no digit is left.
    expect(cypher.replace(/\$q\d+/g, '$q')).not.toMatch(/\d/);
    // Only generated parameter names, and every one of them bound.
    const used = [...cypher.matchAll(/\$([A-Za-z0-9_]+)/g)].map((m) => m[1]!);
    expect(used.every((name) => /^q\d+$/.test(name) && name in params.values)).toBe(true);
  });

  it('refuse property names that are not identifiers, and malformed filters, with BRAIN_INVALID_QUERY', async () => {
    const bad: unknown[] = [
      { property: 'a b', op: 'eq', value: 1 },
      { property: 'a`b', op: 'eq', value: 1 },
      { property: 'a.b', op: 'eq', value: 1 },
      { property: "x') --", op: 'eq', value: 1 },
      { property: '1abc', op: 'eq', value: 1 },
      { property: 'x'.repeat(65), op: 'eq', value: 1 },
      { property: 'number', op: 'lt', value: true },
      { property: 'number', op: 'lt', value: null },
      { property: 'number', op: 'in', value: 3 },
      { property: 'number', op: 'in', value: Array.from({ length: 1001 }, (_, i) => i) },
      { property: 'number', op: 'startsWith', value: 3 },
      { property: 'number', op: 'like', value: 3 },
      { property: 'number', op: 'eq' },
      { property: 'number', op: 'ne' },
      { property: 'number', op: 'contains' },
      { property: 'number', op: 'exists', value: 'yes' },
      { property: 'number', op: 'eq', value: Number.NaN },
      null,
    ];
    for (const f of bad) {
      expect(await codeOf(() => compileFilters('n', [f as PropertyFilter], new CypherParams(), 'where')), JSON.stringify(f)).toBe(
        'BRAIN_INVALID_QUERY',
      );
    }
    expect(await codeOf(() => compileFilters('n', 'nope' as never, new CypherParams(), 'where'))).toBe('BRAIN_INVALID_QUERY');
  });
});

describe('order by a property', () => {
  /** Sorts like Cypher: each key in its direction, null after everything in ASC and before in DESC. */
  function order(items: Array<[string, Record<string, unknown>]>, property: string, direction?: 'asc' | 'desc'): string[] {
    const keys = orderByProperty('n', property, direction, 'orderBy').map((k) => {
      const m = /^(.*) (ASC|DESC)$/s.exec(k)!;
      return { expr: m[1]!, desc: m[2] === 'DESC' };
    });
    const rows = items.map(([id, props], seq) => ({
      id,
      seq,
      values: keys.map((k) => evaluate(k.expr, { n: flattenProperties(props) }, {})),
    }));
    rows.sort((x, y) => {
      for (let i = 0; i < keys.length; i++) {
        const a = x.values[i];
        const b = y.values[i];
        if (a === b) continue;
        const c = a === null ? 1 : b === null ? -1 : (cypherCompare(a, b) ?? 0);
        if (c !== 0) return keys[i]!.desc ? -c : c;
      }
      return x.seq - y.seq;
    });
    return rows.map((r) => r.id);
  }

  it('puts missing values last in both directions (the contract’s cases)', () => {
    expect(order(SCENES, 'rating')).toEqual(['b', 'a', 'd', 'c']);
    expect(order(SCENES, 'rating', 'desc')).toEqual(['d', 'a', 'b', 'c']);
    expect(order(SCENES, 'heading')).toEqual(['d', 'b', 'c', 'a']);
    expect(order(SCENES, 'note')).toEqual(['a', 'b', 'c', 'd']);
  });

  it('groups values by JSON type, so a number never sorts among strings', () => {
    expect(order(SCENES, 'number')).toEqual(['a', 'b', 'c', 'd']);
    expect(order(SCENES, 'number', 'desc')).toEqual(['d', 'c', 'b', 'a']);
  });

  it('refuses bad property names and directions', async () => {
    expect(await codeOf(() => orderByProperty('n', "x') --", 'asc', 'orderBy'))).toBe('BRAIN_INVALID_QUERY');
    expect(await codeOf(() => orderByProperty('n', 'x', 'sideways', 'orderBy'))).toBe('BRAIN_INVALID_QUERY');
  });
});

describe('compiled structured queries', () => {
  it('bound every node to the project and bind all values, types and labels included', () => {
    const query: GraphQuery = {
      start: { label: 'Scene', where: [{ property: 'heading', op: 'eq', value: "INT.' }) DETACH DELETE n //" }] },
      hops: [
        { type: 'HAS_SHOT', label: 'Shot', where: [{ property: 'order', op: 'gt', value: 1 }] },
        { direction: 'in' },
        { direction: 'both', type: 'SET_IN' },
      ],
      orderBy: { property: 'name', direction: 'desc' },
      limit: 10,
      skip: 5,
    };
    const { cypher, params, width } = compileGraphQuery('proj-1', query);
    expect(width).toBe(4);
    expect(cypher).toMatch(/^MATCH \(n0:Entity\)-\[r1\]->\(n1:Entity\)<-\[r2\]-\(n2:Entity\)-\[r3\]-\(n3:Entity\)$/m);
    for (const n of ['n0', 'n1', 'n2', 'n3']) expect(cypher).toContain(`${n}.projectId = $projectId`);
    for (const value of ["INT.' }) DETACH DELETE n //", 'HAS_SHOT', 'SET_IN', 'Scene', 'Shot', 'proj-1']) {
      expect(cypher).not.toContain(value);
      expect(Object.values(params)).toContain(value);
    }
    expect(params.projectId).toBe('proj-1');
    // LIMIT and SKIP need integers: JavaScript numbers would travel as floats.
    expect(neo4j.isInt(params.limit) && neo4j.isInt(params.skip)).toBe(true);
    expect([toNumber(params.limit), toNumber(params.skip)]).toEqual([10, 5]);
    expect(cypher).toMatch(/ORDER BY CASE WHEN .*n3\.`s_name`.*n0\.seq ASC, r1\.seq ASC, r2\.seq ASC, r3\.seq ASC$/m);
  });

  it('keeps other projects’ and other labels’ nodes out of the start (evaluated)', () => {
    const { cypher, params } = compileGraphQuery('p', { start: { label: 'Scene', where: [{ property: 'number', op: 'eq', value: 1 }] } });
    const where = /^WHERE (.*)$/m.exec(cypher)![1]!;
    const node = (projectId: string, label: string, number: unknown) => ({ projectId, label, ...flattenProperties({ number }) });
    expect(evaluate(where, { n0: node('p', 'Scene', 1) }, params)).toBe(true);
    // WHERE keeps a row only when the condition is true (false and null both drop it).
    expect(evaluate(where, { n0: node('q', 'Scene', 1) }, params)).not.toBe(true);
    expect(evaluate(where, { n0: node('p', 'Shot', 1) }, params)).not.toBe(true);
    expect(evaluate(where, { n0: node('p', 'Scene', '1') }, params)).not.toBe(true);
    expect(evaluate(where, { n0: { projectId: 'p', label: 'Scene' } }, params)).not.toBe(true);
  });

  it('refuses what the contract refuses, with BRAIN_INVALID_QUERY', async () => {
    const bad: unknown[] = [
      { start: { label: 'Scene', where: [{ property: 'a b', op: 'eq', value: 1 }] } },
      { start: { label: 'Scene', where: [{ property: 'number', op: 'lt', value: true }] } },
      { start: { label: 'Scene' }, hops: [{}, {}, {}, {}] },
      { start: { label: 'Scene' }, hops: [{ type: 'lower' }] },
      { start: { label: 'Scene' }, hops: [{ type: 'A`]->(x) //' }] },
      { start: { label: 'Scene' }, hops: [{ label: 'Dragon' }] },
      { start: { label: 'Scene' }, hops: [{ direction: 'up' }] },
      { start: { label: 'Scene' }, hops: [{ where: [{ property: 'x', op: 'in', value: 1 }] }] },
      { start: { label: 'Scene' }, orderBy: { property: "x') --" } },
      { start: { label: 'Scene' }, limit: 0 },
      { start: { label: 'Scene' }, limit: 1001 },
      { start: { label: 'Scene' }, limit: 1.5 },
      { start: { label: 'Scene' }, skip: -1 },
      { start: { label: 'Scene' }, skip: 100_001 },
      { start: { label: 'Dragon' } },
      { start: { label: 'Scene`) DETACH DELETE n //' } },
      {},
    ];
    for (const query of bad) {
      expect(await codeOf(() => compileGraphQuery('p', query as GraphQuery)), JSON.stringify(query)).toBe('BRAIN_INVALID_QUERY');
    }
  });
});

describe('Lucene keyword queries', () => {
  it('escapes every special character of the query syntax', () => {
    expect([...LUCENE_SPECIAL].sort()).toEqual([...'+-&|!(){}[]^"~*?:\\/'].sort());
    for (const ch of LUCENE_SPECIAL) expect(escapeLucene(ch)).toBe(`\\${ch}`);
    expect(escapeLucene('a&&b||c')).toBe('a\\&\\&b\\|\\|c');
    expect(escapeLucene('plain words stay')).toBe('plain words stay');
    expect(escapeLucene('tab:"x"')).toBe('tab\\:\\"x\\"');
  });

  /** A quoted Lucene string whose only escapes are of special characters. */
  const QUOTED = /"(?:[^"\\]|\\[+\-&|!(){}[\]^"~*?:\\/])*"/.source;
  const SHAPE = new RegExp(`^\\+ftsProject:${QUOTED} \\+\\(ftsTerms:${QUOTED}(?: OR ftsTerms:${QUOTED})*\\)$`);

  it('makes user text only quoted, escaped words, bounded by the project', () => {
    const attempts = [
      '"unbalanced',
      'riv*',
      'NEAR(river night',
      'river OR',
      'AND',
      'NOT river',
      '-river',
      '^river',
      'text:river',
      'ftsProject:"other" OR *:*',
      '{text}: river',
      '(river',
      "'; DROP TABLE nodes; --",
      'a\\b',
      'x~2 y^10 [a TO z] /re.*gex/ && || !',
    ];
    for (const text of attempts) {
      const q = luceneKeywordQuery('ns/proj-1', text);
      expect(q, text).toMatch(SHAPE);
      expect(q).toContain('+ftsProject:"ns\\/proj\\-1"');
    }
    expect(luceneKeywordQuery('p', 'NOT river')).toBe('+ftsProject:"p" +(ftsTerms:"not" OR ftsTerms:"river")');
    expect(luceneKeywordQuery('p', 'OR AND')).toBe('+ftsProject:"p" +(ftsTerms:"or" OR ftsTerms:"and")');
    expect(luceneKeywordQuery('p', 'ftsProject:"other"')).toBe('+ftsProject:"p" +(ftsTerms:"ftsproject" OR ftsTerms:"other")');
  });

  it('is undefined when the text has no word', () => {
    for (const text of ['', '   ', '*', '"', '""', '\u0000', '?!', '-- //']) expect(luceneKeywordQuery('p', text), text).toBeUndefined();
  });
});

describe('stored words and keyword scoring', () => {
  it('stores each word between its own spaces, so occurrences are counted without overlap', () => {
    const stored = ftsTermsValue(['a', 'a', 'ab', 'b', 'a', 'ba']);
    expect(stored).toBe(' a  a  ab  b  a  ba ');
    expect(stored.split(/\s+/).filter(Boolean)).toEqual(['a', 'a', 'ab', 'b', 'a', 'ba']); // what the whitespace tokenizer reads
    expect(termFrequency(stored, 'a')).toBe(3);
    expect(termFrequency(stored, 'b')).toBe(1);
    expect(termFrequency(stored, 'ab')).toBe(1);
    expect(termFrequency(stored, 'c')).toBe(0);
    expect(termFrequency(ftsTermsValue([]), 'a')).toBe(0);
  });

  it('counts term frequencies in Cypher as termFrequency does (evaluated)', () => {
    const tf = /\[t IN \$terms \| ([\s\S]*?)\] AS tf/.exec(keywordSearchCypher('true'))![1]!;
    const stored = ftsTermsValue(['walk', 'the', 'walk', 'river', 'walker', 'walk', 'é', 'é']);
    for (const term of ['walk', 'the', 'river', 'walker', 'wal', 'é', 'x']) {
      expect(evaluate(tf, { node: { ftsTerms: stored }, t: term }, {}), term).toBe(BigInt(termFrequency(stored, term)));
    }
  });

  it('scores each word with BM25 over the project’s statistics (evaluated against the formula)', () => {
    const term = /THEN 0\.0 ELSE\s+([\s\S]*?) END\) AS score/.exec(keywordSearchCypher('true'))![1]!;
    const bm25 = (tf: number, df: number, docs: number, length: number, avgLength: number) =>
      Math.log(1 + (docs - df + 0.5) / (df + 0.5)) * ((tf * (BM25.k1 + 1)) / (tf + BM25.k1 * (1 - BM25.b + (BM25.b * length) / avgLength)));
    const cases: Array<[number, number, number, number, number]> = [
      [1, 1, 5, 9, 10],
      [4, 1, 5, 13, 10],
      [2, 3, 3, 4, 7.5],
      [7, 100, 1000, 250, 120.25],
    ];
    for (const [tf, df, docs, length, avgLength] of cases) {
      const got = evaluate(
        term,
        { tf: [BigInt(tf)], df: [BigInt(df)], i: 0n, docs, node: { ftsLength: BigInt(length) } },
        { k1: BM25.k1, b: BM25.b, avgLength },
      );
      expect(got as number).toBeCloseTo(bm25(tf, df, docs, length, avgLength), 12);
    }
    // More of a word, and a rarer word, score higher.
    const score = (tf: number, df: number) =>
      evaluate(
        term,
        { tf: [BigInt(tf)], df: [BigInt(df)], i: 0n, docs: 10, node: { ftsLength: 8n } },
        { k1: BM25.k1, b: BM25.b, avgLength: 8 },
      ) as number;
    expect(score(3, 2)).toBeGreaterThan(score(1, 2));
    expect(score(1, 1)).toBeGreaterThan(score(1, 5));
  });

  it('scores in Cypher from parameters and the stored words only, with filters after the document frequencies', () => {
    const cypher = keywordSearchCypher('node.label IN $f0');
    const used = new Set([...cypher.matchAll(/\$([A-Za-z0-9_]+)/g)].map((m) => m[1]));
    expect(used).toEqual(new Set(['index', 'lucene', 'projectId', 'terms', 'docs', 'k1', 'b', 'avgLength', 'k', 'f0']));
    // df is counted over every match of the project, before the label and property filters.
    expect(cypher.indexOf(' AS df')).toBeLessThan(cypher.indexOf('WHERE node.label IN $f0'));
    expect(cypher).toContain("replace(node.ftsTerms, ' ' + t + ' ', '')");
  });
});

describe('vector helpers', () => {
  it('over-fetches k×4, ×16… up to the cap', () => {
    expect(overFetchSchedule(10, 100_000)).toEqual([40, 160, 640, 2560, 10_240, 40_960, 100_000]);
    expect(overFetchSchedule(1000, 100_000)).toEqual([4000, 16_000, 64_000, 100_000]);
    expect(overFetchSchedule(1, 4)).toEqual([4]);
    expect(overFetchSchedule(5, 8)).toEqual([8]);
    expect(overFetchSchedule(5, 3)).toEqual([5]);
    expect(() => overFetchSchedule(0, 100)).toThrow();
    for (const [k, max] of [
      [7, 50_000],
      [3, 12],
      [250, 1_000_000],
    ] as const) {
      const s = overFetchSchedule(k, max);
      expect(s.at(-1)).toBe(max);
      expect(s.every((x, i) => i === 0 || x > s[i - 1]!)).toBe(true);
    }
  });

  it('normalises vectors and refuses ones without a direction', () => {
    const v = normalizeVector([3, 4])!;
    expect(v[0]).toBeCloseTo(0.6, 12);
    expect(v[1]).toBeCloseTo(0.8, 12);
    expect(normalizeVector([0, 0])).toBeUndefined();
    expect(normalizeVector([1, Number.NaN])).toBeUndefined();
    expect(normalizeVector([Number.POSITIVE_INFINITY, 1])).toBeUndefined();
  });

  it('turns Neo4j’s (1 + cos) / 2 scores back into cosine similarity', () => {
    expect(cosineFromScore(1)).toBe(1);
    expect(cosineFromScore(0.5)).toBe(0);
    expect(cosineFromScore(0)).toBe(-1);
    expect(cosineFromScore((1 + 0.98) / 2)).toBeCloseTo(0.98, 12);
    expect(cosineFromScore(1.0000001)).toBe(1);
  });

  it('names one property and one index per dimension, from checked integers only', () => {
    expect(embeddingProperty(1536)).toBe('embedding_1536');
    expect(vectorIndexName(8)).toBe('brain_entity_embedding_8');
    for (const bad of [0, 4097, 1.5, Number.NaN, '8) DETACH DELETE n' as unknown as number]) expect(() => embeddingProperty(bad)).toThrow();
  });
});

describe('driver values', () => {
  it('reads integers from Integer, bigint and number', () => {
    expect(toNumber(neo4j.int(42))).toBe(42);
    expect(toNumber(42n)).toBe(42);
    expect(toNumber(4.5)).toBe(4.5);
    expect(toNumber(null)).toBeUndefined();
    expect(toNumber(undefined)).toBeUndefined();
    expect(() => toNumber(neo4j.int('9007199254740993'))).toThrow(/safe range/);
    expect(() => toNumber('42')).toThrow();
  });

  it('sends integers as Integer', () => {
    expect(neo4j.isInt(int(3))).toBe(true);
    expect(int(3).toNumber()).toBe(3);
    expect(() => int(1.5)).toThrow();
    expect(() => int(2 ** 60)).toThrow();
  });

  it('reads timestamps as ISO strings', () => {
    expect(toIsoString('2025-01-02T03:04:05.678Z')).toBe('2025-01-02T03:04:05.678Z');
    expect(toIsoString(new neo4j.types.DateTime(2025, 1, 2, 3, 4, 5, 678_900_000, 3600))).toBe('2025-01-02T02:04:05.678Z');
    expect(() => toIsoString(new neo4j.types.DateTime(2025, 1, 2, 3, 4, 5, 0, undefined, 'Europe/Paris'))).toThrow();
    expect(() => toIsoString(12)).toThrow();
  });
});

describe('schema and server', () => {
  it('creates everything idempotently, with uniqueness constraints (Community Edition has no node keys)', () => {
    const statements = schemaStatements(768);
    expect(statements.every((s) => /^CREATE (CONSTRAINT|INDEX|FULLTEXT INDEX|VECTOR INDEX) \w+ IF NOT EXISTS /.test(s))).toBe(true);
    expect(statements.some((s) => /REQUIRE \(n\.projectId, n\.id\) IS UNIQUE/.test(s))).toBe(true);
    expect(statements).toContain('CREATE CONSTRAINT brain_claim_key IF NOT EXISTS FOR (c:BrainClaim) REQUIRE c.key IS UNIQUE');
    expect(statements.join('\n')).not.toMatch(/NODE KEY/);
    expect(statements.find((s) => s.includes('FULLTEXT'))).toMatch(/`fulltext\.analyzer`: 'whitespace'/);
    const vector = statements.find((s) => s.includes('VECTOR'))!;
    expect(vector).toContain('ON (n.`embedding_768`)');
    expect(vector).toMatch(/`vector\.dimensions`: 768, `vector\.similarity_function`: 'cosine'/);
    expect(schemaStatements().some((s) => s.includes('VECTOR'))).toBe(false);
    expect(() => schemaStatements(0)).toThrow();
  });

  it('knows which servers are recent enough', () => {
    expect(parseNeo4jVersion('Neo4j/5.26.0').supported).toBe(true);
    expect(parseNeo4jVersion('Neo4j/5.18.1').supported).toBe(true);
    expect(parseNeo4jVersion('Neo4j/2025.01.0').supported).toBe(true);
    expect(parseNeo4jVersion('Neo4j/5.13.0').supported).toBe(false);
    expect(parseNeo4jVersion('Neo4j/4.4.30').supported).toBe(false);
    expect(parseNeo4jVersion('Memgraph/2.0').supported).toBeUndefined();
    expect(parseNeo4jVersion(undefined).supported).toBeUndefined();
  });
});
