import { embed_text } from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';
import type { BrainContext } from '../context.ts';

export const embedTextTool = (ctx: BrainContext) =>
  implementTool(embed_text, async ({ text, provider }, call) => {
    const r = await ctx.embeddings.embed([text], { ...(provider ? { provider } : {}), signal: call.signal });
    return {
      embedding: Array.from(r.vectors[0] as Float32Array),
      cached: r.cachedCount === 1,
      dimension: r.dimension,
      provider: r.provider,
      model: r.model,
    };
  });
