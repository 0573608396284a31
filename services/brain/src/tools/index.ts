import type { ToolImpl } from '@automovie/mcp-ws';
import type { BrainContext } from '../context.ts';
import { addMemberTool } from './add-member.ts';
import { batchEmbedTextsTool } from './batch-embed-texts.ts';
import { batchSimilaritySearchTool } from './batch-similarity-search.ts';
import { bulkStoreDocumentsTool } from './bulk-store-documents.ts';
import { createAssetUploadTool } from './create-asset-upload.ts';
import { createNodeTool } from './create-node.ts';
import { createProjectTool } from './create-project.ts';
import { createRelationshipTool } from './create-relationship.ts';
import { deleteDocumentTool } from './delete-document.ts';
import { deleteNodeTool } from './delete-node.ts';
import { deleteProjectTool } from './delete-project.ts';
import { embedTextTool } from './embed-text.ts';
import { findPathTool } from './find-path.ts';
import { getAssetTool } from './get-asset.ts';
import { getDocumentTool } from './get-document.ts';
import { getNodeTool } from './get-node.ts';
import { getNodeNeighborsTool } from './get-node-neighbors.ts';
import { getProjectTool } from './get-project.ts';
import { getWorkflowDataTool } from './get-workflow-data.ts';
import { listProjectsTool } from './list-projects.ts';
import { queryGraphTool } from './query-graph.ts';
import { removeMemberTool } from './remove-member.ts';
import { searchByEmbeddingTool } from './search-by-embedding.ts';
import { searchSimilarWorkflowsTool } from './search-similar-workflows.ts';
import { semanticSearchTool } from './semantic-search.ts';
import { storeDocumentTool } from './store-document.ts';
import { storeWorkflowDataTool } from './store-workflow-data.ts';
import { updateNodeTool } from './update-node.ts';
import { updateProjectTool } from './update-project.ts';

/** Every brain tool, bound to its context. */
export function brainTools(ctx: BrainContext): ToolImpl[] {
  return [
    embedTextTool,
    batchEmbedTextsTool,
    searchByEmbeddingTool,
    semanticSearchTool,
    batchSimilaritySearchTool,
    createNodeTool,
    updateNodeTool,
    getNodeTool,
    deleteNodeTool,
    createRelationshipTool,
    getNodeNeighborsTool,
    findPathTool,
    queryGraphTool,
    storeDocumentTool,
    bulkStoreDocumentsTool,
    getDocumentTool,
    deleteDocumentTool,
    storeWorkflowDataTool,
    getWorkflowDataTool,
    searchSimilarWorkflowsTool,
    createProjectTool,
    getProjectTool,
    listProjectsTool,
    updateProjectTool,
    deleteProjectTool,
    addMemberTool,
    removeMemberTool,
    getAssetTool,
    createAssetUploadTool,
  ].map((make) => make(ctx) as unknown as ToolImpl);
}
