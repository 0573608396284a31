import type { Principal } from '@automovie/contracts';
import { FilmGraph } from '@automovie/film-graph';
import type { McpClient } from '@automovie/mcp-ws';
import type { FleetClients } from '@automovie/service-kit';
import type { Logger } from 'pino';

/** What the story tools share. */
export interface StoryContext {
  clients: FleetClients;
  logger: Logger;
  writeParallelism: number;
}

/** The brain acting for the caller (so the brain checks their project role) and the project's film graph. */
export function forCall(ctx: StoryContext, principal: Principal, projectId: string): { brain: McpClient; graph: FilmGraph } {
  const brain = ctx.clients.forCaller('brain', principal);
  return { brain, graph: new FilmGraph(brain, projectId) };
}
