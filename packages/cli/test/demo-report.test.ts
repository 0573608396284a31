import { describe, expect, it } from 'vitest';
import { buildDemoReport, describePrincipal, slugify, timestampSlug } from '../src/demo-report.ts';

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

  it('records the idea, who answered, and says the pipeline is not there yet', () => {
    const principal = { kind: 'service' as const, sub: 'cli', service: 'cli', scopes: ['brain:whoami'] };
    const report = buildDemoReport({
      idea: 'a storm',
      createdAt: new Date('2025-01-01T00:00:00Z'),
      startedByDemo: true,
      redisUrl: undefined,
      services: [{ service: 'brain', mcpUrl: 'ws://x/mcp', version: '0.1.0', instanceId: 'i', uptimeS: 1, principal }],
    });
    expect(report).toMatchObject({
      idea: 'a storm',
      createdAt: '2025-01-01T00:00:00.000Z',
      fleet: { startedByDemo: true, redisUrl: null, services: [{ service: 'brain' }] },
      pipeline: { status: 'not_yet_available' },
    });
    expect(report.pipeline.note).toMatch(/story → .* → exports\) arrives with the next issues/);
    expect(describePrincipal(principal)).toBe('cli [brain:whoami]');
  });
});
