import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { type Asset, AssetSchema, AutomovieError, WireErrorSchema } from '@automovie/contracts';
import { redactUrl, redactUrlsInText } from '@automovie/mcp-ws';
import { z } from 'zod';
import { ServiceKitError } from './errors.ts';

/**
 * Moving files through the brain's asset store: `get_asset` gives a signed download URL,
 * `create_asset_upload` a signed upload URL; these stream to and from them without holding a
 * whole file in memory.
 */

export interface DownloadOptions {
  signal?: AbortSignal;
  /** Refuse (PAYLOAD_TOO_LARGE) an asset larger than this. Default: no limit. */
  maxBytes?: number;
}

export interface UploadOptions {
  /** The MIME type the upload URL was made for. */
  mime: string;
  signal?: AbortSignal;
}

const UploadAnswerSchema = z.object({ asset: AssetSchema });

/** The server's error body as an AutomovieError with its code, or a transfer failure naming the status. */
async function errorOf(res: Response, what: string): Promise<AutomovieError> {
  const text = await res.text().catch(() => '');
  try {
    const wire = WireErrorSchema.safeParse((JSON.parse(text) as { error?: unknown }).error);
    if (wire.success) return AutomovieError.fromWire(wire.data);
  } catch {
    // Not JSON: reported below with the status.
  }
  return new ServiceKitError('ASSET_TRANSFER_FAILED', `${what} failed: HTTP ${res.status} ${text.slice(0, 200)}`, {
    data: { status: res.status },
  });
}

/** Wraps network failures (not our own errors, nor aborts) as ASSET_TRANSFER_FAILED. */
function transferError(err: unknown, what: string): unknown {
  if (err instanceof AutomovieError) return err;
  if ((err as { name?: string })?.name === 'AbortError') return err;
  // A fetch error may quote the URL it was given ("Failed to parse URL from …").
  const message = redactUrlsInText((err as Error)?.message ?? String(err));
  return new ServiceKitError('ASSET_TRANSFER_FAILED', `${what} failed: ${message}`, { cause: err });
}

/** The sha256 an ETag names, if it is one (the brain's ETags are the quoted sha256). */
function shaOfEtag(etag: string | null): string | undefined {
  const m = /^(?:W\/)?"?([0-9a-f]{64})"?$/.exec(etag?.trim() ?? '');
  return m?.[1];
}

/**
 * Streams a signed asset URL to `destPath` (written beside it, then renamed: the file appears whole
 * or not at all) and checks the bytes against the sha256 of the ETag (ASSET_CHECKSUM_MISMATCH).
 */
export async function downloadAsset(url: string, destPath: string, opts: DownloadOptions = {}): Promise<{ bytes: number; sha256: string }> {
  const what = `Download of ${redactUrl(url)}`;
  let res: Response;
  try {
    res = await fetch(url, opts.signal ? { signal: opts.signal } : {});
  } catch (err) {
    throw transferError(err, what);
  }
  if (!res.ok) throw await errorOf(res, what);
  const tooLarge = (n: number) =>
    new AutomovieError('PAYLOAD_TOO_LARGE', `${what}: the asset is larger than maxBytes ${opts.maxBytes} (${n} bytes)`, {
      data: { field: 'maxBytes', maxBytes: opts.maxBytes },
    });
  const declared = Number(res.headers.get('content-length'));
  if (opts.maxBytes !== undefined && Number.isFinite(declared) && declared > opts.maxBytes) {
    await res.body?.cancel();
    throw tooLarge(declared);
  }
  const expected = shaOfEtag(res.headers.get('etag'));
  if (res.body === null) throw new ServiceKitError('ASSET_TRANSFER_FAILED', `${what}: the answer has no body`);

  await mkdir(dirname(destPath), { recursive: true });
  const temp = join(dirname(destPath), `.${basename(destPath)}.${randomBytes(6).toString('hex')}.part`);
  const hash = createHash('sha256');
  let bytes = 0;
  try {
    await pipeline(
      Readable.fromWeb(res.body as WebReadableStream<Uint8Array>),
      new Transform({
        transform(chunk: Buffer, _enc, done) {
          bytes += chunk.length;
          if (opts.maxBytes !== undefined && bytes > opts.maxBytes) return done(tooLarge(bytes));
          hash.update(chunk);
          done(null, chunk);
        },
      }),
      createWriteStream(temp, { flags: 'wx' }),
      opts.signal ? { signal: opts.signal } : {},
    );
    const sha256 = hash.digest('hex');
    if (expected !== undefined && sha256 !== expected) {
      throw new ServiceKitError('ASSET_CHECKSUM_MISMATCH', `${what}: received bytes hash to ${sha256}, the server announced ${expected}`, {
        data: { expected, actual: sha256, bytes },
      });
    }
    await rename(temp, destPath);
    return { bytes, sha256 };
  } catch (err) {
    throw transferError(err, what);
  } finally {
    await rm(temp, { force: true });
  }
}

/**
 * PUTs a file (a path, streamed) or bytes to a signed upload URL; resolves with the stored Asset
 * (the existing one when the brain already had that content in the project). The brain's refusals
 * come back as AutomovieErrors with its codes (BRAIN_UPLOAD_TOO_LARGE, BRAIN_UPLOAD_TYPE_MISMATCH…).
 */
export async function uploadAsset(url: string, source: string | Uint8Array, opts: UploadOptions): Promise<Asset> {
  const what = `Upload to ${redactUrl(url)}`;
  const headers: Record<string, string> = { 'content-type': opts.mime };
  let body: NonNullable<RequestInit['body']>;
  if (typeof source === 'string') {
    const size = (await stat(source)).size;
    headers['content-length'] = String(size);
    body = Readable.toWeb(createReadStream(source)) as unknown as NonNullable<RequestInit['body']>;
  } else {
    body = source as unknown as NonNullable<RequestInit['body']>;
  }
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'PUT',
      headers,
      body,
      ...(typeof source === 'string' ? { duplex: 'half' } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    } as RequestInit);
  } catch (err) {
    throw transferError(err, what);
  }
  if (res.status !== 201 && res.status !== 200) throw await errorOf(res, what);
  let json: unknown;
  try {
    json = await res.json();
  } catch (err) {
    throw transferError(err, what);
  }
  const parsed = UploadAnswerSchema.safeParse(json);
  if (!parsed.success) {
    throw new ServiceKitError('ASSET_TRANSFER_FAILED', `${what}: the answer is not { asset }: ${parsed.error.message}`);
  }
  return parsed.data.asset;
}
