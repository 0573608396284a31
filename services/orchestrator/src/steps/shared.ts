import { createHash } from 'node:crypto';
import { DEFAULT_STYLE_PRESET, STYLE_PRESETS, type StylePresetName } from '@automovie/contracts';
import type { CallOptions } from '@automovie/mcp-ws';
import { OrchestratorError } from '../errors.ts';
import type { RunView, StepContext } from './types.ts';

/**
 * How long one domain tool call may go without a progress notification before it times out.
 * Renders of long films take minutes, but they report progress all along.
 */
export const STEP_CALL_TIMEOUT_MS = 10 * 60_000;

/** A short, stable digest of a JSON value: what a later step's input carries to go stale when this changes. */
export function fingerprint(value: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify(value ?? null))
    .digest('hex')
    .slice(0, 20);
}

/** The output of an earlier step of the run, or an error naming it when it is missing (the pipeline is out of order). */
export function outputOf<T>(run: RunView, step: string): T {
  const out = run.outputs[step];
  if (out === undefined || out === null) {
    throw new OrchestratorError(
      'ORCHESTRATOR_UNKNOWN_STEP',
      `Step output of ${step} is missing: it must run before the steps that read it`,
      {
        data: { step },
      },
    );
  }
  return out as T;
}

/**
 * Options of a domain tool call made by a step: cancelled with the run, and the callee's MCP
 * progress forwarded to the step's progress, mapped into [from, to] of the step.
 */
export function callOptions(ctx: StepContext, from = 0, to = 1, label?: string): CallOptions {
  return {
    signal: ctx.signal,
    timeoutMs: STEP_CALL_TIMEOUT_MS,
    onProgress: (p) => {
      const f = relayFraction(p.progress, p.total);
      const message = label && p.message ? `${label}: ${p.message}` : (p.message ?? label);
      ctx.progress(from + f * (to - from), message);
    },
  };
}

/** A progress notification as a fraction 0–1: progress/total when a total is given, else progress itself when it is one already. */
export function relayFraction(progress: number, total: number | undefined): number {
  if (!Number.isFinite(progress)) return 0;
  const f = total !== undefined && total > 0 ? progress / total : progress <= 1 ? progress : 0;
  return Math.max(0, Math.min(1, f));
}

/**
 * The storyboard style preset for the run's `style` option: a preset named in it ("noir",
 * "comic book look" → comic), else the default preset (the option is free text; presets are the
 * looks the offline renderer draws).
 */
export function stylePresetFor(style: string | undefined): StylePresetName {
  if (style === undefined) return DEFAULT_STYLE_PRESET;
  const words = style.toLowerCase();
  const named = STYLE_PRESETS.find((p) => new RegExp(`\\b${p.name}\\b`).test(words));
  return named?.name ?? DEFAULT_STYLE_PRESET;
}
