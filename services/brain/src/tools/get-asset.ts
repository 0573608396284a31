import { get_asset } from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';
import { type BrainContext, checkAccess } from '../context.ts';

export const getAssetTool = (ctx: BrainContext) =>
  implementTool(get_asset, async ({ projectId, assetId, ttlS }, call) => {
    await checkAccess(ctx, call.principal, projectId, 'read');
    const asset = await ctx.assets.get(projectId, assetId);
    return { asset, ...ctx.assets.signedDownloadUrl(projectId, asset.id, ttlS) };
  });
