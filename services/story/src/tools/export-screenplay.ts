import { create_asset_upload, export_screenplay } from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';
import { uploadAsset } from '@automovie/service-kit';
import { forCall, type StoryContext } from '../context.ts';
import { exportFile, writeScreenplay } from '../formats.ts';
import { loadScreenplay } from '../graph-io.ts';

export const exportScreenplayTool = (ctx: StoryContext) =>
  implementTool(export_screenplay, async ({ projectId, format }, call) => {
    const { brain, graph } = forCall(ctx, call.principal, projectId);
    const screenplay = await loadScreenplay(graph);
    const content = writeScreenplay(format, screenplay);
    const { filename, mime } = exportFile(format, screenplay.title);
    const bytes = new TextEncoder().encode(content);
    const { url } = await brain.call(create_asset_upload, {
      projectId,
      kind: 'document',
      mime,
      filename,
      maxBytes: bytes.length,
      provider: 'story',
    });
    const asset = await uploadAsset(url, bytes, { mime, signal: call.signal });
    return { filename, mime, content, assetId: asset.id };
  });
