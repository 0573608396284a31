/**
 * Pure helpers of the Neo4j backend: how properties are stored, Cypher for property filters and
 * structured queries, the Lucene query of a keyword search, the vector over-fetch schedule and
 * driver value conversion. Nothing here talks to a server, so all of it is unit-tested.
 *
 * The one rule of every builder: a caller's value only ever reaches Cypher as a parameter. The
 * query text holds nothing but fixed keywords, generated parameter and variable names, and names
 * checked against a strict pattern first (property names, node labels, integers).
 */
import { NodeLabelSchema, type PropertyFilter, RelationTypeSchema } from '@automovie/contracts';
import neo4j from 'neo4j-driver';
import { BrainError } from '../errors.ts';
import { queryTerms } from './neo4j-text.ts';
import type { GraphQuery } from './store.ts';

export const MAX_HOPS = 3;
export const MAX_QUERY_LIMIT = 1000;
export const MAX_QUERY_SKIP = 100_000;
/** Most items of an `in` filter. */
export const MAX_IN_ITEMS = 1000;
/** Largest vector dimension (the contract's VectorSchema). */
export const MAX_DIMENSION = 4096;
/** Characters of the indexed text a search hit shows. */
export const SNIPPET_CHARS = 200;

const KEY = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const LABELS: readonly string[] = NodeLabelSchema.options;

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export function invalidQuery(field: string, rule: string): BrainError {
  return new BrainError('BRAIN_INVALID_QUERY', `Invalid query: ${field}: ${rule}`, { data: { issues: [{ path: field, message: rule }] } });
}

/** A property name checked as an identifier (it becomes part of a stored property name). */
export function checkPropertyName(property: unknown, field: string): string {
  if (typeof property !== 'string' || !KEY.test(property)) {
    throw invalidQuery(field, 'property names are identifiers (letters, digits, _; max 64)');
  }
  return property;
}

// ── how properties are stored ───────────────────────────────────────────────────────────────
//
// A node keeps its properties twice: exactly, as JSON text in `props` (what reads return), and
// flattened into typed Neo4j properties that filters compare (Neo4j has no JSON type, no maps,
// no nulls and no mixed lists as property values):
//
//   s_<key>  a string            n_<key>  a number (always a float)     b_<key>  a boolean
//   j_<key>  an array or object, as JSON text (for eq/ne/in of whole values)
//   a_<key>  the items of a non-empty array, each as JSON text (for contains)
//   (null)   nothing: a null property and a missing one are the same to every filter.
//
// One Neo4j property per JSON type means a comparison never meets a value of another type, so
// `1 = "1"` or `true < 3` never reach Cypher's cross-type rules: the JSON-typed semantics of
// FILTER_SEMANTICS (store.ts) hold by construction.

export const PREFIX = { string: 's_', number: 'n_', boolean: 'b_', json: 'j_', items: 'a_' } as const;
const FLAT_KEY = /^[snbja]_[A-Za-z_][A-Za-z0-9_]{0,63}$/;

export type FlatValue = string | number | boolean | string[];

/** The properties as JSON would keep them: undefined dropped, NaN and ±Infinity become null. */
export function canonicalProperties(props: Record<string, unknown>): Record<string, Json> {
  return JSON.parse(JSON.stringify(props)) as Record<string, Json>;
}

/** The typed, prefixed Neo4j properties that filters compare (see above). */
export function flattenProperties(props: Record<string, unknown>): Record<string, FlatValue> {
  const flat: Record<string, FlatValue> = {};
  for (const [key, value] of Object.entries(canonicalProperties(props))) {
    if (!KEY.test(key)) throw new Error(`property name ${JSON.stringify(key)} is not an identifier`);
    if (value === null) continue;
    if (typeof value === 'string') flat[PREFIX.string + key] = value;
    else if (typeof value === 'number') flat[PREFIX.number + key] = value;
    else if (typeof value === 'boolean') flat[PREFIX.boolean + key] = value;
    else {
      flat[PREFIX.json + key] = JSON.stringify(value);
      if (Array.isArray(value) && value.length > 0) flat[PREFIX.items + key] = value.map((item) => JSON.stringify(item));
    }
  }
  return flat;
}

