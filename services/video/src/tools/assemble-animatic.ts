import { assemble_animatic, make_subtitles } from '@automovie/contracts';
import { hashOf, MixRecordSchema, readRecord, runTask, timelineAudioKey, writeRecord } from '@automovie/film-graph';
import { implementTool } from '@automovie/mcp-ws';
import { callClients, type VideoContext } from '../context.ts';
import { taskFailed, VideoError } from '../errors.ts';
import { AnimaticRecordSchema, recordIds } from '../records.ts';

/** Length of a fade or dissolve between shots. */
const TRANSITION_S = 0.5;

export const assembleAnimaticTool = (ctx: VideoContext) =>
  implementTool(assemble_animatic, async (input, call) => {
    const { projectId, format, burnSubtitles, width, height, fps } = input;
    const { brain, tasks, audio, graph } = callClients(ctx, call.principal, projectId);
    const timeline = await graph.timeline();
    if (!timeline || timeline.shots.length === 0) {
      throw new VideoError('VIDEO_NO_TIMELINE', `Project ${projectId} has no timeline: run build_timeline first`, {
        tool: 'video.build_timeline',
      });
    }
    const missing = timeline.shots.filter((s) => s.frameAssetId === undefined).map((s) => s.shotId);
    if (missing.length > 0) {
      throw new VideoError(
        'VIDEO_MISSING_FRAMES',
        `Shots ${missing.join(', ')} have no storyboard frame: run the visual service's render_storyboard, then build_timeline`,
        {
          shotIds: missing,
          tool: 'visual.render_storyboard',
        },
      );
    }
    // A film may be cut before it is scored (a silent animatic); a mix made for another cut is refused.
    const mixRecord = await readRecord(brain, projectId, recordIds.mix(), MixRecordSchema);
    if (mixRecord && mixRecord.timelineAudioKey !== timelineAudioKey(timeline)) {
      throw new VideoError(
        'VIDEO_MIX_STALE',
        "The stored mix was made for another timeline: run the audio service's score_scene and mix again",
        {
          tool: 'audio.mix',
          mixAssetId: mixRecord.assetId,
        },
      );
    }
    const subtitlesSrt =
      burnSubtitles && timeline.lines.length > 0
        ? (await audio.call(make_subtitles, { projectId, format: 'srt' }, { signal: call.signal })).srt
        : undefined;

    const clips = timeline.shots.map((s) => ({
      key: s.shotId,
      assetId: s.frameAssetId!,
      durationS: s.durationS,
      movement: s.movement,
      transition: s.transition,
      transitionS: s.transition === 'cut' ? 0 : TRANSITION_S,
    }));
    const payload = {
      width,
      height,
      fps,
      format,
      clips,
      ...(mixRecord ? { audioAssetId: mixRecord.assetId } : {}),
      ...(subtitlesSrt ? { subtitlesSrt } : {}),
      filename: `animatic.${format}`,
    };
    const key = hashOf(payload);
    const stored = await readRecord(brain, projectId, recordIds.animatic(format), AnimaticRecordSchema);
    if (stored?.key === key) {
      return {
        assetId: stored.assetId,
        durationS: stored.durationS,
        rebuilt: false,
        hasAudio: stored.hasAudio,
        ...(stored.taskId ? { taskId: stored.taskId } : {}),
      };
    }
    const { task, result } = await runTask({
      tasks,
      projectId,
      kind: 'render_video',
      payload,
      idempotencyKey: `animatic:${key}`,
      pollMs: ctx.config.VIDEO_TASK_POLL_MS,
      onProgress: (p) => void call.progress(p).catch(() => undefined),
      signal: call.signal,
      fail: taskFailed,
    });
    const hasAudio = mixRecord !== undefined;
    await writeRecord(brain, projectId, {
      id: recordIds.animatic(format),
      kind: 'animatic',
      description: `Animatic (${format}, ${width}×${height} at ${fps} fps) of ${clips.length} shots, ${result.durationS.toFixed(1)} s${hasAudio ? ' with the mix' : ', silent'}`,
      data: { key, assetId: result.assetId, durationS: result.durationS, hasAudio, taskId: task.id },
    });
    call.log.info({ projectId, assetId: result.assetId, durationS: result.durationS, taskId: task.id }, 'assembled the animatic');
    return { assetId: result.assetId, durationS: result.durationS, rebuilt: true, hasAudio, taskId: task.id };
  });
