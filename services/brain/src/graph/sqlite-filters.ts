import type { PropertyFilter } from '@automovie/contracts';
import { BrainError } from '../errors.ts';

const KEY = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
/** Most items of an `in` filter. */
export const MAX_IN_ITEMS = 1000;

type Json = PropertyFilter['value'];

function bad(field: string, rule: string): BrainError {
  return new BrainError('BRAIN_INVALID_QUERY', `Invalid query: ${field}: ${rule}`, { data: { issues: [{ path: field, message: rule }] } });
}

/** A property name checked as an identifier, then its JSON path (bound as a parameter, never spliced). */
export function propertyPath(property: unknown, field: string): string {
  if (typeof property !== 'string' || !KEY.test(property)) {
    throw bad(field, 'property names are identifiers (letters, digits, _; max 64)');
  }
  return `$.${property}`;
}

const jsonTypeOf = (v: Exclude<Json, undefined>): string => {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'string') return 'text';
  if (typeof v === 'number') return 'number';
  return Array.isArray(v) ? 'array' : 'object';
};

function isNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/**
 * SQL for "the JSON value whose type is `typeExpr` and SQL value is `valueExpr` equals `v`".
 * JSON booleans come out of SQLite as 1/0 and objects as text, so the type is always compared
 * too: 1 ≠ true ≠ "1". Objects and arrays compare by their minified JSON text.
 */
function equalsSql(typeExpr: () => string, valueExpr: () => string, v: Exclude<Json, undefined>, params: unknown[]): string {
  const t = jsonTypeOf(v);
  // The expressions are built (and their parameters pushed) in the order they appear in the SQL.
  if (t === 'null' || t === 'true' || t === 'false') return `${typeExpr()} = '${t}'`;
  const typed = typeExpr();
  const value = valueExpr();
  if (t === 'number') {
    params.push(v);
    return `(${typed} IN ('integer', 'real') AND ${value} = ?)`;
  }
  if (t === 'text') {
    params.push(v);
    return `(${typed} = 'text' AND ${value} = ?)`;
  }
  params.push(JSON.stringify(v));
  return `(${typed} = '${t}' AND ${value} = json(?))`;
}

/**
 * Compiles property filters over the JSON column `column` into one SQL condition (AND of all),
 * pushing bound values onto `params` in order. Semantics are those documented on
 * `GraphQuery`/`SearchOptions` in store.ts; `field` names the filters in error messages.
 */
export function compileFilters(column: string, filters: readonly PropertyFilter[] | undefined, params: unknown[], field: string): string {
  if (!filters || filters.length === 0) return '1';
  const parts: string[] = [];
  filters.forEach((f, i) => {
    parts.push(compileFilter(column, f, params, `${field}[${i}]`));
  });
  return parts.join(' AND ');
}

function compileFilter(column: string, f: PropertyFilter, params: unknown[], field: string): string {
  const path = propertyPath(f.property, `${field}.property`);
  const type = () => {
    params.push(path);
    return `json_type(${column}, ?)`;
  };
  const value = () => {
    params.push(path);
    return `json_extract(${column}, ?)`;
  };
  const present = () => `COALESCE(${type()}, 'null') != 'null'`;
  const v = f.value;
  switch (f.op) {
    case 'eq':
      if (v === undefined) throw bad(`${field}.value`, 'eq needs a value');
      if (v === null) return `NOT (${present()})`;
      return equalsSql(type, value, v, params);
    case 'ne': {
      if (v === undefined) throw bad(`${field}.value`, 'ne needs a value');
      if (v === null) return present();
      const exists = present();
      return `(${exists} AND NOT ${equalsSql(type, value, v, params)})`;
    }
    case 'lt':
    case 'lte':
    case 'gt':
    case 'gte': {
      const sqlOp = { lt: '<', lte: '<=', gt: '>', gte: '>=' }[f.op];
      if (isNumber(v)) {
        const t = type();
        const x = value();
        params.push(v);
        return `(${t} IN ('integer', 'real') AND ${x} ${sqlOp} ?)`;
      }
      if (typeof v === 'string') {
        const t = type();
        const x = value();
        params.push(v);
        return `(${t} = 'text' AND ${x} ${sqlOp} ?)`;
      }
      throw bad(`${field}.value`, `${f.op} compares with a number or a string`);
    }
    case 'in': {
      if (!Array.isArray(v)) throw bad(`${field}.value`, 'in needs an array of values');
      if (v.length > MAX_IN_ITEMS) throw bad(`${field}.value`, `in takes at most ${MAX_IN_ITEMS} values`);
      if (v.length === 0) return '0';
      return `(${v.map((item) => (item === null ? `NOT (${present()})` : equalsSql(type, value, item, params))).join(' OR ')})`;
    }
    case 'contains': {
      if (v === undefined) throw bad(`${field}.value`, 'contains needs a value');
      const inArray = () => {
        params.push(path);
        const cond = equalsSql(
          () => 'je.type',
          () => 'je.value',
          v,
          params,
        );
        return `EXISTS (SELECT 1 FROM json_each(${column}, ?) AS je WHERE ${cond})`;
      };
      if (typeof v === 'string') {
        const t = type();
        const x = value();
        params.push(v);
        const inText = `(${t} = 'text' AND instr(${x}, ?) > 0)`;
        const t2 = type();
        return `(${inText} OR (${t2} = 'array' AND ${inArray()}))`;
      }
      return `(${type()} = 'array' AND ${inArray()})`;
    }
    case 'startsWith': {
      if (typeof v !== 'string') throw bad(`${field}.value`, 'startsWith needs a string');
      const t = type();
      const x = value();
      params.push(v, v);
      return `(${t} = 'text' AND substr(${x}, 1, length(?)) = ?)`;
    }
    case 'exists': {
      if (v !== undefined && typeof v !== 'boolean') throw bad(`${field}.value`, 'exists takes true or false');
      return v === false ? `NOT (${present()})` : present();
    }
    default:
      throw bad(`${field}.op`, `unknown operator ${String((f as { op: unknown }).op)}`);
  }
}