/** The inverse of flattenProperties: the properties back (nulls, which are not stored, excepted). */
export function unflattenProperties(flat: Record<string, unknown>): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const [name, value] of Object.entries(flat)) {
    if (!FLAT_KEY.test(name)) continue;
    const key = name.slice(2);
    switch (name.slice(0, 2)) {
      case PREFIX.string:
      case PREFIX.number:
      case PREFIX.boolean:
        out[key] = value as Json;
        break;
      case PREFIX.json:
        out[key] = JSON.parse(value as string) as Json;
        break;
    }
  }
  return out;
}

/** Is `name` a stored property of the flattened form (so a replace must remove it)? */
export function isFlatKey(name: string): boolean {
  return FLAT_KEY.test(name);
}

/**
 * The `SET n += patch` that turns the flattened properties `before` into `after`: every key of
 * `after`, and null (which removes) for each key of `before` that `after` no longer has.
 */
export function flatPatch(before: Record<string, FlatValue>, after: Record<string, FlatValue>): Record<string, FlatValue | null> {
  const patch: Record<string, FlatValue | null> = { ...after };
  for (const key of Object.keys(before)) if (!(key in after)) patch[key] = null;
  return patch;
}

/** The stored property holding a vector of `dim` components (one vector index per dimension). */
export function embeddingProperty(dim: number): string {
  if (!Number.isInteger(dim) || dim < 1 || dim > MAX_DIMENSION)
    throw new Error(`vector dimension ${dim} is not an integer from 1 to ${MAX_DIMENSION}`);
  return `embedding_${dim}`;
}

/** The vector index over embeddingProperty(dim). */
export function vectorIndexName(dim: number): string {
  return `brain_entity_${embeddingProperty(dim)}`;
}

/**
 * The vector as stored and searched: unit length, as plain numbers. Undefined when it has no
 * direction (all zeros) or a non-finite component, which cosine similarity cannot take.
 */
export function normalizeVector(vector: readonly number[]): number[] | undefined {
  let sum = 0;
  for (const x of vector) {
    if (typeof x !== 'number' || !Number.isFinite(x)) return undefined;
    sum += x * x;
  }
  const norm = Math.sqrt(sum);
  if (!(norm > 0) || !Number.isFinite(norm)) return undefined;
  return vector.map((x) => x / norm);
}

/**
 * Neo4j reports cosine similarity rescaled to [0, 1] as (1 + cos) / 2, both from vector indexes
 * and from vector.similarity.cosine(); the port's score is the cosine itself.
 */
export function cosineFromScore(score: number): number {
  return Math.max(-1, Math.min(1, 2 * score - 1));
}

// ── parameters and filters ──────────────────────────────────────────────────────────────────

/** Collects the parameters of one query under generated names: values go here, never into the text. */
export class CypherParams {
  readonly values: Record<string, unknown> = {};
  private next = 0;
  private readonly prefix: string;

  constructor(prefix = 'q', fixed: Record<string, unknown> = {}) {
    this.prefix = prefix;
    Object.assign(this.values, fixed);
  }

  /** Binds `value` and returns its `$name`. */
  add(value: unknown): string {
    const name = `${this.prefix}${this.next++}`;
    this.values[name] = value;
    return `$${name}`;
  }
}

/** `variable.`name`` for a stored property name that has been checked. */
const prop = (variable: string, name: string): string => `${variable}.\`${name}\``;

/** The property exists with a non-null value, of any JSON type. */
export function presentExpr(variable: string, key: string): string {
  return `(${[PREFIX.string, PREFIX.number, PREFIX.boolean, PREFIX.json].map((p) => `${prop(variable, p + key)} IS NOT NULL`).join(' OR ')})`;
}

function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/** Equality with a non-null JSON value, on the stored property of that value's type. */
function equalsExpr(variable: string, key: string, value: Json, params: CypherParams, field: string): string {
  if (typeof value === 'string') return `${prop(variable, PREFIX.string + key)} = ${params.add(value)}`;
  if (typeof value === 'boolean') return `${prop(variable, PREFIX.boolean + key)} = ${params.add(value)}`;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw invalidQuery(field, 'numbers must be finite');
    return `${prop(variable, PREFIX.number + key)} = ${params.add(value)}`;
  }
  return `${prop(variable, PREFIX.json + key)} = ${params.add(JSON.stringify(value))}`;
}

/**
 * Compiles property filters on the node `variable` into one Cypher condition (AND of all), with
 * the semantics of FILTER_SEMANTICS in store.ts. `field` names the filters in error messages.
 */
