import type { Principal } from '@automovie/contracts';

/** The production pipeline the demo will run once it exists (ARCHITECTURE.md §5). */
export const PIPELINE_STEPS = [
  'story',
  'characters',
  'screenplay',
  'shot list',
  'storyboard',
  'voices',
  'music',
  'animatic',
  'exports',
] as const;

/** An idea as a short file-name-safe slug: lowercase ASCII words joined by `-`, at most 48 characters. */
export function slugify(text: string, max = 48): string {
  const slug = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  const cut = slug.length <= max ? slug : slug.slice(0, max).replace(/-[^-]*$/, '') || slug.slice(0, max);
  return cut.replace(/-+$/, '') || 'idea';
}

/** `2025-11-21T05:07:09.123Z` → `20251121-050709` (UTC), for sortable output directory names. */
export function timestampSlug(date: Date): string {
  return date
    .toISOString()
    .replace(/\.\d+Z$/, '')
    .replace(/[-:]/g, '')
    .replace('T', '-');
}

/** What one service said to `whoami`. */
export interface WhoamiRow {
  service: string;
  mcpUrl: string;
  version: string;
  instanceId: string;
  uptimeS: number;
  principal: Principal;
}

/** What the demo recorded in the brain: the idea as a project and a searchable document. */
export interface BrainRecord {
  projectId: string;
  documentId: string;
  /** The idea found again by semantic_search (hybrid), with its fused score. */
  found: { id: string; score: number } | null;
}

export interface DemoReport {
  idea: string;
  createdAt: string;
  fleet: { startedByDemo: boolean; redisUrl: string | null; services: WhoamiRow[] };
  brain: BrainRecord | null;
  pipeline: { status: 'not_yet_available'; steps: readonly string[]; note: string };
}

export const PIPELINE_NOTE = `The film pipeline (${PIPELINE_STEPS.join(' → ')}) arrives with the next issues; this run checked the fleet end to end over MCP and recorded the idea in the brain as a project.`;

/** The `fleet.json` the demo writes: the idea, the fleet that answered, and the pipeline's honest status. */
export function buildDemoReport(input: {
  idea: string;
  createdAt: Date;
  startedByDemo: boolean;
  redisUrl: string | undefined;
  services: WhoamiRow[];
  brain?: BrainRecord | undefined;
}): DemoReport {
  return {
    idea: input.idea,
    createdAt: input.createdAt.toISOString(),
    fleet: { startedByDemo: input.startedByDemo, redisUrl: input.redisUrl ?? null, services: input.services },
    brain: input.brain ?? null,
    pipeline: { status: 'not_yet_available', steps: PIPELINE_STEPS, note: PIPELINE_NOTE },
  };
}

/** How the principal a service saw is shown in the demo's table: `cli [brain:whoami]`. */
export function describePrincipal(p: Principal): string {
  return `${p.sub} [${p.scopes.join(',')}]`;
}
