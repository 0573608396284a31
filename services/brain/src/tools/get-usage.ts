import { get_usage } from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';
import { type BrainContext, checkAccess } from '../context.ts';

export const getUsageTool = (ctx: BrainContext) =>
  implementTool(get_usage, async ({ projectId, since, until }, call) => {
    await checkAccess(ctx, call.principal, projectId, 'read');
    const project = await ctx.store.getProject(projectId);
    const db = ctx.generation.db;
    const rows = db.usage(projectId, {
      ...(since === undefined ? {} : { since: new Date(since).toISOString() }),
      ...(until === undefined ? {} : { until: new Date(until).toISOString() }),
    });
    const totalCostUsd = Math.round(rows.reduce((s, r) => s + r.costUsd, 0) * 1e8) / 1e8;
    const totalCalls = rows.reduce((s, r) => s + r.calls, 0);
    const budget = project.budgetUsd;
    return {
      rows,
      totalCostUsd,
      totalCalls,
      // The budget is against everything ever spent, whatever window was asked for.
      ...(budget === undefined ? {} : { budgetUsd: budget, remainingUsd: Math.round((budget - db.spentUsd(projectId)) * 1e8) / 1e8 }),
    };
  });
