import type { ToolImpl } from '@automovie/mcp-ws';
import type { CharacterContext } from '../context.ts';
import { castCharactersTool } from './cast-characters.ts';
import { checkConsistencyTool } from './check-consistency.ts';
import { getBibleTool } from './get-bible.ts';
import { relateCharactersTool } from './relate-characters.ts';
import { updateCharacterTool } from './update-character.ts';

/** Every MCP tool of the character service. */
export function characterTools(ctx: CharacterContext): ToolImpl[] {
  return [
    castCharactersTool(ctx),
    updateCharacterTool(ctx),
    relateCharactersTool(ctx),
    getBibleTool(ctx),
    checkConsistencyTool(ctx),
  ] as ToolImpl[];
}