export function compileFilters(
  variable: string,
  filters: readonly PropertyFilter[] | undefined,
  params: CypherParams,
  field: string,
): string {
  if (filters === undefined) return 'true';
  if (!Array.isArray(filters)) throw invalidQuery(field, 'an array of filters');
  if (filters.length === 0) return 'true';
  return filters.map((f, i) => compileFilter(variable, f, params, `${field}[${i}]`)).join(' AND ');
}

function compileFilter(variable: string, f: PropertyFilter, params: CypherParams, field: string): string {
  if (typeof f !== 'object' || f === null) throw invalidQuery(field, 'a filter {property, op, value}');
  const key = checkPropertyName(f.property, `${field}.property`);
  const v = f.value as Json | undefined;
  const present = () => presentExpr(variable, key);
  const str = () => prop(variable, PREFIX.string + key);
  const num = () => prop(variable, PREFIX.number + key);
  switch (f.op) {
    case 'eq':
      if (v === undefined) throw invalidQuery(`${field}.value`, 'eq needs a value');
      if (v === null) return `NOT ${present()}`;
      return `(${equalsExpr(variable, key, v, params, `${field}.value`)})`;
    case 'ne':
      if (v === undefined) throw invalidQuery(`${field}.value`, 'ne needs a value');
      if (v === null) return present();
      // A missing property fails ne (as in Cypher); one of another type is not equal.
      return `(${present()} AND NOT coalesce(${equalsExpr(variable, key, v, params, `${field}.value`)}, false))`;
    case 'lt':
    case 'lte':
    case 'gt':
    case 'gte': {
      const op = { lt: '<', lte: '<=', gt: '>', gte: '>=' }[f.op];
      if (isFiniteNumber(v)) return `${num()} ${op} ${params.add(v)}`;
      if (typeof v === 'string') return `${str()} ${op} ${params.add(v)}`;
      throw invalidQuery(`${field}.value`, `${f.op} compares with a number or a string`);
    }
    case 'in': {
      if (!Array.isArray(v)) throw invalidQuery(`${field}.value`, 'in needs an array of values');
      if (v.length > MAX_IN_ITEMS) throw invalidQuery(`${field}.value`, `in takes at most ${MAX_IN_ITEMS} values`);
      const strings: string[] = [];
      const numbers: number[] = [];
      const booleans: boolean[] = [];
      const whole: string[] = [];
      let anyNull = false;
      for (const item of v as Json[]) {
        if (item === null) anyNull = true;
        else if (typeof item === 'string') strings.push(item);
        else if (typeof item === 'boolean') booleans.push(item);
        else if (typeof item === 'number') {
          if (!Number.isFinite(item)) throw invalidQuery(`${field}.value`, 'numbers must be finite');
          numbers.push(item);
        } else whole.push(JSON.stringify(item));
      }
      const parts: string[] = [];
      if (strings.length) parts.push(`${str()} IN ${params.add(strings)}`);
      if (numbers.length) parts.push(`${num()} IN ${params.add(numbers)}`);
      if (booleans.length) parts.push(`${prop(variable, PREFIX.boolean + key)} IN ${params.add(booleans)}`);
      if (whole.length) parts.push(`${prop(variable, PREFIX.json + key)} IN ${params.add(whole)}`);
      if (anyNull) parts.push(`NOT ${present()}`);
      return parts.length === 0 ? 'false' : `(${parts.join(' OR ')})`;
    }
    case 'contains': {
      if (v === undefined) throw invalidQuery(`${field}.value`, 'contains needs a value');
      if (typeof v === 'number' && !Number.isFinite(v)) throw invalidQuery(`${field}.value`, 'numbers must be finite');
      const inArray = `${params.add(JSON.stringify(v))} IN ${prop(variable, PREFIX.items + key)}`;
      if (typeof v === 'string') return `(${str()} CONTAINS ${params.add(v)} OR ${inArray})`;
      return `(${inArray})`;
    }
    case 'startsWith':
      if (typeof v !== 'string') throw invalidQuery(`${field}.value`, 'startsWith needs a string');
      return `${str()} STARTS WITH ${params.add(v)}`;
    case 'exists':
      if (v !== undefined && typeof v !== 'boolean') throw invalidQuery(`${field}.value`, 'exists takes true or false');
      return v === false ? `NOT ${present()}` : present();
    default:
      throw invalidQuery(`${field}.op`, `unknown operator ${String((f as { op: unknown }).op)}`);
  }
}

