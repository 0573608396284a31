/**
 * The breadth-first neighbours traversal of the Neo4j backend, apart from the database: `expand`
 * reads one level (one query per direction), this decides what is returned. The semantics are
 * those of the embedded backend (sqlite-traversal.ts), so both backends return the same nodes in
 * the same order and the same relationships.
 */

/** A relationship as the traversal sees it, reached from the frontier node `u`. */
export interface TraversalEdge {
  /** The frontier node it was reached from. */
  u: string;
  id: string;
  from: string;
  to: string;
  /** The node at the other end, and its label. */
  other: string;
  otherLabel: string;
}

export interface TraversalOptions {
  depth: number;
  /** Only nodes with one of these labels are returned (all are passed through). */
  labels: readonly string[] | undefined;
  limit: number;
}

/**
 * Reads the relationships of every frontier node: for each, outgoing before incoming (for both
 * directions), each in creation order, a self-loop once.
 */
export type ExpandLevel<E extends TraversalEdge> = (frontier: readonly string[]) => Promise<Map<string, E[]>>;

export interface TraversalResult<E extends TraversalEdge> {
  /** Returned nodes, nearest first. */
  nodeIds: string[];
  /** The followed relationships between nodes on the paths from the start to the returned nodes, in the order followed. */
  edges: E[];
}

/**
 * Nodes reachable from `start` within `depth` levels, nearest first, at most `limit` of those
 * passing the label filter; reading stops as soon as the limit is reached. The relationships are
 * the followed ones whose both ends lie on the breadth-first paths to the returned nodes.
 */
export async function traverse<E extends TraversalEdge>(
  start: string,
  options: TraversalOptions,
  expand: ExpandLevel<E>,
): Promise<TraversalResult<E>> {
  const wanted = options.labels && options.labels.length > 0 ? new Set(options.labels) : null;
  const prev = new Map<string, string | null>([[start, null]]);
  const returned: string[] = [];
  const followed: E[] = [];
  let frontier = [start];
  outer: for (let level = 1; level <= options.depth && frontier.length > 0; level++) {
    const edges = await expand(frontier);
    const next: string[] = [];
    for (const u of frontier) {
      for (const e of edges.get(u) ?? []) {
        followed.push(e);
        if (prev.has(e.other)) continue;
        prev.set(e.other, u);
        next.push(e.other);
        if (wanted && !wanted.has(e.otherLabel)) continue;
        returned.push(e.other);
        if (returned.length >= options.limit) break outer;
      }
    }
    frontier = next;
  }
  // The nodes on the paths to the returned ones, then the followed relationships among them.
  const onPaths = new Set<string>([start]);
  for (const n of returned) {
    for (let cur: string | null | undefined = n; cur !== null && cur !== undefined && !onPaths.has(cur); cur = prev.get(cur))
      onPaths.add(cur);
  }
  const seen = new Set<string>();
  const edges: E[] = [];
  for (const e of followed) {
    if (seen.has(e.id) || !onPaths.has(e.from) || !onPaths.has(e.to)) continue;
    seen.add(e.id);
    edges.push(e);
  }
  return { nodeIds: returned, edges };
}
