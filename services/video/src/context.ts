import type { Principal } from '@automovie/contracts';
import { FilmGraph } from '@automovie/film-graph';
import type { McpClient } from '@automovie/mcp-ws';
import type { FleetClients } from '@automovie/service-kit';
import type { VideoConfig } from './config.ts';

/** What the tools share. */
export interface VideoContext {
  config: VideoConfig;
  clients: FleetClients;
}

/** The clients one call works with, all acting for its caller (so the brain checks the caller's project role). */
export interface CallClients {
  brain: McpClient;
  tasks: McpClient;
  audio: McpClient;
  graph: FilmGraph;
}

export function callClients(ctx: VideoContext, principal: Principal, projectId: string): CallClients {
  const brain = ctx.clients.forCaller('brain', principal);
  return {
    brain,
    tasks: ctx.clients.forCaller('gpu-tasks', principal),
    audio: ctx.clients.forCaller('audio', principal),
    graph: new FilmGraph(brain, projectId),
  };
}
