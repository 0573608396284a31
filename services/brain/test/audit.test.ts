import { join } from 'node:path';
import type { Principal } from '@automovie/contracts';
import { tempDir } from '@automovie/testing';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { AuditLog } from '../src/audit.ts';

const alice: Principal = { kind: 'user', sub: 'user:alice', service: 'frontend', userId: 'alice', scopes: ['brain:*'] };

describe('AuditLog', () => {
  it('records who did what, when, to which project, and survives reopening', async () => {
    const dir = await tempDir();
    const file = join(dir.path, 'audit.db');
    const log = new AuditLog(file);
    log.append(alice, 'create_node', 'node.created', 'p1', 'n1');
    log.append(alice, 'create_project', 'project.created', 'p2');
    log.close();
    const again = new AuditLog(file);
    const p1 = again.list({ projectId: 'p1' });
    expect(p1).toHaveLength(1);
    expect(p1[0]).toMatchObject({
      actor: 'user:alice',
      service: 'frontend',
      userId: 'alice',
      tool: 'create_node',
      action: 'node.created',
      target: 'n1',
    });
    expect(Date.parse(p1[0]?.at ?? '')).toBeGreaterThan(Date.now() - 60_000);
    expect(again.list().map((e) => e.action)).toEqual(['node.created', 'project.created']);
    again.close();
    await dir.remove();
  });

  it('cannot be rewritten: updates and deletes are refused by the database itself', async () => {
    const dir = await tempDir();
    const file = join(dir.path, 'audit.db');
    const log = new AuditLog(file);
    log.append(alice, 'delete_node', 'node.deleted', 'p1', 'n1');
    log.close();
    const raw = new Database(file);
    expect(() => raw.prepare("UPDATE audit SET actor = 'mallory'").run()).toThrow(/append-only/);
    expect(() => raw.prepare('DELETE FROM audit').run()).toThrow(/append-only/);
    raw.close();
    await dir.remove();
  });
});
