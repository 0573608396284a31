import { join } from 'node:path';
import { type Asset, type AssetKind, create_asset_upload, get_asset } from '@automovie/contracts';
import type { McpClient } from '@automovie/mcp-ws';
import { downloadAsset, uploadAsset } from '@automovie/service-kit';

/** Downloads an asset of the project into `dir` (named by its id), returning the path. */
export async function fetchAsset(brain: McpClient, projectId: string, assetId: string, dir: string, signal?: AbortSignal): Promise<string> {
  const { url, asset } = await brain.call(get_asset, { projectId, assetId });
  const ext = extensionOf(asset.mime);
  const path = join(dir, `${assetId.replace(/[^\w.-]/g, '_')}${ext}`);
  await downloadAsset(url, path, signal ? { signal } : {});
  return path;
}

/** Uploads a file or bytes as a new asset of the project (content-addressed: the same bytes give the same asset). */
export async function storeAsset(
  brain: McpClient,
  projectId: string,
  source: string | Uint8Array,
  o: { kind: AssetKind; mime: string; filename: string; signal?: AbortSignal },
): Promise<Asset> {
  const { url } = await brain.call(create_asset_upload, { projectId, kind: o.kind, mime: o.mime, filename: o.filename, provider: 'audio' });
  return uploadAsset(url, source, { mime: o.mime, ...(o.signal ? { signal: o.signal } : {}) });
}

function extensionOf(mime: string): string {
  if (mime.includes('wav') || mime === 'audio/wave') return '.wav';
  if (mime === 'audio/mpeg' || mime === 'audio/mp3') return '.mp3';
  if (mime === 'audio/ogg') return '.ogg';
  if (mime === 'audio/flac') return '.flac';
  if (mime.endsWith('/mp4') || mime.includes('m4a')) return '.m4a';
  if (mime.endsWith('/webm')) return '.webm';
  return '.bin';
}
