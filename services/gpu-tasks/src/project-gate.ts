import { get_project, isAutomovieError, type Principal } from '@automovie/contracts';
import type { FleetClients } from '@automovie/service-kit';
import { GpuTasksError } from './errors.ts';

/** Options of {@link ProjectGate}. */
export interface ProjectGateOptions {
  clients: FleetClients;
  /** Whether to check at all. Default true. */
  enabled?: boolean;
  /** How long a successful check is remembered per caller and project. Default 60000 ms. */
  cacheMs?: number;
  /** Most remembered checks before the memory is cleared. Default 10000. */
  maxEntries?: number;
}

/**
 * Checks, through the brain and as the caller, that a project exists and that the caller may
 * use it: any member may read its tasks, viewers may not submit or cancel. The brain reports
 * a project the user is no member of as not found, and so does this gate.
 */
export class ProjectGate {
  readonly #o: ProjectGateOptions;
  readonly #ok = new Map<string, number>();

  constructor(opts: ProjectGateOptions) {
    this.#o = opts;
  }

  async check(principal: Principal, projectId: string, access: 'read' | 'write'): Promise<void> {
    if (this.#o.enabled === false) return;
    const who = principal.userId === undefined ? `svc:${principal.service}` : `user:${principal.userId}`;
    const key = `${who}\0${projectId}\0${access}`;
    const until = this.#ok.get(key);
    if (until !== undefined && until > Date.now()) return;
    let members: { userId: string; role: string }[];
    try {
      ({ members } = await this.#o.clients.forCaller('brain', principal).call(get_project, { projectId }));
    } catch (err) {
      if (isAutomovieError(err) && (err.code === 'BRAIN_PROJECT_NOT_FOUND' || err.code === 'NOT_FOUND')) {
        throw new GpuTasksError('GPU_TASKS_PROJECT_NOT_FOUND', `Project ${projectId} not found`, { projectId });
      }
      throw err;
    }
    if (access === 'write' && principal.userId !== undefined) {
      const role = members.find((m) => m.userId === principal.userId)?.role;
      if (role === 'viewer') {
        throw new GpuTasksError('GPU_TASKS_FORBIDDEN', `Forbidden: viewers of project ${projectId} cannot submit or cancel tasks`, {
          projectId,
          role,
        });
      }
    }
    if (this.#ok.size >= (this.#o.maxEntries ?? 10_000)) this.#ok.clear();
    const cacheMs = this.#o.cacheMs ?? 60_000;
    if (cacheMs > 0) this.#ok.set(key, Date.now() + cacheMs);
  }
}