/**
 * ORDER BY keys for a property of `variable`: missing (or null) values last in both directions,
 * then by JSON type (numbers, strings, booleans, arrays/objects as JSON text), then by value.
 */
export function orderByProperty(variable: string, property: unknown, direction: unknown, field: string): string[] {
  const key = checkPropertyName(property, `${field}.property`);
  const dir = direction ?? 'asc';
  if (dir !== 'asc' && dir !== 'desc') throw invalidQuery(`${field}.direction`, 'asc or desc');
  const d = dir === 'asc' ? 'ASC' : 'DESC';
  const [s, n, b, j] = [PREFIX.string, PREFIX.number, PREFIX.boolean, PREFIX.json].map((p) => prop(variable, p + key)) as [
    string,
    string,
    string,
    string,
  ];
  return [
    `CASE WHEN ${presentExpr(variable, key)} THEN 0 ELSE 1 END ASC`,
    `CASE WHEN ${n} IS NOT NULL THEN 0 WHEN ${s} IS NOT NULL THEN 1 WHEN ${b} IS NOT NULL THEN 2 ELSE 3 END ${d}`,
    `${n} ${d}`,
    `${s} ${d}`,
    `${b} ${d}`,
    `${j} ${d}`,
  ];
}

// ── structured queries ──────────────────────────────────────────────────────────────────────

/** The node fields every read returns, as a map projection of `variable`. */
export const nodeProjection = (variable: string): string => `${variable} {.id, .label, .props, .createdAt, .updatedAt}`;

function intIn(value: unknown, dflt: number, min: number, max: number, field: string): number {
  if (value === undefined) return dflt;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalidQuery(field, `an integer from ${min} to ${max}`);
  }
  return value;
}

export interface CompiledGraphQuery {
  cypher: string;
  /** Parameters, `$projectId` (the stored project key) included. */
  params: Record<string, unknown>;
  /** Nodes per row. */
  width: number;
}

/**
 * Compiles a structured query (GraphQuery) into one read-only Cypher query whose rows are lists
 * of node maps (start first). Every node of the pattern is bound to the project; hops are one
 * MATCH, so a path never uses the same relationship twice (Cypher's relationship uniqueness).
 */
export function compileGraphQuery(projectKey: string, query: GraphQuery): CompiledGraphQuery {
  if (typeof query !== 'object' || query === null) throw invalidQuery('query', 'a structured query');
  if (typeof query.start !== 'object' || query.start === null || !LABELS.includes(query.start.label)) {
    throw invalidQuery('start.label', 'one of the node labels');
  }
  const hops = query.hops ?? [];
  if (!Array.isArray(hops) || hops.length > MAX_HOPS) throw invalidQuery('hops', `at most ${MAX_HOPS} hops`);
  const limit = intIn(query.limit, 100, 1, MAX_QUERY_LIMIT, 'limit');
  const skip = intIn(query.skip, 0, 0, MAX_QUERY_SKIP, 'skip');
  const params = new CypherParams('q', { projectId: projectKey, skip: neo4j.int(skip), limit: neo4j.int(limit) });

  let pattern = '(n0:Entity)';
  const where = ['n0.projectId = $projectId', `n0.label = ${params.add(query.start.label)}`];
  where.push(compileFilters('n0', query.start.where, params, 'start.where'));
  hops.forEach((hop, i) => {
    const h = i + 1;
    const field = `hops[${i}]`;
    if (typeof hop !== 'object' || hop === null) throw invalidQuery(field, 'a hop {type?, direction?, label?, where?}');
    const direction = hop.direction ?? 'out';
    if (direction !== 'out' && direction !== 'in' && direction !== 'both') throw invalidQuery(`${field}.direction`, 'out, in or both');
    const rel = `[r${h}]`;
    pattern += direction === 'out' ? `-${rel}->` : direction === 'in' ? `<-${rel}-` : `-${rel}-`;
    pattern += `(n${h}:Entity)`;
    if (hop.type !== undefined) {
      if (!RelationTypeSchema.safeParse(hop.type).success) throw invalidQuery(`${field}.type`, 'relation types are SCREAMING_SNAKE_CASE');
      where.push(`type(r${h}) = ${params.add(hop.type)}`);
    }
    where.push(`n${h}.projectId = $projectId`);
    if (hop.label !== undefined) {
      if (!LABELS.includes(hop.label)) throw invalidQuery(`${field}.label`, 'one of the node labels');
      where.push(`n${h}.label = ${params.add(hop.label)}`);
    }
    where.push(compileFilters(`n${h}`, hop.where, params, `${field}.where`));
  });

  const nodes = Array.from({ length: hops.length + 1 }, (_, i) => `n${i}`);
  const rels = Array.from({ length: hops.length }, (_, i) => `r${i + 1}`);
  const order: string[] = [];
  if (query.orderBy !== undefined) {
    if (typeof query.orderBy !== 'object' || query.orderBy === null) throw invalidQuery('orderBy', 'an object {property, direction?}');
    order.push(...orderByProperty(`n${hops.length}`, query.orderBy.property, query.orderBy.direction, 'orderBy'));
  }
  // Ties, and unordered queries, keep creation order: start node, then each relationship.
  order.push('n0.seq ASC', ...rels.map((r) => `${r}.seq ASC`));

  const cypher = [
    `MATCH ${pattern}`,
    `WHERE ${where.filter((w) => w !== 'true').join(' AND ')}`,
    `WITH ${[...nodes, ...rels].join(', ')}`,
    `ORDER BY ${order.join(', ')}`,
    'SKIP $skip LIMIT $limit',
    `RETURN [${nodes.map(nodeProjection).join(', ')}] AS row`,
  ].join('\n');
  return { cypher, params: params.values, width: nodes.length };
}

