import { transcode } from '@automovie/contracts';
import { hashOf, runTask } from '@automovie/film-graph';
import { implementTool } from '@automovie/mcp-ws';
import { callClients, type VideoContext } from '../context.ts';
import { taskFailed } from '../errors.ts';

export const transcodeTool = (ctx: VideoContext) =>
  implementTool(transcode, async ({ projectId, assetId, format, width, height }, call) => {
    const { tasks } = callClients(ctx, call.principal, projectId);
    const payload = { assetId, format, ...(width === undefined ? {} : { width }), ...(height === undefined ? {} : { height }) };
    const { result } = await runTask({
      tasks,
      projectId,
      kind: 'transcode',
      payload,
      idempotencyKey: `transcode:${hashOf(payload)}`,
      pollMs: ctx.config.VIDEO_TASK_POLL_MS,
      onProgress: (p) => void call.progress(p).catch(() => undefined),
      signal: call.signal,
      fail: taskFailed,
    });
    return result;
  });
