import { join } from 'node:path';
import { transcode as transcodeMedia } from '@automovie/media';
import {
  type AssetRef,
  classifyMediaFailure,
  downloadAll,
  lookUpAssets,
  progressReporter,
  type SourceAsset,
  unreadableInput,
  uploadVideo,
} from './media-io.ts';
import type { TaskHandler } from './types.ts';

/** `scene-3.mp4` → `scene-3.webm`; a source without a usable name is named after its asset. */
function outputName(source: SourceAsset, format: string): string {
  const base = source.asset.filename?.replace(/\.[^.]*$/, '').replace(/[/\\]/g, '_') || source.asset.id;
  return `${base.slice(0, 240)}.${format}`;
}

/** Re-encodes a video asset to MP4 (H.264/AAC) or WebM (VP9/Opus), optionally scaled, as a new video asset. */
export const transcode: TaskHandler<'transcode'> = async (run) => {
  const p = run.payload;
  const progress = progressReporter(run);
  await progress.flush(0, 'looking up the asset');
  const refs: AssetRef[] = [{ assetId: p.assetId, field: 'assetId', use: 'video' }];
  const assets = await lookUpAssets(run, refs, 1);
  const source = assets.get(p.assetId) as SourceAsset;
  await downloadAll(run, [source], 1, () => {});
  await progress.flush(0.1, 'transcoding');

  const outPath = join(await run.workDir(), `transcoded.${p.format}`);
  let out: { durationS: number; bytes: number };
  try {
    out = await transcodeMedia(
      {
        input: source.path,
        output: outPath,
        format: p.format,
        ...(p.width === undefined ? {} : { width: p.width }),
        ...(p.height === undefined ? {} : { height: p.height }),
      },
      { signal: run.signal, onProgress: (f) => progress.report(0.1 + 0.85 * f, 'transcoding') },
    );
  } catch (err) {
    throw (await unreadableInput(err, refs, assets, run.signal)) ?? classifyMediaFailure(err, run.signal);
  }
  await progress.flush(0.95, 'uploading');
  const asset = await uploadVideo(run, outPath, { format: p.format, filename: outputName(source, p.format) });
  await progress.flush(1, 'done');
  return { assetId: asset.id, durationS: out.durationS, bytes: asset.bytes };
};
