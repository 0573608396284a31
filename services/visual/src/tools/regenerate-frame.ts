import { regenerate_frame } from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';
import { storyboardContext, type VisualContext } from '../context.ts';
import { regenerateFrame } from '../storyboard.ts';

export const regenerateFrameTool = (ctx: VisualContext) =>
  implementTool(regenerate_frame, async ({ projectId, shotId, seed, width, height }, call) =>
    regenerateFrame(storyboardContext(ctx, projectId, call), {
      shotId,
      ...(seed === undefined ? {} : { seed }),
      ...(width === undefined ? {} : { width }),
      ...(height === undefined ? {} : { height }),
    }),
  );
