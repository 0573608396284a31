import type { Principal } from '@automovie/contracts';
import type { ToolContext } from '@automovie/mcp-ws';
import type { FleetClients } from '@automovie/service-kit';
import type { VisualConfig } from './config.ts';
import type { PlanContext } from './planning.ts';
import type { StoryboardContext } from './storyboard.ts';

/** What the tools share. */
export interface VisualContext {
  config: VisualConfig;
  clients: FleetClients;
}

function base(ctx: VisualContext, projectId: string, call: ToolContext, principal: Principal): PlanContext {
  return {
    brain: ctx.clients.forCaller('brain', principal),
    projectId,
    progress: (p) => call.progress(p),
    signal: call.signal,
  };
}

/** The brain, acting for the caller, for planning work. */
export function planContext(ctx: VisualContext, projectId: string, call: ToolContext): PlanContext {
  return base(ctx, projectId, call, call.principal);
}

/** The brain and gpu-tasks, acting for the caller, for rendering work. */
export function storyboardContext(ctx: VisualContext, projectId: string, call: ToolContext): StoryboardContext {
  return {
    ...base(ctx, projectId, call, call.principal),
    gpu: ctx.clients.forCaller('gpu-tasks', call.principal),
    pollMs: ctx.config.VISUAL_RENDER_POLL_MS,
    timeoutMs: ctx.config.VISUAL_RENDER_TIMEOUT_MS,
  };
}
