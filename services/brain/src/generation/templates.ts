import {
  BUILTIN_TEMPLATE_VARIABLES,
  BUILTIN_TEMPLATES,
  type BuiltinTemplateName,
  type GraphNode,
  type PromptTemplate,
  PromptTemplateSchema,
  type Properties,
  type TemplateVariable,
} from '@automovie/contracts';
import { z } from 'zod';
import { BrainError } from '../errors.ts';
import type { GraphStore } from '../graph/store.ts';
import type { SchemaValidator } from './structured.ts';

/** A built-in template as the drafting engine defines it (version 1 in every project). */
export interface BuiltinTemplateDef {
  description: string;
  system: string;
  body: string;
  variables: TemplateVariable[];
}

/** What upsert_prompt_template saves. */
export interface TemplateInput {
  name: string;
  description?: string;
  system?: string;
  body: string;
  variables: TemplateVariable[];
  outputSchema?: Record<string, unknown>;
  routing?: { provider?: string; model?: string };
}

/** A template made ready to send: interpolated messages and the validated variables (defaults applied). */
export interface PreparedPrompt {
  system?: string;
  user: string;
  variables: Record<string, unknown>;
}

const VARIABLE_REF = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;
/** Timestamp of the built-ins: they ship with the code, not at a moment of a project. */
const BUILTIN_CREATED_AT = '2025-01-01T00:00:00.000Z';
const MAX_VERSIONS_LISTED = 1000;

/** `tmpl-<name>-v<version>`: the node id of a project's template version. */
export function templateNodeId(name: string, version: number): string {
  return `tmpl-${name}-v${version}`;
}

export function isBuiltinName(name: string): name is BuiltinTemplateName {
  return Object.hasOwn(BUILTIN_TEMPLATES, name);
}

/** The `{{variable}}` references of a text, in order of first use. */
export function variableRefs(text: string): string[] {
  return [...new Set([...text.matchAll(VARIABLE_REF)].map((m) => m[1] as string))];
}

/** Replaces `{{name}}` by the variable: strings as they are, other values as indented JSON, absent ones by nothing. */
export function interpolate(text: string, variables: Record<string, unknown>): string {
  return text.replace(VARIABLE_REF, (_, name: string) => {
    const v = variables[name];
    if (v === undefined || v === null) return '';
    return typeof v === 'string' ? v : JSON.stringify(v, null, 2);
  });
}

/**
 * Prompt templates: the built-ins (version 1 everywhere, from the drafting engine's definitions
 * and the contracts' output schemas) and each project's own versions as PromptTemplate nodes.
 * A version is never changed: upserting saves the next one, so executions stay reproducible.
 * A project may shadow a built-in name; its versions then start at 2.
 */
export class TemplateService {
  readonly #store: GraphStore;
  readonly #validator: SchemaValidator;
  readonly #builtins: Map<string, PromptTemplate>;

