import { IdSchema, NodeLabelSchema, type Properties, PropertyKeySchema, RelationTypeSchema } from '@automovie/contracts';
import { BrainError, invalidInput } from '../errors.ts';

/**
 * Argument checks and errors shared by every GraphStore backend, so each backend refuses the same
 * bad arguments with the same codes and messages (the contract suite holds them to it).
 */

export const LABELS: readonly string[] = NodeLabelSchema.options;
const LABEL_SET = new Set(LABELS);

export function checkId(value: unknown, field: string): string {
  const r = IdSchema.safeParse(value);
  if (!r.success) throw invalidInput(field, r.error.issues[0]?.message ?? 'not a valid id');
  return r.data;
}

export function checkInt(value: unknown, dflt: number, min: number, max: number, field: string): number {
  if (value === undefined) return dflt;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalidInput(field, `an integer from ${min} to ${max}`);
  }
  return value;
}

/** A claim key: 1 to 200 characters. */
export function checkClaimKey(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 200) throw invalidInput('key', 'a string of 1 to 200 characters');
  return value;
}

/** A time in milliseconds since the epoch. */
export function checkTimeMs(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw invalidInput(field, 'milliseconds since the epoch');
  return value;
}

export function checkLabel(value: unknown, field: string): string {
  if (typeof value !== 'string' || !LABEL_SET.has(value)) throw invalidInput(field, `one of ${LABELS.join(', ')}`);
  return value;
}

export function checkLabels(labels: readonly string[] | undefined, field: string): readonly string[] | undefined {
  if (labels === undefined) return undefined;
  if (!Array.isArray(labels)) throw invalidInput(field, 'an array of node labels');
  labels.forEach((l, i) => {
    checkLabel(l, `${field}[${i}]`);
  });
  return labels;
}

export function checkTypes(types: readonly string[] | undefined, field: string): readonly string[] | undefined {
  if (types === undefined) return undefined;
  if (!Array.isArray(types)) throw invalidInput(field, 'an array of relation types');
  types.forEach((t, i) => {
    if (!RelationTypeSchema.safeParse(t).success) throw invalidInput(`${field}[${i}]`, 'relation types are SCREAMING_SNAKE_CASE');
  });
  return types;
}

export function checkProperties(value: unknown, field: string): Properties {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidInput(field, 'an object of properties');
  for (const key of Object.keys(value)) {
    if (!PropertyKeySchema.safeParse(key).success)
      throw invalidInput(`${field}.${key}`, 'property names are identifiers (letters, digits, _; max 64)');
  }
  return value as Properties;
}

export function crossProject(projectId: string, other: string): BrainError {
  return new BrainError('BRAIN_CROSS_PROJECT', `This call is scoped to project ${projectId}; the record belongs to ${other}`, {
    data: { projectId, recordProjectId: other },
  });
}

export function decodeCursor(cursor: string): number {
  const m = typeof cursor === 'string' ? /^p:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString()) : null;
  if (!m) throw new BrainError('BRAIN_INVALID_CURSOR', 'The cursor is not one list_projects returned', { data: { cursor } });
  return Number(m[1]);
}

export function encodeCursor(pk: number): string {
  return Buffer.from(`p:${pk}`).toString('base64url');
}

export function dimensionMismatch(projectId: string, expected: number, got: number): BrainError {
  return new BrainError('BRAIN_VECTOR_DIMENSION', `Project ${projectId} holds vectors of dimension ${expected}, not ${got}`, {
    data: { projectId, expected, got },
  });
}

export function lastOwner(projectId: string, userId: string): BrainError {
  return new BrainError('BRAIN_LAST_OWNER', `${userId} is the last owner of project ${projectId}; add another owner first`, {
    data: { projectId, userId },
  });
}

export function nodeExists(projectId: string, id: string): BrainError {
  return new BrainError('BRAIN_NODE_EXISTS', `Node ${id} already exists in project ${projectId}`, { data: { projectId, id } });
}

export function nodeNotFound(projectId: string, id: string): BrainError {
  return new BrainError('BRAIN_NODE_NOT_FOUND', `No node ${String(id)} in project ${projectId}`, { data: { projectId, id } });
}
