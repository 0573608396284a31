import type { Progress } from '@automovie/contracts';

/** A plain text table: a header row, then rows, columns padded to their widest cell. */
export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return `${[line(headers.map((h) => h.toUpperCase())), ...rows.map(line)].join('\n')}\n`;
}

/** JSON for people when stdout is a terminal (indented), for programs otherwise (one line). */
export function renderJson(value: unknown, pretty: boolean): string {
  return `${pretty ? JSON.stringify(value, null, 2) : JSON.stringify(value)}\n`;
}

/** One progress notification as a line for stderr: `progress 3/10 (30%) rendering frames`. */
export function formatProgress(p: Progress): string {
  let out = `progress ${p.progress}`;
  if (p.total !== undefined) {
    out += `/${p.total}`;
    if (p.total > 0) out += ` (${Math.min(100, Math.round((p.progress / p.total) * 100))}%)`;
  }
  if (p.message) out += ` ${p.message}`;
  return `${out}\n`;
}

/** A duration for people: `850 ms`, `4s`, `2m 05s`, `3h 12m`, `2d 4h`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/** The slice of a JSON Schema the tool listing reads. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema | JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  $ref?: string;
  default?: unknown;
  description?: string;
  additionalProperties?: boolean | JsonSchema;
}

/** What `tools/list` returns per tool (the SDK's Tool is assignable to it). */
export interface ListedTool {
  name: string;
  description?: string | undefined;
  inputSchema: { properties?: Record<string, object> | undefined; required?: string[] | undefined };
  annotations?: { readOnlyHint?: boolean | undefined } | undefined;
}

const MAX_ENUM = 6;

/** A schema's type in a few characters: `string`, `integer[]`, `"a" | "b"`, `object`, `string | null`. */
export function schemaType(schema: JsonSchema | boolean | undefined): string {
  if (schema === undefined || schema === true) return 'any';
  if (schema === false) return 'never';
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema.enum) {
    const shown = schema.enum.slice(0, MAX_ENUM).map((v) => JSON.stringify(v));
    return shown.join(' | ') + (schema.enum.length > MAX_ENUM ? ' | …' : '');
  }
  const union = schema.anyOf ?? schema.oneOf;
  if (union) return [...new Set(union.map((s) => schemaType(s)))].join(' | ');
  if (schema.allOf?.length === 1) return schemaType(schema.allOf[0]);
  if (schema.$ref) return schema.$ref.slice(schema.$ref.lastIndexOf('/') + 1) || 'object';
  const types = Array.isArray(schema.type) ? schema.type : schema.type === undefined ? [] : [schema.type];
  if (types.length === 0) return schema.properties ? 'object' : 'any';
  return types
    .map((t) => {
      if (t !== 'array') return t;
      const item = Array.isArray(schema.items) ? 'any' : schemaType(schema.items);
      return item.includes(' ') ? `(${item})[]` : `${item}[]`;
    })
    .join(' | ');
}

/** The input properties of a tool, one per line: `name: type (required) = default`. */
export function renderInputProperties(input: ListedTool['inputSchema'], indent = '    '): string[] {
  const props = Object.entries((input.properties ?? {}) as Record<string, JsonSchema>);
  if (props.length === 0) return [`${indent}(no input)`];
  const required = new Set(input.required ?? []);
  return props.map(([name, schema]) => {
    let line = `${indent}${name}: ${schemaType(schema)}`;
    if (required.has(name)) line += ' (required)';
    if (schema.default !== undefined) line += ` = ${JSON.stringify(schema.default)}`;
    return line;
  });
}

/** The human listing of a service's tools: name (read-only marker), description, input properties. */
export function renderTools(service: string, tools: readonly ListedTool[]): string {
  if (tools.length === 0) return `${service} serves no tools\n`;
  const blocks = [...tools]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((t) => {
      const head = `${t.name}${t.annotations?.readOnlyHint ? '  [read-only]' : ''}`;
      const lines = [head];
      if (t.description) lines.push(`  ${t.description}`);
      lines.push('  input:', ...renderInputProperties(t.inputSchema));
      return lines.join('\n');
    });
  return `${service}: ${tools.length} tool${tools.length === 1 ? '' : 's'}\n\n${blocks.join('\n\n')}\n`;
}
