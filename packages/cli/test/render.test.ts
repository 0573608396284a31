import { describe, expect, it } from 'vitest';
import { renderStatus } from '../src/commands/status.ts';
import { formatFleetEvent, renderFleetTable } from '../src/fleet-output.ts';
import { formatDuration, formatProgress, renderJson, renderTable, renderTools, schemaType } from '../src/render.ts';

describe('renderTable', () => {
  it('pads columns to the widest cell, upper-cases headers, trims line ends', () => {
    expect(
      renderTable(
        ['service', 'pid'],
        [
          ['brain', '12'],
          ['orchestrator', '3456'],
        ],
      ),
    ).toBe('SERVICE       PID\nbrain         12\norchestrator  3456\n');
    expect(renderTable(['a', 'detail'], [['x', '']])).toBe('A  DETAIL\nx\n');
  });
});

describe('renderJson', () => {
  it('indents for a terminal and prints one line otherwise', () => {
    const v = { service: 'brain', n: [1] };
    expect(renderJson(v, true)).toBe('{\n  "service": "brain",\n  "n": [\n    1\n  ]\n}\n');
    expect(renderJson(v, false)).toBe('{"service":"brain","n":[1]}\n');
  });
});

describe('formatProgress', () => {
  it('shows progress, total, percentage and message when present', () => {
    expect(formatProgress({ progress: 3, total: 10, message: 'rendering frames' })).toBe('progress 3/10 (30%) rendering frames\n');
    expect(formatProgress({ progress: 0.5 })).toBe('progress 0.5\n');
    expect(formatProgress({ progress: 12, total: 10 })).toBe('progress 12/10 (100%)\n');
  });
});

describe('formatDuration', () => {
  it('reads at a glance', () => {
    expect(formatDuration(850.4)).toBe('850 ms');
    expect(formatDuration(4200)).toBe('4s');
    expect(formatDuration(125_000)).toBe('2m 05s');
    expect(formatDuration(3 * 3600_000 + 12 * 60_000)).toBe('3h 12m');
    expect(formatDuration(52 * 3600_000)).toBe('2d 4h');
  });
});

describe('tool listing', () => {
  it('renders JSON Schema types compactly', () => {
    expect(schemaType({ type: 'string' })).toBe('string');
    expect(schemaType({ type: 'array', items: { type: 'integer' } })).toBe('integer[]');
    expect(schemaType({ type: 'array', items: { anyOf: [{ type: 'string' }, { type: 'number' }] } })).toBe('(string | number)[]');
    expect(schemaType({ type: 'string', enum: ['int', 'ext'] })).toBe('"int" | "ext"');
    expect(schemaType({ enum: [1, 2, 3, 4, 5, 6, 7] })).toBe('1 | 2 | 3 | 4 | 5 | 6 | …');
    expect(schemaType({ type: ['string', 'null'] })).toBe('string | null');
    expect(schemaType({ const: 'x' })).toBe('"x"');
    expect(schemaType({ type: 'object', properties: {} })).toBe('object');
    expect(schemaType({ $ref: '#/$defs/Shot' })).toBe('Shot');
    expect(schemaType({})).toBe('any');
    expect(schemaType(undefined)).toBe('any');
  });

  it('lists tools by name with description, read-only marker and input properties', () => {
    const text = renderTools('story', [
      {
        name: 'write_screenplay',
        description: 'Writes the screenplay.',
        inputSchema: {
          properties: {
            projectId: { type: 'string' },
            scenes: { type: 'array', items: { type: 'string' } },
            draft: { type: 'boolean', default: true },
          },
          required: ['projectId'],
        },
      },
      { name: 'whoami', description: 'Who is there.', inputSchema: { properties: {} }, annotations: { readOnlyHint: true } },
    ]);
    expect(text).toBe(
      [
        'story: 2 tools',
        '',
        'whoami  [read-only]',
        '  Who is there.',
        '  input:',
        '    (no input)',
        '',
        'write_screenplay',
        '  Writes the screenplay.',
        '  input:',
        '    projectId: string (required)',
        '    scenes: string[]',
        '    draft: boolean = true',
        '',
      ].join('\n'),
    );
    expect(renderTools('x', [])).toBe('x serves no tools\n');
  });
});

describe('fleet output', () => {
  it('prints progress lines as the fleet starts and stops', () => {
    expect(formatFleetEvent({ type: 'redis-starting', port: 6390 })).toBe('starting redis on port 6390…\n');
    expect(formatFleetEvent({ type: 'service-starting', name: 'brain', port: 4100 })).toBe('starting brain on port 4100…\n');
    expect(formatFleetEvent({ type: 'service-ready', name: 'brain', mcpUrl: 'ws://x', pid: 7, ms: 812 })).toBe(
      'brain ready in 812 ms (pid 7)\n',
    );
    expect(formatFleetEvent({ type: 'exited', name: 'brain', code: 1, signal: null, logFile: '/d/logs/brain.log' })).toBe(
      'brain exited unexpectedly (code 1); see /d/logs/brain.log\n',
    );
  });

  it('tables the running fleet with redis first', () => {
    const text = renderFleetTable({
      redisUrl: 'redis://127.0.0.1:6390',
      redisPid: 10,
      services: [{ name: 'brain', port: 4100, url: 'http://127.0.0.1:4100', mcpUrl: 'ws://127.0.0.1:4100/mcp', pid: 11, logFile: 'l' }],
    });
    expect(text.split('\n')).toEqual([
      'SERVICE  URL                      PID  STATUS',
      'redis    redis://127.0.0.1:6390   10   ready',
      'brain    ws://127.0.0.1:4100/mcp  11   ready',
      '',
    ]);
  });

  it('renders status with uptime, readiness detail and services not built yet', () => {
    const text = renderStatus({
      services: [
        { service: 'brain', url: 'ws://127.0.0.1:4100/mcp', inRepo: true, state: 'ready', version: '0.1.0', uptimeS: 125 },
        { service: 'story', url: 'ws://127.0.0.1:4130/mcp', inRepo: false, state: 'down', detail: 'connect ECONNREFUSED' },
        {
          service: 'video',
          url: 'ws://127.0.0.1:4170/mcp',
          inRepo: true,
          state: 'up',
          version: '0.1.0',
          uptimeS: 3,
          detail: 'redis: down',
        },
      ],
      redis: { url: 'redis://127.0.0.1:6390', reachable: false, detail: 'connect ECONNREFUSED' },
    });
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^SERVICE\s+URL\s+STATUS\s+VERSION\s+UPTIME\s+DETAIL$/);
    expect(lines[1]).toMatch(/^brain\s+ws:\/\/127\.0\.0\.1:4100\/mcp\s+ready\s+0\.1\.0\s+2m 05s$/);
    expect(lines[2]).toMatch(/story .* down .* not in this checkout yet$/);
    expect(lines[3]).toMatch(/video .* up .* redis: down$/);
    expect(lines[4]).toMatch(/^redis\s+redis:\/\/127\.0\.0\.1:6390\s+down .* connect ECONNREFUSED$/);
  });
});
