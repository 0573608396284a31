import type { TaskKind } from '@automovie/contracts';
import { build3d } from './build-3d.ts';
import { noop } from './noop.ts';
import { renderFrames } from './render-frames.ts';
import { renderVideo } from './render-video.ts';
import { synthesizeLines } from './synthesize-lines.ts';
import { transcode } from './transcode.ts';
import type { TaskHandler } from './types.ts';

/** Options of {@link taskHandlers}. */
export interface HandlerOptions {
  /** Frames or lines generated (or a render's assets downloaded) at once within one task. */
  itemParallelism: number;
}

/** The worker of every kind. */
export function taskHandlers(opts: HandlerOptions): Partial<{ [K in TaskKind]: TaskHandler<K> }> {
  return {
    noop,
    render_frames: renderFrames(opts.itemParallelism),
    synthesize_lines: synthesizeLines(opts.itemParallelism),
    render_video: renderVideo(opts.itemParallelism),
    transcode,
    build_3d: build3d,
  };
}
