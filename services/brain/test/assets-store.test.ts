import { createHash } from 'node:crypto';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type TempDir, tempDir } from '@automovie/testing';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalAssetBlobStore } from '../src/assets/blob-store.ts';
import { AssetService, assetIdOf } from '../src/assets/service.ts';
import { AssetSigner } from '../src/assets/signing.ts';
import { EmbeddingService } from '../src/embeddings/index.ts';
import { EmbeddedGraphStore } from '../src/graph/embedded.ts';

const SECRET = 'asset-test-secret-0123456789-abcdefghijklmnop';
const sha = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');

async function codeOf(p: Promise<unknown> | (() => unknown)): Promise<string> {
  try {
    await (typeof p === 'function' ? p() : p);
    return 'ok';
  } catch (err) {
    return (err as { code?: string }).code ?? String(err);
  }
}

describe('LocalAssetBlobStore', () => {
  let dir: TempDir;
  let blobs: LocalAssetBlobStore;
  beforeEach(async () => {
    dir = await tempDir('automovie-blobs-');
    blobs = new LocalAssetBlobStore(join(dir.path, 'assets'));
  });
  afterEach(() => dir.remove());

  it('stores content under its sha256, sharded by the first two hex digits, and reads it back', async () => {
    const bytes = new TextEncoder().encode('hello asset');
    const r = await blobs.put(bytes);
    expect(r).toEqual({ sha256: sha(bytes), bytes: bytes.length });
    const path = join(dir.path, 'assets', r.sha256.slice(0, 2), r.sha256);
    expect(await readFile(path, 'utf8')).toBe('hello asset');
    expect(Buffer.from(await blobs.read(r.sha256)).toString()).toBe('hello asset');
    expect(await blobs.stat(r.sha256)).toMatchObject({ bytes: 11 });
    expect(await blobs.stat(sha('other'))).toBeUndefined();
  });

  it('is idempotent: the same bytes twice are one file, written once and touched again', async () => {
    const bytes = new Uint8Array(1000).fill(7);
    const a = await blobs.put(bytes);
    const before = await stat(join(dir.path, 'assets', a.sha256.slice(0, 2), a.sha256));
    await new Promise((r) => setTimeout(r, 20));
    const b = await blobs.put(bytes);
    expect(b).toEqual(a);
    const after = await stat(join(dir.path, 'assets', a.sha256.slice(0, 2), a.sha256));
    // Not rewritten (same file), but marked fresh for garbage collection.
    expect(after.ino).toBe(before.ino);
    expect(after.mtimeMs).toBeGreaterThan(before.mtimeMs);
    const all: string[] = [];
    for await (const s of blobs.list()) all.push(s);
    expect(all).toEqual([a.sha256]);
  });

  it('leaves no temp files behind, and concurrent puts of the same content agree', async () => {
    const bytes = new Uint8Array(256 * 1024).map((_, i) => i % 251);
    const results = await Promise.all(Array.from({ length: 8 }, () => blobs.put(bytes)));
    expect(new Set(results.map((r) => r.sha256)).size).toBe(1);
    expect(await readdir(join(dir.path, 'assets', 'tmp'))).toEqual([]);
    expect(Buffer.from(await blobs.read(sha(bytes))).equals(Buffer.from(bytes))).toBe(true);
  });

  it('refuses anything but 64 lowercase hex digits before building a path', async () => {
    for (const bad of [
      '../../etc/passwd',
      `../${'a'.repeat(62)}`,
      'A'.repeat(64),
      'g'.repeat(64),
      'a'.repeat(63),
      `${'a'.repeat(64)}/`,
      '',
      '..',
    ]) {
      expect(await codeOf(blobs.read(bad)), bad).toBe('INVALID_INPUT');
      expect(await codeOf(blobs.stat(bad)), bad).toBe('INVALID_INPUT');
      expect(await codeOf(() => blobs.stream(bad)), bad).toBe('INVALID_INPUT');
      expect(await codeOf(blobs.remove(bad)), bad).toBe('INVALID_INPUT');
      expect(await codeOf(() => blobs.pathOf(bad)), bad).toBe('INVALID_INPUT');
    }
    const temp = await blobs.tempPath();
    await writeFile(temp, 'x');
    expect(await codeOf(blobs.putFile(temp, '../../etc/passwd'))).toBe('INVALID_INPUT');
  });

  it('a missing blob is BRAIN_ASSET_BLOB_MISSING', async () => {
    expect(await codeOf(blobs.read(sha('nothing')))).toBe('BRAIN_ASSET_BLOB_MISSING');
  });

  it('moves a hashed temp file in, and drops it when the content is already stored', async () => {
    const t1 = await blobs.tempPath();
    await writeFile(t1, 'uploaded bytes');
    await blobs.putFile(t1, sha('uploaded bytes'));
    expect(Buffer.from(await blobs.read(sha('uploaded bytes'))).toString()).toBe('uploaded bytes');
    const t2 = await blobs.tempPath();
    await writeFile(t2, 'uploaded bytes');
    await blobs.putFile(t2, sha('uploaded bytes'));
    expect(await readdir(join(dir.path, 'assets', 'tmp'))).toEqual([]);
  });

  it('streams a byte range', async () => {
    const r = await blobs.put(new TextEncoder().encode('0123456789'));
    const chunks: Buffer[] = [];
    for await (const c of blobs.stream(r.sha256, { start: 2, end: 5 }) as AsyncIterable<Buffer>) chunks.push(c);
    expect(Buffer.concat(chunks).toString()).toBe('2345');
    expect(await codeOf(() => blobs.stream(r.sha256, { start: 5, end: 2 }))).toBe('INVALID_INPUT');
  });
});

