import { AutomovieError, get_project, isAutomovieError, type Principal } from '@automovie/contracts';
import type { FleetClients } from '@automovie/service-kit';
import { OrchestratorError } from './errors.ts';

const CONNECTION_CODES = new Set(['CONNECTION_LOST', 'UNAVAILABLE', 'TIMEOUT']);

/**
 * Asks the brain whether the caller may read (or write) a project: the brain checks the user's
 * membership on get_project; writing also needs a role above viewer. Services act with their
 * scopes alone. A project the caller cannot see is reported as not found.
 */
export async function checkProjectAccess(
  clients: FleetClients,
  principal: Principal,
  projectId: string,
  access: 'read' | 'write',
): Promise<void> {
  let members: { userId: string; role: string }[];
  try {
    ({ members } = await clients.forCaller('brain', principal).call(get_project, { projectId }, { timeoutMs: 10_000 }));
  } catch (err) {
    if (isAutomovieError(err) && err.code === 'BRAIN_PROJECT_NOT_FOUND') {
      throw new OrchestratorError('ORCHESTRATOR_PROJECT_NOT_FOUND', `Project ${projectId} not found`, { data: { projectId } });
    }
    if (isAutomovieError(err) && CONNECTION_CODES.has(err.code)) {
      throw new OrchestratorError(
        'ORCHESTRATOR_BRAIN_UNAVAILABLE',
        `Cannot check project ${projectId}: the brain is unreachable (${err.message})`,
        {
          cause: err,
        },
      );
    }
    throw err;
  }
  if (access === 'write' && principal.userId !== undefined) {
    const role = members.find((m) => m.userId === principal.userId)?.role;
    if (role === undefined) {
      throw new OrchestratorError('ORCHESTRATOR_PROJECT_NOT_FOUND', `Project ${projectId} not found`, { data: { projectId } });
    }
    if (role === 'viewer') {
      throw new AutomovieError(
        'FORBIDDEN',
        `Forbidden: starting or changing runs of project ${projectId} needs role owner, producer, director or writer; user ${principal.userId} is viewer`,
        { data: { projectId, role } },
      );
    }
  }
}
