import { generate_speech } from '@automovie/contracts';
import { mapBounded, type TaskHandler } from './types.ts';

/** Dialogue lines through the brain's generate_speech, a few at once, progress per line. */
export function synthesizeLines(parallelism: number): TaskHandler<'synthesize_lines'> {
  return async (run) => {
    const { lines } = run.payload;
    const brain = run.brain();
    let done = 0;
    const results = await mapBounded(lines, parallelism, run.signal, async (l) => {
      const out = await brain.call(
        generate_speech,
        { projectId: run.projectId, text: l.text, voice: l.voice, ...(l.seed === undefined ? {} : { seed: l.seed }) },
        { signal: run.signal },
      );
      done++;
      await run.progress({ progress: done, total: lines.length, message: `line ${l.key}` });
      return { key: l.key, assetId: out.asset.id, durationS: out.durationS, timings: out.timings, cached: out.cached };
    });
    return { lines: results };
  };
}