describe('AssetSigner', () => {
  let now = Date.parse('2030-01-01T00:00:00Z');
  const signer = new AssetSigner(SECRET, { now: () => now });
  const actor = { kind: 'service' as const, sub: 'video', service: 'video' };

  it('download signatures verify for the same project, asset and expiry only', () => {
    const exp = signer.expiry(60);
    const sig = signer.downloadSignature('p1', 'asset-1', exp);
    expect(() => signer.verifyDownload('p1', 'asset-1', String(exp), sig)).not.toThrow();
    const bad = (p: string, a: string, e: string, s: unknown) => {
      try {
        signer.verifyDownload(p, a, e, s);
        return 'ok';
      } catch (err) {
        return (err as { code: string }).code;
      }
    };
    expect(bad('p2', 'asset-1', String(exp), sig)).toBe('BRAIN_ASSET_URL_INVALID');
    expect(bad('p1', 'asset-2', String(exp), sig)).toBe('BRAIN_ASSET_URL_INVALID');
    expect(bad('p1', 'asset-1', String(exp + 1000), sig)).toBe('BRAIN_ASSET_URL_INVALID');
    expect(bad('p1', 'asset-1', String(exp), `${sig.slice(0, -1)}${sig.endsWith('A') ? 'B' : 'A'}`)).toBe('BRAIN_ASSET_URL_INVALID');
    expect(bad('p1', 'asset-1', String(exp), undefined)).toBe('BRAIN_ASSET_URL_INVALID');
    expect(bad('p1', 'asset-1', '1e12', sig)).toBe('BRAIN_ASSET_URL_INVALID');
    expect(new AssetSigner(`${SECRET}x`).downloadSignature('p1', 'asset-1', exp)).not.toBe(sig);
    now += 61_000;
    expect(bad('p1', 'asset-1', String(exp), sig)).toBe('BRAIN_ASSET_URL_EXPIRED');
  });

  it('upload tokens carry their claims, and any change to them is refused', () => {
    const { token } = signer.uploadToken(
      { projectId: 'p1', kind: 'video', mime: 'video/mp4', maxBytes: 100, provider: 'ffmpeg', actor },
      60,
    );
    const claims = signer.verifyUpload(token);
    expect(claims).toMatchObject({ projectId: 'p1', kind: 'video', mime: 'video/mp4', maxBytes: 100, provider: 'ffmpeg', actor });
    const [payload, sig] = token.split('.') as [string, string];
    const forged = Buffer.from(JSON.stringify({ ...claims, projectId: 'p2', maxBytes: 1e9 })).toString('base64url');
    const code = (t: string) => {
      try {
        signer.verifyUpload(t);
        return 'ok';
      } catch (err) {
        return (err as { code: string }).code;
      }
    };
    expect(code(`${forged}.${sig}`)).toBe('BRAIN_ASSET_URL_INVALID');
    expect(code(`${payload}.`)).toBe('BRAIN_ASSET_URL_INVALID');
    expect(code('garbage')).toBe('BRAIN_ASSET_URL_INVALID');
    // A download signature is never an upload token, even over the same text.
    expect(code(`${payload}.${signer.downloadSignature('p1', 'x', 1)}`)).toBe('BRAIN_ASSET_URL_INVALID');
    now += 61_000;
    expect(code(token)).toBe('BRAIN_ASSET_URL_EXPIRED');
  });

  it('refuses a short secret', () => {
    expect(() => new AssetSigner('short')).toThrow(/32/);
  });
});

