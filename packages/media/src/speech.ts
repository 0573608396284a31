import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Timing, type VoiceSpec, VoiceSpecSchema } from '@automovie/contracts';
import { z } from 'zod';
import { abortedError, MediaError, parseMediaInput } from './errors.ts';
import { withTempDir } from './temp.ts';
import { ensureTool } from './tools.ts';
import { decodeWav, encodeWav16 } from './wav.ts';
import { alignWords, detectSpeechSegments } from './word-timings.ts';

/** Inter-word pause given to espeak-ng (`-g`, in 10 ms units at its default 175 wpm): long enough to measure word boundaries. */
const WORD_GAP_UNITS = 8;
/** Silence kept before the first and after the last audible sample. */
const LEAD_S = 0.05;
const TAIL_S = 0.12;

const SpeechInputSchema = z.object({
  text: z
    .string()
    .max(20_000)
    .refine((t) => /[\p{L}\p{N}]/u.test(t), 'must contain at least one word'),
  voice: VoiceSpecSchema,
});

let variants: Promise<Map<string, string>> | undefined;

/** espeak-ng's variant files, by lower-case name (file names are case-sensitive: `Alex`, `f3`). */
function variantFiles(): Promise<Map<string, string>> {
  variants ??= runEspeak(['--voices=variant']).then(({ stdout }) => {
    const map = new Map<string, string>();
    for (const m of stdout.matchAll(/!v\/(\S+)/g)) map.set(m[1]!.toLowerCase(), m[1]!);
    return map;
  });
  return variants;
}

function runEspeak(args: string[], signal?: AbortSignal): Promise<{ stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('espeak-ng', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    const onAbort = () => child.kill('SIGKILL');
    signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', (err) => {
      signal?.removeEventListener('abort', onAbort);
      reject(new MediaError('MEDIA_ESPEAK_FAILED', `espeak-ng could not start: ${err.message}`, { cause: err }));
    });
    child.on('close', (code, sig) => {
      signal?.removeEventListener('abort', onAbort);
      if (signal?.aborted) return reject(abortedError(signal));
      if (code !== 0)
        return reject(
          new MediaError('MEDIA_ESPEAK_FAILED', `espeak-ng exited with ${code ?? sig}: ${stderr.trim().split('\n').at(-1) ?? ''}`, {
            data: { stderr: stderr.slice(-2000) },
          }),
        );
      resolve({ stdout });
    });
  });
}

/** The espeak-ng voice name for a spec: `en-us+<variant>`, or the gender's default variant when espeak-ng has no such variant. */
export async function espeakVoiceName(voice: VoiceSpec): Promise<string> {
  const files = await variantFiles();
  const wanted = files.get(voice.variant.toLowerCase());
  const fallback = voice.gender === 'female' ? 'f3' : voice.gender === 'male' ? 'm3' : 'klatt';
  return `en-us+${wanted ?? files.get(fallback) ?? fallback}`;
}

/**
 * Speaks `text` with espeak-ng in the character's voice (variant, pitch, rate) and measures when
 * each word is said from the audio itself (see `alignWords`). The WAV is 22.05 kHz mono 16-bit,
 * trimmed to 50 ms before the first and 120 ms after the last audible sound; timings are on that
 * trimmed audio. Words are the whitespace-separated tokens of `text`, in order.
 */
export async function synthesizeSpeech(
  input: { text: string; voice: VoiceSpec },
  opts: { signal?: AbortSignal } = {},
): Promise<{ wav: Uint8Array; durationS: number; timings: Timing[] }> {
  const { text, voice } = parseMediaInput(SpeechInputSchema, input, 'speech input');
  await ensureTool('espeak-ng');
  if (opts.signal?.aborted) throw abortedError(opts.signal);
  const voiceName = await espeakVoiceName(voice);
  // Control characters would reach espeak-ng's text parser; line breaks become sentence pauses anyway.
  const clean = text.replace(/[\p{Cc}\p{Cf}]+/gu, ' ').trim();
  const words = clean.split(/\s+/).filter((w) => w !== '');

  const raw = await withTempDir(async (dir) => {
    const textPath = join(dir, 'line.txt');
    const wavPath = join(dir, 'line.wav');
    await writeFile(textPath, clean, 'utf8');
    // The text goes in a file (`-f`), so nothing in it can be read as an option.
    const args = [
      '-v',
      voiceName,
      '-p',
      String(voice.pitch),
      '-s',
      String(voice.rate),
      '-g',
      String(WORD_GAP_UNITS),
      '-w',
      wavPath,
      '-f',
      textPath,
    ];
    await runEspeak(args, opts.signal);
    return readFile(wavPath).catch((err: unknown) => {
      throw new MediaError('MEDIA_ESPEAK_FAILED', 'espeak-ng wrote no audio', { cause: err });
    });
  });
  const pcm = decodeWav(raw);
  const mono = pcm.channels === 1 ? pcm.samples : pcm.samples.filter((_, i) => i % pcm.channels === 0);
  const fullS = mono.length / pcm.sampleRate;
  if (fullS === 0) throw new MediaError('MEDIA_ESPEAK_FAILED', 'espeak-ng wrote an empty WAV');

  const segments = detectSpeechSegments(mono, pcm.sampleRate);
  const from = segments.length > 0 ? Math.max(0, segments[0]!.startS - LEAD_S) : 0;
  const to = segments.length > 0 ? Math.min(fullS, segments.at(-1)!.endS + TAIL_S) : fullS;
  const first = Math.floor(from * pcm.sampleRate);
  const last = Math.min(mono.length, Math.ceil(to * pcm.sampleRate));
  const trimmed = mono.subarray(first, last);
  const offset = first / pcm.sampleRate;
  const durationS = trimmed.length / pcm.sampleRate;
  const shifted = segments.map((s) => ({ startS: s.startS - offset, endS: s.endS - offset }));
  const timings = alignWords(words, shifted, durationS, { wordGapS: (WORD_GAP_UNITS * 0.01 * 175) / voice.rate });
  return { wav: encodeWav16(trimmed, pcm.sampleRate, 1), durationS, timings };
}
