import { list_providers, type ProviderStatus } from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';
import type { BrainContext } from '../context.ts';

export const listProvidersTool = (ctx: BrainContext) =>
  implementTool(list_providers, async ({ kind }) => {
    const providers: ProviderStatus[] = kind === 'embeddings' ? [] : ctx.generation.router.statuses(kind);
    if (kind === undefined || kind === 'embeddings') {
      // Embeddings do not fall back between providers (vectors of two models do not mix): the default comes first.
      const embedders = ctx.embeddings.providers().sort((a, b) => Number(b.default) - Number(a.default));
      embedders.forEach((p, order) => {
        providers.push({
          kind: 'embeddings',
          name: p.name,
          order,
          models: [p.model],
          offline: p.name === 'local',
          configured: true,
          healthy: true,
          breaker: 'closed',
          recentFailures: 0,
        });
      });
    }
    return { providers };
  });
