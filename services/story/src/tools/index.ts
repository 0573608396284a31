import type { ToolImpl } from '@automovie/mcp-ws';
import type { StoryContext } from '../context.ts';
import { analyzeDialogueTool } from './analyze-dialogue.ts';
import { chooseOutlineTool } from './choose-outline.ts';
import { developStoryTool } from './develop-story.ts';
import { exportScreenplayTool } from './export-screenplay.ts';
import { getScreenplayTool } from './get-screenplay.ts';
import { getStoryTool } from './get-story.ts';
import { importScreenplayTool } from './import-screenplay.ts';
import { refineStoryTool } from './refine-story.ts';
import { writeScreenplayTool } from './write-screenplay.ts';

export function storyTools(ctx: StoryContext): ToolImpl[] {
  return [
    developStoryTool(ctx),
    chooseOutlineTool(ctx),
    refineStoryTool(ctx),
    getStoryTool(ctx),
    writeScreenplayTool(ctx),
    getScreenplayTool(ctx),
    importScreenplayTool(ctx),
    exportScreenplayTool(ctx),
    analyzeDialogueTool(ctx),
  ] as ToolImpl[];
}
