import { generate_3d_model } from '@automovie/contracts';
import type { TaskHandler } from './types.ts';

/** A 3D blockout through the brain's generate_3d_model. */
export const build3d: TaskHandler<'build_3d'> = async (run) => {
  const { description, elements, seed } = run.payload;
  await run.progress({ progress: 0, total: 1, message: 'generating the model' });
  const out = await run
    .brain()
    .call(
      generate_3d_model,
      { projectId: run.projectId, description, elements, ...(seed === undefined ? {} : { seed }) },
      { signal: run.signal },
    );
  await run.progress({ progress: 1, total: 1, message: 'model ready' });
  return { assetId: out.asset.id, cached: out.cached };
};
