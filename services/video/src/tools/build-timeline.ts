import { build_timeline } from '@automovie/contracts';
import { stableStringify } from '@automovie/film-graph';
import { implementTool } from '@automovie/mcp-ws';
import { callClients, type VideoContext } from '../context.ts';
import { VideoError } from '../errors.ts';
import { buildTimeline } from '../timeline.ts';

export const buildTimelineTool = (ctx: VideoContext) =>
  implementTool(build_timeline, async ({ projectId, transition, fps }, call) => {
    const { graph } = callClients(ctx, call.principal, projectId);
    const [scenes, shots, lines, before] = await Promise.all([graph.scenes(), graph.shots(), graph.lines(), graph.timeline()]);
    if (shots.length === 0) {
      throw new VideoError('VIDEO_NO_SHOTS', `Project ${projectId} has no shots: run the visual service's plan_shots first`, {
        tool: 'visual.plan_shots',
      });
    }
    const built = buildTimeline({ scenes, shots, lines, transition, fps });
    if (built.unvoicedLines.length > 0) {
      throw new VideoError(
        'VIDEO_LINES_NOT_VOICED',
        `${built.unvoicedLines.length} dialogue lines have no measured audio (${built.unvoicedLines.slice(0, 5).join(', ')}${built.unvoicedLines.length > 5 ? '…' : ''}): run the audio service's voice_dialogue first`,
        { lineIds: built.unvoicedLines, tool: 'audio.voice_dialogue' },
      );
    }
    const { timeline } = built;
    const changed = before === undefined || stableStringify(before) !== stableStringify(timeline);
    if (changed) await graph.saveTimeline(timeline);
    call.log.info({ projectId, durationS: timeline.durationS, shots: timeline.shots.length, changed }, 'built the timeline');
    return {
      durationS: timeline.durationS,
      shots: timeline.shots.length,
      lines: timeline.lines.length,
      scenes: timeline.scenes,
      shotsWithoutFrames: built.shotsWithoutFrames,
      unplacedLines: built.unplacedLines,
      changed,
    };
  });
