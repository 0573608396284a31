import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { type TempDir, tempDir } from '@automovie/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadAsset, uploadAsset } from '../src/index.ts';

const body = Buffer.from('the bytes of an asset, as the brain would serve them');
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** A stand-in for the brain's two asset routes, each path a behaviour to test the client against. */
function handler(req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const received = Buffer.concat(chunks);
    switch (req.url) {
      case '/good':
        res.writeHead(200, { etag: `"${sha(body)}"`, 'content-length': body.length });
        return void res.end(body);
      case '/corrupt':
        res.writeHead(200, { etag: `"${sha(Buffer.from('something else'))}"` });
        return void res.end(body);
      case '/denied':
        res.writeHead(403, { 'content-type': 'application/json' });
        return void res.end(
          JSON.stringify({ error: { code: 'BRAIN_ASSET_URL_EXPIRED', message: 'expired', status: 403, retryable: false } }),
        );
      case '/html':
        res.writeHead(502, { 'content-type': 'text/html' });
        return void res.end('<h1>Bad gateway</h1>');
      case '/slow':
        res.writeHead(200);
        res.write(body);
        return; // never ends
      case '/upload': {
        res.writeHead(201, { 'content-type': 'application/json' });
        const now = new Date().toISOString();
        return void res.end(
          JSON.stringify({
            asset: {
              id: `asset-${sha(received).slice(0, 24)}`,
              projectId: 'p1',
              kind: 'document',
              mime: req.headers['content-type'],
              bytes: received.length,
              sha256: sha(received),
              uri: `asset://${sha(received)}`,
              provider: 'upload',
              costUsd: 0,
              createdAt: now,
            },
          }),
        );
      }
      case '/upload-bad-answer':
        res.writeHead(201, { 'content-type': 'application/json' });
        return void res.end(JSON.stringify({ asset: { id: 'x' } }));
      default:
        res.writeHead(404);
        res.end();
    }
  });
}

describe('downloadAsset / uploadAsset', () => {
  let server: Server;
  let base: string;
  let dir: TempDir;
  beforeAll(async () => {
    dir = await tempDir('automovie-kit-assets-');
    server = createServer(handler);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await dir.remove();
  });

  const failure = (p: Promise<unknown>) =>
    p.then(
      () => ({ code: 'ok' }) as { code: string; message?: string },
      (e: { code: string; message: string }) => e,
    );

  it('downloads to the destination and checks the sha256 of the ETag', async () => {
    const dest = join(dir.path, 'sub', 'a.txt');
    expect(await downloadAsset(`${base}/good`, dest)).toEqual({ bytes: body.length, sha256: sha(body) });
    expect((await readFile(dest)).equals(body)).toBe(true);
  });

  it('keeps nothing when the bytes do not match the ETag, or exceed maxBytes', async () => {
    const dest = join(dir.path, 'bad', 'b.txt');
    expect(await failure(downloadAsset(`${base}/corrupt`, dest))).toMatchObject({ code: 'ASSET_CHECKSUM_MISMATCH' });
    expect(await failure(downloadAsset(`${base}/good`, dest, { maxBytes: 10 }))).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    expect(await readdir(join(dir.path, 'bad'))).toEqual([]);
  });

  it("passes the server's error code on, and names the status of anything else", async () => {
    expect(await failure(downloadAsset(`${base}/denied`, join(dir.path, 'c')))).toMatchObject({ code: 'BRAIN_ASSET_URL_EXPIRED' });
    const e = await failure(downloadAsset(`${base}/html`, join(dir.path, 'c')));
    expect(e).toMatchObject({ code: 'ASSET_TRANSFER_FAILED' });
    expect(e.message).toContain('502');
  });

  it('stops on abort, leaving no partial file', async () => {
    const ac = new AbortController();
    const p = failure(downloadAsset(`${base}/slow`, join(dir.path, 'slow', 'd'), { signal: ac.signal }));
    setTimeout(() => ac.abort(), 50);
    expect((await p).code).not.toBe('ok');
    expect(await readdir(join(dir.path, 'slow'))).toEqual([]);
  });

  it('uploads a file or bytes and validates the answer as an Asset', async () => {
    const src = join(dir.path, 'up.txt');
    await writeFile(src, body);
    const a = await uploadAsset(`${base}/upload`, src, { mime: 'text/plain' });
    expect(a).toMatchObject({ sha256: sha(body), bytes: body.length, mime: 'text/plain' });
    const b = await uploadAsset(`${base}/upload`, new Uint8Array(body), { mime: 'text/plain' });
    expect(b).toEqual({ ...a, createdAt: b.createdAt });
    expect(await failure(uploadAsset(`${base}/upload-bad-answer`, body, { mime: 'text/plain' }))).toMatchObject({
      code: 'ASSET_TRANSFER_FAILED',
    });
    expect(await failure(uploadAsset(`${base}/denied`, body, { mime: 'text/plain' }))).toMatchObject({ code: 'BRAIN_ASSET_URL_EXPIRED' });
    expect(await failure(uploadAsset('http://127.0.0.1:1/upload', body, { mime: 'text/plain' }))).toMatchObject({
      code: 'ASSET_TRANSFER_FAILED',
    });
  });
});
