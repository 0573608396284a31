import {
  AutomovieError,
  type CharacterRecord,
  CharacterRecordSchema,
  create_node,
  create_relationship,
  delete_node,
  filmIds,
  type GraphNode,
  get_node,
  get_node_neighbors,
  get_workflow_data,
  type Json,
  type LineRecord,
  LineRecordSchema,
  type LocationRecord,
  LocationRecordSchema,
  type NodeLabel,
  query_graph,
  type SceneRecord,
  SceneRecordSchema,
  type ShotRecord,
  ShotRecordSchema,
  type StoryRecord,
  StoryRecordSchema,
  store_workflow_data,
  type Timeline,
  TimelineSchema,
  update_node,
} from '@automovie/contracts';
import type { McpClient } from '@automovie/mcp-ws';
import type { z } from 'zod';

export { hashOf, seedOf, stableStringify } from './hash.ts';
export { editDistance, firstName, mentionForms, mentions, type Named, nearMiss, normalizeCue, resolveName } from './names.ts';
export { type RunTaskOptions, runTask } from './tasks.ts';
export { timelineAudioKey } from './timeline-hash.ts';
export { type MixRecord, MixRecordSchema, mixRecordId, readRecord, writeRecord } from './workflow-records.ts';

type CreatableLabel = Exclude<NodeLabel, 'Project' | 'User' | 'Document' | 'Workflow'>;

/** A record read from the graph: the node id and its parsed properties. */
export interface Stored<T> {
  id: string;
  record: T;
}

const PAGE = 1000;

/**
 * Typed access to the film's records in a project's graph, through the brain's tools. Every write
 * is an upsert on a deterministic id (see `filmIds`), so a step that runs twice updates, never
 * duplicates. Records are validated on the way in and on the way out: a malformed node is an
 * error naming the node, not a silent gap.
 */
export class FilmGraph {
  readonly brain: McpClient;
  readonly projectId: string;

  constructor(brain: McpClient, projectId: string) {
    this.brain = brain;
    this.projectId = projectId;
  }

  /** Creates the node, or merges `properties` into it when it exists. */
  async upsert(label: CreatableLabel, id: string, properties: Record<string, unknown>, indexText?: string): Promise<GraphNode> {
    const props = properties as Record<string, Json>;
    const text = indexText === undefined || indexText.trim() === '' ? {} : { indexText: indexText.slice(0, 32_000) };
    try {
      const { node } = await this.brain.call(create_node, { projectId: this.projectId, label, id, properties: props, ...text });
      return node;
    } catch (err) {
      if (!(err instanceof AutomovieError) || err.code !== 'BRAIN_NODE_EXISTS') throw err;
      const { node } = await this.brain.call(update_node, { projectId: this.projectId, id, properties: props, ...text });
      return node;
    }
  }

  /** Removes properties from a node. */
  async unset(id: string, keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.brain.call(update_node, { projectId: this.projectId, id, properties: {}, remove: keys });
  }

  async node(id: string): Promise<GraphNode | undefined> {
    try {
      return (await this.brain.call(get_node, { projectId: this.projectId, id })).node;
    } catch (err) {
      if (err instanceof AutomovieError && err.code === 'BRAIN_NODE_NOT_FOUND') return undefined;
      throw err;
    }
  }

  /** One record by id, parsed with `schema`; undefined when the node does not exist. */
  async get<T>(id: string, schema: z.ZodType<T>): Promise<T | undefined> {
    const node = await this.node(id);
    return node === undefined ? undefined : parseRecord(node, schema);
  }

  /** Every node of a label (paged), parsed with `schema`, ordered by `orderBy` when given. */
  async list<T>(label: NodeLabel, schema: z.ZodType<T>, orderBy?: string): Promise<Stored<T>[]> {
    const out: Stored<T>[] = [];
    for (let skip = 0; ; skip += PAGE) {
      const { rows } = await this.brain.call(query_graph, {
        projectId: this.projectId,
        start: { label, where: [] },
        ...(orderBy ? { orderBy: { property: orderBy, direction: 'asc' as const } } : {}),
        limit: PAGE,
        skip,
      });
      for (const row of rows) {
        const node = row[0];
        if (node) out.push({ id: node.id, record: parseRecord(node, schema) });
      }
      if (rows.length < PAGE) return out;
    }
  }

