import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Asset, merge_clips, probe, thumbnail, trim } from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';
import { concatMedia, pngSize, probeMedia, thumbnail as thumbnailOf, trimMedia } from '@automovie/media';
import { extensionOf, fetchAsset, storeAsset, withWorkDir } from '../assets.ts';
import { callClients, type VideoContext } from '../context.ts';
import { VideoError } from '../errors.ts';

/** Local ffmpeg work on assets: download, run packages/media, upload the result as a new asset. */

function requireKind(asset: Asset, kinds: readonly string[], field: string, tool: string): void {
  if (!kinds.includes(asset.kind)) {
    throw new VideoError(
      'VIDEO_UNSUPPORTED_ASSET',
      `${field}: asset ${asset.id} is ${asset.kind} (${asset.mime}); ${tool} works on ${kinds.join(' or ')} assets`,
      {
        field,
        assetId: asset.id,
        kind: asset.kind,
      },
    );
  }
}

/** The MIME type a re-encoded copy of an asset is uploaded with (the brain's canonical name for its container). */
function outputMime(mime: string): string {
  const ext = extensionOf(mime);
  const byExt: Record<string, string> = {
    '.mp4': 'video/mp4',
    '.mov': 'video/quicktime',
    '.webm': mime.startsWith('audio/') ? 'audio/webm' : 'video/webm',
    '.mkv': 'video/x-matroska',
    '.wav': 'audio/wav',
    '.mp3': 'audio/mpeg',
    '.ogg': 'audio/ogg',
    '.m4a': 'audio/mp4',
  };
  return byExt[ext] ?? mime;
}

export const mergeClipsTool = (ctx: VideoContext) =>
  implementTool(merge_clips, async ({ projectId, assetIds, format }, call) => {
    const { brain } = callClients(ctx, call.principal, projectId);
    return withWorkDir(async (dir) => {
      const inputs: string[] = [];
      for (const [i, id] of assetIds.entries()) {
        const { asset, path } = await fetchAsset(brain, projectId, id, dir, {
          maxBytes: ctx.config.VIDEO_MAX_ASSET_BYTES,
          signal: call.signal,
        });
        requireKind(asset, ['video'], `assetIds[${i}]`, 'merge_clips');
        inputs.push(path);
        await call.progress({ progress: i + 1, total: assetIds.length + 1, message: `downloaded ${id}` });
      }
      const output = join(dir, `merged.${format}`);
      const { durationS } = await concatMedia({ inputs, output });
      const stored = await storeAsset(brain, projectId, output, {
        kind: 'video',
        mime: `video/${format}`,
        filename: `merged.${format}`,
        signal: call.signal,
      });
      return { assetId: stored.id, durationS, bytes: stored.bytes };
    });
  });

export const trimTool = (ctx: VideoContext) =>
  implementTool(trim, async ({ projectId, assetId, startS, endS }, call) => {
    const { brain } = callClients(ctx, call.principal, projectId);
    return withWorkDir(async (dir) => {
      const { asset, path } = await fetchAsset(brain, projectId, assetId, dir, {
        maxBytes: ctx.config.VIDEO_MAX_ASSET_BYTES,
        signal: call.signal,
      });
      requireKind(asset, ['video', 'audio'], 'assetId', 'trim');
      const mime = outputMime(asset.mime);
      const output = join(dir, `trimmed${extensionOf(mime)}`);
      const { durationS } = await trimMedia({ input: path, output, startS, endS });
      const stored = await storeAsset(brain, projectId, output, {
        kind: asset.kind,
        mime,
        filename: `trimmed${extensionOf(mime)}`,
        signal: call.signal,
      });
      return { assetId: stored.id, durationS, bytes: stored.bytes };
    });
  });

export const thumbnailTool = (ctx: VideoContext) =>
  implementTool(thumbnail, async ({ projectId, assetId, atS, width }, call) => {
    const { brain } = callClients(ctx, call.principal, projectId);
    return withWorkDir(async (dir) => {
      const { asset, path } = await fetchAsset(brain, projectId, assetId, dir, {
        maxBytes: ctx.config.VIDEO_MAX_ASSET_BYTES,
        signal: call.signal,
      });
      requireKind(asset, ['video'], 'assetId', 'thumbnail');
      const output = join(dir, 'thumbnail.png');
      await thumbnailOf({ input: path, output, atS, ...(width === undefined ? {} : { width }) });
      const size = pngSize(new Uint8Array(await readFile(output)));
      const stored = await storeAsset(brain, projectId, output, {
        kind: 'image',
        mime: 'image/png',
        filename: 'thumbnail.png',
        signal: call.signal,
      });
      return { assetId: stored.id, width: size.width, height: size.height };
    });
  });

export const probeTool = (ctx: VideoContext) =>
  implementTool(probe, async ({ projectId, assetId }, call) => {
    const { brain } = callClients(ctx, call.principal, projectId);
    return withWorkDir(async (dir) => {
      const { asset, path } = await fetchAsset(brain, projectId, assetId, dir, {
        maxBytes: ctx.config.VIDEO_MAX_ASSET_BYTES,
        signal: call.signal,
      });
      requireKind(asset, ['video', 'audio', 'image'], 'assetId', 'probe');
      const facts = await probeMedia(path);
      return { assetId, ...facts };
    });
  });
