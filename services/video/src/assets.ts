import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Asset, type AssetKind, create_asset_upload, get_asset } from '@automovie/contracts';
import type { McpClient } from '@automovie/mcp-ws';
import { downloadAsset, uploadAsset } from '@automovie/service-kit';

/** Runs `fn` with a fresh scratch directory, removed afterwards whatever happens. */
export async function withWorkDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'automovie-video-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const EXTENSIONS: Record<string, string> = {
  'video/mp4': '.mp4',
  'video/quicktime': '.mov',
  'video/webm': '.webm',
  'video/x-matroska': '.mkv',
  'audio/wav': '.wav',
  'audio/wave': '.wav',
  'audio/x-wav': '.wav',
  'audio/vnd.wave': '.wav',
  'audio/mpeg': '.mp3',
  'audio/mp3': '.mp3',
  'audio/ogg': '.ogg',
  'audio/flac': '.flac',
  'audio/mp4': '.m4a',
  'audio/x-m4a': '.m4a',
  'audio/m4a': '.m4a',
  'audio/webm': '.webm',
  'image/png': '.png',
  'image/jpeg': '.jpg',
  'image/webp': '.webp',
};

/** The file extension media tools should give an asset of this MIME type. */
export function extensionOf(mime: string): string {
  return EXTENSIONS[mime] ?? '.bin';
}

/** Downloads an asset of the project into `dir`, returning its metadata and path. */
export async function fetchAsset(
  brain: McpClient,
  projectId: string,
  assetId: string,
  dir: string,
  o: { maxBytes?: number; signal?: AbortSignal } = {},
): Promise<{ asset: Asset; path: string }> {
  const { url, asset } = await brain.call(get_asset, { projectId, assetId });
  const path = join(dir, `${assetId.replace(/[^\w.-]/g, '_')}${extensionOf(asset.mime)}`);
  await downloadAsset(url, path, {
    ...(o.maxBytes === undefined ? {} : { maxBytes: o.maxBytes }),
    ...(o.signal ? { signal: o.signal } : {}),
  });
  return { asset, path };
}

/** Uploads a file as a new asset of the project (content-addressed: the same bytes give the same asset). */
export async function storeAsset(
  brain: McpClient,
  projectId: string,
  path: string,
  o: { kind: AssetKind; mime: string; filename: string; signal?: AbortSignal },
): Promise<Asset> {
  const { url } = await brain.call(create_asset_upload, { projectId, kind: o.kind, mime: o.mime, filename: o.filename, provider: 'video' });
  return uploadAsset(url, path, { mime: o.mime, ...(o.signal ? { signal: o.signal } : {}) });
}
