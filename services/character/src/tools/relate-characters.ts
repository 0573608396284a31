import { relate_characters } from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';
import { findCharacter, relate } from '../cast.ts';
import type { CharacterContext } from '../context.ts';
import { CharacterError } from '../errors.ts';

export const relateCharactersTool = (ctx: CharacterContext) =>
  implementTool(relate_characters, async ({ projectId, from, to, kind, description }, call) => {
    const cast = { brain: ctx.clients.forCaller('brain', call.principal), projectId, parallelism: 1 };
    const a = await findCharacter(cast, from, 'from');
    const b = await findCharacter(cast, to, 'to');
    if (a.id === b.id)
      throw new CharacterError('CHARACTER_SELF_RELATION', `from and to are both ${a.record.name}: a character cannot relate to itself`);
    return relate(cast, { from: a.id, to: b.id, kind, ...(description === undefined ? {} : { description }) });
  });
