import type { Catalog } from '../tool.ts';
import { audioCatalog } from './audio.ts';
import { brainCatalog } from './brain.ts';
import { characterCatalog } from './character.ts';
import { exportCatalog } from './export.ts';
import { gpuTasksCatalog } from './gpu-tasks.ts';
import { orchestratorCatalog } from './orchestrator.ts';
import { storyCatalog } from './story.ts';
import { videoCatalog } from './video.ts';
import { visualCatalog } from './visual.ts';

/** Every service catalog, for docs generation and the CLI. */
export const catalogs: readonly Catalog[] = [
  brainCatalog,
  gpuTasksCatalog,
  orchestratorCatalog,
  characterCatalog,
  visualCatalog,
  storyCatalog,
  audioCatalog,
  videoCatalog,
  exportCatalog,
];
