import {
  type Asset,
  type AssetKind,
  AssetSchema,
  fromZodError,
  type GraphNode,
  MAX_EMBED_TEXT_CHARS,
  type Properties,
} from '@automovie/contracts';
import type { Logger } from 'pino';
import type { EmbeddingService } from '../embeddings/index.ts';
import { BrainError, invalidInput } from '../errors.ts';
import type { GraphStore, IndexEntry } from '../graph/store.ts';
import type { AssetBlobStore } from './blob-store.ts';
import type { AssetSigner, UploadClaims, UploadRequest } from './signing.ts';

/** What describes an asset besides its bytes. */
export interface AssetMeta {
  projectId: string;
  kind: AssetKind;
  mime: string;
  provider: string;
  model?: string;
  prompt?: string;
  seed?: number;
  costUsd: number;
  width?: number;
  height?: number;
  durationS?: number;
  filename?: string;
}

export interface SaveAssetInput extends AssetMeta {
  bytes: Uint8Array;
}

export interface SaveAssetFileInput extends AssetMeta {
  /** A temp file from `blobs.tempPath()`, already hashed; it is moved into the store (or removed). */
  tempPath: string;
  sha256: string;
  /** Its length in bytes. */
  size: number;
}

export interface SignedUrl {
  url: string;
  /** ISO 8601. */
  expiresAt: string;
}

export interface AssetServiceOptions {
  store: GraphStore;
  blobs: AssetBlobStore;
  embeddings: EmbeddingService;
  signer: AssetSigner;
  /** The brain's public base URL (no trailing slash), read when a URL is made: the port is known only after listen. */
  baseUrl: () => string;
  /** Largest upload a URL may be signed for. */
  maxUploadBytes: number;
  logger: Logger;
}

export interface GarbageReport {
  /** Blobs in the store. */
  scanned: number;
  /** Blobs old enough to be collected. */
  candidates: number;
  deleted: number;
  bytesFreed: number;
  tempsRemoved: number;
  /** Records of used upload URLs forgotten because the URLs expired (they cannot be used again anyway). */
  claimsPruned: number;
  ms: number;
}

/** The node property holding the asset service's seal (see AssetSigner.seal). */
const SEAL = 'storeSeal';

const MetaSchema = AssetSchema.pick({
  projectId: true,
  kind: true,
  mime: true,
  provider: true,
  model: true,
  prompt: true,
  seed: true,
  costUsd: true,
  width: true,
  height: true,
  durationS: true,
  filename: true,
});

/** The single-use claim (GraphStore.claimOnce) that marks an upload URL used: its nonce. */
function uploadClaimKey(nonce: string): string {
  return `upload:${nonce}`;
}

/** The Asset id of a content in a project: the same bytes are the same asset. */
export function assetIdOf(sha256: string): string {
  return `asset-${sha256.slice(0, 24)}`;
}

/** What an asset is found by in semantic_search: its kind, file name and prompt. */
export function assetIndexText(m: Pick<AssetMeta, 'kind' | 'filename' | 'prompt'>): string {
  return [m.kind, m.filename, m.prompt].filter((s) => s !== undefined && s !== '').join('\n');
}

/**
 * Assets: content-addressed blobs in the blob store plus one sealed `Asset` node per project and
 * content. Reads go through the node of the asked project only, and only sealed nodes count, so no
 * id or hash given by a caller can reach another project's bytes.
 */
export class AssetService {
  readonly blobs: AssetBlobStore;
  readonly signer: AssetSigner;
  readonly maxUploadBytes: number;
  readonly #store: GraphStore;
  readonly #embeddings: EmbeddingService;
  readonly #baseUrl: () => string;
  readonly #logger: Logger;

  constructor(opts: AssetServiceOptions) {
    this.blobs = opts.blobs;
    this.signer = opts.signer;
    this.maxUploadBytes = opts.maxUploadBytes;
    this.#store = opts.store;
    this.#embeddings = opts.embeddings;
    this.#baseUrl = opts.baseUrl;
    this.#logger = opts.logger;
  }

