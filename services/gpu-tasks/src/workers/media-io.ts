import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type Asset, create_asset_upload, fromZodError, get_asset, isAutomovieError, type TaskKind } from '@automovie/contracts';
import { undecodableReason } from '@automovie/media';
import { downloadAsset, uploadAsset } from '@automovie/service-kit';
import { GpuTasksError } from '../errors.ts';
import { mapBounded, type TaskRun } from './types.ts';

/** How a payload uses an asset: which media types fit there. */
export type AssetUse = 'clip' | 'audio' | 'video';

const ACCEPTS: Record<AssetUse, { types: readonly string[]; rule: string }> = {
  clip: { types: ['image', 'video'], rule: 'must be an image or a video' },
  audio: { types: ['audio', 'video'], rule: 'must be audio (or a video with sound)' },
  video: { types: ['video'], rule: 'must be a video' },
};

/** A payload's reference to an asset: the field that names it (for errors) and what it is used as. */
export interface AssetRef {
  assetId: string;
  field: string;
  use: AssetUse;
}

/** An asset the task reads: its metadata, its signed URL and where it is downloaded to. */
export interface SourceAsset {
  asset: Asset;
  url: string;
  path: string;
  /** image, video or audio: the top-level type of its MIME. */
  media: string;
}

/** Provider recorded on the assets these workers upload. */
export const FFMPEG_PROVIDER = 'gpu-tasks-ffmpeg';

/** A file extension ffmpeg's demuxers recognise, from a MIME type ('' when unknown: ffmpeg then probes the content). */
export function extensionOf(mime: string): string {
  const m = mime.toLowerCase();
  if (m === 'image/png') return '.png';
  if (m === 'image/jpeg' || m === 'image/jpg') return '.jpg';
  if (m === 'image/webp') return '.webp';
  if (m === 'image/gif') return '.gif';
  if (m === 'video/mp4') return '.mp4';
  if (m === 'video/webm') return '.webm';
  if (m === 'video/quicktime') return '.mov';
  if (m === 'video/x-matroska') return '.mkv';
  if (m.includes('wav')) return '.wav';
  if (m === 'audio/mpeg' || m === 'audio/mp3') return '.mp3';
  if (m === 'audio/ogg' || m === 'audio/opus') return '.ogg';
  if (m === 'audio/flac') return '.flac';
  if (m === 'audio/mp4' || m === 'audio/aac' || m === 'audio/x-m4a') return '.m4a';
  if (m === 'audio/webm') return '.webm';
  return '';
}

/**
 * Looks up every asset a payload names, each id once (a frame held by several clips is fetched
 * once), at most `parallelism` at once. An id outside the project is the caller's mistake:
 * GPU_TASKS_ASSET_NOT_FOUND (404, not retried, not dead-lettered), naming the payload field.
 */
export async function lookUpAssets<K extends TaskKind>(
  run: TaskRun<K>,
  refs: readonly AssetRef[],
  parallelism: number,
): Promise<Map<string, SourceAsset>> {
  const dir = await run.workDir();
  const firstRef = new Map<string, AssetRef>();
  for (const r of refs) if (!firstRef.has(r.assetId)) firstRef.set(r.assetId, r);
  const unique = [...firstRef.values()];
  const brain = run.brain();
  const found = await mapBounded(unique, parallelism, run.signal, async (ref, i) => {
    let out: { asset: Asset; url: string };
    try {
      out = await brain.call(get_asset, { projectId: run.projectId, assetId: ref.assetId, ttlS: 3600 }, { signal: run.signal });
    } catch (err) {
      if (isAutomovieError(err) && err.code === 'BRAIN_ASSET_NOT_FOUND') {
        throw new GpuTasksError(
          'GPU_TASKS_ASSET_NOT_FOUND',
          `payload.${ref.field}: asset ${ref.assetId} is not an asset of project ${run.projectId}`,
          { field: `payload.${ref.field}`, assetId: ref.assetId, projectId: run.projectId },
          err,
        );
      }
      throw err;
    }
    const media = out.asset.mime.split('/')[0] ?? '';
    const source: SourceAsset = { asset: out.asset, url: out.url, media, path: join(dir, `asset-${i}${extensionOf(out.asset.mime)}`) };
    return [ref.assetId, source] as const;
  });
  const byId = new Map(found);
  for (const r of refs) {
    const s = byId.get(r.assetId) as SourceAsset;
    const accepts = ACCEPTS[r.use];
    if (!accepts.types.includes(s.media)) {
      throw new GpuTasksError('GPU_TASKS_ASSET_UNUSABLE', `payload.${r.field}: ${accepts.rule}; asset ${r.assetId} is ${s.asset.mime}`, {
        field: `payload.${r.field}`,
        assetId: r.assetId,
        mime: s.asset.mime,
      });
    }
  }
  return byId;
}

/** Downloads the looked-up assets into the work dir, at most `parallelism` at once; `onEach` after each file. */
export async function downloadAll<K extends TaskKind>(
  run: TaskRun<K>,
  sources: readonly SourceAsset[],
  parallelism: number,
  onEach: (done: number, total: number) => void,
): Promise<void> {
  let done = 0;
  await mapBounded(sources, parallelism, run.signal, async (s) => {
    // The asset's recorded size bounds the download: a longer answer is not the asset asked for.
    await downloadAsset(s.url, s.path, { signal: run.signal, maxBytes: s.asset.bytes });
    onEach(++done, sources.length);
  });
}

