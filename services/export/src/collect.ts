import {
  type Asset,
  AssetSchema,
  type BundleRelationship,
  get_node_neighbors,
  get_project,
  PROJECT_BUNDLE_SCHEMA_VERSION,
  type ProjectBundle,
  ProjectBundleSchema,
  query_graph,
} from '@automovie/contracts';
import { FilmGraph } from '@automovie/film-graph';
import type { McpClient } from '@automovie/mcp-ws';
import { ExportError } from './errors.ts';

const PAGE = 1000;

/** Every Asset node of the project as asset metadata (the seal and other internals left out). */
export async function listAssets(brain: McpClient, projectId: string): Promise<Asset[]> {
  const out: Asset[] = [];
  for (let skip = 0; ; skip += PAGE) {
    const { rows } = await brain.call(query_graph, { projectId, start: { label: 'Asset', where: [] }, limit: PAGE, skip });
    for (const [node] of rows) {
      if (node === undefined) continue;
      const p = node.properties;
      const pick = (k: string) => (p[k] === undefined || p[k] === null ? {} : { [k]: p[k] });
      const parsed = AssetSchema.safeParse({
        id: node.id,
        projectId: node.projectId,
        createdAt: node.createdAt,
        ...['kind', 'mime', 'bytes', 'sha256', 'uri', 'provider', 'costUsd'].reduce((a, k) => Object.assign(a, pick(k)), {}),
        ...['model', 'prompt', 'seed', 'filename', 'width', 'height', 'durationS'].reduce((a, k) => Object.assign(a, pick(k)), {}),
      });
      // A node labelled Asset that the asset store did not write is not an asset of the project.
      if (parsed.success) out.push(parsed.data);
    }
    if (rows.length < PAGE) break;
  }
  return out.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
}

/**
 * The whole project from the graph, as the JSON bundle: records with their ids, the timeline, the
 * typed relations between characters and the asset metadata (export files left out: they are
 * made from the bundle, not part of it). Validated against ProjectBundleSchema.
 */
export async function collectBundle(brain: McpClient, projectId: string, now = new Date()): Promise<ProjectBundle> {
  const graph = new FilmGraph(brain, projectId);
  const { project } = await brain.call(get_project, { projectId });
  const [story, characters, locations, scenes, lines, shots, timeline, assets] = await Promise.all([
    graph.story(),
    graph.characters(),
    graph.locations(),
    graph.scenes(),
    graph.lines(),
    graph.shots(),
    graph.timeline(),
    listAssets(brain, projectId),
  ]);
  const relationships: BundleRelationship[] = [];
  for (const c of characters) {
    const { relationships: rels } = await brain.call(get_node_neighbors, {
      projectId,
      id: c.id,
      depth: 1,
      direction: 'out',
      types: ['RELATES_TO'],
      limit: 1000,
    });
    for (const r of rels) {
      if (r.from === c.id) relationships.push({ type: r.type, from: r.from, to: r.to, properties: r.properties });
    }
  }
  const flat = <T>(items: { id: string; record: T }[]) => items.map((i) => ({ ...i.record, id: i.id }));
  const bundle = {
    schemaVersion: PROJECT_BUNDLE_SCHEMA_VERSION,
    exportedAt: now.toISOString(),
    project,
    story: story ?? null,
    characters: flat(characters),
    locations: flat(locations),
    scenes: flat(scenes),
    lines: flat(lines),
    shots: flat(shots),
    timeline: timeline ?? null,
    relationships: relationships.sort((a, b) => `${a.from}|${a.to}`.localeCompare(`${b.from}|${b.to}`)),
    assets: assets.filter((a) => a.kind !== 'export'),
  };
  const parsed = ProjectBundleSchema.safeParse(bundle);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new ExportError(
      'EXPORT_BUNDLE_INVALID',
      `The project does not make a valid bundle: ${first?.path.join('.') ?? ''}: ${first?.message ?? 'invalid'}`,
      { issues: parsed.error.issues.slice(0, 20).map((i) => ({ path: i.path.join('.'), message: i.message })) },
    );
  }
  return parsed.data;
}