describe('AssetService (embedded graph)', () => {
  let dir: TempDir;
  let store: EmbeddedGraphStore;
  let assets: AssetService;
  beforeEach(async () => {
    dir = await tempDir('automovie-assets-');
    store = EmbeddedGraphStore.open({ dataDir: join(dir.path, 'graph') });
    assets = new AssetService({
      store,
      blobs: new LocalAssetBlobStore(join(dir.path, 'assets')),
      embeddings: new EmbeddingService(),
      signer: new AssetSigner(SECRET),
      baseUrl: () => 'http://127.0.0.1:1234',
      maxUploadBytes: 1000,
      logger: pino({ level: 'silent' }),
    });
    await store.createProject({ id: 'p1', name: 'One' });
    await store.createProject({ id: 'p2', name: 'Two' });
  });
  afterEach(async () => {
    await store.close();
    await dir.remove();
  });

  const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
  const meta = {
    projectId: 'p1',
    kind: 'image' as const,
    mime: 'image/png',
    provider: 'offline-svg',
    costUsd: 0,
    prompt: 'a lighthouse at dusk',
  };

  it('saves an Asset node per project and content; the same bytes again are the same asset', async () => {
    const a = await assets.save({ ...meta, bytes: png, width: 640, height: 360, seed: 7 });
    expect(a).toMatchObject({
      id: assetIdOf(sha(png)),
      projectId: 'p1',
      kind: 'image',
      mime: 'image/png',
      bytes: png.length,
      sha256: sha(png),
      uri: `asset://${sha(png)}`,
      provider: 'offline-svg',
      width: 640,
      height: 360,
      seed: 7,
      prompt: 'a lighthouse at dusk',
    });
    const again = await assets.save({ ...meta, bytes: png, provider: 'other' });
    expect(again).toEqual(a);
    const loaded = await assets.load('p1', a.id);
    expect(Buffer.from(loaded.bytes).equals(Buffer.from(png))).toBe(true);
    // The same content in another project is that project's own asset.
    const b = await assets.save({ ...meta, projectId: 'p2', bytes: png });
    expect(b.id).toBe(a.id);
    expect(b.projectId).toBe('p2');
    const hits = await store.keywordSearch('p1', 'lighthouse', 5);
    expect(hits.map((h) => h.id)).toContain(a.id);
  });

  it('reads only sealed Asset nodes of the asked project', async () => {
    const a = await assets.save({ ...meta, bytes: png });
    expect(await codeOf(assets.get('p2', a.id))).toBe('BRAIN_ASSET_NOT_FOUND');
    expect(await codeOf(assets.get('nope', a.id))).toBe('BRAIN_ASSET_NOT_FOUND');
    expect(await codeOf(assets.get('p1', 'asset-missing'))).toBe('BRAIN_ASSET_NOT_FOUND');
    const scene = await store.createNode('p1', { label: 'Scene', properties: { number: 1 } });
    expect(await codeOf(assets.get('p1', scene.id))).toBe('BRAIN_ASSET_NOT_FOUND');
    // A hand-made Asset node pointing at p1's blob (as create_node could make in p2) is not an asset.
    const forged = await store.createNode('p2', { label: 'Asset', properties: { ...(await store.getNode('p1', a.id)).properties } });
    expect(await codeOf(assets.get('p2', forged.id))).toBe('BRAIN_ASSET_NOT_FOUND');
    // Retyping a stored asset (to serve a PNG as HTML) breaks its seal.
    await store.updateNode('p1', a.id, { properties: { mime: 'text/html' } });
    expect(await codeOf(assets.get('p1', a.id))).toBe('BRAIN_ASSET_NOT_FOUND');
  });

  it('refuses bad metadata naming the field, before storing anything', async () => {
    const e = await assets.save({ ...meta, costUsd: -1, bytes: png }).catch((err: unknown) => err as { code: string; message: string });
    expect(e).toMatchObject({ code: 'INVALID_INPUT' });
    expect((e as { message: string }).message).toContain('costUsd');
    expect(await codeOf(assets.save({ ...meta, projectId: 'nope', bytes: png }))).toBe('BRAIN_PROJECT_NOT_FOUND');
    const all: string[] = [];
    for await (const s of assets.blobs.list()) all.push(s);
    expect(all).toEqual([]);
  });

  it('spends an upload URL on its first stored file; a failed save leaves it usable', async () => {
    const temp = async (bytes: Uint8Array) => {
      const path = await assets.blobs.tempPath();
      await writeFile(path, bytes);
      return { ...meta, tempPath: path, sha256: sha(bytes), size: bytes.length };
    };
    const upload = { nonce: 'n0nce-aaaaaaaaaa', exp: Math.floor(Date.now() / 1000) + 60 };
    expect(await assets.isUploadUsed(upload.nonce)).toBe(false);
    // The project is gone: nothing stored, and the URL is not spent.
    expect(await codeOf(assets.saveUpload(upload, { ...(await temp(png)), projectId: 'nope' }))).toBe('BRAIN_PROJECT_NOT_FOUND');
    expect(await assets.isUploadUsed(upload.nonce)).toBe(false);
    const { asset, created } = await assets.saveUpload(upload, await temp(png));
    expect(created).toBe(true);
    expect(await assets.isUploadUsed(upload.nonce)).toBe(true);
    const other = new Uint8Array([...png, 9]);
    expect(await codeOf(assets.saveUpload(upload, await temp(other)))).toBe('BRAIN_UPLOAD_URL_USED');
    expect(await assets.blobs.stat(sha(other))).toBeUndefined();
    expect((await assets.get('p1', asset.id)).sha256).toBe(sha(png));

    // Expired long enough ago, its record goes with the next collection.
    const r = await assets.collectGarbage({ minAgeMs: 1000, now: upload.exp * 1000 + 2000 });
    expect(r.claimsPruned).toBe(1);
    expect(await assets.isUploadUsed(upload.nonce)).toBe(false);
  });

  it('collects blobs no Asset node references, and only old ones', async () => {
    const shared = await assets.save({ ...meta, bytes: png });
    await assets.save({ ...meta, projectId: 'p2', bytes: png });
    const only2 = new TextEncoder().encode('only in p2');
    const gone = await assets.save({ ...meta, projectId: 'p2', kind: 'document', mime: 'text/plain', bytes: only2 });
    const stray = await assets.blobs.tempPath();
    await writeFile(stray, 'half an upload');
    await store.deleteProject('p2');

    // Everything is younger than the minimum age: nothing goes.
    const young = await assets.collectGarbage({ minAgeMs: 3_600_000 });
    expect(young).toMatchObject({ scanned: 2, candidates: 0, deleted: 0, tempsRemoved: 0 });

    const later = Date.now() + 10_000;
    const r = await assets.collectGarbage({ minAgeMs: 1000, now: later });
    expect(r).toMatchObject({ scanned: 2, candidates: 2, deleted: 1, bytesFreed: only2.length, tempsRemoved: 1 });
    expect(await assets.blobs.stat(gone.sha256)).toBeUndefined();
    expect(Buffer.from((await assets.load('p1', shared.id)).bytes).equals(Buffer.from(png))).toBe(true);
    expect(await readdir(join(dir.path, 'assets', 'tmp'))).toEqual([]);
  });

  it('signs download and upload URLs on the base URL', () => {
    const d = assets.signedDownloadUrl('p1', 'asset-x', 60);
    expect(d.url).toMatch(/^http:\/\/127\.0\.0\.1:1234\/assets\/p1\/asset-x\?exp=\d+&sig=[\w-]+$/);
    expect(Date.parse(d.expiresAt) - Date.now()).toBeGreaterThan(55_000);
    const u = assets.signedUploadUrl(
      {
        projectId: 'p1',
        kind: 'document',
        mime: 'application/pdf',
        maxBytes: 1000,
        provider: 'export',
        actor: { kind: 'service', sub: 'export', service: 'export' },
      },
      60,
    );
    expect(u.url).toMatch(/^http:\/\/127\.0\.0\.1:1234\/uploads\/[\w-]{16}\?token=[\w-]+\.[\w-]+$/);
    // The path names the upload by the nonce signed into its token.
    const url = new URL(u.url);
    expect(assets.signer.verifyUpload(url.searchParams.get('token') as string).nonce).toBe(url.pathname.split('/')[2]);
    expect(() =>
      assets.signedUploadUrl(
        {
          projectId: 'p1',
          kind: 'document',
          mime: 'application/pdf',
          maxBytes: 1001,
          provider: 'export',
          actor: { kind: 'service', sub: 'x', service: 'x' },
        },
        60,
      ),
    ).toThrow(/maxBytes/);
  });
});
