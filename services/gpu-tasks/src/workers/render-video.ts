import { join } from 'node:path';
import { fromZodError } from '@automovie/contracts';
import { planTimeline, renderTimeline, type TimelineSpec, TimelineSpecSchema } from '@automovie/media';
import { GpuTasksError } from '../errors.ts';
import {
  type AssetRef,
  checkFilename,
  classifyMediaFailure,
  downloadAll,
  lookUpAssets,
  progressReporter,
  type SourceAsset,
  unreadableInput,
  uploadVideo,
} from './media-io.ts';
import type { TaskHandler, TaskRun } from './types.ts';

/** Share of the progress bar each phase takes: downloads up to 10 %, the render up to 95 %, the upload the rest. */
const DOWNLOADED = 0.1;
const RENDERED = 0.95;

/**
 * An animatic: the clips' assets (images get a camera move, videos play) looked up and downloaded
 * once each, one ffmpeg render of the timeline with its transitions, soundtrack and burnt-in
 * subtitles, then the file stored as a new video asset of the project.
 */
export function renderVideo(parallelism: number): TaskHandler<'render_video'> {
  return async (run) => {
    const p = run.payload;
    const filename = p.filename ?? `animatic.${p.format}`;
    checkFilename(filename);
    const progress = progressReporter(run);
    await progress.flush(0, 'looking up assets');

    const refs: AssetRef[] = p.clips.map((c, i) => ({ assetId: c.assetId, field: `clips[${i}].assetId`, use: 'clip' }));
    if (p.audioAssetId !== undefined) refs.push({ assetId: p.audioAssetId, field: 'audioAssetId', use: 'audio' });
    const assets = await lookUpAssets(run, refs, parallelism);
    const source = (id: string) => assets.get(id) as SourceAsset;

    const dir = await run.workDir();
    const spec = timelineSpec(p, source, join(dir, `render.${p.format}`));
    // The contract checked these rules at submission; a task queued before a rule moved there is caught here, before any download.
    const valid = TimelineSpecSchema.safeParse(spec);
    if (!valid.success) {
      const e = fromZodError(valid.error, 'payload');
      throw new GpuTasksError('GPU_TASKS_INVALID_PAYLOAD', e.message, e.data);
    }
    planTimeline(spec.clips, spec.fps);

    await downloadAll(run, [...assets.values()], parallelism, (done, total) =>
      progress.report((DOWNLOADED * done) / total, `downloaded ${done}/${total} assets`),
    );
    await progress.flush(DOWNLOADED, 'rendering');

    const started = performance.now();
    let rendered: { durationS: number; bytes: number };
    try {
      rendered = await renderTimeline(valid.data, {
        signal: run.signal,
        onProgress: (f) => progress.report(DOWNLOADED + (RENDERED - DOWNLOADED) * f, 'rendering'),
      });
    } catch (err) {
      throw (await unreadableInput(err, refs, assets, run.signal)) ?? classifyMediaFailure(err, run.signal);
    }
    run.log.info(
      { clips: p.clips.length, durationS: rendered.durationS, bytes: rendered.bytes, renderMs: Math.round(performance.now() - started) },
      'timeline rendered',
    );
    await progress.flush(RENDERED, 'uploading');

    const asset = await uploadVideo(run, spec.outPath, { format: p.format, filename });
    await progress.flush(1, 'done');
    // renderTimeline's duration is ffprobe's reading of the file written, not the planned length.
    return { assetId: asset.id, durationS: rendered.durationS, bytes: asset.bytes };
  };
}

/** The renderer's timeline for a payload whose assets are downloaded (`source` gives each asset's file). */
export function timelineSpec(
  p: TaskRun<'render_video'>['payload'],
  source: (assetId: string) => Pick<SourceAsset, 'path' | 'media'>,
  outPath: string,
): TimelineSpec {
  return {
    width: p.width,
    height: p.height,
    fps: p.fps,
    format: p.format,
    clips: p.clips.map((c) => {
      const s = source(c.assetId);
      return {
        path: s.path,
        kind: s.media === 'image' ? 'image' : 'video',
        durationS: c.durationS,
        movement: c.movement,
        transition: c.transition,
        transitionS: c.transitionS,
      };
    }),
    ...(p.audioAssetId === undefined ? {} : { audioPath: source(p.audioAssetId).path }),
    ...(p.subtitlesSrt === undefined ? {} : { subtitlesSrt: p.subtitlesSrt }),
    outPath,
  };
}
