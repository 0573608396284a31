import { get_bible } from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';
import { getBible } from '../cast.ts';
import type { CharacterContext } from '../context.ts';

export const getBibleTool = (ctx: CharacterContext) =>
  implementTool(get_bible, async ({ projectId }, call) =>
    getBible({ brain: ctx.clients.forCaller('brain', call.principal), projectId, parallelism: 1 }),
  );
