import { defineCatalog } from '../tool.ts';
import { commonTools } from './common.ts';

/**
 * The brain: the fleet's only holder of AI keys and of the knowledge graph. Its graph, search
 * and generation tools arrive with the brain issues; today it serves the common tools.
 */
export const brainCatalog = defineCatalog(
  'brain',
  'The central MCP service: knowledge graph, embeddings and search, and the generation gateway (the only holder of AI keys).',
  { ...commonTools },
);
