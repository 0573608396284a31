import { render_storyboard } from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';
import { storyboardContext, type VisualContext } from '../context.ts';
import { renderStoryboard } from '../storyboard.ts';

export const renderStoryboardTool = (ctx: VisualContext) =>
  implementTool(render_storyboard, async ({ projectId, width, height, seed }, call) => {
    const result = await renderStoryboard(storyboardContext(ctx, projectId, call), {
      width,
      height,
      ...(seed === undefined ? {} : { seed }),
    });
    call.log.info({ projectId, rendered: result.rendered, reused: result.reused }, 'rendered storyboard');
    return result;
  });
