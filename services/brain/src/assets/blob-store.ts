import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { BrainError, invalidInput } from '../errors.ts';

/** A sha256 as the store names blobs: 64 lowercase hex digits, nothing else. */
export const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * The asset blob port: content-addressed bytes, named by their sha256. Writes are atomic and
 * idempotent (the same bytes stored twice are one blob); nothing but a valid sha256 ever becomes
 * part of a path, so no input can reach outside the store.
 */
export interface AssetBlobStore {
  /** Stores the bytes (a no-op when that content is already there). */
  put(bytes: Uint8Array): Promise<{ sha256: string; bytes: number }>;
  /** Moves a temp file whose sha256 the caller computed while writing it into the store (or removes it when the blob exists). */
  putFile(tempPath: string, sha256: string): Promise<void>;
  /** BRAIN_ASSET_BLOB_MISSING when absent. */
  read(sha256: string): Promise<Uint8Array>;
  /** The blob, or the inclusive byte range of it; a missing blob is an `error` event of the stream. */
  stream(sha256: string, range?: { start: number; end: number }): NodeJS.ReadableStream;
  /** Undefined when absent. `modifiedMs`: when it was last written or re-put (garbage collection spares recent blobs). */
  stat(sha256: string): Promise<{ bytes: number; modifiedMs: number } | undefined>;
  /** A fresh path for a temp file on the store's own file system (so `putFile` is a rename). */
  tempPath(): Promise<string>;
  /** Every stored sha256 (for garbage collection). */
  list(): AsyncIterable<string>;
  /** Deletes a blob; false when it was not there. */
  remove(sha256: string): Promise<boolean>;
  /** Deletes temp files last written before `beforeMs` (left by crashed uploads); returns how many. */
  removeStaleTemps(beforeMs: number): Promise<number>;
}

function checkSha(sha256: string): string {
  if (typeof sha256 !== 'string' || !SHA256_HEX.test(sha256)) throw invalidInput('sha256', 'must be 64 lowercase hex digits');
  return sha256;
}

async function fsyncPath(path: string, flags: 'r' | 'r+' = 'r'): Promise<void> {
  const h = await open(path, flags);
  try {
    await h.sync();
  } finally {
    await h.close();
  }
}

function isNotFound(err: unknown): boolean {
  return (err as NodeJS.ErrnoException)?.code === 'ENOENT';
}

/**
 * Blobs as files at `<dir>/<first two hex digits>/<sha256>`, written to `<dir>/tmp/`, fsynced and
 * renamed into place (then the directory fsynced): a crash leaves either the whole blob or none,
 * never a torn one under its final name.
 */
export class LocalAssetBlobStore implements AssetBlobStore {
  readonly dir: string;
  readonly #tmp: string;
  #ready: Promise<void> | undefined;

  constructor(dir: string) {
    this.dir = dir;
    this.#tmp = join(dir, 'tmp');
  }

  #init(): Promise<void> {
    this.#ready ??= mkdir(this.#tmp, { recursive: true }).then(() => undefined);
    return this.#ready;
  }

  /** The blob's path; the sha256 is validated first, so this is always inside `dir`. */
  pathOf(sha256: string): string {
    const sha = checkSha(sha256);
    return join(this.dir, sha.slice(0, 2), sha);
  }

  async tempPath(): Promise<string> {
    await this.#init();
    return join(this.#tmp, `${Date.now()}-${randomBytes(8).toString('hex')}.part`);
  }

  async put(bytes: Uint8Array): Promise<{ sha256: string; bytes: number }> {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if ((await this.stat(sha256))?.bytes === bytes.byteLength) {
      await this.#touch(sha256);
      return { sha256, bytes: bytes.byteLength };
    }
    const temp = await this.tempPath();
    try {
      const h = await open(temp, 'wx');
      try {
        await h.writeFile(bytes);
        await h.sync();
      } finally {
        await h.close();
      }
      await this.#moveIn(temp, sha256);
    } finally {
      await rm(temp, { force: true });
    }
    return { sha256, bytes: bytes.byteLength };
  }

  async putFile(tempPath: string, sha256: string): Promise<void> {
    checkSha(sha256);
    try {
      const existing = await this.stat(sha256);
      const incoming = await stat(tempPath);
      if (existing?.bytes === incoming.size) {
        await this.#touch(sha256);
        return;
      }
      await fsyncPath(tempPath, 'r+');
      await this.#moveIn(tempPath, sha256);
    } finally {
      await rm(tempPath, { force: true });
    }
  }

  /** Marks a reused blob as fresh, so a garbage collection running meanwhile spares it until its node exists. */
  async #touch(sha256: string): Promise<void> {
    const now = new Date();
    await utimes(this.pathOf(sha256), now, now).catch((err: unknown) => {
      if (!isNotFound(err)) throw err;
    });
  }

  async #moveIn(temp: string, sha256: string): Promise<void> {
    const target = this.pathOf(sha256);
    const shard = join(this.dir, sha256.slice(0, 2));
    await mkdir(shard, { recursive: true });
    // Two writers of the same content may race here: rename replaces atomically, and both files hold the same bytes.
    await rename(temp, target);
    await fsyncPath(shard);
  }

  async read(sha256: string): Promise<Uint8Array> {
    const path = this.pathOf(sha256);
    try {
      return new Uint8Array(await readFile(path));
    } catch (err) {
      if (isNotFound(err)) throw missing(sha256, err);
      throw err;
    }
  }

  stream(sha256: string, range?: { start: number; end: number }): NodeJS.ReadableStream {
    const path = this.pathOf(sha256);
    if (range !== undefined) {
      const { start, end } = range;
      if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
        throw invalidInput('range', 'start and end are integers with 0 <= start <= end');
      }
    }
    return createReadStream(path, range === undefined ? {} : { start: range.start, end: range.end });
  }

  async stat(sha256: string): Promise<{ bytes: number; modifiedMs: number } | undefined> {
    const path = this.pathOf(sha256);
    try {
      const s = await stat(path);
      return s.isFile() ? { bytes: s.size, modifiedMs: s.mtimeMs } : undefined;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async *list(): AsyncIterable<string> {
    let shards: string[];
    try {
      shards = await readdir(this.dir);
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    for (const shard of shards.sort()) {
      if (!/^[0-9a-f]{2}$/.test(shard)) continue;
      for (const name of (await readdir(join(this.dir, shard))).sort()) {
        if (SHA256_HEX.test(name) && name.startsWith(shard)) yield name;
      }
    }
  }

  async removeStaleTemps(beforeMs: number): Promise<number> {
    let names: string[];
    try {
      names = await readdir(this.#tmp);
    } catch (err) {
      if (isNotFound(err)) return 0;
      throw err;
    }
    let removed = 0;
    for (const name of names) {
      const path = join(this.#tmp, name);
      const s = await stat(path).catch(() => undefined);
      if (s?.isFile() && s.mtimeMs < beforeMs) {
        await rm(path, { force: true });
        removed++;
      }
    }
    return removed;
  }

  async remove(sha256: string): Promise<boolean> {
    const path = this.pathOf(sha256);
    try {
      await rm(path);
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }
}

function missing(sha256: string, cause?: unknown): BrainError {
  return new BrainError('BRAIN_ASSET_BLOB_MISSING', `Asset blob ${sha256} is missing from the asset store`, {
    data: { sha256 },
    ...(cause === undefined ? {} : { cause }),
  });
}
