/**
 * The vector index worker: owns every project's HNSW graph, off the main thread so that inserting
 * into it (≈0.2–0.5 ms per vector at dimension 256 on one core) never holds up a request, a
 * commit or another project's search. It reads the database itself (a read-only connection: WAL
 * lets it read while the main thread writes) to load, replay and rebuild indexes.
 *
 * Per project:
 * * below `exactThreshold` vectors: an exact VectorSet (brute force), no file;
 * * from there on: an HNSW graph (cosine space) plus `pending`, the vectors not inserted yet,
 *   searched exactly and merged with the graph's results. Pending vectors are inserted a few
 *   milliseconds at a time between messages, so searches wait at most one slice.
 *
 * The graph is derived data. It is written to `<vectorsDir>/<projectId>.hnsw` with a metadata
 * file (database and project identity, dimension, last sequence, size and CRC-32), every
 * `persistEveryWrites` changes, every `persistIntervalMs` while changed, and on close. Loading
 * checks all of that; a missing, corrupt or foreign file is rebuilt from the database, and a
 * stale one is reconciled with it: points the database no longer has are marked deleted, vectors
 * the file lacks are replayed.
 */
import { closeSync, openSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { crc32 } from 'node:zlib';
import Database from 'better-sqlite3';
import hnswlib from 'hnswlib-node';
import type { VectorIndexState, WorkerInit, WorkerMessage, WorkerReply, WriteMessage } from './vector-protocol.ts';
import { intoNumbers, type Scored, TopK, VectorSet } from './vector-set.ts';

type Hnsw = InstanceType<typeof hnswlib.HierarchicalNSW>;

const META_FORMAT = 1;
/** Longest stretch of HNSW inserts between two looks at the message queue. */
const SLICE_MS = 4;

interface IndexMeta {
  format: number;
  dbUid: string;
  projectId: string;
  projectUid: string;
  dim: number;
  m: number;
  efConstruction: number;
  lastSeq: number;
  bytes: number;
  crc32: number;
  savedAt: string;
}

interface ProjectRow {
  uid: string;
  vector_dim: number | null;
  vector_seq: number;
}

const init = workerData as WorkerInit;
const { settings } = init;
const port = parentPort!;
const db = new Database(init.dbPath, { readonly: true, fileMustExist: true });
// A second connection only to checkpoint the WAL: PASSIVE never waits for (nor blocks) the main
// thread's writers, and its fsyncs happen here instead of in a commit on the request path.
const checkpointer = new Database(init.dbPath, { fileMustExist: true });
checkpointer.pragma('busy_timeout = 0');
const codeOfLabel = new Map(init.labels.map((l, i) => [l, i]));

const q = {
  project: db.prepare<[string], ProjectRow>('SELECT uid, vector_dim, vector_seq FROM projects WHERE id = ?'),
  count: db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM node_index WHERE project_id = ? AND vseq IS NOT NULL'),
  vectors: db.prepare<[string], { vseq: number; label: string; vec: Buffer }>(
    'SELECT vseq, label, vec FROM node_index WHERE project_id = ? AND vseq IS NOT NULL ORDER BY vseq',
  ),
  labels: db.prepare<[string], { vseq: number; label: string }>(
    'SELECT vseq, label FROM node_index INDEXED BY node_index_by_label WHERE project_id = ? AND vseq IS NOT NULL',
  ),
  vectorOf: db.prepare<[string, number], { label: string; vec: Buffer }>(
    'SELECT label, vec FROM node_index WHERE project_id = ? AND vseq = ?',
  ),
  vectorsOfLabels: db.prepare<[string, string], { vseq: number; vec: Buffer }>(
    'SELECT vseq, vec FROM node_index WHERE project_id = ? AND label IN (SELECT value FROM json_each(?)) AND vseq IS NOT NULL',
  ),
};

function asFloats(buf: Buffer): Float32Array {
  if (buf.byteOffset % 4 === 0) return new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
  return new Float32Array(new Uint8Array(buf).buffer);
}

function codeOf(label: string): number {
  return codeOfLabel.get(label) ?? 255;
}

function paths(projectId: string): { index: string; meta: string } {
  return { index: join(init.vectorsDir, `${projectId}.hnsw`), meta: join(init.vectorsDir, `${projectId}.meta.json`) };
}

function removeFiles(projectId: string): void {
  const p = paths(projectId);
  for (const f of [p.index, p.meta, `${p.index}.tmp`, `${p.meta}.tmp`]) rmSync(f, { force: true });
}

function fileCrc(path: string): { bytes: number; crc: number } {
  const fd = openSync(path, 'r');
  try {
    const chunk = Buffer.allocUnsafe(8 << 20);
    let crc = 0;
    let bytes = 0;
    for (;;) {
      const n = readSync(fd, chunk, 0, chunk.length, bytes);
      if (n === 0) break;
      crc = crc32(chunk.subarray(0, n), crc);
      bytes += n;
    }
    return { bytes, crc };
  } finally {
    closeSync(fd);
  }
}

class ProjectIndex {
  readonly projectId: string;
  readonly uid: string;
  dim: number | null;
  mode: 'exact' | 'hnsw' = 'exact';
  exact: VectorSet | null = null;
  hnsw: Hnsw | null = null;
  /** Live labels of the HNSW graph → label code. */
  readonly hnswCodes = new Map<number, number>();
  readonly codeCounts = new Map<number, number>();
  pending: VectorSet | null = null;
  /** Pending labels in insertion order (ascending: labels are write sequence numbers). */
  queue: number[] = [];
  qHead = 0;
  appliedSeq: number;
  persistedSeq: number | null = null;
  changesSincePersist = 0;
  dirty = false;
  source: VectorIndexState['source'] = 'empty';
  rebuildReason: string | undefined;
  replayed = 0;
  pruned = 0;
  private scratch: number[] = [];

  constructor(projectId: string, row: ProjectRow) {
    this.projectId = projectId;
    this.uid = row.uid;
    this.dim = row.vector_dim;
    this.appliedSeq = row.vector_seq;
  }

  get size(): number {
    return this.mode === 'exact' ? (this.exact?.size ?? 0) : this.hnswCodes.size + (this.pending?.size ?? 0);
  }

  newHnsw(capacity: number): Hnsw {
    const h = new hnswlib.HierarchicalNSW('cosine', this.dim!);
    h.initIndex({
      maxElements: Math.max(1024, Math.ceil(capacity * 1.25)),
      m: settings.m,
      efConstruction: settings.efConstruction,
      randomSeed: 100,
      allowReplaceDeleted: true,
    });
    h.setEf(settings.efSearch);
    return h;
  }

  /** Moves every exact vector to `pending` of a new, empty HNSW graph. */
  toHnsw(): void {
    const set = this.exact!;
    this.hnsw = this.newHnsw(set.size * 2);
    this.pending = set;
    this.queue = set.labels().sort((a, b) => a - b);
    this.qHead = 0;
    this.exact = null;
    this.mode = 'hnsw';
    this.dirty = true;
  }

  insertIntoHnsw(label: number, vector: Float32Array, code: number): void {
    const h = this.hnsw!;
    const used = h.getCurrentCount();
    const deletedSlots = used - this.hnswCodes.size;
    if (deletedSlots <= 0 && used >= h.getMaxElements()) h.resizeIndex(Math.ceil(h.getMaxElements() * 1.5));
    h.addPoint(intoNumbers(vector, this.scratch), label, deletedSlots > 0);
    this.hnswCodes.set(label, code);
    this.codeCounts.set(code, (this.codeCounts.get(code) ?? 0) + 1);
    this.changesSincePersist++;
    this.dirty = true;
  }

  remove(label: number): void {
    if (this.mode === 'exact') {
      this.exact?.delete(label);
      return;
    }
    if (this.pending?.delete(label)) return;
    const code = this.hnswCodes.get(label);
    if (code === undefined) return;
    this.hnsw!.markDelete(label);
    this.hnswCodes.delete(label);
    this.codeCounts.set(code, (this.codeCounts.get(code) ?? 1) - 1);
    this.changesSincePersist++;
    this.dirty = true;
  }

  add(label: number, vector: Float32Array, code: number): void {
    if (this.mode === 'exact') {
      this.exact ??= new VectorSet(this.dim!);
      this.exact.add(label, vector, code);
      if (this.exact.size >= settings.exactThreshold) this.toHnsw();
      return;
    }
    this.pending ??= new VectorSet(this.dim!);
    this.pending.add(label, vector, code);
    this.queue.push(label);
  }

  /** Inserts pending vectors into the graph until `deadline`; true when none are left. */
  drain(deadline: number): boolean {
    const pending = this.pending;
    if (this.mode !== 'hnsw' || !pending || pending.size === 0) return true;
    while (this.qHead < this.queue.length) {
      const label = this.queue[this.qHead++]!;
      const vector = pending.get(label);
      if (!vector) continue;
      this.insertIntoHnsw(label, vector, pending.codeOf(label)!);
      pending.delete(label);
      if (performance.now() >= deadline) break;
    }
    if (pending.size === 0) {
      // Let go of the (possibly large) buffers the backlog needed.
      this.pending = new VectorSet(this.dim!);
      this.queue = [];
      this.qHead = 0;
      return true;
    }
    if (this.qHead > 4096 && this.qHead * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.qHead);
      this.qHead = 0;
    }
    return false;
  }

  minPending(): number | undefined {
    const pending = this.pending;
    if (!pending || pending.size === 0) return undefined;
    for (let i = this.qHead; i < this.queue.length; i++) if (pending.has(this.queue[i]!)) return this.queue[i];
    return undefined;
  }

  search(query: Float32Array, k: number, codes: number[] | null): Scored[] {
    const allowed = codes ? new Set(codes) : null;
    if (this.mode === 'exact') return this.exact ? this.exact.search(query, k, allowed) : [];
    const parts: Scored[][] = [];
    if (this.pending && this.pending.size > 0) parts.push(this.pending.search(query, k, allowed));
    const live = this.hnswCodes.size;
    let selected = live;
    if (allowed) {
      selected = 0;
      for (const c of allowed) selected += this.codeCounts.get(c) ?? 0;
    }
    if (selected > 0) {
      if (allowed && selected <= settings.exactThreshold) parts.push(this.searchSubset(query, k, codes!));
      else parts.push(this.searchHnsw(query, k, allowed, selected, live));
    }
    if (parts.length === 1) return parts[0]!;
    const top = new TopK(k);
    const seen = new Set<number>();
    for (const part of parts) {
      for (const s of part) {
        if (seen.has(s.label)) continue;
        seen.add(s.label);
        top.push(s.label, s.score);
      }
    }
    return top.sorted();
  }

  /** A rare label among many vectors: exact over that label's vectors, read from the database. */
  private searchSubset(query: Float32Array, k: number, codes: number[]): Scored[] {
    const top = new TopK(k);
    const names = JSON.stringify(codes.map((c) => init.labels[c]));
    for (const row of q.vectorsOfLabels.iterate(this.projectId, names)) {
      if (!this.hnswCodes.has(row.vseq)) continue;
      const v = asFloats(row.vec);
      if (v.length !== query.length) continue;
      let dot = 0;
      for (let j = 0; j < v.length; j++) dot += v[j]! * query[j]!;
      if (dot > top.floor) top.push(row.vseq, dot);
    }
    return top.sorted();
  }

  /**
   * The graph's `k` nearest passing the label filter: asks for as many more as the filter's
   * selectivity suggests, then doubles until `k` pass or the graph is exhausted.
   */
  private searchHnsw(query: Float32Array, k: number, allowed: Set<number> | null, selected: number, live: number): Scored[] {
    const h = this.hnsw!;
    const arr = intoNumbers(query, this.scratch);
    let want = Math.min(live, allowed ? Math.ceil((k * live * 1.2) / selected) : k);
    for (;;) {
      h.setEf(Math.max(settings.efSearch, want));
      const res = h.searchKnn(arr, want);
      const out: Scored[] = [];
      for (let i = 0; i < res.neighbors.length; i++) {
        const label = res.neighbors[i]!;
        const code = this.hnswCodes.get(label);
        if (code === undefined || (allowed && !allowed.has(code))) continue;
        out.push({ label, score: 1 - res.distances[i]! });
        if (out.length === k) break;
      }
      if (out.length >= k || want >= live) return out;
      want = Math.min(live, want * 2);
    }
  }

  persist(): void {
    if (this.mode !== 'hnsw' || !this.dirty || !this.hnsw || this.dim === null) return;
    const p = paths(this.projectId);
    const min = this.minPending();
    const lastSeq = min === undefined ? this.appliedSeq : min - 1;
    this.hnsw.writeIndexSync(`${p.index}.tmp`);
    const { bytes, crc } = fileCrc(`${p.index}.tmp`);
    renameSync(`${p.index}.tmp`, p.index);
    const meta: IndexMeta = {
      format: META_FORMAT,
      dbUid: init.dbUid,
      projectId: this.projectId,
      projectUid: this.uid,
      dim: this.dim,
      m: settings.m,
      efConstruction: settings.efConstruction,
      lastSeq,
      bytes,
      crc32: crc,
      savedAt: new Date().toISOString(),
    };
    writeFileSync(`${p.meta}.tmp`, JSON.stringify(meta));
    renameSync(`${p.meta}.tmp`, p.meta);
    this.persistedSeq = lastSeq;
    this.changesSincePersist = 0;
    this.dirty = false;
  }

  state(): VectorIndexState {
    const s: VectorIndexState = {
      mode: this.mode,
      size: this.size,
      pending: this.mode === 'hnsw' ? (this.pending?.size ?? 0) : 0,
      source: this.source,
      replayed: this.replayed,
      pruned: this.pruned,
      appliedSeq: this.appliedSeq,
      persistedSeq: this.persistedSeq,
      dim: this.dim,
    };
    if (this.rebuildReason !== undefined) s.rebuildReason = this.rebuildReason;
    return s;
  }

  /** Loads the project from the database (and its index file when big enough), in one read transaction. */
  static load(projectId: string): ProjectIndex | null {
    return db.transaction(() => {
      const row = q.project.get(projectId);
      if (!row) return null;
      const index = new ProjectIndex(projectId, row);
      const n = q.count.get(projectId)!.n;
      if (n === 0 || row.vector_dim === null) {
        removeFiles(projectId);
        return index;
      }
      if (n < settings.exactThreshold) {
        const set = new VectorSet(row.vector_dim, n);
        for (const r of q.vectors.iterate(projectId)) set.add(r.vseq, asFloats(r.vec), codeOf(r.label));
        index.exact = set;
        index.source = 'database';
        removeFiles(projectId);
        return index;
      }
      index.mode = 'hnsw';
      const reason = index.loadFile(row);
      if (reason !== undefined) index.rebuild(reason, n);
      return index;
    })();
  }

  /** Loads and reconciles the index file; the reason it cannot be used otherwise. */
  private loadFile(row: ProjectRow): string | undefined {
    const p = paths(this.projectId);
    let meta: IndexMeta;
    try {
      meta = JSON.parse(readFileSync(p.meta, 'utf8')) as IndexMeta;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no index file' : 'unreadable index metadata';
    }
    if (meta.format !== META_FORMAT) return 'unknown index format';
    if (meta.dbUid !== init.dbUid || meta.projectId !== this.projectId || meta.projectUid !== row.uid) {
      return 'index file of another database or project';
    }
    if (meta.dim !== row.vector_dim) return 'index dimension differs';
    if (typeof meta.lastSeq !== 'number' || meta.lastSeq > row.vector_seq) return 'index is ahead of the database';
    let size: number;
    try {
      size = statSync(p.index).size;
    } catch {
      return 'no index file';
    }
    if (size !== meta.bytes) return 'index file size differs from its metadata';
    if (fileCrc(p.index).crc !== meta.crc32) return 'index file checksum mismatch';
    const h = new hnswlib.HierarchicalNSW('cosine', row.vector_dim);
    try {
      h.readIndexSync(p.index, true);
    } catch (err) {
      return `index file unreadable: ${(err as Error).message}`;
    }
    h.setEf(settings.efSearch);
    // Reconcile with the database, which is the truth whatever lastSeq says.
    const inDb = new Map<number, number>();
    for (const r of q.labels.iterate(this.projectId)) inDb.set(r.vseq, codeOf(r.label));
    const inFile = h.getIdsList();
    const fileSet = new Set(inFile);
    let pruned = 0;
    for (const label of inFile) {
      if (inDb.has(label)) continue;
      try {
        h.markDelete(label);
        pruned++;
      } catch {
        // already marked deleted in the file
      }
    }
    const live = inDb.size - [...inDb.keys()].filter((l) => !fileSet.has(l)).length;
    if (h.getCurrentCount() - live > Math.max(4096, live)) return 'index file is mostly deleted points';
    this.hnsw = h;
    this.pending = new VectorSet(row.vector_dim);
    const missing: number[] = [];
    for (const [label, code] of inDb) {
      if (fileSet.has(label)) {
        this.hnswCodes.set(label, code);
        this.codeCounts.set(code, (this.codeCounts.get(code) ?? 0) + 1);
      } else {
        missing.push(label);
      }
    }
    missing.sort((a, b) => a - b);
    for (const label of missing) {
      const r = q.vectorOf.get(this.projectId, label);
      if (!r) continue;
      this.pending.add(label, asFloats(r.vec), codeOf(r.label));
      this.queue.push(label);
    }
    this.replayed = missing.length;
    this.pruned = pruned;
    this.persistedSeq = meta.lastSeq;
    this.source = 'file';
    this.dirty = pruned > 0;
    return undefined;
  }

  private rebuild(reason: string, n: number): void {
    this.hnsw = this.newHnsw(n);
    this.hnswCodes.clear();
    this.codeCounts.clear();
    const pending = new VectorSet(this.dim!, n);
    this.queue = [];
    this.qHead = 0;
    for (const r of q.vectors.iterate(this.projectId)) {
      pending.add(r.vseq, asFloats(r.vec), codeOf(r.label));
      this.queue.push(r.vseq);
    }
    this.pending = pending;
    this.source = 'rebuilt';
    this.rebuildReason = reason;
    this.dirty = true;
  }
}

