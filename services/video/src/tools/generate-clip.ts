import { generate_clip, generate_video, ShotRecordSchema, update_node } from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';
import { callClients, type VideoContext } from '../context.ts';
import { VideoError } from '../errors.ts';

export const generateClipTool = (ctx: VideoContext) =>
  implementTool(generate_clip, async ({ projectId, shotId, durationS, width, height }, call) => {
    const { brain, graph } = callClients(ctx, call.principal, projectId);
    const shot = await graph.get(shotId, ShotRecordSchema);
    if (!shot) throw new VideoError('VIDEO_SHOT_NOT_FOUND', `shotId: no shot ${shotId} in project ${projectId}`, { field: 'shotId' });
    if (shot.frameAssetId === undefined) {
      throw new VideoError(
        'VIDEO_MISSING_FRAMES',
        `Shot ${shotId} has no storyboard frame to animate: run the visual service's render_storyboard first`,
        {
          shotIds: [shotId],
          tool: 'visual.render_storyboard',
        },
      );
    }
    const onTimeline = (await graph.timeline())?.shots.find((s) => s.shotId === shotId)?.durationS;
    const length = Math.min(60, durationS ?? onTimeline ?? shot.durationS);
    const out = await brain.call(
      generate_video,
      {
        projectId,
        prompt: shot.imagePrompt ?? shot.description,
        imageAssetId: shot.frameAssetId,
        durationS: length,
        movement: shot.movement,
        width,
        height,
      },
      { signal: call.signal, onProgress: (p) => void call.progress(p).catch(() => undefined) },
    );
    await brain.call(update_node, { projectId, id: shotId, properties: { clipAssetId: out.asset.id } });
    await graph.relate('RENDERED_AS', shotId, out.asset.id, { kind: 'clip' });
    call.log.info({ projectId, shotId, assetId: out.asset.id, cached: out.cached }, 'generated a clip');
    return { shotId, assetId: out.asset.id, durationS: out.asset.durationS ?? length, cached: out.cached };
  });
