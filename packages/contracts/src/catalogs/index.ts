import type { Catalog } from '../tool.ts';
import { brainCatalog } from './brain.ts';
import { gpuTasksCatalog } from './gpu-tasks.ts';
import { orchestratorCatalog } from './orchestrator.ts';

/** Every service catalog, for docs generation and the CLI. */
export const catalogs: readonly Catalog[] = [brainCatalog, gpuTasksCatalog, orchestratorCatalog];
