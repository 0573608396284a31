import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Asset, Principal } from '@automovie/contracts';
import type { Service } from '@automovie/service-kit';
import { type BrainContext, recordWrite } from '../context.ts';
import { BrainError } from '../errors.ts';
import { uploadUsedError } from './service.ts';
import type { UploadClaims } from './signing.ts';
import { ContentCheck } from './sniff.ts';

type HttpApp = Service['app'];

/** An inclusive byte range, or why the Range header cannot be served. */
export type RangeResult = { start: number; end: number } | 'unsatisfiable' | undefined;

/**
 * One `bytes=` range of a Range header, for a resource of `size` bytes. Undefined means "serve the
 * whole resource" (no header, another unit, several ranges, or a malformed header, as RFC 9110
 * allows a server to ignore).
 */
export function parseRange(header: string | undefined, size: number): RangeResult {
  if (header === undefined) return undefined;
  const m = /^bytes=\s*(\d*)\s*-\s*(\d*)\s*$/.exec(header.trim());
  if (m === null) return undefined;
  const [, a = '', b = ''] = m;
  if (a === '' && b === '') return undefined;
  if (a === '') {
    const suffix = Number(b);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(a);
  const end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
  if (!Number.isSafeInteger(start) || start >= size) return 'unsatisfiable';
  if (b !== '' && Number(b) < start) return undefined;
  return { start, end };
}

/** `inline`, with the file name as RFC 6266 allows it (an ASCII fallback plus the UTF-8 form). */
function contentDisposition(filename: string | undefined): string {
  if (filename === undefined) return 'inline';
  const fallback = filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `inline; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

/** The Principal an upload acts as: whoever asked for its URL. */
function principalOf(claims: UploadClaims): Principal {
  return {
    kind: claims.actor.kind,
    sub: claims.actor.sub,
    service: claims.actor.service,
    ...(claims.actor.userId === undefined ? {} : { userId: claims.actor.userId }),
    scopes: [],
  };
}

/** The MIME type of a Content-Type header, without parameters. */
function mediaType(header: string | undefined): string | undefined {
  return header?.split(';')[0]?.trim().toLowerCase() || undefined;
}

/**
 * The brain's asset routes: `GET /assets/<projectId>/<assetId>?exp=…&sig=…` serves a blob (with
 * ETag and single-range requests) and `PUT /uploads/<uploadId>?token=…` stores one, once. The
 * signature (`sig`, or the one inside `token`) is the only credential; it is checked before
 * anything is looked up, so a bad URL learns nothing. Both credentials are query parameters, which
 * log redaction hides (redactUrl).
 */
export function assetRoutes(ctx: BrainContext) {
  const { assets } = ctx;
  return async (app: HttpApp): Promise<void> => {
    app.get<{ Params: { projectId: string; assetId: string }; Querystring: { exp?: string; sig?: string } }>(
      '/assets/:projectId/:assetId',
      async (req, reply) => {
        const { projectId, assetId } = req.params;
        assets.signer.verifyDownload(projectId, assetId, req.query.exp, req.query.sig);
        const asset = await assets.get(projectId, assetId);
        const stat = await assets.blobs.stat(asset.sha256);
        if (stat === undefined) {
          throw new BrainError('BRAIN_ASSET_BLOB_MISSING', `Asset ${assetId} has no blob in the asset store`, {
            data: { projectId, assetId, sha256: asset.sha256 },
          });
        }
        const size = stat.bytes;
        const etag = `"${asset.sha256}"`;
        const maxAge = Math.max(0, Number(req.query.exp) - Math.floor(Date.now() / 1000));
        void reply.headers({
          etag,
          'accept-ranges': 'bytes',
          'cache-control': `private, max-age=${maxAge}, immutable`,
          // Served from the brain's origin: the declared type only, and no scripts whatever the bytes are.
          'x-content-type-options': 'nosniff',
          'content-security-policy': "sandbox; default-src 'none'",
          'content-disposition': contentDisposition(asset.filename),
        });
        const inm = req.headers['if-none-match'];
        if (inm?.split(',').some((t) => t.trim().replace(/^W\//, '') === etag || t.trim() === '*')) {
          return reply.code(304).send();
        }
        const ifRange = req.headers['if-range'];
        const range = ifRange === undefined || ifRange === etag ? parseRange(req.headers.range, size) : undefined;
        if (range === 'unsatisfiable') {
          void reply.header('content-range', `bytes */${size}`);
          throw new BrainError('BRAIN_RANGE_NOT_SATISFIABLE', `Range ${req.headers.range} is outside the asset's ${size} bytes`, {
            data: { field: 'Range', size },
          });
        }
        void reply.type(asset.mime);
        if (range === undefined) {
          void reply.header('content-length', size);
          return reply.code(200).send(assets.blobs.stream(asset.sha256));
        }
        void reply.header('content-range', `bytes ${range.start}-${range.end}/${size}`);
        void reply.header('content-length', range.end - range.start + 1);
        return reply.code(206).send(assets.blobs.stream(asset.sha256, range));
      },
    );

    // Uploads stream to disk: in their own scope, where no body parser buffers anything and
    // MCP_MAX_MESSAGE_BYTES (the JSON body limit) does not apply; the signed maxBytes does.
    await app.register(async (scope) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
      scope.put<{ Params: { uploadId: string }; Querystring: { token?: unknown } }>('/uploads/:uploadId', async (req, reply) => {
        const token = req.query.token;
        const claims = assets.signer.verifyUpload(typeof token === 'string' ? token : '');
        if (claims.nonce !== req.params.uploadId) {
          throw new BrainError(
            'BRAIN_ASSET_URL_INVALID',
            'Invalid upload URL: its path does not name the upload its token was signed for',
            {
              data: { fields: ['uploadId', 'token'] },
            },
          );
        }
        // Refused before a byte of the body is read; a used URL stays used whatever is sent.
        if (await assets.isUploadUsed(claims.nonce)) {
          void reply.header('connection', 'close');
          throw uploadUsedError(claims.nonce);
        }
        const declared = mediaType(req.headers['content-type']);
        if (declared !== undefined && declared !== claims.mime && declared !== 'application/octet-stream') {
          throw new BrainError(
            'BRAIN_UPLOAD_TYPE_MISMATCH',
            `Content-Type ${declared} differs from the mime ${claims.mime} the upload URL was made for`,
            { data: { field: 'Content-Type', mime: claims.mime, contentType: declared } },
          );
        }
        const tooLarge = () => {
          // Stop reading: the rest of an oversize body is not worth receiving.
          void reply.header('connection', 'close');
          return new BrainError('BRAIN_UPLOAD_TOO_LARGE', `Upload larger than the limit of ${claims.maxBytes} bytes (maxBytes)`, {
            data: { field: 'maxBytes', maxBytes: claims.maxBytes },
          });
        };
        const length = Number(req.headers['content-length']);
        if (Number.isFinite(length) && length > claims.maxBytes) throw tooLarge();

        const body = (req.body ?? req.raw) as Readable;
        const temp = await assets.blobs.tempPath();
        try {
          const hash = createHash('sha256');
          const check = new ContentCheck(claims.mime);
          let size = 0;
          await pipeline(
            body,
            async function* (source: AsyncIterable<Buffer>) {
              for await (const chunk of source) {
                size += chunk.length;
                if (size > claims.maxBytes) throw tooLarge();
                hash.update(chunk);
                check.update(chunk);
                yield chunk;
              }
            },
            createWriteStream(temp, { flags: 'wx' }),
          );
          const problem = check.verdict();
          if (problem !== undefined) {
            throw new BrainError('BRAIN_UPLOAD_TYPE_MISMATCH', `Upload refused: mime ${claims.mime} does not match the bytes: ${problem}`, {
              data: { field: 'mime', mime: claims.mime },
            });
          }
          // Spends the URL (or finds it spent by a concurrent upload: then nothing is stored).
          const { asset, created } = await assets.saveUpload(claims, {
            projectId: claims.projectId,
            kind: claims.kind,
            mime: claims.mime,
            provider: claims.provider,
            costUsd: 0,
            ...(claims.filename === undefined ? {} : { filename: claims.filename }),
            tempPath: temp,
            sha256: hash.digest('hex'),
            size,
          });
          if (created) await recordAssetCreated(ctx, principalOf(claims), asset, 'create_asset_upload');
          return reply.code(201).send({ asset });
        } finally {
          // Moved into the store by now on success (then a no-op); on any failure nothing half-written stays.
          await rm(temp, { force: true });
        }
      });
    });
  };
}

/** The audit entry and `asset.created` event of a new asset, made by `tool`. */
export async function recordAssetCreated(ctx: BrainContext, principal: Principal, asset: Asset, tool: string): Promise<void> {
  await recordWrite(ctx, principal, {
    tool,
    action: 'asset.created',
    projectId: asset.projectId,
    target: asset.id,
    data: { id: asset.id, kind: asset.kind, mime: asset.mime, bytes: asset.bytes, sha256: asset.sha256, provider: asset.provider },
  });
}
