import { z } from 'zod';

/** Tool names are snake_case, as MCP clients and LLMs expect. */
export const ToolNameSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,63}$/, 'tool names are snake_case: a lowercase letter, then lowercase letters, digits or _ (max 64)');

/**
 * One entry of a service's tool catalog: the single definition of a tool's name, its
 * description and the zod schemas of its input and output. Services register tools from it;
 * clients call through it; docs are generated from it.
 */
export interface ToolDef<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  readonly name: string;
  readonly description: string;
  readonly input: I;
  readonly output: O;
  /** Extra scope that also grants this tool (e.g. `graph.read`), besides `service:tool_name`. */
  readonly scope?: string;
  /** Whether the tool only reads (advertised to MCP clients as `readOnlyHint`). Default false. */
  readonly readOnly?: boolean;
}

export type ToolInput<T extends ToolDef> = z.input<T['input']>;
export type ToolOutput<T extends ToolDef> = z.output<T['output']>;

/** Defines a tool; validates its name at definition time so a bad catalog fails on import. */
export function defineTool<I extends z.ZodObject, O extends z.ZodType>(def: ToolDef<I, O>): ToolDef<I, O> {
  ToolNameSchema.parse(def.name);
  return Object.freeze({ ...def });
}

/** A service's catalog: its name and its tools, keyed by tool name. */
export interface Catalog<T extends Record<string, ToolDef> = Record<string, ToolDef>> {
  readonly service: string;
  readonly description: string;
  readonly tools: T;
}

export function defineCatalog<T extends Record<string, ToolDef>>(service: string, description: string, tools: T): Catalog<T> {
  for (const [key, def] of Object.entries(tools)) {
    if (key !== def.name) throw new Error(`catalog ${service}: key ${key} does not match tool name ${def.name}`);
  }
  return Object.freeze({ service, description, tools: Object.freeze({ ...tools }) });
}

/** The serialisable shape of a catalog entry as it appears in docs and `tools/list`. */
export const ToolCatalogEntrySchema = z.object({
  name: ToolNameSchema,
  description: z.string().min(1),
  input: z.record(z.string(), z.unknown()),
  output: z.record(z.string(), z.unknown()),
});
export type ToolCatalogEntry = z.infer<typeof ToolCatalogEntrySchema>;
