import type { Run, RunStep } from '@automovie/contracts';
import { stepSeconds } from './demo-report.ts';
import type { Output } from './io.ts';

/** `[#######-------------]` for a fraction 0–1. */
export function progressBar(fraction: number, width = 20): string {
  const f = Number.isFinite(fraction) ? Math.max(0, Math.min(1, fraction)) : 0;
  const full = Math.round(f * width);
  return `[${'#'.repeat(full)}${'-'.repeat(width - full)}]`;
}

const MARK: Record<RunStep['state'], string> = { pending: ' ', running: '>', completed: '✓', failed: '✗', skipped: '-' };

function seconds(s: number | undefined): string {
  return s === undefined ? '' : `${s.toFixed(1)} s`;
}

/**
 * One step as a line: mark, name, bar, percent, elapsed time, then the summary (finished), the
 * error (failed) or the step's own message (running).
 */
export function formatStepLine(step: RunStep, nowMs: number, nameWidth: number, maxWidth = 160): string {
  const fraction = step.state === 'completed' ? 1 : step.progress;
  const pct = `${String(Math.round(fraction * 100)).padStart(3)}%`;
  const time = step.reused ? 'reused' : seconds(stepSeconds(step, nowMs));
  const detail =
    step.state === 'failed' && step.error
      ? `${step.error.code}: ${step.error.message}`
      : step.state === 'completed'
        ? (step.outputSummary ?? '')
        : (step.message ?? '');
  const line =
    `${MARK[step.state]} ${step.name.padEnd(nameWidth)} ${progressBar(fraction)} ${pct} ${time.padStart(8)}  ${detail}`.trimEnd();
  return line.length > maxWidth ? `${line.slice(0, maxWidth - 1)}…` : line;
}

/**
 * Live progress of a run. On a terminal the block of step lines is redrawn in place; otherwise
 * (a log, a pipe, CI) a plain line is written when a step starts, at each quarter of its
 * progress, and when it ends — never the same line twice.
 */
export class RunProgressView {
  readonly #out: Output;
  readonly #tty: boolean;
  #drawn = 0;
  /** Per step, what was last written in plain mode (`state:quarter`). */
  readonly #said = new Map<string, string>();

  constructor(out: Output, tty = out.isTTY === true) {
    this.#out = out;
    this.#tty = tty;
  }

  update(run: Pick<Run, 'steps' | 'state'>, nowMs = Date.now()): void {
    const width = Math.max(...run.steps.map((s) => s.name.length));
    if (this.#tty) {
      const columns = (this.#out as { columns?: number }).columns ?? 160;
      let text = this.#drawn > 0 ? `\x1b[${this.#drawn}F` : '';
      for (const s of run.steps) text += `\x1b[2K${formatStepLine(s, nowMs, width, Math.max(40, columns - 1))}\n`;
      this.#drawn = run.steps.length;
      this.#out.write(text);
      return;
    }
    for (const s of run.steps) {
      const quarter = s.state === 'running' ? Math.floor(s.progress * 4) : 4;
      const key = `${s.state}:${quarter}`;
      if (s.state === 'pending' || this.#said.get(s.name) === key) continue;
      if (s.state === 'running' && this.#said.get(s.name)?.startsWith('running') && quarter === 0) continue;
      this.#said.set(s.name, key);
      this.#out.write(`${formatStepLine(s, nowMs, width, 400)}\n`);
    }
  }
}
