import type { Principal, ProjectRole } from '@automovie/contracts';
import { describe, expect, it } from 'vitest';
import { authorize, type ProjectAccess } from '../src/authz.ts';

const user = (userId: string): Principal => ({ kind: 'user', sub: `user:${userId}`, service: 'frontend', userId, scopes: ['brain:*'] });
const service: Principal = { kind: 'service', sub: 'story', service: 'story', scopes: ['brain:*'] };
const roles: Record<string, ProjectRole> = { olga: 'owner', pete: 'producer', dina: 'director', will: 'writer', vic: 'viewer' };
const roleOf = async (projectId: string, userId: string) => (projectId === 'p1' ? roles[userId] : undefined);

async function allowed(p: Principal, access: ProjectAccess, projectId = 'p1'): Promise<boolean | string> {
  try {
    await authorize(p, projectId, access, roleOf);
    return true;
  } catch (err) {
    return (err as { code: string }).code;
  }
}

describe('authorize', () => {
  it('lets every member read', async () => {
    for (const u of Object.keys(roles)) expect(await allowed(user(u), 'read')).toBe(true);
  });

  it('refuses writes to viewers, naming the role needed', async () => {
    expect(await allowed(user('vic'), 'write')).toBe('FORBIDDEN');
    await expect(authorize(user('vic'), 'p1', 'write', roleOf)).rejects.toThrow(
      /needs role owner or producer or director or writer; user vic is viewer/,
    );
    expect(await allowed(user('will'), 'write')).toBe(true);
  });

  it('keeps member management to owners and producers, and ownership to owners', async () => {
    expect(await allowed(user('pete'), 'manage')).toBe(true);
    expect(await allowed(user('dina'), 'manage')).toBe('FORBIDDEN');
    expect(await allowed(user('pete'), 'own')).toBe('FORBIDDEN');
    expect(await allowed(user('olga'), 'own')).toBe(true);
  });

  it('reports another project as not found to non-members, whatever their role elsewhere', async () => {
    expect(await allowed(user('olga'), 'read', 'p2')).toBe('BRAIN_PROJECT_NOT_FOUND');
  });

  it('lets service principals through on their scopes alone', async () => {
    expect(await allowed(service, 'own', 'p2')).toBe(true);
  });
});