  /** Stores the bytes and returns the project's Asset for them (the existing one when that content is already there). */
  async save(input: SaveAssetInput): Promise<Asset> {
    const meta = checkMeta(input);
    if (!(input.bytes instanceof Uint8Array)) throw invalidInput('bytes', 'must be a Uint8Array');
    await this.#store.getProject(meta.projectId);
    const { sha256, bytes } = await this.blobs.put(input.bytes);
    return (await this.#record(meta, sha256, bytes)).asset;
  }

  /** As `save`, for a temp file already hashed while it was written (uploads); `created` is false for known content. */
  async saveFile(input: SaveAssetFileInput): Promise<{ asset: Asset; created: boolean }> {
    const meta = checkMeta(input);
    if (!Number.isSafeInteger(input.size) || input.size < 0) throw invalidInput('size', 'must be a non-negative integer');
    await this.#store.getProject(meta.projectId);
    await this.blobs.putFile(input.tempPath, input.sha256);
    return this.#record(meta, input.sha256, input.size);
  }

  /** Whether the upload URL with this nonce has already stored a file. */
  async isUploadUsed(nonce: string): Promise<boolean> {
    return this.#store.isClaimed(uploadClaimKey(nonce));
  }

  /**
   * As `saveFile`, for a file that came through the upload URL of `upload`: the first upload to get
   * here spends the URL, by a claim beside the graph (shared by every brain replica, durable) made
   * before the blob is stored, so a second upload, or the loser of two at once, is
   * BRAIN_UPLOAD_URL_USED and changes nothing. If the save then fails, the claim is released: the
   * URL stays usable for a retry.
   */
  async saveUpload(upload: Pick<UploadClaims, 'nonce' | 'exp'>, input: SaveAssetFileInput): Promise<{ asset: Asset; created: boolean }> {
    const key = uploadClaimKey(upload.nonce);
    if (!(await this.#store.claimOnce(key, upload.exp * 1000))) throw uploadUsedError(upload.nonce);
    try {
      return await this.saveFile(input);
    } catch (err) {
      await this.#store.releaseClaim(key).catch((e: unknown) => {
        this.#logger.error({ err: e, uploadId: upload.nonce }, 'upload URL not released after a failed save: it stays used');
      });
      throw err;
    }
  }

  async #record(meta: AssetMeta, sha256: string, bytes: number): Promise<{ asset: Asset; created: boolean }> {
    const id = assetIdOf(sha256);
    const existing = await this.#find(meta.projectId, id);
    if (existing !== undefined) return { asset: existing, created: false };
    const properties: Properties = {
      kind: meta.kind,
      mime: meta.mime,
      bytes,
      sha256,
      uri: `asset://${sha256}`,
      provider: meta.provider,
      costUsd: meta.costUsd,
      ...optional(meta),
      [SEAL]: this.signer.seal({ projectId: meta.projectId, id, sha256, bytes, mime: meta.mime }),
    };
    const index = await this.#index(assetIndexText(meta));
    try {
      const node = await this.#store.createNode(meta.projectId, { id, label: 'Asset', properties, index });
      this.#logger.debug({ projectId: meta.projectId, assetId: id, sha256, bytes }, 'asset stored');
      return { asset: this.#assetOf(node), created: true };
    } catch (err) {
      // Two saves of the same content raced: the other one's node is this asset.
      if ((err as { code?: string }).code === 'BRAIN_NODE_EXISTS') {
        const raced = await this.#find(meta.projectId, id);
        if (raced !== undefined) return { asset: raced, created: false };
      }
      throw err;
    }
  }

  /** The existing sealed asset of that id, undefined if there is no node; a foreign node squatting on the id is a conflict. */
  async #find(projectId: string, id: string): Promise<Asset | undefined> {
    let node: GraphNode;
    try {
      node = await this.#store.getNode(projectId, id);
    } catch (err) {
      if ((err as { code?: string }).code === 'BRAIN_NODE_NOT_FOUND') return undefined;
      throw err;
    }
    const asset = this.#sealed(node);
    if (asset === undefined) {
      throw new BrainError('BRAIN_NODE_EXISTS', `Node ${id} of project ${projectId} exists and is not an asset of the asset store`, {
        data: { projectId, id },
      });
    }
    return asset;
  }