const projects = new Map<string, ProjectIndex | null>();

function projectIndex(projectId: string, uid?: string): ProjectIndex | null {
  let index = projects.get(projectId);
  if (index === undefined || (uid !== undefined && index !== null && index.uid !== uid) || (index === null && uid !== undefined)) {
    index = ProjectIndex.load(projectId);
    projects.set(projectId, index);
    if (index?.mode === 'hnsw' && (index.pending?.size ?? 0) > 0) scheduleDrain();
  }
  return index;
}

function applyWrite(msg: WriteMessage): void {
  let index = projectIndex(msg.projectId, msg.uid);
  if (!index || index.uid !== msg.uid) return; // the project is gone or was replaced: the message is stale
  if (msg.seq <= index.appliedSeq) return; // the load already read this commit from the database
  if (index.dim !== msg.dim) {
    if (index.size > 0) {
      // Should not happen (the store keeps one dimension per project): trust the database.
      projects.delete(msg.projectId);
      index = projectIndex(msg.projectId, msg.uid);
      return;
    }
    index.dim = msg.dim;
    index.exact = null;
    index.mode = 'exact';
  }
  for (const label of msg.deletes) index.remove(label);
  const dim = msg.dim;
  for (let i = 0; i < msg.addLabels.length; i++) {
    index.add(msg.addLabels[i]!, msg.addVectors.subarray(i * dim, (i + 1) * dim), msg.addCodes[i]!);
  }
  index.appliedSeq = msg.seq;
  if (index.mode === 'hnsw') scheduleDrain();
}

