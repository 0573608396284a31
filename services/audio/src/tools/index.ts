import type { ToolImpl } from '@automovie/mcp-ws';
import type { AudioContext } from '../context.ts';
import { makeSubtitlesTool } from './make-subtitles.ts';
import { mixTool } from './mix.ts';
import { scoreSceneTool } from './score-scene.ts';
import { voiceDialogueTool } from './voice-dialogue.ts';

/** Every tool of the audio service. */
export function audioTools(ctx: AudioContext): ToolImpl[] {
  return [voiceDialogueTool(ctx), makeSubtitlesTool(ctx), scoreSceneTool(ctx), mixTool(ctx)] as ToolImpl[];
}
