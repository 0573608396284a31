import type { ToolImpl } from '@automovie/mcp-ws';
import type { VisualContext } from '../context.ts';
import { getShotListTool } from './get-shot-list.ts';
import { listStylePresetsTool } from './list-style-presets.ts';
import { planShotsTool } from './plan-shots.ts';
import { regenerateFrameTool } from './regenerate-frame.ts';
import { renderStoryboardTool } from './render-storyboard.ts';
import { updateShotTool } from './update-shot.ts';

/** Every MCP tool of the visual service. */
export function visualTools(ctx: VisualContext): ToolImpl[] {
  return [
    listStylePresetsTool(),
    planShotsTool(ctx),
    getShotListTool(ctx),
    updateShotTool(ctx),
    renderStoryboardTool(ctx),
    regenerateFrameTool(ctx),
  ] as ToolImpl[];
}
