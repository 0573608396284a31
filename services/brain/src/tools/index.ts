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
import { describeImageTool } from './describe-image.ts';
import { embedTextTool } from './embed-text.ts';
import { executePromptTool } from './execute-prompt.ts';
import { findPathTool } from './find-path.ts';
import { generate3dModelTool } from './generate-3d-model.ts';
import { generateImageTool } from './generate-image.ts';
import { generateMusicTool } from './generate-music.ts';
import { generateSoundEffectTool } from './generate-sound-effect.ts';
import { generateSpeechTool } from './generate-speech.ts';
import { generateTextTool } from './generate-text.ts';
import { generateVideoTool } from './generate-video.ts';
import { getAssetTool } from './get-asset.ts';
import { getDocumentTool } from './get-document.ts';
import { getNodeTool } from './get-node.ts';
import { getNodeNeighborsTool } from './get-node-neighbors.ts';
import { getProjectTool } from './get-project.ts';
import { getUsageTool } from './get-usage.ts';
import { getWorkflowDataTool } from './get-workflow-data.ts';
import { listProjectsTool } from './list-projects.ts';
import { listPromptExecutionsTool } from './list-prompt-executions.ts';
import { listPromptTemplatesTool } from './list-prompt-templates.ts';
import { listProvidersTool } from './list-providers.ts';
import { moderateContentTool } from './moderate-content.ts';
import { queryGraphTool } from './query-graph.ts';
import { removeMemberTool } from './remove-member.ts';
import { searchByEmbeddingTool } from './search-by-embedding.ts';
import { searchSimilarWorkflowsTool } from './search-similar-workflows.ts';
import { semanticSearchTool } from './semantic-search.ts';
import { storeDocumentTool } from './store-document.ts';
import { storeWorkflowDataTool } from './store-workflow-data.ts';
import { updateNodeTool } from './update-node.ts';
import { updateProjectTool } from './update-project.ts';
import { upsertPromptTemplateTool } from './upsert-prompt-template.ts';

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
    generateTextTool,
    executePromptTool,
    upsertPromptTemplateTool,
    listPromptTemplatesTool,
    listPromptExecutionsTool,
    generateImageTool,
    generateVideoTool,
    generateSpeechTool,
    generateMusicTool,
    generateSoundEffectTool,
    generate3dModelTool,
    describeImageTool,
    moderateContentTool,
    listProvidersTool,
    getUsageTool,
    getAssetTool,
    createAssetUploadTool,
  ].map((make) => make(ctx) as unknown as ToolImpl);
}
