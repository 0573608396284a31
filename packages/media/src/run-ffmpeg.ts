import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import ffmpeg from 'fluent-ffmpeg';
import { abortedError, MediaError } from './errors.ts';
import { withTempDir } from './temp.ts';
import { ensureTool } from './tools.ts';

/** An ffmpeg invocation: inputs (each with options placed before its `-i`), one filter graph, one output. */
export interface FfmpegJob {
  inputs: Array<{ source: string; options?: string[] }>;
  filterGraph?: string;
  outputOptions: string[];
  output: string;
  /** Expected output duration, for turning ffmpeg's `time=` into a fraction. */
  durationS?: number;
  onProgress?: (fraction: number) => void;
  signal?: AbortSignal;
}

const STDERR_LINES = 25;

/**
 * Longest filter graph passed inline. Linux refuses any single argument over 128 KiB (E2BIG), and
 * fluent-ffmpeg throws that from a callback where nothing can catch it, taking the process down
 * (measured: 700 clips of a timeline); longer graphs go through `-filter_complex_script`.
 */
const INLINE_GRAPH_BYTES = 32 * 1024;

/** Parses ffmpeg's `HH:MM:SS.xx` progress stamps (negative at the very start of some runs). */
export function parseTimemark(mark: string): number | undefined {
  const m = /^(-?)(\d+):(\d{2}):(\d{2}(?:\.\d+)?)$/.exec(mark.trim());
  if (!m) return undefined;
  const s = Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4]);
  return m[1] ? -s : s;
}

/**
 * Runs ffmpeg through fluent-ffmpeg. Arguments go to the process as argv (never a shell). Progress
 * comes from the `time=` stamps of ffmpeg's status lines (fluent-ffmpeg's own `progress` event
 * would first probe every input, lavfi sources included); the signal kills the process.
 */
export async function runFfmpeg(job: FfmpegJob): Promise<void> {
  await ensureTool('ffmpeg');
  if (job.signal?.aborted) throw abortedError(job.signal);
  if (job.filterGraph && Buffer.byteLength(job.filterGraph) > INLINE_GRAPH_BYTES) {
    const graph = job.filterGraph;
    return withTempDir(async (dir) => {
      const script = join(dir, 'graph.txt');
      await writeFile(script, graph, 'utf8');
      const { filterGraph: _inline, ...rest } = job;
      return runFfmpegOnce({ ...rest, outputOptions: ['-filter_complex_script', script, ...job.outputOptions] });
    });
  }
  return runFfmpegOnce(job);
}

async function runFfmpegOnce(job: FfmpegJob): Promise<void> {
  // fluent-ffmpeg keeps this many lines of each of stdout and stderr for the error callback.
  const cmd = ffmpeg({ stdoutLines: STDERR_LINES });
  for (const input of job.inputs) {
    cmd.input(input.source);
    const opts = ['-hide_banner', '-nostdin', ...(input.options ?? [])];
    cmd.inputOptions(...opts);
  }
  if (job.filterGraph) cmd.complexFilter(job.filterGraph);
  cmd.output(job.output);
  if (job.outputOptions.length > 0) cmd.outputOptions(...job.outputOptions, '-y');

  await new Promise<void>((resolve, reject) => {
    let aborted = false;
    let last = 0;
    const onAbort = () => {
      aborted = true;
      cmd.kill('SIGKILL');
    };
    job.signal?.addEventListener('abort', onAbort, { once: true });
    const done = () => job.signal?.removeEventListener('abort', onAbort);
    if (job.onProgress && job.durationS && job.durationS > 0) {
      const total = job.durationS;
      const report = job.onProgress;
      cmd.on('stderr', (line: string) => {
        const m = /time=\s*(\S+)/.exec(line);
        const t = m ? parseTimemark(m[1]!) : undefined;
        if (t === undefined) return;
        const fraction = Math.min(1, Math.max(0, t / total));
        if (fraction > last) {
          last = fraction;
          report(fraction);
        }
      });
    }
    cmd.on('error', (err: Error, _stdout: string | null, stderr: string | null) => {
      done();
      if (aborted || job.signal?.aborted) return reject(abortedError(job.signal));
      const tail = (stderr ?? '').split('\n').filter((l) => l.trim() !== '' && !/^\s*(frame|size)=/.test(l));
      const killed = /killed with signal (\w+)/.exec(err.message);
      const telling = tail.filter((l) => !/^(Conversion failed!|Error configuring filter graph)$/.test(l.trim())).slice(-3);
      reject(
        new MediaError('MEDIA_FFMPEG_FAILED', `ffmpeg failed: ${telling.join(' | ') || err.message}`, {
          // A signal we did not send (the OOM killer, a drained node) is the machine's fault, not the input's: callers retry on `data.signal`.
          data: { stderr: tail.slice(-STDERR_LINES).join('\n'), ...(killed ? { signal: killed[1] } : {}) },
          cause: err,
        }),
      );
    });
    cmd.on('end', () => {
      done();
      if (job.onProgress && last < 1) job.onProgress(1);
      resolve();
    });
    cmd.run();
  });
}
