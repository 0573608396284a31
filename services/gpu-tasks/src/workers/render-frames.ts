import { generate_image } from '@automovie/contracts';
import { mapBounded, type TaskHandler } from './types.ts';

/** Storyboard frames through the brain's generate_image, a few at once, progress per frame. */
export function renderFrames(parallelism: number): TaskHandler<'render_frames'> {
  return async (run) => {
    const { frames } = run.payload;
    const brain = run.brain();
    let done = 0;
    const results = await mapBounded(frames, parallelism, run.signal, async (f) => {
      const out = await brain.call(
        generate_image,
        {
          projectId: run.projectId,
          prompt: f.prompt,
          width: f.width,
          height: f.height,
          referenceAssetIds: f.referenceAssetIds,
          ...(f.negativePrompt === undefined ? {} : { negativePrompt: f.negativePrompt }),
          ...(f.composition === undefined ? {} : { composition: f.composition }),
          ...(f.seed === undefined ? {} : { seed: f.seed }),
        },
        { signal: run.signal },
      );
      done++;
      await run.progress({ progress: done, total: frames.length, message: `frame ${f.key}` });
      return { key: f.key, assetId: out.asset.id, cached: out.cached, provider: out.provider };
    });
    return { frames: results };
  };
}
