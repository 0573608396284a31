import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Principal } from '@automovie/contracts';
import Database from 'better-sqlite3';

export interface AuditEntry {
  seq: number;
  at: string;
  /** Token subject: a service name or `user:<id>`. */
  actor: string;
  service: string;
  userId: string | null;
  tool: string;
  projectId: string | null;
  /** What was written: `node.created`, `project.deleted`, … */
  action: string;
  target: string | null;
}

/**
 * The append-only audit log of writes (and, later, paid calls): who, what, when, which project.
 * Its own SQLite file, so no graph operation can rewrite it; triggers refuse UPDATE and DELETE.
 */
export class AuditLog {
  readonly #db: Database.Database;
  readonly #insert: Database.Statement;

  constructor(file: string) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.#db = new Database(file);
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma('synchronous = NORMAL');
    this.#db.exec(`
      CREATE TABLE IF NOT EXISTS audit (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        service TEXT NOT NULL,
        user_id TEXT,
        tool TEXT NOT NULL,
        project_id TEXT,
        action TEXT NOT NULL,
        target TEXT
      );
      CREATE INDEX IF NOT EXISTS audit_project ON audit (project_id, seq);
      CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
      CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    `);
    this.#insert = this.#db.prepare(
      'INSERT INTO audit (at, actor, service, user_id, tool, project_id, action, target) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
  }

  append(principal: Principal, tool: string, action: string, projectId: string | undefined, target?: string): void {
    this.#insert.run(
      new Date().toISOString(),
      principal.sub,
      principal.service,
      principal.userId ?? null,
      tool,
      projectId ?? null,
      action,
      target ?? null,
    );
  }

  /** Entries of a project (or of everything when projectId is undefined), oldest first. */
  list(opts: { projectId?: string; afterSeq?: number; limit?: number } = {}): AuditEntry[] {
    const rows = this.#db
      .prepare(
        `SELECT seq, at, actor, service, user_id AS userId, tool, project_id AS projectId, action, target FROM audit
         WHERE seq > ? ${opts.projectId === undefined ? '' : 'AND project_id = ?'} ORDER BY seq LIMIT ?`,
      )
      .all(...[opts.afterSeq ?? 0, ...(opts.projectId === undefined ? [] : [opts.projectId]), opts.limit ?? 1000]);
    return rows as AuditEntry[];
  }

  close(): void {
    this.#db.close();
  }
}
