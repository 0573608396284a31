import {
  type GraphNode,
  list_prompt_executions,
  type PromptExecution,
  PromptExecutionSchema,
  type PropertyFilter,
} from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';
import { type BrainContext, checkAccess } from '../context.ts';

/** A PromptExecution node as the contract's PromptExecution (its `at` is the moment it was recorded). */
function executionOf(node: GraphNode): PromptExecution {
  const p = node.properties;
  return PromptExecutionSchema.parse({
    id: node.id,
    projectId: node.projectId,
    kind: p.kind,
    tool: p.tool,
    ...(p.template === undefined ? {} : { template: p.template, templateVersion: p.templateVersion }),
    provider: p.provider,
    model: p.model,
    status: p.status,
    inputs: p.inputs ?? {},
    ...(p.output === undefined ? {} : { output: p.output }),
    ...(p.assetId === undefined ? {} : { assetId: p.assetId }),
    ...(p.error === undefined ? {} : { error: p.error }),
    latencyMs: p.latencyMs,
    costUsd: p.costUsd,
    attempts: p.attempts,
    createdAt: p.at ?? node.createdAt,
  });
}

export const listPromptExecutionsTool = (ctx: BrainContext) =>
  implementTool(list_prompt_executions, async ({ projectId, template, kind, limit, before }, call) => {
    await checkAccess(ctx, call.principal, projectId, 'read');
    const where: PropertyFilter[] = [];
    if (template !== undefined) where.push({ property: 'template', op: 'eq', value: template });
    if (kind !== undefined) where.push({ property: 'kind', op: 'eq', value: kind });
    if (before !== undefined) where.push({ property: 'at', op: 'lt', value: new Date(before).toISOString() });
    const rows = await ctx.store.queryGraph(projectId, {
      start: { label: 'PromptExecution', where },
      orderBy: { property: 'at', direction: 'desc' },
      limit,
    });
    return { executions: rows.map((r) => executionOf(r[0] as GraphNode)) };
  });