let drainScheduled = false;
/**
 * Set before the worker is closed or terminated: no more HNSW work starts. A worker terminated in
 * the middle of an insert aborts the whole process (hnswlib-node reads the point from a JavaScript
 * array, and the failed read during termination is a fatal napi error), so the main thread halts
 * it first and terminates it only after the answer.
 */
let halted = false;
function scheduleDrain(): void {
  if (drainScheduled || halted) return;
  drainScheduled = true;
  setImmediate(drainSlice);
}

function drainSlice(): void {
  drainScheduled = false;
  if (halted) return;
  const deadline = performance.now() + SLICE_MS;
  let more = false;
  for (const index of projects.values()) {
    if (index?.mode !== 'hnsw') continue;
    if (performance.now() >= deadline) {
      more = true;
      break;
    }
    const done = index.drain(deadline);
    if (!done) more = true;
    if (index.changesSincePersist >= settings.persistEveryWrites) safely(() => index.persist(), index.projectId);
  }
  if (more) scheduleDrain();
}

function safely(fn: () => void, projectId: string): void {
  try {
    fn();
  } catch (err) {
    // The index is derived: forget it and let the next use load it again from the database.
    projects.delete(projectId);
    port.postMessage({ event: 'error', projectId, message: (err as Error).message });
  }
}