// ── keyword search ──────────────────────────────────────────────────────────────────────────

/** Characters with a meaning in Lucene's classic query syntax (`&&` and `||` are covered by & and |). */
export const LUCENE_SPECIAL = '+-&|!(){}[]^"~*?:\\/';

/** `text` with every Lucene special character backslash-escaped, so it can only be literal text. */
export function escapeLucene(text: string): string {
  let out = '';
  for (const ch of text) out += LUCENE_SPECIAL.includes(ch) ? `\\${ch}` : ch;
  return out;
}

/** The full-text index's property holding a node's normalised words (see neo4j-text.ts). */
export const FTS_TERMS = 'ftsTerms';
/** The full-text index's property holding a node's project key, so a search is bounded by project inside Lucene. */
export const FTS_PROJECT = 'ftsProject';

/**
 * The Lucene query of a keyword search: the project's documents (`+ftsProject:"…"`) with any of the
 * query's words (Lucene only finds them: see keywordSearchCypher for the scoring). Each word is normalised, escaped and quoted, so quotes, `*`, `AND`/`OR`/`NOT`,
 * field names or parentheses in the user's text are only ever words. Undefined when the text has
 * no word at all.
 */
export function luceneKeywordQuery(projectKey: string, text: string): string | undefined {
  const terms = queryTerms(text);
  if (terms.length === 0) return undefined;
  const words = terms.map((t) => `${FTS_TERMS}:"${escapeLucene(t)}"`).join(' OR ');
  return `+${FTS_PROJECT}:"${escapeLucene(projectKey)}" +(${words})`;
}

/**
 * The stored form of a text's words for the full-text index: each word between its own spaces,
 * ` walk  the  river `, which Lucene's whitespace tokenizer reads as the words, and in which
 * `' ' + word + ' '` occurs exactly once per occurrence of the word (no two share a space).
 */
export function ftsTermsValue(terms: readonly string[]): string {
  return terms.map((t) => ` ${t} `).join('');
}

/**
 * How often `term` occurs in a stored ftsTermsValue: the arithmetic the keyword query does in Cypher
 * (`size(x) - size(replace(x, ' t ', ''))`, divided by the size of ' t '), here for the tests.
 */
export function termFrequency(stored: string, term: string): number {
  const needle = ` ${term} `;
  return (stored.length - stored.replaceAll(needle, '').length) / needle.length;
}

/** The columns of a search hit, from the node `variable`. */
export const hitFields = (variable: string): string =>
  `${variable}.id AS id, ${variable}.label AS label, ${variable}.props AS props, substring(coalesce(${variable}.indexText, ''), 0, ${SNIPPET_CHARS}) AS snippet`;

/** BM25 parameters, Lucene's and SQLite FTS5's defaults. */
export const BM25 = { k1: 1.2, b: 0.75 } as const;

