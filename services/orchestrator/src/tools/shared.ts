import type { Run } from '@automovie/contracts';
import type { ToolContext } from '@automovie/mcp-ws';
import type { FleetClients } from '@automovie/service-kit';
import type { Engine } from '../engine/engine.ts';
import type { StoredRun } from '../runs/store.ts';

/** What the orchestrator's tools work with. */
export interface ToolDeps {
  engine: Engine;
  clients: FleetClients;
}

/** The run as callers see it (without the executor's bookkeeping). */
export function publicRun(run: StoredRun): Run {
  const { thread: _t, generation: _g, pendingResume: _p, force: _f, carriedChoices: _c, ...rest } = run;
  return rest;
}

/**
 * Waits up to `waitMs` for the run to settle, sending the caller a progress notification at every
 * change: progress counts steps (total = the number of steps), the message names the running step.
 */
export async function settle(deps: ToolDeps, run: StoredRun, waitMs: number, call: ToolContext): Promise<StoredRun> {
  if (waitMs <= 0) return run;
  const total = deps.engine.steps.length;
  let last = -1;
  const report = (r: StoredRun) => {
    const progress = deps.engine.progressOf(r) * total;
    if (progress < last) return;
    last = progress;
    const current = r.steps.find((s) => s.state === 'running');
    const detail = current
      ? `: ${current.name} ${Math.round(current.progress * 100)}%${current.message ? ` (${current.message})` : ''}`
      : '';
    call.progress({ progress, total, message: `${r.state}${detail}`.slice(0, 500) }).catch(() => {});
  };
  report(run);
  return deps.engine.waitFor(run.id, waitMs, report, call.signal);
}
