import type { Database, Statement } from 'better-sqlite3';
import { BrainError } from '../errors.ts';
import type { Direction } from './store.ts';

/** An edge as traversal needs it: no properties, which are read only for the edges returned. */
export interface EdgeLite {
  pk: number;
  type: string;
  from_id: string;
  to_id: string;
}

export interface NeighborIds {
  nodeIds: string[];
  edgePks: number[];
}

export interface PathIds {
  nodeIds: string[];
  edgePks: number[];
}

/** New neighbours are checked against the label filter this many at a time. */
const CHUNK = 256;

/**
 * Breadth-first traversals over the edge table with prepared statements, one endpoint-index
 * lookup per expanded node: (project_id, from_id, type) for outgoing and (project_id, to_id, type)
 * for incoming edges. Every statement is bounded by project_id, so a traversal cannot leave its
 * project even through a bad row. Reading stops as soon as the result is complete.
 */
export class SqliteTraversal {
  private readonly stmts: Record<'out' | 'in' | 'outTyped' | 'inTyped', Statement<unknown[], EdgeLite>>;
  private readonly labelsOf: Statement<[string, string], { id: string; label: string }>;
  private readonly maxVisited: number;

  constructor(db: Database, maxVisited: number) {
    const cols = 'pk, type, from_id, to_id';
    const typed = 'AND type IN (SELECT value FROM json_each(?))';
    this.stmts = {
      out: db.prepare(`SELECT ${cols} FROM edges WHERE project_id = ? AND from_id = ?`),
      in: db.prepare(`SELECT ${cols} FROM edges WHERE project_id = ? AND to_id = ?`),
      outTyped: db.prepare(`SELECT ${cols} FROM edges WHERE project_id = ? AND from_id = ? ${typed}`),
      inTyped: db.prepare(`SELECT ${cols} FROM edges WHERE project_id = ? AND to_id = ? ${typed}`),
    };
    this.labelsOf = db.prepare('SELECT id, label FROM nodes WHERE project_id = ? AND id IN (SELECT value FROM json_each(?))');
    this.maxVisited = maxVisited;
  }

  /** Edges of `nodeId` in `direction` (outgoing first for both), lazily. */
  private *edgesOf(projectId: string, nodeId: string, direction: Direction, typesJson: string | null): Generator<EdgeLite> {
    const dirs: Array<'out' | 'in'> = direction === 'both' ? ['out', 'in'] : [direction];
    for (const d of dirs) {
      const stmt = typesJson ? this.stmts[`${d}Typed`] : this.stmts[d];
      const args = typesJson ? [projectId, nodeId, typesJson] : [projectId, nodeId];
      for (const e of stmt.iterate(...args)) {
        // A self-loop is both outgoing and incoming: report it once.
        if (d === 'in' && direction === 'both' && e.from_id === e.to_id) continue;
        yield e;
      }
    }
  }

  private checkVisited(size: number): void {
    if (size > this.maxVisited) {
      throw new BrainError(
        'BRAIN_TRAVERSAL_LIMIT',
        `The traversal reached more than ${this.maxVisited} nodes; narrow it with types, labels or depth`,
        {
          data: { maxVisited: this.maxVisited },
        },
      );
    }
  }