/**
 * The keyword search query. Lucene finds the project's documents holding any of the words
 * (`$lucene`, see luceneKeywordQuery); their score is not used, because Lucene's BM25 statistics
 * are global to the index: another project's writes would change this project's scores and
 * ranking. Instead BM25 is computed here from the project's own statistics: term frequencies from
 * the stored words, document frequencies over the project's matching documents (all of them:
 * filters apply after), and the project's number of texts and mean length (`$docs`, `$avgLength`,
 * kept on its node). `filter` is a condition on `node` (labels, property filters).
 *
 * Parameters: $index, $lucene, $projectId, $terms, $docs, $avgLength, $k1, $b, $k and the filter's.
 */
export function keywordSearchCypher(filter: string): string {
  return `CALL db.index.fulltext.queryNodes($index, $lucene) YIELD node
WHERE node.projectId = $projectId
WITH node, [t IN $terms | (size(node.${FTS_TERMS}) - size(replace(node.${FTS_TERMS}, ' ' + t + ' ', ''))) / (size(t) + 2)] AS tf
WITH collect({node: node, tf: tf}) AS matches
WITH matches,
     [i IN range(0, size($terms) - 1) | size([m IN matches WHERE m.tf[i] > 0])] AS df,
     CASE WHEN $docs < size(matches) THEN toFloat(size(matches)) ELSE $docs END AS docs
UNWIND matches AS m
WITH m.node AS node, m.tf AS tf, df, docs
WHERE ${filter}
WITH node, reduce(score = 0.0, i IN range(0, size($terms) - 1) |
  score + CASE WHEN tf[i] = 0 THEN 0.0 ELSE
    log(1.0 + (docs - df[i] + 0.5) / (df[i] + 0.5))
    * tf[i] * ($k1 + 1.0) / (tf[i] + $k1 * (1.0 - $b + $b * node.ftsLength / $avgLength)) END) AS score
ORDER BY score DESC, node.seq ASC
LIMIT $k
RETURN ${hitFields('node')}, score`;
}

// ── vector search ───────────────────────────────────────────────────────────────────────────

/**
 * How many candidates to ask the vector index for, round after round. The index is global, so its
 * top-k can be filled by other projects' (or other labels', or filtered-out) vectors: ask for
 * k×4, then ×16, ×64… until k candidates pass the filters, the index has no more (it returned
 * fewer than asked), or `max` is reached — the last round asks for `max` itself.
 */
export function overFetchSchedule(k: number, max: number): number[] {
  if (!Number.isInteger(k) || k < 1) throw new Error('k must be a positive integer');
  const cap = Math.max(k, max);
  const out: number[] = [];
  for (let ask = k * 4; ; ask *= 4) {
    if (ask >= cap) {
      out.push(cap);
      return out;
    }
    out.push(ask);
  }
}

// ── driver values ───────────────────────────────────────────────────────────────────────────

/** A number from what the driver returns for an integer (Integer, bigint or number); null/undefined stay undefined. */
export function toNumber(value: unknown): number | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (neo4j.isInt(value)) {
    if (!neo4j.integer.inSafeRange(value)) throw new Error(`integer ${value.toString()} is outside the safe range`);
    return value.toNumber();
  }
  throw new Error(`not a number: ${String(value)}`);
}

/** An integer parameter: JavaScript numbers travel as floats, which LIMIT, SKIP and the index procedures refuse. */
export function int(value: number): ReturnType<typeof neo4j.int> {
  if (!Number.isSafeInteger(value)) throw new Error(`${value} is not a safe integer`);
  return neo4j.int(value);
}

/**
 * An ISO-8601 string from a stored timestamp. The brain stores ISO strings (what the contract
 * returns, and they sort as text); a driver DateTime with an offset (as other tools may write) is
 * converted to the millisecond. Anything else is refused rather than guessed at.
 */
export function toIsoString(value: unknown): string {
  if (typeof value === 'string') return value;
  if (neo4j.isDateTime(value) && value.timeZoneOffsetSeconds !== undefined) return value.toStandardDate().toISOString();
  throw new Error(`not a timestamp: ${String(value)}`);
}

// ── schema ──────────────────────────────────────────────────────────────────────────────────

/** The full-text index over entities' words, bounded by project (FTS_TERMS, FTS_PROJECT). */
export const TEXT_INDEX = 'brain_entity_text';

