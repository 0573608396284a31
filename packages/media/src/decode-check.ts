import { isAutomovieError } from '@automovie/contracts';
import { probeMedia } from './probe.ts';
import { runFfmpeg } from './run-ffmpeg.ts';

/** What ffmpeg or ffprobe said about a failure, without the file's path, pointer values or the generic closing lines. */
function reason(err: unknown, path: string): string {
  const message = err instanceof Error ? err.message : String(err);
  const lines = message
    .replace(/^ff(?:mpeg|probe) failed(?: on \S+)?: /, '')
    .split(' | ')
    .map((l) =>
      l
        .replaceAll(`${path}: `, '')
        .replaceAll(path, 'the file')
        .replace(/ @ 0x[0-9a-f]+/g, '')
        .trim(),
    )
    .filter((l) => l !== '' && !/^(Error marking filters as finished|Cannot determine format of input stream)/.test(l));
  return lines.join('; ') || message;
}

/**
 * Why ffmpeg cannot take a file as a source of `type` (not media at all, no such stream, or its
 * first frame or first 0.1 s of sound does not decode), or undefined when it can. For naming the
 * input at fault after a render failed: a probe alone passes a PNG signature over junk.
 */
export async function undecodableReason(path: string, type: 'video' | 'audio'): Promise<string | undefined> {
  let streams: Array<{ type: string; width?: number }>;
  try {
    streams = (await probeMedia(path)).streams;
  } catch (err) {
    if (isAutomovieError(err) && err.code === 'MEDIA_TOOL_MISSING') throw err;
    return `is not a media file ffmpeg reads (${reason(err, path)})`;
  }
  if (!streams.some((s) => s.type === type)) return `has no ${type} stream`;
  try {
    await runFfmpeg({
      inputs: [{ source: path }],
      outputOptions: [
        '-map',
        type === 'video' ? '0:v:0' : '0:a:0',
        ...(type === 'video' ? ['-frames:v', '1'] : ['-t', '0.1']),
        '-f',
        'null',
      ],
      output: '/dev/null',
    });
  } catch (err) {
    if (isAutomovieError(err) && err.code === 'MEDIA_TOOL_MISSING') throw err;
    return `does not decode as ${type} (${reason(err, path)})`;
  }
  return undefined;
}