/** Checks a file name the way create_asset_upload will, before any work is spent on the file. */
export function checkFilename(filename: string): void {
  const r = create_asset_upload.input.pick({ filename: true }).safeParse({ filename });
  if (!r.success) {
    const e = fromZodError(r.error, 'payload');
    throw new GpuTasksError('GPU_TASKS_INVALID_PAYLOAD', e.message, e.data);
  }
}

/** Stores a rendered video as a new asset of the task's project (content-addressed: the same bytes give the same asset). */
export async function uploadVideo<K extends TaskKind>(
  run: TaskRun<K>,
  path: string,
  o: { format: 'mp4' | 'webm'; filename: string },
): Promise<Asset> {
  const mime = o.format === 'mp4' ? 'video/mp4' : 'video/webm';
  const size = (await stat(path)).size;
  const { url } = await run.brain().call(
    create_asset_upload,
    {
      projectId: run.projectId,
      kind: 'video',
      mime,
      filename: o.filename,
      provider: FFMPEG_PROVIDER,
      maxBytes: Math.min(Math.max(1, size), 2 * 1024 ** 3),
    },
    { signal: run.signal },
  );
  return uploadAsset(url, path, { mime, signal: run.signal });
}

/**
 * Progress of one task as a fraction, sent in order and thinned out: ffmpeg reports many times a
 * second, and each report is a Redis write plus an event. A failed report is logged, never fatal.
 */
export function progressReporter<K extends TaskKind>(run: TaskRun<K>, minStep = 0.01) {
  let last = -1;
  let pending: Promise<void> = Promise.resolve();
  const send = (fraction: number, message: string, force: boolean) => {
    const p = Math.min(1, Math.max(0, fraction));
    if (!force && p - last < minStep) return;
    last = p;
    pending = pending.then(() =>
      run.progress({ progress: Math.round(p * 1000) / 1000, total: 1, message }).catch((err: unknown) => {
        run.log.debug({ err: (err as Error).message }, 'progress report lost');
      }),
    );
  };
  return {
    /** Reports `fraction` (0–1) unless it moved less than the step since the last report. */
    report: (fraction: number, message: string) => send(fraction, message, false),
    /** Reports `fraction` whatever the step, and waits for every report so far to be written. */
    async flush(fraction: number, message: string): Promise<void> {
      send(fraction, message, true);
      await pending;
    },
  };
}

/**
 * ffmpeg failures keep MediaError's verdict (MEDIA_FFMPEG_FAILED: not retried, since the same inputs
 * fail the same way, and dead-lettered with ffmpeg's stderr for an operator), except a process
 * killed from outside while the task was not cancelled: that is the machine, not the input.
 */
export function classifyMediaFailure(err: unknown, signal: AbortSignal): unknown {
  if (signal.aborted || !isAutomovieError(err) || err.code !== 'MEDIA_FFMPEG_FAILED') return err;
  const cause = (err as Error).cause;
  const causeMessage = cause instanceof Error ? cause.message : '';
  if (/killed with signal/i.test(causeMessage)) {
    return new GpuTasksError('GPU_TASKS_RENDER_INTERRUPTED', `ffmpeg was stopped from outside: ${causeMessage}`, undefined, err);
  }
  return err;
}

/** The stream an input must have for its place in a payload. */
const NEEDS: Record<AssetUse, 'video' | 'audio'> = { clip: 'video', audio: 'audio', video: 'video' };

/**
 * After ffmpeg failed: the first input it could not have read (not media at all, or without the
 * stream its place needs) as GPU_TASKS_ASSET_UNUSABLE naming the payload field, or undefined when
 * every input reads and the failure is ffmpeg's own. Inputs are probed only once a run failed, so
 * a good render pays nothing for this.
 */
export async function unreadableInput(
  err: unknown,
  refs: readonly AssetRef[],
  assets: ReadonlyMap<string, SourceAsset>,
  signal: AbortSignal,
): Promise<GpuTasksError | undefined> {
  if (signal.aborted || !isAutomovieError(err) || err.code !== 'MEDIA_FFMPEG_FAILED') return undefined;
  // A process killed from outside says nothing about its inputs.
  if ((err.data as { signal?: string } | undefined)?.signal !== undefined) return undefined;
  const firstRef = new Map<string, AssetRef>();
  for (const r of refs) if (!firstRef.has(r.assetId)) firstRef.set(r.assetId, r);
  const problems = await mapBounded([...firstRef.values()], 4, signal, async (ref) => {
    const s = assets.get(ref.assetId) as SourceAsset;
    const rule = await undecodableReason(s.path, NEEDS[ref.use]);
    return rule === undefined ? undefined : { ref, rule, mime: s.asset.mime };
  });
  const first = problems.find((x) => x !== undefined);
  if (!first) return undefined;
  const { ref, rule, mime } = first;
  return new GpuTasksError(
    'GPU_TASKS_ASSET_UNUSABLE',
    `payload.${ref.field}: asset ${ref.assetId} (${mime}) ${rule}`,
    { field: `payload.${ref.field}`, assetId: ref.assetId, mime },
    err,
  );
}
