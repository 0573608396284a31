import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { type AssetKind, AssetKindSchema, IdSchema } from '@automovie/contracts';
import { z } from 'zod';
import { BrainError } from '../errors.ts';

/** HKDF `info` labels: one key per purpose, so a signature made for one can never pass as another. */
const URL_KEY_INFO = 'automovie/brain/asset-urls/v1';
const SEAL_KEY_INFO = 'automovie/brain/asset-seals/v1';

/** What an upload URL was signed for; the PUT acts exactly within it. */
export const UploadClaimsSchema = z.object({
  projectId: IdSchema,
  kind: AssetKindSchema,
  mime: z.string().min(3).max(100),
  filename: z.string().min(1).max(255).optional(),
  maxBytes: z.number().int().positive(),
  provider: z.string().min(1).max(60),
  /** Expiry, seconds since the epoch. */
  exp: z.number().int().positive(),
  /** Who asked for the URL: the audit entry and the event of the upload name them. */
  actor: z.object({
    kind: z.enum(['service', 'user']),
    sub: z.string().min(1),
    service: z.string().min(1),
    userId: z.string().min(1).optional(),
  }),
  /** Makes every token distinct, so two identical requests do not share a URL. */
  nonce: z.string().min(8).max(64),
});
export type UploadClaims = z.infer<typeof UploadClaimsSchema>;

export interface UploadRequest {
  projectId: string;
  kind: AssetKind;
  mime: string;
  filename?: string;
  maxBytes: number;
  provider: string;
  actor: UploadClaims['actor'];
}

/**
 * Signs and checks the brain's asset URLs (HMAC-SHA256, expiry inside what is signed, checked in
 * constant time) and seals Asset nodes, so only nodes the asset service wrote are served.
 * Keys come from `secret` through HKDF with fixed labels: the fleet's JWT secret itself never
 * signs a URL.
 */
export class AssetSigner {
  readonly #urlKey: Buffer;
  readonly #sealKey: Buffer;
  readonly #now: () => number;

  /** `now` in milliseconds; default Date.now. */
  constructor(secret: string, opts: { now?: () => number } = {}) {
    if (secret.length < 32) throw new Error('the asset signing secret must be at least 32 characters');
    this.#urlKey = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), URL_KEY_INFO, 32));
    this.#sealKey = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), SEAL_KEY_INFO, 32));
    this.#now = opts.now ?? Date.now;
  }

  /** The expiry, seconds since the epoch, of a URL made now for `ttlS` seconds. */
  expiry(ttlS: number): number {
    return Math.floor(this.#now() / 1000) + Math.max(1, Math.floor(ttlS));
  }

  downloadSignature(projectId: string, assetId: string, exp: number): string {
    return this.#mac(this.#urlKey, `download\n${projectId}\n${assetId}\n${exp}`);
  }

  /** Throws BRAIN_ASSET_URL_INVALID or BRAIN_ASSET_URL_EXPIRED. */
  verifyDownload(projectId: string, assetId: string, exp: unknown, sig: unknown): void {
    const expN = typeof exp === 'string' && /^[0-9]{1,12}$/.test(exp) ? Number(exp) : Number.NaN;
    if (!Number.isSafeInteger(expN) || typeof sig !== 'string' || !safeEqual(sig, this.downloadSignature(projectId, assetId, expN))) {
      throw new BrainError('BRAIN_ASSET_URL_INVALID', 'Invalid asset URL: exp and sig do not match a URL signed by this brain', {
        data: { fields: ['exp', 'sig'] },
      });
    }
    this.#checkExpiry(expN);
  }

  /** An opaque URL-safe token carrying the upload's claims and their signature; `nonce` names the upload. */
  uploadToken(req: UploadRequest, ttlS: number): { token: string; exp: number; nonce: string } {
    const exp = this.expiry(ttlS);
    const claims: UploadClaims = {
      projectId: req.projectId,
      kind: req.kind,
      mime: req.mime,
      ...(req.filename === undefined ? {} : { filename: req.filename }),
      maxBytes: req.maxBytes,
      provider: req.provider,
      exp,
      actor: req.actor,
      nonce: randomBytes(12).toString('base64url'),
    };
    const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
    return { token: `${payload}.${this.#mac(this.#urlKey, `upload\n${payload}`)}`, exp, nonce: claims.nonce };
  }

  /** The claims of a token signed by this brain and not expired; else BRAIN_ASSET_URL_INVALID or _EXPIRED. */
  verifyUpload(token: string): UploadClaims {
    const invalid = () =>
      new BrainError('BRAIN_ASSET_URL_INVALID', 'Invalid upload URL: its token was not signed by this brain', {
        data: { fields: ['token'] },
      });
    const dot = token.indexOf('.');
    if (dot <= 0 || token.length > 8192) throw invalid();
    const payload = token.slice(0, dot);
    if (!safeEqual(token.slice(dot + 1), this.#mac(this.#urlKey, `upload\n${payload}`))) throw invalid();
    let claims: UploadClaims;
    try {
      claims = UploadClaimsSchema.parse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
    } catch (cause) {
      throw new BrainError('BRAIN_ASSET_URL_INVALID', 'Invalid upload URL: its token does not hold upload claims', { cause });
    }
    this.#checkExpiry(claims.exp);
    return claims;
  }

  /** The seal of an Asset node: binds its id, project, content and type together. */
  seal(a: { projectId: string; id: string; sha256: string; bytes: number; mime: string }): string {
    return this.#mac(this.#sealKey, `seal\n${a.projectId}\n${a.id}\n${a.sha256}\n${a.bytes}\n${a.mime}`);
  }

  verifySeal(a: { projectId: string; id: string; sha256: string; bytes: number; mime: string }, seal: unknown): boolean {
    return typeof seal === 'string' && safeEqual(seal, this.seal(a));
  }

  #checkExpiry(exp: number): void {
    if (exp * 1000 <= this.#now()) {
      throw new BrainError('BRAIN_ASSET_URL_EXPIRED', `Asset URL expired at ${new Date(exp * 1000).toISOString()}`, {
        data: { expiresAt: new Date(exp * 1000).toISOString() },
      });
    }
  }

  #mac(key: Buffer, text: string): string {
    return createHmac('sha256', key).update(text).digest('base64url');
  }
}

/** Constant-time string comparison (lengths differing is not a secret: every signature has one length). */
function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
