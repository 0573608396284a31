import { randomUUID } from 'node:crypto';
import type { Database } from 'better-sqlite3';

/** Bumped when the schema changes; an unknown version is refused rather than guessed at. */
export const SCHEMA_VERSION = 1;
/** How often the worker checkpoints the WAL into the database file. */
export const CHECKPOINT_INTERVAL_MS = 1000;
/** WAL pages (4 KiB) after which a commit checkpoints by itself (only when the worker has not). */
export const FALLBACK_CHECKPOINT_PAGES = 16384;

/**
 * The embedded backend's tables. The rows here are the source of truth: the FTS5 tables are
 * written in the same transactions, and the HNSW files beside the database are derived and
 * rebuildable.
 *
 * * `projects.uid` names one incarnation of a project id (a deleted and re-created project gets a
 *   new one), so a vector index file of the old one is never taken for the new one.
 * * `projects.vector_seq` counts the project's vector writes; each stored vector carries the
 *   sequence number it was written with (`node_index.vseq`), which is also its label in the HNSW
 *   index. A changed embedding gets a new number, so a label always names one exact vector.
 * * Keyword search has one contentless FTS5 table per project (`fts_<projects.pk>`, created
 *   with its first text): BM25's statistics (document count, lengths, term frequencies) are then
 *   the project's own, so no project's data changes another's scores or ranking, and deleting a
 *   project drops its table instead of deleting row by row.
 * * Edges refer to their ends by (project_id, id): an edge can only join nodes of its own project,
 *   and every traversal query is bounded by project_id through the endpoint indexes.
 */
const DDL = `
CREATE TABLE IF NOT EXISTS meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS projects (
  pk          INTEGER PRIMARY KEY AUTOINCREMENT,
  id          TEXT NOT NULL UNIQUE,
  uid         TEXT NOT NULL,
  name        TEXT NOT NULL,
  logline     TEXT,
  genre       TEXT,
  status      TEXT NOT NULL,
  style_guide TEXT,
  budget_usd  REAL,
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL,
  vector_dim  INTEGER,
  vector_seq  INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE IF NOT EXISTS members (
  project_id TEXT NOT NULL,
  user_id    TEXT NOT NULL,
  role       TEXT NOT NULL,
  email      TEXT,
  name       TEXT,
  added_at   TEXT NOT NULL,
  seq        INTEGER NOT NULL,
  PRIMARY KEY (project_id, user_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS members_by_user ON members (user_id, project_id);

CREATE TABLE IF NOT EXISTS nodes (
  pk         INTEGER PRIMARY KEY,
  project_id TEXT NOT NULL,
  id         TEXT NOT NULL,
  label      TEXT NOT NULL,
  props      TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS nodes_by_id ON nodes (project_id, id);
CREATE INDEX IF NOT EXISTS nodes_by_label ON nodes (project_id, label);

CREATE TABLE IF NOT EXISTS edges (
  pk         INTEGER PRIMARY KEY,
  project_id TEXT NOT NULL,
  id         TEXT NOT NULL,
  type       TEXT NOT NULL,
  from_id    TEXT NOT NULL,
  to_id      TEXT NOT NULL,
  props      TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS edges_by_id ON edges (project_id, id);
CREATE INDEX IF NOT EXISTS edges_by_from ON edges (project_id, from_id, type);
CREATE INDEX IF NOT EXISTS edges_by_to ON edges (project_id, to_id, type);

-- One index entry per node at most: its keyword text and its embedding (Float32, normalised).
-- The text is also in the project's own FTS5 table (ftsTable below), keyed by node_pk.
CREATE TABLE IF NOT EXISTS node_index (
  node_pk    INTEGER PRIMARY KEY,
  project_id TEXT NOT NULL,
  label      TEXT NOT NULL,
  text       TEXT,
  vseq       INTEGER,
  vec        BLOB
);
CREATE UNIQUE INDEX IF NOT EXISTS node_index_by_vseq ON node_index (project_id, vseq) WHERE vseq IS NOT NULL;
CREATE INDEX IF NOT EXISTS node_index_by_label ON node_index (project_id, label, vseq) WHERE vseq IS NOT NULL;

-- Single-use keys (GraphStore.claimOnce); added without a version bump: older files get it on open.
CREATE TABLE IF NOT EXISTS claims (
  key        TEXT PRIMARY KEY,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS claims_by_expiry ON claims (expires_at);

`;

/**
 * Opens the database the way the store needs it and creates the schema if missing. WAL with
 * synchronous=NORMAL: a committed transaction is in the WAL before `commit` returns, so it
 * survives the process being killed; only an OS crash or power loss can lose the last commits
 * (fsyncs happen at checkpoints, which the vector index worker runs off the main thread: with
 * SQLite's automatic checkpoint, one commit in every few dozen paid for a checkpoint's fsyncs,
 * 10–40 ms on a VM disk).
 * Returns the database's own id (kept in `meta`), which vector index files are tied to.
 */
export function prepareDatabase(db: Database): { dbUid: string } {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  // Checkpoints (which fsync) are run by the vector index worker every CHECKPOINT_INTERVAL_MS,
  // off the request path; this automatic one is only the fallback should the worker be down.
  db.pragma(`wal_autocheckpoint = ${FALLBACK_CHECKPOINT_PAGES}`);
  db.pragma('journal_size_limit = 67108864');
  db.pragma('foreign_keys = OFF');
  db.pragma('busy_timeout = 5000');
  db.pragma('temp_store = MEMORY');
  db.pragma('cache_size = -65536');
  // Reads of a database bigger than the page cache go through the OS page cache without a
  // syscall per page (writes still go through the WAL).
  db.pragma('mmap_size = 1073741824');
  db.exec(DDL);
  const get = db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?');
  const version = get.get('schema_version')?.value;
  if (version === undefined) {
    db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run('schema_version', String(SCHEMA_VERSION));
  } else if (Number(version) !== SCHEMA_VERSION) {
    throw new Error(`graph database schema version ${version} is not ${SCHEMA_VERSION}; refusing to open it`);
  }
  let dbUid = get.get('db_uid')?.value;
  if (dbUid === undefined) {
    dbUid = randomUUID();
    db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run('db_uid', dbUid);
  }
  return { dbUid };
}

/** The name of a project's FTS5 table (from its integer key: never caller text). */
export function ftsTable(projectPk: number): string {
  if (!Number.isSafeInteger(projectPk) || projectPk <= 0) throw new Error(`bad project key ${projectPk}`);
  return `fts_${projectPk}`;
}

/** DDL of a project's FTS5 table: contentless (the text lives in node_index), rows deletable by rowid. */
export function ftsTableDdl(projectPk: number): string {
  return `CREATE VIRTUAL TABLE IF NOT EXISTS ${ftsTable(projectPk)} USING fts5(
  text, content = '', contentless_delete = 1, tokenize = 'porter unicode61 remove_diacritics 2')`;
}
