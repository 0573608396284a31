import { cast_characters } from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';
import { castCharacters } from '../cast.ts';
import type { CharacterContext } from '../context.ts';

export const castCharactersTool = (ctx: CharacterContext) =>
  implementTool(cast_characters, async ({ projectId, maxCharacters, seed }, call) => {
    const result = await castCharacters(
      {
        brain: ctx.clients.forCaller('brain', call.principal),
        projectId,
        parallelism: ctx.config.CHARACTER_REFERENCE_PARALLELISM,
        progress: (p) => call.progress(p),
        signal: call.signal,
      },
      { maxCharacters, ...(seed === undefined ? {} : { seed }) },
    );
    call.log.info(
      { projectId, characters: result.characters.length, reused: result.reused, references: result.references },
      'cast characters',
    );
    return result;
  });