  async #index(text: string): Promise<IndexEntry> {
    const r = await this.#embeddings.embed([text.slice(0, MAX_EMBED_TEXT_CHARS)]);
    return { text, embedding: Array.from(r.vectors[0] as Float32Array) };
  }

  /** The asset of that id in that project; BRAIN_ASSET_NOT_FOUND otherwise (another label, unsealed, another project). */
  async get(projectId: string, assetId: string): Promise<Asset> {
    let node: GraphNode;
    try {
      node = await this.#store.getNode(projectId, assetId);
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'BRAIN_NODE_NOT_FOUND' || code === 'BRAIN_PROJECT_NOT_FOUND' || code === 'INVALID_INPUT')
        throw notFound(projectId, assetId);
      throw err;
    }
    return this.#assetOf(node);
  }

  /** The asset and its bytes. */
  async load(projectId: string, assetId: string): Promise<{ asset: Asset; bytes: Uint8Array }> {
    const asset = await this.get(projectId, assetId);
    return { asset, bytes: await this.blobs.read(asset.sha256) };
  }

  /** A signed GET URL of the asset (it must exist in the project), valid for `ttlS` seconds. */
  signedDownloadUrl(projectId: string, assetId: string, ttlS: number): SignedUrl {
    const exp = this.signer.expiry(ttlS);
    const sig = this.signer.downloadSignature(projectId, assetId, exp);
    return {
      url: `${this.#baseUrl()}/assets/${encodeURIComponent(projectId)}/${encodeURIComponent(assetId)}?exp=${exp}&sig=${sig}`,
      expiresAt: new Date(exp * 1000).toISOString(),
    };
  }

  /** A signed PUT URL for one file of the declared kind, type and size limit, valid for `ttlS` seconds. */
  signedUploadUrl(req: UploadRequest, ttlS: number): SignedUrl {
    if (req.maxBytes > this.maxUploadBytes)
      throw invalidInput('maxBytes', `must be at most ${this.maxUploadBytes} on this brain (ASSET_MAX_UPLOAD_BYTES)`);
    const { token, exp, nonce } = this.signer.uploadToken(req, ttlS);
    // The nonce (no credential) is the path, for logs to follow an upload by; the token is a
    // query parameter, which log redaction (redactUrl's `token`) and proxies treat as a secret.
    return { url: `${this.#baseUrl()}/uploads/${nonce}?token=${token}`, expiresAt: new Date(exp * 1000).toISOString() };
  }

  /**
   * Deletes the blobs no Asset node of any project references (deleted projects and nodes leave
   * them behind), temp files of crashed uploads, and the records of used upload URLs that expired
   * `minAgeMs` ago (a margin for replicas whose clocks differ). Only blobs untouched for `minAgeMs` are
   * candidates, and each is checked again just before it goes: a save in flight refreshes its
   * blob first, so it is never collected between its blob write and its node. Any failure to
   * read a project's references stops the collection before anything is deleted.
   */
  async collectGarbage(opts: { minAgeMs: number; now?: number }): Promise<GarbageReport> {
    const started = Date.now();
    const cutoff = (opts.now ?? Date.now()) - opts.minAgeMs;
    const candidates: string[] = [];
    let scanned = 0;
    for await (const sha256 of this.blobs.list()) {
      scanned++;
      const s = await this.blobs.stat(sha256);
      if (s !== undefined && s.modifiedMs < cutoff) candidates.push(sha256);
    }
    const referenced = candidates.length === 0 ? new Set<string>() : await this.#referencedBlobs();
    let deleted = 0;
    let bytesFreed = 0;
    for (const sha256 of candidates) {
      if (referenced.has(sha256)) continue;
      const s = await this.blobs.stat(sha256);
      if (s === undefined || s.modifiedMs >= cutoff) continue;
      if (await this.blobs.remove(sha256)) {
        deleted++;
        bytesFreed += s.bytes;
      }
    }
    const tempsRemoved = await this.blobs.removeStaleTemps(cutoff);
    const claimsPruned = await this.#store.pruneClaims(cutoff);
    const report = { scanned, candidates: candidates.length, deleted, bytesFreed, tempsRemoved, claimsPruned, ms: Date.now() - started };
    this.#logger.info(report, 'asset garbage collection');
    return report;
  }

  /** Every sha256 an Asset node names, in every project (sealed or not: collection errs on the side of keeping). */
  async #referencedBlobs(): Promise<Set<string>> {
    const out = new Set<string>();
    let cursor: string | undefined;
    do {
      const page = await this.#store.listProjects({ limit: 200, ...(cursor === undefined ? {} : { cursor }) });
      for (const project of page.projects) {
        // Keyset pages by sha256: no skip limit, however many assets a project has.
        let after = '';
        for (;;) {
          const rows = await this.#store.queryGraph(project.id, {
            start: { label: 'Asset', where: [{ property: 'sha256', op: 'gt', value: after }] },
            orderBy: { property: 'sha256', direction: 'asc' },
            limit: 1000,
          });
          for (const [node] of rows) {
            const sha = node?.properties.sha256;
            if (typeof sha === 'string') {
              out.add(sha);
              after = sha;
            }
          }
          if (rows.length < 1000) break;
        }
      }
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    return out;
  }

  #assetOf(node: GraphNode): Asset {
    const asset = this.#sealed(node);
    if (asset === undefined) throw notFound(node.projectId, node.id);
    return asset;
  }

  /** The node as an Asset if it is one the asset service wrote and nobody changed since (its seal verifies). */
  #sealed(node: GraphNode): Asset | undefined {
    if (node.label !== 'Asset') return undefined;
    const p = node.properties;
    const r = AssetSchema.safeParse({
      id: node.id,
      projectId: node.projectId,
      kind: p.kind,
      mime: p.mime,
      bytes: p.bytes,
      sha256: p.sha256,
      uri: p.uri,
      provider: p.provider,
      costUsd: p.costUsd,
      createdAt: node.createdAt,
      ...optional(p as Partial<AssetMeta>),
    });
    if (!r.success) return undefined;
    const a = r.data;
    return this.signer.verifySeal(a, p[SEAL]) ? a : undefined;
  }
}

/** BRAIN_UPLOAD_URL_USED for the upload URL with this nonce. */
export function uploadUsedError(nonce: string): BrainError {
  return new BrainError(
    'BRAIN_UPLOAD_URL_USED',
    'Upload URL already used: each upload URL stores one file; ask create_asset_upload for another',
    { data: { field: 'url', uploadId: nonce } },
  );
}

function notFound(projectId: string, assetId: string): BrainError {
  return new BrainError('BRAIN_ASSET_NOT_FOUND', `No asset ${assetId} in project ${projectId}`, { data: { projectId, assetId } });
}

function checkMeta<T extends AssetMeta>(input: T): AssetMeta {
  const r = MetaSchema.safeParse(input);
  if (!r.success) throw fromZodError(r.error, 'asset');
  return r.data as AssetMeta;
}

/** The optional descriptive fields that are set. */
function optional(m: Partial<AssetMeta>): Properties {
  const out: Properties = {};
  for (const k of ['model', 'prompt', 'seed', 'width', 'height', 'durationS', 'filename'] as const) {
    const v = m[k];
    if (v !== undefined && v !== null) out[k] = v;
  }
  return out;
}