/** The constraints and indexes waited for at start (the vector index is not: searches are exact until it is online). */
export const SCHEMA_AWAITED = [
  'brain_entity_key',
  'brain_project_key',
  'brain_member_key',
  'brain_counter_key',
  'brain_claim_key',
  'brain_entity_project',
  'brain_entity_project_label',
  'brain_project_list',
  'brain_member_user',
  'brain_member_project',
  'brain_claim_expiry',
  TEXT_INDEX,
] as const;

/**
 * The schema of the Neo4j backend, each statement idempotent (`IF NOT EXISTS`). Uniqueness
 * constraints rather than node keys, which need Enterprise Edition. The full-text index uses the
 * `whitespace` analyzer because the brain analyses words itself (neo4j-text.ts); its updates are
 * part of the committing transaction (not eventually consistent), so a write is searchable as soon
 * as it returns. The vector index covers one dimension, named after it, so a change of embedding
 * model adds an index instead of silently not indexing the new vectors.
 */
export function schemaStatements(vectorDimension?: number): string[] {
  const statements = [
    'CREATE CONSTRAINT brain_entity_key IF NOT EXISTS FOR (n:Entity) REQUIRE (n.projectId, n.id) IS UNIQUE',
    'CREATE CONSTRAINT brain_project_key IF NOT EXISTS FOR (p:BrainProject) REQUIRE p.projectId IS UNIQUE',
    'CREATE CONSTRAINT brain_member_key IF NOT EXISTS FOR (m:BrainMember) REQUIRE (m.projectId, m.userId) IS UNIQUE',
    'CREATE CONSTRAINT brain_counter_key IF NOT EXISTS FOR (c:BrainCounter) REQUIRE c.name IS UNIQUE',
    'CREATE CONSTRAINT brain_claim_key IF NOT EXISTS FOR (c:BrainClaim) REQUIRE c.key IS UNIQUE',
    'CREATE INDEX brain_entity_project IF NOT EXISTS FOR (n:Entity) ON (n.projectId)',
    'CREATE INDEX brain_entity_project_label IF NOT EXISTS FOR (n:Entity) ON (n.projectId, n.label)',
    'CREATE INDEX brain_project_list IF NOT EXISTS FOR (p:BrainProject) ON (p.namespace, p.listSeq)',
    'CREATE INDEX brain_member_user IF NOT EXISTS FOR (m:BrainMember) ON (m.userId)',
    'CREATE INDEX brain_member_project IF NOT EXISTS FOR (m:BrainMember) ON (m.projectId)',
    'CREATE INDEX brain_claim_expiry IF NOT EXISTS FOR (c:BrainClaim) ON (c.namespace, c.expiresAt)',
    `CREATE FULLTEXT INDEX ${TEXT_INDEX} IF NOT EXISTS FOR (n:Entity) ON EACH [n.${FTS_TERMS}, n.${FTS_PROJECT}]
     OPTIONS {indexConfig: {\`fulltext.analyzer\`: 'whitespace', \`fulltext.eventually_consistent\`: false}}`,
  ];
  if (vectorDimension !== undefined) {
    // Index options are not parameters in every 5.x release: the dimension is a checked integer.
    const property = embeddingProperty(vectorDimension);
    statements.push(
      `CREATE VECTOR INDEX ${vectorIndexName(vectorDimension)} IF NOT EXISTS FOR (n:Entity) ON (n.\`${property}\`)
       OPTIONS {indexConfig: {\`vector.dimensions\`: ${vectorDimension}, \`vector.similarity_function\`: 'cosine'}}`,
    );
  }
  return statements;
}

/**
 * Whether a server's agent string (`Neo4j/5.26.0`, `Neo4j/2025.01.0`) is a version the backend
 * supports: 5.18 or later (vector.similarity.cosine, CREATE VECTOR INDEX). Undefined when the
 * string says nothing clear.
 */
export function parseNeo4jVersion(agent: string | undefined): { supported: boolean | undefined; version?: string } {
  const m = typeof agent === 'string' ? /^Neo4j\/(\d+)\.(\d+)(?:\.(\d+))?/i.exec(agent) : null;
  if (!m) return { supported: undefined };
  const major = Number(m[1]);
  const minor = Number(m[2]);
  // Calendar versions (2025.01…) followed 5.26.
  const supported = major >= 2025 || (major === 5 && minor >= 18) || (major > 5 && major < 2025);
  return { supported, version: `${major}.${minor}${m[3] === undefined ? '' : `.${m[3]}`}` };
}
