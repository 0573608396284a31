import { update_character } from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';
import { updateCharacter } from '../cast.ts';
import type { CharacterContext } from '../context.ts';

export const updateCharacterTool = (ctx: CharacterContext) =>
  implementTool(update_character, async ({ projectId, characterId, patch }, call) =>
    updateCharacter(
      {
        brain: ctx.clients.forCaller('brain', call.principal),
        projectId,
        parallelism: 1,
        progress: (p) => call.progress(p),
        signal: call.signal,
      },
      characterId,
      patch,
    ),
  );
