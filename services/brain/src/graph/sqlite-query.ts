import { NodeLabelSchema, RelationTypeSchema } from '@automovie/contracts';
import { BrainError } from '../errors.ts';
import { compileFilters, propertyPath } from './sqlite-filters.ts';
import type { GraphQuery } from './store.ts';

export const MAX_HOPS = 3;
export const MAX_QUERY_LIMIT = 1000;
export const MAX_QUERY_SKIP = 100_000;

function bad(field: string, rule: string): BrainError {
  return new BrainError('BRAIN_INVALID_QUERY', `Invalid query: ${field}: ${rule}`, { data: { issues: [{ path: field, message: rule }] } });
}

function intIn(value: unknown, dflt: number, min: number, max: number, field: string): number {
  if (value === undefined) return dflt;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw bad(field, `an integer from ${min} to ${max}`);
  }
  return value;
}

export interface CompiledQuery {
  sql: string;
  params: unknown[];
  /** Nodes per row. */
  width: number;
}

/**
 * Compiles a structured query into one SELECT of node pks per path: start nodes by project,
 * label and filters, then one join on the edge endpoint index and one on (project_id, id) per
 * hop, in that order (CROSS JOIN fixes SQLite's join order: from the labelled, filtered start
 * outwards, never from a scan of all the project's edges). Every table in the join is bounded by
 * the project. As in Cypher, one path never uses the
 * same relationship twice. Nothing of the caller's reaches the SQL text but validated names;
 * values and JSON paths are bound parameters.
 */
export function compileQuery(projectId: string, query: GraphQuery): CompiledQuery {
  if (!NodeLabelSchema.safeParse(query.start?.label).success) throw bad('start.label', 'one of the node labels');
  const hops = query.hops ?? [];
  if (!Array.isArray(hops) || hops.length > MAX_HOPS) throw bad('hops', `at most ${MAX_HOPS} hops`);
  const limit = intIn(query.limit, 100, 1, MAX_QUERY_LIMIT, 'limit');
  const skip = intIn(query.skip, 0, 0, MAX_QUERY_SKIP, 'skip');

  const joins: string[] = [];
  const joinParams: unknown[] = [];
  hops.forEach((hop, i) => {
    const h = i + 1;
    const prev = `n${i}`;
    const e = `e${h}`;
    const n = `n${h}`;
    const direction = hop.direction ?? 'out';
    if (hop.type !== undefined && !RelationTypeSchema.safeParse(hop.type).success) {
      throw bad(`hops[${i}].type`, 'relation types are SCREAMING_SNAKE_CASE');
    }
    // One endpoint-index lookup: (project_id, from_id|to_id, type).
    const lookup = (end: 'from_id' | 'to_id') => {
      joinParams.push(projectId);
      if (hop.type === undefined) return `${e}.project_id = ? AND ${e}.${end} = ${prev}.id`;
      joinParams.push(hop.type);
      return `${e}.project_id = ? AND ${e}.${end} = ${prev}.id AND ${e}.type = ?`;
    };
    let edgeCond: string;
    let other: string;
    if (direction === 'out') {
      edgeCond = lookup('from_id');
      other = `${e}.to_id`;
    } else if (direction === 'in') {
      edgeCond = lookup('to_id');
      other = `${e}.from_id`;
    } else if (direction === 'both') {
      // Each side of the OR is a whole index lookup, so SQLite answers it with two (MULTI-INDEX OR).
      edgeCond = `((${lookup('from_id')}) OR (${lookup('to_id')}))`;
      other = `CASE WHEN ${e}.from_id = ${prev}.id THEN ${e}.to_id ELSE ${e}.from_id END`;
    } else {
      throw bad(`hops[${i}].direction`, 'out, in or both');
    }
    for (let j = 1; j < h; j++) edgeCond += ` AND ${e}.pk <> e${j}.pk`;
    joins.push(`CROSS JOIN edges ${e} ON ${edgeCond}`);
    let nodeCond = `${n}.project_id = ? AND ${n}.id = ${other}`;
    joinParams.push(projectId);
    if (hop.label !== undefined) {
      if (!NodeLabelSchema.safeParse(hop.label).success) throw bad(`hops[${i}].label`, 'one of the node labels');
      nodeCond += ` AND ${n}.label = ?`;
      joinParams.push(hop.label);
    }
    nodeCond += ` AND ${compileFilters(`${n}.props`, hop.where, joinParams, `hops[${i}].where`)}`;
    joins.push(`CROSS JOIN nodes ${n} ON ${nodeCond}`);
  });

  const whereParams: unknown[] = [projectId, query.start.label];
  const where = `n0.project_id = ? AND n0.label = ? AND ${compileFilters('n0.props', query.start.where, whereParams, 'start.where')}`;

  const orderParams: unknown[] = [];
  const order: string[] = [];
  if (query.orderBy) {
    const path = propertyPath(query.orderBy.property, 'orderBy.property');
    const dir = query.orderBy.direction ?? 'asc';
    if (dir !== 'asc' && dir !== 'desc') throw bad('orderBy.direction', 'asc or desc');
    const last = `n${hops.length}.props`;
    // Missing (or null) values last in both directions, then the value.
    order.push(`COALESCE(json_type(${last}, ?), 'null') = 'null'`, `json_extract(${last}, ?) ${dir.toUpperCase()}`);
    orderParams.push(path, path);
  }
  // Then the start nodes' creation order: the order of the (project_id, label) index, so an
  // unordered query streams its first rows instead of sorting every match.
  order.push('n0.pk');

  const cols = Array.from({ length: hops.length + 1 }, (_, i) => `n${i}.pk AS p${i}`).join(', ');
  const sql = `SELECT ${cols} FROM nodes n0 ${joins.join(' ')} WHERE ${where} ORDER BY ${order.join(', ')} LIMIT ? OFFSET ?`;
  return { sql, params: [...joinParams, ...whereParams, ...orderParams, limit, skip], width: hops.length + 1 };
}
