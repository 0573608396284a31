import type { ProjectBundle, ProviderStatus, Run, RunStep, UsageRow } from '@automovie/contracts';

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

/** How long a step worked, in seconds: 0 when its output was reused, undefined while it has not finished. */
export function stepSeconds(step: Pick<RunStep, 'startedAt' | 'finishedAt' | 'reused'>, nowMs?: number): number | undefined {
  if (step.reused) return 0;
  if (step.startedAt === undefined) return undefined;
  const end = step.finishedAt !== undefined ? Date.parse(step.finishedAt) : nowMs;
  if (end === undefined) return undefined;
  return Math.max(0, (end - Date.parse(step.startedAt)) / 1000);
}

/** One step of the run in the report. */
export interface StepTiming {
  name: string;
  state: RunStep['state'];
  seconds: number | null;
  reused: boolean;
  attempts: number;
  summary: string | null;
}

export function stepTimings(run: Pick<Run, 'steps'>): StepTiming[] {
  return run.steps.map((s) => ({
    name: s.name,
    state: s.state,
    seconds: round(stepSeconds(s) ?? null),
    reused: s.reused === true,
    attempts: s.attempts,
    summary: s.outputSummary ?? null,
  }));
}

function round(n: number | null, digits = 2): number | null {
  if (n === null) return null;
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** A file the demo wrote. */
export interface WrittenFile {
  format: string;
  filename: string;
  path: string;
  bytes: number;
}

/** Which provider served each kind of generation for the project, from the brain's usage. */
export interface ProviderUse {
  kind: string;
  provider: string;
  calls: number;
  offline: boolean;
}

/** Generation calls per kind and provider, each marked offline when the brain lists that provider as running on this machine. */
export function providerUses(
  rows: readonly UsageRow[],
  providers: readonly Pick<ProviderStatus, 'kind' | 'name' | 'offline'>[],
): ProviderUse[] {
  const offline = new Set(providers.filter((p) => p.offline).map((p) => `${p.kind}\u0000${p.name}`));
  const byKey = new Map<string, ProviderUse>();
  for (const r of rows) {
    const key = `${r.kind}\u0000${r.provider}`;
    const u = byKey.get(key) ?? { kind: r.kind, provider: r.provider, calls: 0, offline: offline.has(key) };
    u.calls += r.calls;
    byKey.set(key, u);
  }
  return [...byKey.values()].sort((a, b) => a.kind.localeCompare(b.kind) || a.provider.localeCompare(b.provider));
}

/** The film as the JSON bundle describes it. */
export interface FilmFacts {
  title: string;
  durationS: number | null;
  scenes: number;
  shots: number;
  lines: number;
  characters: string[];
}

export function filmFacts(bundle: ProjectBundle): FilmFacts {
  return {
    title: bundle.story?.outline?.title ?? bundle.project.name,
    durationS: bundle.timeline?.durationS ?? null,
    scenes: bundle.scenes.length,
    shots: bundle.shots.length,
    lines: bundle.lines.length,
    characters: bundle.characters.map((c) => c.name),
  };
}

/** `report.json` in the output directory: what was made, from what, how long each step took. */
export interface FilmReport {
  idea: string;
  createdAt: string;
  projectId: string;
  runId: string;
  outDir: string;
  /** From the command's start to the last file written, in seconds (fleet start included). */
  wallS: number;
  /** Seconds to bring the fleet up (0 when one was already up). */
  fleetStartS: number;
  /** Seconds from start_run to the run's end. */
  runS: number;
  fleet: { startedByDemo: boolean; redisUrl: string | null };
  film: FilmFacts & { videoDurationS: number | null; hasVideo: boolean; hasAudio: boolean };
  steps: StepTiming[];
  files: WrittenFile[];
  providers: ProviderUse[];
  offline: boolean;
}

/** The size of a file for people: `812 B`, `14.2 KiB`, `3.1 MiB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** The summary printed at the end of the demo. */
export function formatSummary(r: FilmReport, shownDir: string): string {
  const lines: string[] = [];
  const f = r.film;
  lines.push('');
  lines.push(`"${f.title}": a ${f.videoDurationS === null ? '?' : f.videoDurationS.toFixed(1)} s animatic`);
  lines.push(
    `  ${f.scenes} scenes, ${f.shots} shots, ${f.lines} lines of dialogue; cast: ${f.characters.join(', ') || '(none)'}; ` +
      `video ${f.hasVideo ? 'yes' : 'NO'}, audio ${f.hasAudio ? 'yes' : 'NO'}`,
  );
  lines.push('');
  lines.push(`Files in ${shownDir}:`);
  const width = Math.max(...r.files.map((x) => x.filename.length), 8);
  for (const file of r.files) lines.push(`  ${file.filename.padEnd(width)}  ${formatBytes(file.bytes).padStart(10)}  ${file.format}`);
  lines.push('');
  lines.push('Steps:');
  const nameWidth = Math.max(...r.steps.map((s) => s.name.length));
  for (const s of r.steps) {
    const t = s.reused ? 'reused' : s.seconds === null ? '-' : `${s.seconds.toFixed(1)} s`;
    lines.push(`  ${s.name.padEnd(nameWidth)}  ${t.padStart(8)}  ${s.summary ?? ''}`.trimEnd());
  }
  lines.push('');
  const providers = r.providers.map((p) => `${p.kind} ${p.provider} ×${p.calls}`).join(', ');
  lines.push(`Providers: ${r.offline ? 'offline' : 'online'} (${providers || 'no generation calls'})`);
  lines.push(
    `Wall time ${r.wallS.toFixed(1)} s (fleet start ${r.fleetStartS.toFixed(1)} s, production ${r.runS.toFixed(1)} s); report: ${shownDir}/report.json`,
  );
  return `${lines.join('\n')}\n`;
}

/** What to print when the run failed: the step, its error, and how to retry it. */
export function failureHelp(run: Pick<Run, 'id' | 'state' | 'error' | 'steps'>): string {
  const failed = run.steps.find((s) => s.state === 'failed');
  const step = run.error?.step ?? failed?.name;
  const code = run.error?.code ?? failed?.error?.code ?? 'UNKNOWN';
  const message = run.error?.message ?? failed?.error?.message ?? `the run ended ${run.state}`;
  const lines = [`The run ${run.state}${step ? ` at step ${step}` : ''}: ${code}: ${message}`];
  if (step !== undefined) {
    lines.push(
      'To retry that step (the steps before it are reused), bring the fleet up and ask the orchestrator:',
      '  automovie up &',
      `  automovie call orchestrator retry_step '${JSON.stringify({ runId: run.id, step })}'`,
      `  automovie call orchestrator get_run '${JSON.stringify({ runId: run.id, waitMs: 600000 })}'`,
    );
  }
  return `${lines.join('\n')}\n`;
}