  constructor(store: GraphStore, builtins: Readonly<Record<BuiltinTemplateName, BuiltinTemplateDef>>, validator: SchemaValidator) {
    this.#store = store;
    this.#validator = validator;
    this.#builtins = new Map(
      (Object.keys(BUILTIN_TEMPLATES) as BuiltinTemplateName[]).map((name) => {
        const def = builtins[name];
        const t: PromptTemplate = {
          id: `builtin-${name}-v1`,
          name,
          version: 1,
          description: def.description,
          system: def.system,
          body: def.body,
          variables: def.variables,
          // What a model must produce: the input side of the schema (defaults may be left out).
          outputSchema: jsonSchemaOf(BUILTIN_TEMPLATES[name]) as PromptTemplate['outputSchema'],
          builtin: true,
          createdAt: BUILTIN_CREATED_AT,
        };
        return [name, t];
      }),
    );
  }

  builtin(name: string): PromptTemplate | undefined {
    return this.#builtins.get(name);
  }

  /** Newest version of every template (or every version of `name`), newest first within a name. */
  async list(projectId: string, name?: string): Promise<PromptTemplate[]> {
    const own = await this.#versions(projectId, name);
    if (name !== undefined) {
      const b = this.#builtins.get(name);
      return b === undefined ? own : [...own, b];
    }
    const newest = new Map<string, PromptTemplate>();
    for (const t of [...own, ...this.#builtins.values()]) {
      const seen = newest.get(t.name);
      if (seen === undefined || t.version > seen.version) newest.set(t.name, t);
    }
    return [...newest.values()].sort((a, b) => (a.builtin === b.builtin ? a.name.localeCompare(b.name) : a.builtin ? -1 : 1));
  }

  /** The version asked for (default the newest); BRAIN_TEMPLATE_NOT_FOUND otherwise. */
  async get(projectId: string, name: string, version?: number): Promise<PromptTemplate> {
    const builtin = this.#builtins.get(name);
    if (version === 1 && builtin !== undefined) return builtin;
    if (version !== undefined) {
      try {
        return templateOf(await this.#store.getNode(projectId, templateNodeId(name, version)));
      } catch (err) {
        if ((err as { code?: string }).code !== 'BRAIN_NODE_NOT_FOUND') throw err;
        throw new BrainError('BRAIN_TEMPLATE_NOT_FOUND', `template: ${name} has no version ${version} in project ${projectId}`, {
          data: { projectId, name, version },
        });
      }
    }
    const [newest] = await this.#versions(projectId, name, 1);
    if (newest !== undefined) return newest;
    if (builtin !== undefined) return builtin;
    throw new BrainError('BRAIN_TEMPLATE_NOT_FOUND', `template: no template ${name} in project ${projectId} and no built-in of that name`, {
      data: { projectId, name, builtins: [...this.#builtins.keys()] },
    });
  }

  /** Saves the next version (the previous ones stay); refuses references to undeclared variables. */
  async upsert(projectId: string, input: TemplateInput): Promise<PromptTemplate> {
    const declared = new Set(input.variables.map((v) => v.name));
    if (declared.size !== input.variables.length) {
      throw new BrainError('BRAIN_TEMPLATE_VARIABLES', 'variables: each variable name may be declared once', {
        data: { name: input.name },
      });
    }
    for (const field of ['system', 'body'] as const) {
      const undeclared = variableRefs(input[field] ?? '').filter((p) => !declared.has(p));
      if (undeclared.length > 0) {
        throw new BrainError(
          'BRAIN_TEMPLATE_VARIABLES',
          `${field}: {{${undeclared.join('}}, {{')}}} ${undeclared.length === 1 ? 'is' : 'are'} not declared in variables`,
          { data: { field, undeclared } },
        );
      }
    }
    input.variables.forEach((v, i) => {
      if (v.schema) this.#validator.compile(v.schema, `variables[${i}].schema`);
    });
    if (input.outputSchema) this.#validator.compile(input.outputSchema, 'outputSchema');
    // A race with another upsert of the same name takes the id first; the loser takes the next version.
    for (let tries = 0; ; tries++) {
      const [newest] = await this.#versions(projectId, input.name, 1);
      const version = Math.max(newest?.version ?? 0, this.#builtins.has(input.name) ? 1 : 0) + 1;
      try {
        const node = await this.#store.createNode(projectId, {
          id: templateNodeId(input.name, version),
          label: 'PromptTemplate',
          properties: {
            name: input.name,
            version,
            body: input.body,
            variables: input.variables,
            builtin: false,
            ...(input.description === undefined ? {} : { description: input.description }),
            ...(input.system === undefined ? {} : { system: input.system }),
            ...(input.outputSchema === undefined ? {} : { outputSchema: input.outputSchema }),
            ...(input.routing === undefined ? {} : { routing: input.routing }),
          } as unknown as Properties,
          index: { text: [input.name, input.description ?? '', input.body.slice(0, 4000)].join('\n') },
        });
        return templateOf(node);
      } catch (err) {
        if ((err as { code?: string }).code !== 'BRAIN_NODE_EXISTS' || tries >= 5) throw err;
      }
    }
  }

  /** Validates the variables against the template and interpolates its system and body. */
  prepare(template: PromptTemplate, variables: Record<string, unknown>): PreparedPrompt {
    const values = template.builtin
      ? this.#builtinVariables(template.name as BuiltinTemplateName, variables)
      : this.#ownVariables(template, variables);
    return {
      ...(template.system ? { system: interpolate(template.system, values) } : {}),
      user: interpolate(template.body, values),
      variables: values,
    };
  }

  #builtinVariables(name: BuiltinTemplateName, variables: Record<string, unknown>): Record<string, unknown> {
    const r = (BUILTIN_TEMPLATE_VARIABLES[name] as z.ZodType).safeParse(variables);
    if (r.success) {
      const known = new Set(Object.keys((BUILTIN_TEMPLATE_VARIABLES[name] as z.ZodObject).shape));
      const unknown = Object.keys(variables).filter((k) => !known.has(k));
      if (unknown.length > 0) throw unknownVariables(name, unknown, [...known]);
      return r.data as Record<string, unknown>;
    }
    const issues = r.error.issues.slice(0, 10).map((i) => ({ path: i.path.join('.') || '(variables)', message: i.message }));
    throw new BrainError('BRAIN_TEMPLATE_VARIABLES', `variables of ${name}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, {
      data: { template: name, issues },
    });
  }

  #ownVariables(t: PromptTemplate, variables: Record<string, unknown>): Record<string, unknown> {
    const known = new Set(t.variables.map((v) => v.name));
    const unknown = Object.keys(variables).filter((k) => !known.has(k));
    if (unknown.length > 0) throw unknownVariables(t.name, unknown, [...known]);
    const issues: Array<{ path: string; message: string }> = [];
    for (const v of t.variables) {
      const value = variables[v.name];
      if (value === undefined) {
        if (v.required !== false) issues.push({ path: v.name, message: 'required' });
        continue;
      }
      const schema = v.schema ?? { type: 'string' };
      const error = this.#validator.check(schema, value, `variables.${v.name}`);
      if (error !== undefined) issues.push({ path: v.name, message: error });
    }
    if (issues.length > 0) {
      throw new BrainError(
        'BRAIN_TEMPLATE_VARIABLES',
        `variables of ${t.name} v${t.version}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
        { data: { template: t.name, version: t.version, issues } },
      );
    }
    return variables;
  }

  async #versions(projectId: string, name: string | undefined, limit = MAX_VERSIONS_LISTED): Promise<PromptTemplate[]> {
    const rows = await this.#store.queryGraph(projectId, {
      start: { label: 'PromptTemplate', ...(name === undefined ? {} : { where: [{ property: 'name', op: 'eq', value: name }] }) },
      orderBy: { property: 'version', direction: 'desc' },
      limit,
    });
    return rows.map((r) => templateOf(r[0] as GraphNode));
  }
}

function unknownVariables(name: string, unknown: string[], known: string[]): BrainError {
  return new BrainError(
    'BRAIN_TEMPLATE_VARIABLES',
    `variables: ${unknown.join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not a variable of ${name} (${known.join(', ') || 'it takes none'})`,
    {
      data: { template: name, unknown, known },
    },
  );
}

function templateOf(node: GraphNode): PromptTemplate {
  const p = node.properties;
  return PromptTemplateSchema.parse({
    id: node.id,
    name: p.name,
    version: p.version,
    ...(p.description === undefined ? {} : { description: p.description }),
    ...(p.system === undefined ? {} : { system: p.system }),
    body: p.body,
    variables: p.variables,
    ...(p.outputSchema === undefined ? {} : { outputSchema: p.outputSchema }),
    ...(p.routing === undefined ? {} : { routing: p.routing }),
    builtin: false,
    createdAt: node.createdAt,
  });
}

/** A zod schema as plain JSON Schema (no $schema, input side). */
export function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  delete json.$schema;
  return json;
}
