import { AutomovieError, type Principal, type ProjectRole } from '@automovie/contracts';

/** What a tool does to a project, from weakest to strongest. */
export type ProjectAccess = 'read' | 'write' | 'manage' | 'own';

/** The weakest role that may do each kind of access. Viewers only read. */
const NEEDS: Record<ProjectAccess, readonly ProjectRole[]> = {
  read: ['owner', 'producer', 'director', 'writer', 'viewer'],
  write: ['owner', 'producer', 'director', 'writer'],
  manage: ['owner', 'producer'],
  own: ['owner'],
};

/**
 * Checks a call against the caller's role on the project. Service principals act with their
 * scopes alone (already checked by the transport); users acting through a service (on-behalf-of
 * tokens) need a membership whose role allows the access. Non-members learn nothing: the project
 * is reported as not found, the same as a project that does not exist.
 */
export async function authorize(
  principal: Principal,
  projectId: string,
  access: ProjectAccess,
  roleOf: (projectId: string, userId: string) => Promise<ProjectRole | undefined>,
): Promise<void> {
  if (principal.kind === 'service' || principal.userId === undefined) return;
  const role = await roleOf(projectId, principal.userId);
  if (role === undefined) {
    throw new AutomovieError('BRAIN_PROJECT_NOT_FOUND', `Project ${projectId} not found`, { status: 404, data: { projectId } });
  }
  if (!NEEDS[access].includes(role)) {
    throw new AutomovieError(
      'FORBIDDEN',
      `Forbidden: ${access} access to project ${projectId} needs role ${NEEDS[access].join(' or ')}; user ${principal.userId} is ${role}`,
      { data: { projectId, role, access } },
    );
  }
}
