import { batch_embed_texts } from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';
import { asArrays, type BrainContext } from '../context.ts';

export const batchEmbedTextsTool = (ctx: BrainContext) =>
  implementTool(batch_embed_texts, async ({ texts, provider }, call) => {
    const r = await ctx.embeddings.embed(texts, { ...(provider ? { provider } : {}), signal: call.signal });
    return { embeddings: asArrays(r.vectors), cachedCount: r.cachedCount, dimension: r.dimension, provider: r.provider, model: r.model };
  });
