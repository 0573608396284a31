import type { Run, RunStep } from '@automovie/contracts';
import { describe, expect, it } from 'vitest';
import {
  type FilmReport,
  failureHelp,
  formatBytes,
  formatSummary,
  providerUses,
  slugify,
  stepSeconds,
  stepTimings,
  timestampSlug,
} from '../src/demo-report.ts';

const step = (over: Partial<RunStep> & { name: string }): RunStep => ({ state: 'pending', progress: 0, attempts: 0, ...over });

describe('demo report', () => {
  it('slugs ideas into short, safe directory names', () => {
    expect(slugify("Un phare, une tempête & l'amitié!")).toBe('un-phare-une-tempete-l-amitie');
    expect(slugify('   ')).toBe('idea');
    expect(slugify('日本語')).toBe('idea');
    const long = slugify('a lighthouse keeper befriends a storm that has lost its way home across the sea');
    expect(long.length).toBeLessThanOrEqual(48);
    expect(long).toBe('a-lighthouse-keeper-befriends-a-storm-that-has');
  });

  it('stamps directories in sortable UTC', () => {
    expect(timestampSlug(new Date('2025-11-21T05:07:09.123Z'))).toBe('20251121-050709');
  });

  it('times steps from their timestamps; reused steps took no time, unstarted ones have none', () => {
    const done = step({ name: 'a', state: 'completed', startedAt: '2025-01-01T00:00:00.000Z', finishedAt: '2025-01-01T00:00:02.500Z' });
    expect(stepSeconds(done)).toBe(2.5);
    expect(stepSeconds({ ...done, reused: true })).toBe(0);
    expect(stepSeconds(step({ name: 'b' }))).toBeUndefined();
    const running = step({ name: 'c', state: 'running', startedAt: '2025-01-01T00:00:00.000Z' });
    expect(stepSeconds(running, Date.parse('2025-01-01T00:00:01.000Z'))).toBe(1);
    expect(stepTimings({ steps: [done, step({ name: 'b' })] })).toEqual([
      { name: 'a', state: 'completed', seconds: 2.5, reused: false, attempts: 0, summary: null },
      { name: 'b', state: 'pending', seconds: null, reused: false, attempts: 0, summary: null },
    ]);
  });

  it('adds up generation calls per kind and provider and says which ran offline', () => {
    const row = { model: 'm', cachedCalls: 0, failedCalls: 0, costUsd: 0, latencyP50Ms: 1, latencyP95Ms: 1 };
    const uses = providerUses(
      [
        { ...row, kind: 'speech', provider: 'espeak-ng', calls: 4 },
        { ...row, kind: 'image', provider: 'fal', calls: 1 },
        { ...row, kind: 'speech', provider: 'espeak-ng', model: 'other', calls: 2 },
      ],
      [
        { kind: 'speech', name: 'espeak-ng', offline: true },
        { kind: 'image', name: 'fal', offline: false },
      ],
    );
    expect(uses).toEqual([
      { kind: 'image', provider: 'fal', calls: 1, offline: false },
      { kind: 'speech', provider: 'espeak-ng', calls: 6, offline: true },
    ]);
  });

  it('prints files with sizes, the film, every step and the providers', () => {
    const report: FilmReport = {
      idea: 'a storm',
      createdAt: '2025-01-01T00:00:00.000Z',
      projectId: 'p',
      runId: 'r',
      outDir: '/x',
      wallS: 80.94,
      fleetStartS: 14.3,
      runS: 64.5,
      fleet: { startedByDemo: true, redisUrl: null },
      film: {
        title: 'Storm',
        durationS: 65.3,
        videoDurationS: 65.32,
        hasVideo: true,
        hasAudio: true,
        scenes: 3,
        shots: 15,
        lines: 10,
        characters: ['Ada', 'Bo'],
      },
      steps: [
        { name: 'develop_story', state: 'completed', seconds: 0.42, reused: false, attempts: 1, summary: '3 outlines' },
        { name: 'export', state: 'completed', seconds: 0, reused: true, attempts: 0, summary: 'pdf' },
      ],
      files: [{ format: 'mp4', filename: 'storm.mp4', path: '/x/storm.mp4', bytes: 8_700_000 }],
      providers: [{ kind: 'speech', provider: 'espeak-ng', calls: 10, offline: true }],
      offline: true,
    };
    const text = formatSummary(report, 'out/storm');
    expect(text).toContain('"Storm": a 65.3 s animatic');
    expect(text).toContain('3 scenes, 15 shots, 10 lines of dialogue; cast: Ada, Bo; video yes, audio yes');
    expect(text).toMatch(/storm\.mp4\s+8\.3 MiB\s+mp4/);
    expect(text).toMatch(/develop_story\s+0\.4 s\s+3 outlines/);
    expect(text).toMatch(/export\s+reused\s+pdf/);
    expect(text).toContain('Providers: offline (speech espeak-ng ×10)');
    expect(text).toContain('Wall time 80.9 s (fleet start 14.3 s, production 64.5 s)');
    expect(formatBytes(812)).toBe('812 B');
    expect(formatBytes(14_540)).toBe('14.2 KiB');
  });

  it('names the failed step, its error and the retry command', () => {
    const run: Pick<Run, 'id' | 'state' | 'error' | 'steps'> = {
      id: 'run-1',
      state: 'failed',
      error: { code: 'VIDEO_NO_FRAMES', message: 'shot-1-1 has no frame', step: 'assemble_animatic' },
      steps: [step({ name: 'assemble_animatic', state: 'failed' })],
    };
    const text = failureHelp(run);
    expect(text).toMatch(/^The run failed at step assemble_animatic: VIDEO_NO_FRAMES: shot-1-1 has no frame\n/);
    expect(text).toContain(`automovie call orchestrator retry_step '{"runId":"run-1","step":"assemble_animatic"}'`);
  });
});