  neighbors(
    projectId: string,
    startId: string,
    opts: {
      depth: number;
      direction: Direction;
      types: readonly string[] | undefined;
      labels: readonly string[] | undefined;
      limit: number;
    },
  ): NeighborIds {
    const typesJson = opts.types && opts.types.length > 0 ? JSON.stringify(opts.types) : null;
    const labels = opts.labels && opts.labels.length > 0 ? new Set<string>(opts.labels) : null;
    const prev = new Map<string, string | null>([[startId, null]]);
    const returned: string[] = [];
    const followed: EdgeLite[] = [];
    let frontier = [startId];

    // Puts the new nodes that pass the label filter into `returned`; true once it is full.
    const accept = (fresh: string[]): boolean => {
      let passing = fresh;
      if (labels && fresh.length > 0) {
        const labelOf = new Map(this.labelsOf.all(projectId, JSON.stringify(fresh)).map((r) => [r.id, r.label]));
        passing = fresh.filter((id) => labels.has(labelOf.get(id) ?? ''));
      }
      for (const id of passing) {
        returned.push(id);
        if (returned.length >= opts.limit) return true;
      }
      return false;
    };

    outer: for (let level = 1; level <= opts.depth && frontier.length > 0; level++) {
      const next: string[] = [];
      for (const u of frontier) {
        let fresh: string[] = [];
        for (const e of this.edgesOf(projectId, u, opts.direction, typesJson)) {
          followed.push(e);
          const v = e.from_id === u ? e.to_id : e.from_id;
          if (prev.has(v)) continue;
          prev.set(v, u);
          next.push(v);
          fresh.push(v);
          if (fresh.length >= CHUNK) {
            if (accept(fresh)) break outer; // leaving the loop closes the statement's iterator
            fresh = [];
            this.checkVisited(prev.size);
          }
        }
        if (accept(fresh)) break outer;
        this.checkVisited(prev.size);
      }
      frontier = next;
    }

    // The nodes on the paths to the returned ones, then the followed edges among them.
    const onPaths = new Set<string>([startId]);
    for (const id of returned) {
      let cur: string | null | undefined = id;
      while (cur !== null && cur !== undefined && !onPaths.has(cur)) {
        onPaths.add(cur);
        cur = prev.get(cur);
      }
    }
    const edgePks: number[] = [];
    const seen = new Set<number>();
    for (const e of followed) {
      if (seen.has(e.pk) || !onPaths.has(e.from_id) || !onPaths.has(e.to_id)) continue;
      seen.add(e.pk);
      edgePks.push(e.pk);
    }
    return { nodeIds: returned, edgePks };
  }

  /** A shortest path, edges followed either way, by breadth-first search from both ends. */
  path(projectId: string, from: string, to: string, opts: { maxDepth: number; types: readonly string[] | undefined }): PathIds | null {
    if (from === to) return { nodeIds: [from], edgePks: [] };
    const typesJson = opts.types && opts.types.length > 0 ? JSON.stringify(opts.types) : null;
    interface Reached {
      prev: string | null;
      edge: EdgeLite | null;
      depth: number;
    }
    interface Side {
      reached: Map<string, Reached>;
      frontier: string[];
      depth: number;
    }
    const fwd: Side = { reached: new Map([[from, { prev: null, edge: null, depth: 0 }]]), frontier: [from], depth: 0 };
    const bwd: Side = { reached: new Map([[to, { prev: null, edge: null, depth: 0 }]]), frontier: [to], depth: 0 };
    while (fwd.frontier.length > 0 && bwd.frontier.length > 0 && fwd.depth + bwd.depth < opts.maxDepth) {
      const side = fwd.frontier.length <= bwd.frontier.length ? fwd : bwd;
      const other = side === fwd ? bwd : fwd;
      const next: string[] = [];
      let meet: string | null = null;
      let best = Number.POSITIVE_INFINITY;
      for (const u of side.frontier) {
        for (const e of this.edgesOf(projectId, u, 'both', typesJson)) {
          const v = e.from_id === u ? e.to_id : e.from_id;
          if (side.reached.has(v)) continue;
          side.reached.set(v, { prev: u, edge: e, depth: side.depth + 1 });
          next.push(v);
          const there = other.reached.get(v);
          if (there && side.depth + 1 + there.depth < best) {
            best = side.depth + 1 + there.depth;
            meet = v;
          }
        }
        this.checkVisited(fwd.reached.size + bwd.reached.size);
      }
      side.depth++;
      side.frontier = next;
      if (meet !== null) {
        const nodeIds: string[] = [];
        const edgePks: number[] = [];
        // from … meet
        for (let cur: string | null = meet; cur !== null; ) {
          const r: Reached = fwd.reached.get(cur)!;
          nodeIds.unshift(cur);
          if (r.edge) edgePks.unshift(r.edge.pk);
          cur = r.prev;
        }
        // meet … to
        for (let cur: string | null = meet; cur !== null; ) {
          const r: Reached = bwd.reached.get(cur)!;
          if (cur !== meet) nodeIds.push(cur);
          if (r.edge) edgePks.push(r.edge.pk);
          cur = r.prev;
        }
        return { nodeIds, edgePks };
      }
    }
    return null;
  }
}