  /** Creates `from -[type]-> to` unless that relationship already exists. */
  async relate(type: string, from: string, to: string, properties: Record<string, unknown> = {}): Promise<void> {
    const { nodes } = await this.brain.call(get_node_neighbors, {
      projectId: this.projectId,
      id: from,
      depth: 1,
      direction: 'out',
      types: [type],
    });
    if (nodes.some((n) => n.id === to)) return;
    await this.brain.call(create_relationship, {
      projectId: this.projectId,
      from,
      to,
      type,
      properties: properties as Record<string, Json>,
    });
  }

  /** Deletes a node (and its relationships); false when it did not exist. */
  async remove(id: string): Promise<boolean> {
    try {
      return (await this.brain.call(delete_node, { projectId: this.projectId, id })).deleted;
    } catch (err) {
      if (err instanceof AutomovieError && err.code === 'BRAIN_NODE_NOT_FOUND') return false;
      throw err;
    }
  }

  // ── the film's records ─────────────────────────────────────────────────────────────────
  story(): Promise<StoryRecord | undefined> {
    return this.get(filmIds.story(), StoryRecordSchema);
  }

  characters(): Promise<Stored<CharacterRecord>[]> {
    return this.list('Character', CharacterRecordSchema, 'name');
  }

  locations(): Promise<Stored<LocationRecord>[]> {
    return this.list('Location', LocationRecordSchema, 'name');
  }

  async scenes(): Promise<Stored<SceneRecord>[]> {
    return (await this.list('Scene', SceneRecordSchema)).sort((a, b) => a.record.number - b.record.number);
  }

  async lines(): Promise<Stored<LineRecord>[]> {
    return (await this.list('Line', LineRecordSchema)).sort((a, b) => a.record.order - b.record.order);
  }

  async shots(): Promise<Stored<ShotRecord>[]> {
    return (await this.list('Shot', ShotRecordSchema)).sort(
      (a, b) => a.record.sceneNumber - b.record.sceneNumber || a.record.order - b.record.order,
    );
  }

  async timeline(): Promise<Timeline | undefined> {
    try {
      const { workflow } = await this.brain.call(get_workflow_data, { projectId: this.projectId, id: filmIds.timeline() });
      const parsed = TimelineSchema.safeParse(workflow.data);
      if (!parsed.success) throw malformed('timeline', parsed.error);
      return parsed.data;
    } catch (err) {
      if (err instanceof AutomovieError && err.code === 'BRAIN_NODE_NOT_FOUND') return undefined;
      throw err;
    }
  }

  async saveTimeline(timeline: Timeline): Promise<void> {
    const data = TimelineSchema.parse(timeline) as unknown as Record<string, Json>;
    await this.brain.call(store_workflow_data, {
      projectId: this.projectId,
      id: filmIds.timeline(),
      kind: 'timeline',
      status: 'built',
      description: `Timeline of ${timeline.shots.length} shots and ${timeline.lines.length} lines, ${timeline.durationS.toFixed(1)} s`,
      data,
    });
  }
}

function malformed(id: string, error: z.ZodError): AutomovieError {
  const first = error.issues[0];
  const path = first?.path.join('.') ?? '';
  return new AutomovieError(
    'FILM_GRAPH_MALFORMED_RECORD',
    `Node ${id} is not a valid record: ${path ? `${path}: ` : ''}${first?.message ?? 'invalid'}`,
    {
      status: 500,
      data: { id, issues: error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) },
    },
  );
}

function parseRecord<T>(node: GraphNode, schema: z.ZodType<T>): T {
  const parsed = schema.safeParse(node.properties);
  if (!parsed.success) throw malformed(node.id, parsed.error);
  return parsed.data;
}
