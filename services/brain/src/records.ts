import { AutomovieError, type GraphNode } from '@automovie/contracts';

/** A Document node as the document tools return it; NOT_FOUND for a node that is not a document. */
export function documentOf(node: GraphNode) {
  if (node.label !== 'Document') {
    throw new AutomovieError('BRAIN_NODE_NOT_FOUND', `No document ${node.id} in project ${node.projectId}`, { status: 404 });
  }
  const p = node.properties as { title?: string; content?: string; metadata?: Record<string, never> };
  return {
    id: node.id,
    projectId: node.projectId,
    ...(typeof p.title === 'string' ? { title: p.title } : {}),
    content: typeof p.content === 'string' ? p.content : '',
    metadata: p.metadata ?? {},
    createdAt: node.createdAt,
    updatedAt: node.updatedAt,
  };
}

/** A Workflow node as the workflow tools return it. */
export function workflowOf(node: GraphNode) {
  if (node.label !== 'Workflow') {
    throw new AutomovieError('BRAIN_NODE_NOT_FOUND', `No workflow ${node.id} in project ${node.projectId}`, { status: 404 });
  }
  const p = node.properties as { kind?: string; status?: string; description?: string; data?: Record<string, never> };
  return {
    id: node.id,
    projectId: node.projectId,
    kind: String(p.kind ?? ''),
    status: String(p.status ?? ''),
    ...(typeof p.description === 'string' ? { description: p.description } : {}),
    data: p.data ?? {},
    createdAt: node.createdAt,
    updatedAt: node.updatedAt,
  };
}
