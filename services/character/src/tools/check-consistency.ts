import { check_consistency } from '@automovie/contracts';
import { FilmGraph } from '@automovie/film-graph';
import { implementTool } from '@automovie/mcp-ws';
import { checkConsistency } from '../consistency.ts';
import type { CharacterContext } from '../context.ts';

export const checkConsistencyTool = (ctx: CharacterContext) =>
  implementTool(check_consistency, async ({ projectId }, call) => {
    const graph = new FilmGraph(ctx.clients.forCaller('brain', call.principal), projectId);
    const [characters, scenes, lines, shots] = await Promise.all([graph.characters(), graph.scenes(), graph.lines(), graph.shots()]);
    const report = checkConsistency({ characters, scenes, lines, shots });
    call.log.info({ projectId, contradictions: report.contradictions.length, checked: report.checked }, 'checked consistency');
    return report;
  });