function persistAll(): void {
  for (const [projectId, index] of projects) if (index) safely(() => index.persist(), projectId);
}

const timer = setInterval(persistAll, settings.persistIntervalMs);
timer.unref();
const checkpoints = setInterval(() => {
  try {
    checkpointer.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // busy (another checkpoint is running) or the database is closing: the next tick retries
  }
}, init.checkpointIntervalMs);
checkpoints.unref();

function handle(msg: WorkerMessage): unknown {
  switch (msg.op) {
    case 'write':
      safely(() => applyWrite(msg), msg.projectId);
      return undefined;
    case 'drop':
      projects.delete(msg.projectId);
      removeFiles(msg.projectId);
      return undefined;
    case 'search': {
      const index = projectIndex(msg.projectId, msg.uid);
      if (!index || index.uid !== msg.uid || index.dim !== msg.query.length) return { labels: [], scores: [] };
      const hits = index.search(msg.query, msg.k, msg.codes);
      return { labels: hits.map((h) => h.label), scores: hits.map((h) => h.score) };
    }
    case 'inspect': {
      const index = projectIndex(msg.projectId);
      return index ? index.state() : null;
    }
    case 'persist':
      persistAll();
      return undefined;
    case 'halt':
      halted = true;
      return undefined;
    case 'close':
      halted = true;
      clearInterval(timer);
      clearInterval(checkpoints);
      persistAll();
      db.close();
      checkpointer.close();
      return undefined;
  }
}

port.on('message', (msg: WorkerMessage) => {
  if (!('id' in msg)) {
    handle(msg);
    return;
  }
  let reply: WorkerReply;
  try {
    reply = { id: msg.id, ok: true, value: handle(msg) };
  } catch (err) {
    reply = { id: msg.id, ok: false, error: (err as Error).message };
  }
  port.postMessage(reply);
  if (msg.op === 'close') port.close();
});
