/**
 * Messages between the store (main thread) and its vector index worker. Types only: the worker
 * imports nothing from the rest of the brain at run time.
 */

/** HNSW and persistence settings of the vector index (defaults in `embedded.ts`). */
export interface VectorIndexSettings {
  exactThreshold: number;
  m: number;
  efConstruction: number;
  efSearch: number;
  persistEveryWrites: number;
  persistIntervalMs: number;
}

export interface WorkerInit {
  dbPath: string;
  vectorsDir: string;
  dbUid: string;
  /** Node labels by code (a vector's code is its index here). */
  labels: readonly string[];
  /** The worker checkpoints the database's WAL this often. */
  checkpointIntervalMs: number;
  settings: VectorIndexSettings;
}

/** Committed vector changes of one transaction of one project, sent after the commit. */
export interface WriteMessage {
  op: 'write';
  projectId: string;
  uid: string;
  dim: number;
  /** The project's vector_seq after the transaction. */
  seq: number;
  addLabels: number[];
  addCodes: number[];
  /** addLabels.length vectors of `dim` floats, normalised, back to back. */
  addVectors: Float32Array;
  deletes: number[];
}

export interface DropMessage {
  op: 'drop';
  projectId: string;
}

export type Request =
  | { op: 'search'; projectId: string; uid: string; query: Float32Array; k: number; codes: number[] | null }
  | { op: 'inspect'; projectId: string }
  | { op: 'persist' }
  | { op: 'halt' }
  | { op: 'close' };

export interface SearchReply {
  labels: number[];
  scores: number[];
}

/** What a project's vector index is doing, for tests and health. */
export interface VectorIndexState {
  /** exact: brute force over all vectors; hnsw: HNSW graph plus the not-yet-inserted vectors. */
  mode: 'none' | 'exact' | 'hnsw';
  /** Live vectors. */
  size: number;
  /** Vectors waiting to be inserted into the HNSW graph (searched exactly meanwhile). */
  pending: number;
  /** How the index was loaded: from its file (plus replay), rebuilt from the database, or built up since. */
  source: 'empty' | 'database' | 'file' | 'rebuilt';
  /** Why the file was not used, when rebuilt. */
  rebuildReason?: string;
  /** Vectors taken from the database because the file lacked them (replay). */
  replayed: number;
  /** Points of the file marked deleted because the database no longer has them. */
  pruned: number;
  appliedSeq: number;
  persistedSeq: number | null;
  dim: number | null;
}

export type WorkerMessage = WriteMessage | DropMessage | ({ id: number } & Request);

export type WorkerReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };
