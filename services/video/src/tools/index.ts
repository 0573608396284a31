import type { ToolImpl } from '@automovie/mcp-ws';
import type { VideoContext } from '../context.ts';
import { assembleAnimaticTool } from './assemble-animatic.ts';
import { buildTimelineTool } from './build-timeline.ts';
import { generateClipTool } from './generate-clip.ts';
import { mergeClipsTool, probeTool, thumbnailTool, trimTool } from './local-media.ts';
import { transcodeTool } from './transcode.ts';

/** Every tool of the video service. */
export function videoTools(ctx: VideoContext): ToolImpl[] {
  return [
    buildTimelineTool(ctx),
    assembleAnimaticTool(ctx),
    generateClipTool(ctx),
    mergeClipsTool(ctx),
    trimTool(ctx),
    transcodeTool(ctx),
    thumbnailTool(ctx),
    probeTool(ctx),
  ] as ToolImpl[];
}
