import { stat } from 'node:fs/promises';
import { z } from 'zod';
import { invalidMediaInput, parseMediaInput } from './errors.ts';
import { runFfmpeg } from './run-ffmpeg.ts';

const RATE = 48_000;
const Gain = z.number().min(-60).max(24);

export const MixSpecSchema = z.object({
  durationS: z
    .number()
    .positive()
    .max(4 * 3600),
  dialogue: z.array(z.object({ path: z.string().min(1), startS: z.number().min(0), gainDb: Gain.optional() })).max(2000),
  music: z.object({ path: z.string().min(1), gainDb: Gain.optional() }).optional(),
  ambience: z.object({ path: z.string().min(1), gainDb: Gain.optional() }).optional(),
  ducking: z.boolean().optional(),
  loudnessLufs: z.number().min(-40).max(-5).optional(),
  outPath: z.string().min(1),
});
/**
 * A mix: dialogue clips at their start times over a music bed and an ambience bed (each looped
 * to fill the length). Defaults: dialogue 0 dB, music -10 dB, ambience -16 dB, ducking on,
 * -16 LUFS integrated.
 */
export type MixSpec = z.infer<typeof MixSpecSchema>;

const MUSIC_DB = -10;
const AMBIENCE_DB = -16;

/**
 * Mixes dialogue over music and ambience: dialogue placed with `adelay`, the beds looped and
 * ducked under the dialogue bus (`sidechaincompress` keyed on it), the sum loudness-normalised
 * with one pass of `loudnorm`, cut or padded to exactly `durationS` (to the sample). WAV 48 kHz
 * stereo 16-bit.
 */
export async function mixAudio(input: MixSpec, opts: { signal?: AbortSignal } = {}): Promise<{ durationS: number }> {
  const spec = parseMediaInput(MixSpecSchema, input, 'mix');
  const files: Array<[string, string]> = [
    ...spec.dialogue.map((d, i) => [`dialogue[${i}].path`, d.path] as [string, string]),
    ...(spec.music ? [['music.path', spec.music.path] as [string, string]] : []),
    ...(spec.ambience ? [['ambience.path', spec.ambience.path] as [string, string]] : []),
  ];
  for (const [field, path] of files)
    await stat(path).catch(() => {
      throw invalidMediaInput(field, `no such file: ${path}`);
    });
  const total = Math.round(spec.durationS * RATE);
  const norm = `aresample=${RATE},aformat=sample_fmts=fltp:channel_layouts=stereo`;
  const inputs: Array<{ source: string; options?: string[] }> = [];
  const graph: string[] = [];

  const voices = spec.dialogue.map((d, i) => {
    inputs.push({ source: d.path });
    const ms = Math.round(d.startS * 1000);
    graph.push(`[${i}:a]${norm},volume=${d.gainDb ?? 0}dB,adelay=${ms}:all=1[d${i}]`);
    return `[d${i}]`;
  });
  if (voices.length > 0)
    graph.push(`${voices.join('')}amix=inputs=${voices.length}:normalize=0:duration=longest,apad,atrim=end_sample=${total}[dbus]`);
  else graph.push(`anullsrc=r=${RATE}:cl=stereo,atrim=end_sample=${total}[dbus]`);

  const beds: string[] = [];
  for (const [name, bed, db] of [
    ['music', spec.music, MUSIC_DB],
    ['amb', spec.ambience, AMBIENCE_DB],
  ] as const) {
    if (!bed) continue;
    // Beds loop for as long as the mix lasts.
    inputs.push({ source: bed.path, options: ['-stream_loop', '-1'] });
    graph.push(`[${inputs.length - 1}:a]${norm},volume=${bed.gainDb ?? db}dB,atrim=end_sample=${total},apad=whole_len=${total}[${name}]`);
    beds.push(`[${name}]`);
  }

  let mixIn = '[dbus]';
  if (beds.length > 0) {
    graph.push(beds.length > 1 ? `${beds.join('')}amix=inputs=${beds.length}:normalize=0[bed]` : `${beds[0]}anull[bed]`);
    if (spec.ducking ?? true) {
      graph.push('[dbus]asplit=2[dmix][dkey]');
      // About 9 dB of gain reduction under dialogue at -20 dBFS RMS (the threshold is on the key's RMS amplitude); fast in, slow out.
      graph.push('[bed][dkey]sidechaincompress=threshold=0.025:ratio=5:attack=20:release=400[ducked]');
      mixIn = '[dmix][ducked]';
    } else mixIn = '[dbus][bed]';
  }
  const lufs = spec.loudnessLufs ?? -16;
  const sum = mixIn === '[dbus]' ? '[dbus]anull' : `${mixIn}amix=inputs=2:normalize=0`;
  graph.push(`${sum},loudnorm=I=${lufs}:TP=-1.5:LRA=11,aresample=${RATE},atrim=end_sample=${total},apad=whole_len=${total}[out]`);

  await runFfmpeg({
    inputs,
    filterGraph: graph.join(';'),
    outputOptions: ['-map', '[out]', '-c:a', 'pcm_s16le', '-ar', String(RATE), '-ac', '2', '-f', 'wav'],
    output: spec.outPath,
    durationS: spec.durationS,
    signal: opts.signal,
  });
  return { durationS: total / RATE };
}
