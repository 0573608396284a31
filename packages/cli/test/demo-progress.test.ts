import type { RunStep } from '@automovie/contracts';
import { describe, expect, it } from 'vitest';
import { formatStepLine, progressBar, RunProgressView } from '../src/demo-progress.ts';

const step = (over: Partial<RunStep> & { name: string }): RunStep => ({ state: 'pending', progress: 0, attempts: 0, ...over });
const T0 = '2025-01-01T00:00:00.000Z';
const at = (s: number) => Date.parse(T0) + s * 1000;

describe('demo progress', () => {
  it('draws bars', () => {
    expect(progressBar(0, 10)).toBe('[----------]');
    expect(progressBar(0.5, 10)).toBe('[#####-----]');
    expect(progressBar(7, 10)).toBe('[##########]');
    expect(progressBar(Number.NaN, 4)).toBe('[----]');
  });

  it('shows a step with its bar, percent, elapsed time and detail', () => {
    const running = step({ name: 'score', state: 'running', progress: 0.37, startedAt: T0, message: 'music: scene 1' });
    expect(formatStepLine(running, at(9.8), 8)).toBe('> score    [#######-------------]  37%    9.8 s  music: scene 1');
    const failed = step({
      name: 'export',
      state: 'failed',
      progress: 0.2,
      startedAt: T0,
      finishedAt: new Date(at(1)).toISOString(),
      error: { code: 'X', message: 'boom' },
    });
    expect(formatStepLine(failed, at(5), 8)).toBe('✗ export   [####----------------]  20%    1.0 s  X: boom');
    const reused = step({ name: 'export', state: 'completed', progress: 1, reused: true, outputSummary: 'pdf' });
    expect(formatStepLine(reused, at(5), 6)).toBe('✓ export [####################] 100%   reused  pdf');
    expect(formatStepLine({ ...reused, outputSummary: 'x'.repeat(300) }, at(5), 6, 80)).toHaveLength(80);
  });

  it('writes plain lines when not on a terminal: start, each quarter, end — never twice', () => {
    let out = '';
    const view = new RunProgressView({ write: (s: string) => (out += s) }, false);
    const steps = [step({ name: 'a', state: 'running', progress: 0, startedAt: T0 }), step({ name: 'b' })];
    view.update({ state: 'running', steps }, at(1));
    view.update({ state: 'running', steps }, at(2));
    steps[0] = { ...steps[0]!, progress: 0.3 };
    view.update({ state: 'running', steps }, at(3));
    steps[0] = { ...steps[0]!, progress: 0.4 };
    view.update({ state: 'running', steps }, at(4));
    steps[0] = { ...steps[0]!, state: 'completed', progress: 1, finishedAt: new Date(at(5)).toISOString(), outputSummary: 'done' };
    view.update({ state: 'running', steps }, at(5));
    const lines = out.trimEnd().split('\n');
    expect(lines).toEqual([
      '> a [--------------------]   0%    1.0 s',
      '> a [######--------------]  30%    3.0 s',
      '✓ a [####################] 100%    5.0 s  done',
    ]);
    expect(out).not.toContain('\x1b');
  });

  it('redraws the block of steps in place on a terminal', () => {
    let out = '';
    const view = new RunProgressView({ write: (s: string) => (out += s), isTTY: true });
    const steps = [step({ name: 'a' }), step({ name: 'b' })];
    view.update({ state: 'running', steps }, at(0));
    expect(out.startsWith('\x1b[2K')).toBe(true);
    out = '';
    view.update({ state: 'running', steps }, at(1));
    expect(out.startsWith('\x1b[2F\x1b[2K')).toBe(true);
    expect(out.split('\n')).toHaveLength(3);
  });
});
