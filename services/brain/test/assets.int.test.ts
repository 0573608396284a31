import { createHash, randomBytes } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { brainCatalog, EVENTS_STREAM, EventEnvelopeSchema } from '@automovie/contracts';
import { McpClient } from '@automovie/mcp-ws';
import { createLogger, downloadAsset, uploadAsset } from '@automovie/service-kit';
import {
  LogCapture,
  type RedisServer,
  startRedis,
  startService,
  TEST_JWT_SECRET,
  type TempDir,
  tempDir,
  testToken,
} from '@automovie/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AssetSigner } from '../src/assets/signing.ts';
import { buildServer, loadBrainConfig } from '../src/server.ts';
import { startTestBrain, type TestBrain } from './helpers.ts';

const t = brainCatalog.tools;
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (err) {
    return (err as { code?: string }).code ?? String(err);
  }
}

/** An ISO-media-shaped file: an `ftyp` box, then noise (what matters here is the bytes, not playback). */
function fakeMp4(size: number): Uint8Array {
  const b = randomBytes(size);
  b.set([0, 0, 0, 0x18, ...Buffer.from('ftypisom')], 0);
  return new Uint8Array(b);
}

describe('brain assets over HTTP and MCP', () => {
  let redis: RedisServer;
  let brain: TestBrain;
  let events: Redis;
  let work: TempDir;
  // Every line the brain logs during the whole suite, checked for credentials by the last test.
  const logs = new LogCapture();
  const clients: McpClient[] = [];
  const as = async (userId: string | undefined) => {
    const c = new McpClient({
      url: brain.mcpUrl,
      token: await testToken({ service: userId ? 'frontend' : 'video', scopes: ['brain:*'], ...(userId ? { userId } : {}) }),
    });
    clients.push(c);
    return c;
  };
  let alice: McpClient; // owner of p1
  let bob: McpClient; // owner of p2
  let vic: McpClient; // viewer of p1
  let video: McpClient; // the video service on its own behalf
  let p1: string;
  let p2: string;
  const mp4 = fakeMp4(300_000);

  const blobFiles = async () => {
    const root = join(brain.dataDir, 'assets');
    const out: string[] = [];
    for (const d of await readdir(root)) if (d !== 'tmp') out.push(...(await readdir(join(root, d))));
    return { blobs: out.sort(), temps: await readdir(join(root, 'tmp')) };
  };
  const assetEvents = async () =>
    (await events.xrange(EVENTS_STREAM, '-', '+'))
      .map(([, fields]) => EventEnvelopeSchema.parse(JSON.parse(fields[fields.indexOf('event') + 1] as string)))
      .filter((e) => e.type === 'asset.created');

  beforeAll(async () => {
    redis = await startRedis();
    brain = await startTestBrain(
      { REDIS_URL: redis.url },
      { logger: createLogger({ service: 'brain', version: 'test', level: 'debug', destination: logs }) },
    );
    events = new Redis(redis.url);
    work = await tempDir('automovie-assets-work-');
    alice = await as('alice');
    bob = await as('bob');
    vic = await as('vic');
    video = await as(undefined);
    p1 = (await alice.call(t.create_project, { name: 'Lighthouse' })).project.id;
    p2 = (await bob.call(t.create_project, { name: 'Heist' })).project.id;
    await alice.call(t.add_member, { projectId: p1, userId: 'vic', role: 'viewer' });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    events?.disconnect();
    await brain?.stop();
    await redis?.stop();
    await work?.remove();
  });

  it('uploads a file through create_asset_upload, dedupes the same bytes, and downloads them back identical', async () => {
    const src = join(work.path, 'animatic.mp4');
    await writeFile(src, mp4);
    const up = await video.call(t.create_asset_upload, {
      projectId: p1,
      kind: 'video',
      mime: 'video/mp4',
      filename: 'animatic.mp4',
      provider: 'ffmpeg',
    });
    expect(up.url.startsWith(`${brain.url}/uploads/`)).toBe(true);
    const asset = await uploadAsset(up.url, src, { mime: 'video/mp4' });
    expect(asset).toMatchObject({
      projectId: p1,
      kind: 'video',
      mime: 'video/mp4',
      bytes: mp4.length,
      sha256: sha(mp4),
      uri: `asset://${sha(mp4)}`,
      provider: 'ffmpeg',
      filename: 'animatic.mp4',
      costUsd: 0,
    });

    // The same bytes again (from memory this time, by alice) are the same asset, and no second event.
    const up2 = await alice.call(t.create_asset_upload, { projectId: p1, kind: 'video', mime: 'video/mp4' });
    expect(await uploadAsset(up2.url, mp4, { mime: 'video/mp4' })).toEqual(asset);
    const created = await assetEvents();
    expect(created.map((e) => [e.projectId, e.actor, e.data.id, e.data.sha256])).toEqual([[p1, 'video', asset.id, asset.sha256]]);

    // get_asset by the viewer, then download: byte-identical, checked against the ETag.
    const got = await vic.call(t.get_asset, { projectId: p1, assetId: asset.id, ttlS: 60 });
    expect(got.asset).toEqual(asset);
    expect(Date.parse(got.expiresAt) - Date.now()).toBeGreaterThan(50_000);
    const dest = join(work.path, 'out', 'copy.mp4');
    expect(await downloadAsset(got.url, dest)).toEqual({ bytes: mp4.length, sha256: sha(mp4) });
    expect(Buffer.from(await readFile(dest)).equals(Buffer.from(mp4))).toBe(true);
    expect(await codeOf(downloadAsset(got.url, join(work.path, 'small.mp4'), { maxBytes: 1000 }))).toBe('PAYLOAD_TOO_LARGE');

    const res = await fetch(got.url);
    expect(res.headers.get('content-type')).toBe('video/mp4');
    expect(res.headers.get('content-length')).toBe(String(mp4.length));
    expect(res.headers.get('etag')).toBe(`"${sha(mp4)}"`);
    expect(res.headers.get('accept-ranges')).toBe('bytes');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    await res.arrayBuffer();
    const again = await fetch(got.url, { headers: { 'if-none-match': `"${sha(mp4)}"` } });
    expect(again.status).toBe(304);
    const head = await fetch(got.url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(mp4.length));

    // Findable by what it is called.
    const found = await alice.call(t.semantic_search, { projectId: p1, query: 'animatic mp4', k: 3, mode: 'keyword', labels: ['Asset'] });
    expect(found.results[0]?.id).toBe(asset.id);
  });

  it('serves single byte ranges (videos are seeked) and refuses unsatisfiable ones', async () => {
    const up = await video.call(t.create_asset_upload, { projectId: p1, kind: 'video', mime: 'video/mp4' });
    const asset = await uploadAsset(up.url, mp4, { mime: 'video/mp4' });
    const { url } = await alice.call(t.get_asset, { projectId: p1, assetId: asset.id });

    const mid = await fetch(url, { headers: { range: 'bytes=1000-1999' } });
    expect(mid.status).toBe(206);
    expect(mid.headers.get('content-range')).toBe(`bytes 1000-1999/${mp4.length}`);
    expect(mid.headers.get('content-length')).toBe('1000');
    expect(Buffer.from(await mid.arrayBuffer()).equals(Buffer.from(mp4.subarray(1000, 2000)))).toBe(true);

    const tail = await fetch(url, { headers: { range: 'bytes=-500' } });
    expect(tail.status).toBe(206);
    expect(Buffer.from(await tail.arrayBuffer()).equals(Buffer.from(mp4.subarray(mp4.length - 500)))).toBe(true);

    const open = await fetch(url, { headers: { range: `bytes=${mp4.length - 10}-` } });
    expect(open.status).toBe(206);
    expect((await open.arrayBuffer()).byteLength).toBe(10);

    const beyond = await fetch(url, { headers: { range: `bytes=${mp4.length}-` } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe(`bytes */${mp4.length}`);
    expect(((await beyond.json()) as { error: { code: string } }).error.code).toBe('BRAIN_RANGE_NOT_SATISFIABLE');

    // A range for another version of the file (If-Range with another ETag) gets the whole file.
    const stale = await fetch(url, { headers: { range: 'bytes=0-9', 'if-range': '"0000"' } });
    expect(stale.status).toBe(200);
    expect((await stale.arrayBuffer()).byteLength).toBe(mp4.length);
  });

  it('refuses bad, expired and cross-project URLs with 403, unknown assets with 404', async () => {
    const up = await video.call(t.create_asset_upload, { projectId: p1, kind: 'image', mime: 'image/png' });
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...randomBytes(100)]);
    const asset = await uploadAsset(up.url, png, { mime: 'image/png' });
    const { url } = await alice.call(t.get_asset, { projectId: p1, assetId: asset.id });
    const u = new URL(url);
    const status = async (href: string) => {
      const r = await fetch(href);
      const body = (await r.json()) as { error?: { code: string } };
      return `${r.status} ${body.error?.code}`;
    };

    const sig = u.searchParams.get('sig') as string;
    const tampered = new URL(url);
    tampered.searchParams.set('sig', `${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`);
    expect(await status(tampered.href)).toBe('403 BRAIN_ASSET_URL_INVALID');
    const longer = new URL(url);
    longer.searchParams.set('exp', String(Number(u.searchParams.get('exp')) + 86_400));
    expect(await status(longer.href)).toBe('403 BRAIN_ASSET_URL_INVALID');
    expect(await status(url.replace(`/assets/${p1}/`, `/assets/${p2}/`))).toBe('403 BRAIN_ASSET_URL_INVALID');
    expect(await status(`${u.origin}${u.pathname}`)).toBe('403 BRAIN_ASSET_URL_INVALID');

    // Signed by the same key but expired, or valid for an asset that does not exist.
    const signer = new AssetSigner(TEST_JWT_SECRET, { now: () => Date.now() - 3_600_000 });
    const oldExp = signer.expiry(60);
    expect(await status(`${u.origin}${u.pathname}?exp=${oldExp}&sig=${signer.downloadSignature(p1, asset.id, oldExp)}`)).toBe(
      '403 BRAIN_ASSET_URL_EXPIRED',
    );
    const fresh = new AssetSigner(TEST_JWT_SECRET);
    const exp = fresh.expiry(60);
    expect(await status(`${u.origin}/assets/${p1}/asset-nope?exp=${exp}&sig=${fresh.downloadSignature(p1, 'asset-nope', exp)}`)).toBe(
      '404 BRAIN_ASSET_NOT_FOUND',
    );
    // A valid signature for p2 and p1's asset id: p2 has no such asset.
    expect(await status(`${u.origin}/assets/${p2}/${asset.id}?exp=${exp}&sig=${fresh.downloadSignature(p2, asset.id, exp)}`)).toBe(
      '404 BRAIN_ASSET_NOT_FOUND',
    );

    // Over MCP: another project's asset id is not found, and non-members learn nothing.
    expect(await codeOf(bob.call(t.get_asset, { projectId: p2, assetId: asset.id }))).toBe('BRAIN_ASSET_NOT_FOUND');
    expect(await codeOf(bob.call(t.get_asset, { projectId: p1, assetId: asset.id }))).toBe('BRAIN_PROJECT_NOT_FOUND');
    const scene = (await alice.call(t.create_node, { projectId: p1, label: 'Scene', properties: { number: 1 } })).node;
    expect(await codeOf(alice.call(t.get_asset, { projectId: p1, assetId: scene.id }))).toBe('BRAIN_ASSET_NOT_FOUND');
  });

  it('refuses oversize and mistyped uploads with nothing stored', async () => {
    const before = await blobFiles();
    const nEvents = (await assetEvents()).length;

    const small = await video.call(t.create_asset_upload, { projectId: p2, kind: 'video', mime: 'video/mp4', maxBytes: 100_000 });
    const tooBig = await uploadAsset(small.url, mp4, { mime: 'video/mp4' }).catch((e: unknown) => e as { code: string; message: string });
    expect(tooBig).toMatchObject({ code: 'BRAIN_UPLOAD_TOO_LARGE' });
    expect((tooBig as { message: string }).message).toContain('100000');

    // Without a Content-Length (chunked), the limit is enforced while streaming.
    const chunked = await fetch(small.url, {
      method: 'PUT',
      headers: { 'content-type': 'video/mp4' },
      body: new ReadableStream({
        start(c) {
          for (let i = 0; i < 20; i++) c.enqueue(mp4.subarray(i * 10_000, (i + 1) * 10_000));
          c.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
    expect(((await chunked.json()) as { error: { code: string } }).error.code).toBe('BRAIN_UPLOAD_TOO_LARGE');

    const pngUp = await alice.call(t.create_asset_upload, { projectId: p1, kind: 'image', mime: 'image/png' });
    const text = new TextEncoder().encode('INT. LIGHTHOUSE - NIGHT\nMara climbs the stairs.');
    const wrong = await uploadAsset(pngUp.url, text, { mime: 'image/png' }).catch(
      (e: unknown) => e as { code: string; message: string; data: unknown },
    );
    expect(wrong).toMatchObject({ code: 'BRAIN_UPLOAD_TYPE_MISMATCH', data: { field: 'mime' } });
    expect((wrong as { message: string }).message).toContain('mime');
    const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, ...randomBytes(64)]);
    expect(await codeOf(uploadAsset(pngUp.url, jpeg, { mime: 'image/png' }))).toBe('BRAIN_UPLOAD_TYPE_MISMATCH');
    // A Content-Type other than the one the URL was made for.
    const header = await uploadAsset(pngUp.url, jpeg, { mime: 'image/jpeg' }).catch((e: unknown) => e as { code: string; data: unknown });
    expect(header).toMatchObject({ code: 'BRAIN_UPLOAD_TYPE_MISMATCH', data: { field: 'Content-Type' } });

    expect(await blobFiles()).toEqual(before);
    expect(before.temps).toEqual([]);
    expect((await assetEvents()).length).toBe(nEvents);

    // A client that goes away mid-upload leaves no temp file.
    const cut = new URL((await video.call(t.create_asset_upload, { projectId: p1, kind: 'video', mime: 'video/mp4' })).url);
    const req = request({
      host: cut.hostname,
      port: cut.port,
      path: `${cut.pathname}${cut.search}`,
      method: 'PUT',
      headers: { 'content-length': mp4.length },
    });
    req.on('error', () => {});
    req.write(mp4.subarray(0, 50_000));
    await new Promise((r) => setTimeout(r, 100));
    expect((await blobFiles()).temps.length).toBe(1);
    req.destroy();
    for (let i = 0; i < 100 && (await blobFiles()).temps.length > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await blobFiles()).toEqual(before);

    // The same URL still takes a valid upload: a refusal spends nothing.
    const fountain = await alice.call(t.create_asset_upload, {
      projectId: p1,
      kind: 'document',
      mime: 'text/x-fountain',
      filename: 'pilot.fountain',
    });
    const doc = await uploadAsset(fountain.url, text, { mime: 'text/x-fountain' });
    expect(doc).toMatchObject({ kind: 'document', mime: 'text/x-fountain', filename: 'pilot.fountain', bytes: text.length });

    // Refusals do not spend a URL: the oversize one takes a file within its limit, the mistyped one
    // the right bytes; each once.
    const fits = fakeMp4(50_000);
    expect(await uploadAsset(small.url, fits, { mime: 'video/mp4' })).toMatchObject({ sha256: sha(fits), projectId: p2 });
    expect(await codeOf(uploadAsset(small.url, fits, { mime: 'video/mp4' }))).toBe('BRAIN_UPLOAD_URL_USED');
    const realPng = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...randomBytes(64)]);
    expect(await uploadAsset(pngUp.url, realPng, { mime: 'image/png' })).toMatchObject({ sha256: sha(realPng), projectId: p1 });
    expect(await codeOf(uploadAsset(pngUp.url, realPng, { mime: 'image/png' }))).toBe('BRAIN_UPLOAD_URL_USED');
  });

  it('checks roles, the project, the type and the limit before handing out an upload URL', async () => {
    expect(await codeOf(vic.call(t.create_asset_upload, { projectId: p1, kind: 'image', mime: 'image/png' }))).toBe('FORBIDDEN');
    expect(await codeOf(bob.call(t.create_asset_upload, { projectId: p1, kind: 'image', mime: 'image/png' }))).toBe(
      'BRAIN_PROJECT_NOT_FOUND',
    );
    expect(await codeOf(video.call(t.create_asset_upload, { projectId: 'no-such-project', kind: 'image', mime: 'image/png' }))).toBe(
      'BRAIN_PROJECT_NOT_FOUND',
    );
    expect(await codeOf(alice.call(t.create_asset_upload, { projectId: p1, kind: 'document', mime: 'text/html' }))).toBe('INVALID_INPUT');
    expect(await codeOf(alice.call(t.create_asset_upload, { projectId: p1, kind: 'image', mime: 'video/mp4' }))).toBe('INVALID_INPUT');
    // A token minted for one upload cannot be altered into another.
    const up = await alice.call(t.create_asset_upload, { projectId: p1, kind: 'image', mime: 'image/png' });
    const forged = up.url.replace(/token=[^.]+/, `token=${Buffer.from('{"projectId":"x"}').toString('base64url')}`);
    expect(await codeOf(uploadAsset(forged, new Uint8Array([1]), { mime: 'image/png' }))).toBe('BRAIN_ASSET_URL_INVALID');
    // The path names the upload its token was signed for; the token alone under another name is refused.
    const other = await alice.call(t.create_asset_upload, { projectId: p1, kind: 'image', mime: 'image/png' });
    const swapped = `${new URL(other.url).origin}${new URL(other.url).pathname}${new URL(up.url).search}`;
    expect(await codeOf(uploadAsset(swapped, new Uint8Array([1]), { mime: 'image/png' }))).toBe('BRAIN_ASSET_URL_INVALID');
    const bare = `${new URL(up.url).origin}${new URL(up.url).pathname}`;
    expect(await codeOf(uploadAsset(bare, new Uint8Array([1]), { mime: 'image/png' }))).toBe('BRAIN_ASSET_URL_INVALID');
  });

  it('takes one upload per URL: a second PUT is refused with BRAIN_UPLOAD_URL_USED and changes nothing', async () => {
    const first = fakeMp4(40_000);
    const second = fakeMp4(40_000);
    const up = await video.call(t.create_asset_upload, { projectId: p1, kind: 'video', mime: 'video/mp4', filename: 'take-1.mp4' });
    const asset = await uploadAsset(up.url, first, { mime: 'video/mp4' });
    const nEvents = (await assetEvents()).length;

    const res = await fetch(up.url, { method: 'PUT', headers: { 'content-type': 'video/mp4' }, body: second });
    expect(res.status).toBe(409);
    const body = (await res.json()) as { error: { code: string; message: string; data: unknown } };
    expect(body.error.code).toBe('BRAIN_UPLOAD_URL_USED');
    expect(body.error.message).toContain('already used');
    expect(body.error.data).toEqual({ field: 'url', uploadId: new URL(up.url).pathname.split('/')[2] });
    // The same bytes again are refused too: the URL is spent, whatever is sent.
    expect(await codeOf(uploadAsset(up.url, first, { mime: 'video/mp4' }))).toBe('BRAIN_UPLOAD_URL_USED');

    const files = await blobFiles();
    expect(files.blobs).toContain(sha(first));
    expect(files.blobs).not.toContain(sha(second));
    expect(files.temps).toEqual([]);
    expect((await alice.call(t.get_asset, { projectId: p1, assetId: asset.id })).asset).toEqual(asset);
    expect((await assetEvents()).length).toBe(nEvents);
  });

  it('gives a URL to exactly one of two concurrent PUTs; the other stores nothing', async () => {
    // Each body sends its start, then holds the rest back: both PUTs are past the "already used?"
    // check before either finishes, so the claim itself decides.
    const held = (b: Uint8Array) =>
      new ReadableStream<Uint8Array>({
        async start(c) {
          c.enqueue(b.subarray(0, 1000));
          await new Promise((r) => setTimeout(r, 100));
          c.enqueue(b.subarray(1000));
          c.close();
        },
      });
    for (let round = 0; round < 3; round++) {
      const up = await video.call(t.create_asset_upload, { projectId: p2, kind: 'video', mime: 'video/mp4' });
      const bodies = [fakeMp4(200_000), fakeMp4(200_000)];
      const results = await Promise.all(
        bodies.map(async (b) => {
          const r = await fetch(up.url, {
            method: 'PUT',
            headers: { 'content-type': 'video/mp4' },
            body: held(b),
            duplex: 'half',
          } as RequestInit);
          return { status: r.status, body: (await r.json()) as { asset?: { sha256: string }; error?: { code: string } } };
        }),
      );
      const statuses = results.map((r) => r.status).sort();
      expect(statuses).toEqual([201, 409]);
      const winner = results.find((r) => r.status === 201)?.body.asset?.sha256;
      const loser = bodies.map(sha).find((h) => h !== winner) as string;
      expect(results.find((r) => r.status === 409)?.body.error?.code).toBe('BRAIN_UPLOAD_URL_USED');
      const files = await blobFiles();
      expect(files.blobs).toContain(winner);
      expect(files.blobs).not.toContain(loser);
      expect(files.temps).toEqual([]);
    }
  });

  it('keeps an upload URL spent across a restart of the brain', async () => {
    const dir = await tempDir('automovie-brain-restart-');
    const start = () =>
      startService(() =>
        buildServer(
          loadBrainConfig({ AUTOMOVIE_JWT_SECRET: TEST_JWT_SECRET, PORT: '0', LOG_LEVEL: 'silent', AUTOMOVIE_DATA_DIR: dir.path }),
        ),
      );
    let b = await start();
    try {
      const c = new McpClient({ url: b.mcpUrl, token: await testToken({ service: 'frontend', scopes: ['brain:*'], userId: 'ria' }) });
      const projectId = (await c.call(t.create_project, { name: 'Restart' })).project.id;
      const up = await c.call(t.create_asset_upload, { projectId, kind: 'video', mime: 'video/mp4' });
      await c.close();
      const bytes = fakeMp4(20_000);
      await uploadAsset(up.url, bytes, { mime: 'video/mp4' });
      await b.stop();
      b = await start();
      // The same URL on the restarted brain (its port is new; the signed part is not).
      const again = new URL(up.url);
      again.host = new URL(b.url).host;
      expect(await codeOf(uploadAsset(again.href, fakeMp4(20_000), { mime: 'video/mp4' }))).toBe('BRAIN_UPLOAD_URL_USED');
    } finally {
      await b.stop();
      await dir.remove();
    }
  });

  it('never logs a signature or upload token, and keeps the paths of the URLs', async () => {
    const up = await video.call(t.create_asset_upload, { projectId: p1, kind: 'image', mime: 'image/png' });
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...randomBytes(80)]);
    const asset = await uploadAsset(up.url, png, { mime: 'image/png' });
    await codeOf(uploadAsset(up.url, png, { mime: 'image/png' }));
    const { url } = await alice.call(t.get_asset, { projectId: p1, assetId: asset.id });
    const u = new URL(url);
    await (await fetch(url)).arrayBuffer();
    // Refused ones too: an odd spelling of the name, a tampered signature, an unknown route.
    await (await fetch(`${u.origin}${u.pathname}?exp=${u.searchParams.get('exp')}&%73ig=${u.searchParams.get('sig')}`)).arrayBuffer();
    await (await fetch(`${url}x`)).arrayBuffer();
    await (await fetch(`${u.origin}/nowhere${u.search}`)).arrayBuffer();

    const uploadId = new URL(up.url).pathname.split('/')[2] as string;
    const secrets = [u.searchParams.get('sig') as string, new URL(up.url).searchParams.get('token') as string];
    // And any URL of the whole suite: no sig or token value is left in any line.
    const text = logs.text;
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThan(20);
      expect(text).not.toContain(secret);
      expect(text).not.toContain(secret.split('.').pop());
    }
    expect(text).not.toMatch(/[?&](%73|s)ig=(?!\[REDACTED\])/i);
    expect(text).not.toMatch(/[?&]token=(?!\[REDACTED\])/i);

    const requests = logs.lines().filter((l) => l.msg === 'request') as Array<{ method: string; url: string; status: number }>;
    const urls = requests.map((r) => `${r.method} ${r.status} ${r.url}`);
    expect(urls).toContain(`PUT 201 /uploads/${uploadId}?token=[REDACTED]`);
    expect(urls).toContain(`PUT 409 /uploads/${uploadId}?token=[REDACTED]`);
    expect(urls).toContain(`GET 200 /assets/${p1}/${asset.id}?exp=${u.searchParams.get('exp')}&sig=[REDACTED]`);
    // `%73ig` is `sig` to the query parser: it authenticates, so it is redacted too.
    expect(urls).toContain(`GET 200 /assets/${p1}/${asset.id}?exp=${u.searchParams.get('exp')}&%73ig=[REDACTED]`);
    expect(urls).toContain(`GET 403 /assets/${p1}/${asset.id}?exp=${u.searchParams.get('exp')}&sig=[REDACTED]`);
    expect(urls).toContain(`GET 404 /nowhere?exp=${u.searchParams.get('exp')}&sig=[REDACTED]`);
  });
});
