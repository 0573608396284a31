import type { ToolImpl } from '@automovie/mcp-ws';
import { cancelRunTool } from './cancel-run.ts';
import { getRunTool } from './get-run.ts';
import { listRunsTool } from './list-runs.ts';
import { resumeRunTool } from './resume-run.ts';
import { retryStepTool } from './retry-step.ts';
import type { ToolDeps } from './shared.ts';
import { startRunTool } from './start-run.ts';

export type { ToolDeps } from './shared.ts';

/** Every tool of the orchestrator's catalog. */
export function orchestratorTools(deps: ToolDeps): ToolImpl[] {
  return [
    startRunTool(deps),
    getRunTool(deps),
    listRunsTool(deps),
    resumeRunTool(deps),
    cancelRunTool(deps),
    retryStepTool(deps),
  ] as ToolImpl[];
}
