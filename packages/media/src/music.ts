import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { parseMediaInput } from './errors.ts';
import { pick, seededRandom } from './random.ts';
import { runFfmpeg } from './run-ffmpeg.ts';
import { withTempDir } from './temp.ts';

export const MUSIC_MOODS = ['tense', 'tender', 'playful', 'melancholic', 'triumphant', 'eerie', 'neutral'] as const;
export type MusicMood = (typeof MUSIC_MOODS)[number];

/** Free words onto the moods the synthesiser knows; the first mood with a matching word wins. */
const MOOD_WORDS: Record<Exclude<MusicMood, 'neutral'>, RegExp> = {
  eerie: /\b(eerie|ghost\w*|haunt\w*|horror|uncanny|creep\w*|spooky|mysteri\w*|myster\w*|supernatural|dread|otherworldly|surreal)\b/,
  tense:
    /\b(tense|tension|suspense\w*|thrill\w*|danger\w*|fear\w*|anxious|anxiety|chase|urgent|ominous|dark|menac\w*|nervous|action|conflict|noir|threat\w*)\b/,
  melancholic:
    /\b(melanchol\w*|sad\w*|grief|griev\w*|loss|lonely|loneliness|mourn\w*|nostalg\w*|wistful|bittersweet|somber|sombre|tragic|regret\w*|rain\w*|elegiac)\b/,
  tender:
    /\b(tender\w*|love\w*|loving|romanc\w*|romantic|warm\w*|gentle|intimate|soft|calm\w*|peace\w*|hope\w*|heartfelt|quiet|sweet|wry)\b/,
  playful: /\b(playful|fun|funny|comic\w*|comedy|whimsical|light\w*|quirky|silly|cheer\w*|bouncy|joy\w*|happy|upbeat|mischie\w*)\b/,
  triumphant: /\b(triumph\w*|victor\w*|epic|heroic|hero\w*|glor\w*|uplift\w*|celebrat\w*|grand|majestic|inspir\w*|win\w*|anthem\w*)\b/,
};

/** The synthesiser's mood for a free description ("wry, tender" → tender); `neutral` when nothing matches. */
export function resolveMood(description: string): MusicMood {
  const text = description.toLowerCase();
  const exact = MUSIC_MOODS.find((m) => text.trim() === m);
  if (exact) return exact;
  let best: { mood: MusicMood; at: number } | undefined;
  for (const [mood, re] of Object.entries(MOOD_WORDS) as Array<[MusicMood, RegExp]>) {
    const m = re.exec(text);
    if (m && (!best || m.index < best.at)) best = { mood, at: m.index };
  }
  return best?.mood ?? 'neutral';
}

type Quality = 'M' | 'm' | 'dim' | 'aug' | 'sus4' | 'M7' | 'm7';
const QUALITY: Record<Quality, number[]> = {
  M: [0, 4, 7],
  m: [0, 3, 7],
  dim: [0, 3, 6],
  aug: [0, 4, 8],
  sus4: [0, 5, 7],
  M7: [0, 4, 7, 11],
  m7: [0, 3, 7, 10],
};
type Chord = [root: number, quality: Quality];

interface MoodPreset {
  tempo: number;
  beatsPerChord: number;
  progressions: Chord[][];
  /** Lowest key root (MIDI); the seed adds 0–6 semitones. */
  keyBase: number;
  pad: { level: number; attackS: number; bright: number; detune: number };
  arp: { level: number; perBeat: number; decay: number; patterns: number[][] } | undefined;
  bass: { level: number; perBeat: number } | undefined;
  lowpassHz: number;
  tremolo: { hz: number; depth: number } | undefined;
  echo: { delaysMs: string; decays: string };
}

const PRESETS: Record<MusicMood, MoodPreset> = {
  tense: {
    tempo: 104,
    beatsPerChord: 4,
    progressions: [
      [
        [0, 'm'],
        [1, 'M'],
        [0, 'm'],
        [7, 'm'],
      ],
      [
        [0, 'm'],
        [8, 'M'],
        [6, 'dim'],
        [7, 'M'],
      ],
      [
        [0, 'm'],
        [0, 'm'],
        [1, 'M'],
        [6, 'dim'],
      ],
    ],
    keyBase: 50,
    pad: { level: 0.5, attackS: 0.4, bright: 0.35, detune: 0.004 },
    arp: undefined,
    bass: { level: 0.9, perBeat: 2 },
    lowpassHz: 1100,
    tremolo: { hz: 6, depth: 0.35 },
    echo: { delaysMs: '90|170', decays: '0.25|0.15' },
  },
  tender: {
    tempo: 72,
    beatsPerChord: 4,
    progressions: [
      [
        [0, 'M7'],
        [9, 'm7'],
        [5, 'M7'],
        [7, 'sus4'],
      ],
      [
        [0, 'M'],
        [4, 'm'],
        [5, 'M'],
        [7, 'M'],
      ],
      [
        [0, 'M'],
        [7, 'M'],
        [9, 'm'],
        [5, 'M'],
      ],
    ],
    keyBase: 55,
    pad: { level: 0.55, attackS: 0.7, bright: 0.15, detune: 0.002 },
    arp: {
      level: 0.45,
      perBeat: 2,
      decay: 5,
      patterns: [
        [0, 1, 2, 1],
        [0, 2, 1, 2],
        [0, 1, 2, 3],
      ],
    },
    bass: { level: 0.5, perBeat: 0 },
    lowpassHz: 2600,
    tremolo: undefined,
    echo: { delaysMs: '240|410', decays: '0.3|0.2' },
  },
  playful: {
    tempo: 128,
    beatsPerChord: 4,
    progressions: [
      [
        [0, 'M'],
        [5, 'M'],
        [7, 'M'],
        [0, 'M'],
      ],
      [
        [0, 'M'],
        [9, 'm'],
        [2, 'm'],
        [7, 'M'],
      ],
      [
        [0, 'M'],
        [4, 'm'],
        [5, 'M'],
        [7, 'M'],
      ],
    ],
    keyBase: 57,
    pad: { level: 0.2, attackS: 0.05, bright: 0.2, detune: 0 },
    arp: {
      level: 0.7,
      perBeat: 2,
      decay: 14,
      patterns: [
        [0, 2, 1, 3],
        [0, 1, 2, 1],
        [2, 1, 0, 3],
      ],
    },
    bass: { level: 0.7, perBeat: 1 },
    lowpassHz: 5000,
    tremolo: undefined,
    echo: { delaysMs: '110', decays: '0.15' },
  },
  melancholic: {
    tempo: 66,
    beatsPerChord: 4,
    progressions: [
      [
        [0, 'm'],
        [8, 'M'],
        [3, 'M'],
        [10, 'M'],
      ],
      [
        [0, 'm'],
        [5, 'm'],
        [10, 'M'],
        [3, 'M'],
      ],
      [
        [0, 'm7'],
        [8, 'M7'],
        [5, 'm7'],
        [7, 'm'],
      ],
    ],
    keyBase: 52,
    pad: { level: 0.6, attackS: 0.8, bright: 0.12, detune: 0.003 },
    arp: {
      level: 0.35,
      perBeat: 1,
      decay: 3,
      patterns: [
        [0, 1, 2, 1],
        [2, 1, 0, 1],
      ],
    },
    bass: { level: 0.45, perBeat: 0 },
    lowpassHz: 1800,
    tremolo: undefined,
    echo: { delaysMs: '300|520', decays: '0.35|0.2' },
  },
  triumphant: {
    tempo: 112,
    beatsPerChord: 4,
    progressions: [
      [
        [0, 'M'],
        [7, 'M'],
        [9, 'm'],
        [5, 'M'],
      ],
      [
        [0, 'M'],
        [5, 'M'],
        [7, 'M'],
        [0, 'M'],
      ],
      [
        [0, 'M'],
        [10, 'M'],
        [5, 'M'],
        [7, 'M'],
      ],
    ],
    keyBase: 50,
    pad: { level: 0.6, attackS: 0.15, bright: 0.5, detune: 0.002 },
    arp: {
      level: 0.5,
      perBeat: 2,
      decay: 7,
      patterns: [
        [0, 1, 2, 3],
        [0, 2, 3, 2],
      ],
    },
    bass: { level: 0.8, perBeat: 1 },
    lowpassHz: 4200,
    tremolo: undefined,
    echo: { delaysMs: '150|260', decays: '0.2|0.12' },
  },
  eerie: {
    tempo: 58,
    beatsPerChord: 4,
    progressions: [
      [
        [0, 'dim'],
        [1, 'm'],
        [6, 'dim'],
        [0, 'aug'],
      ],
      [
        [0, 'm'],
        [6, 'dim'],
        [1, 'M'],
        [0, 'm'],
      ],
    ],
    keyBase: 48,
    pad: { level: 0.6, attackS: 1.2, bright: 0.25, detune: 0.012 },
    arp: {
      level: 0.25,
      perBeat: 1,
      decay: 2,
      patterns: [
        [0, 2, 1, 3],
        [3, 1, 2, 0],
      ],
    },
    bass: undefined,
    lowpassHz: 1400,
    tremolo: { hz: 0.7, depth: 0.5 },
    echo: { delaysMs: '420|730', decays: '0.4|0.3' },
  },
  neutral: {
    tempo: 90,
    beatsPerChord: 4,
    progressions: [
      [
        [0, 'M'],
        [5, 'M'],
        [9, 'm'],
        [7, 'M'],
      ],
      [
        [0, 'M'],
        [7, 'M'],
        [5, 'M'],
        [0, 'M'],
      ],
    ],
    keyBase: 53,
    pad: { level: 0.55, attackS: 0.5, bright: 0.2, detune: 0.002 },
    arp: { level: 0.3, perBeat: 2, decay: 6, patterns: [[0, 1, 2, 1]] },
    bass: { level: 0.5, perBeat: 0 },
    lowpassHz: 2500,
    tremolo: undefined,
    echo: { delaysMs: '200|330', decays: '0.25|0.15' },
  },
};

const OUT_RATE = 44_100;
/** The voices are computed at half rate (the bed is low-passed well under 11 kHz) and resampled once. */
const GEN_RATE = 22_050;

const MusicInputSchema = z.object({
  mood: z.string().max(300),
  durationS: z.number().positive().max(3600),
  tempoBpm: z.number().min(30).max(240).optional(),
  seed: z.number().int(),
});

const hz = (midi: number) => 440 * 2 ** ((midi - 69) / 12);
const f = (x: number) => x.toFixed(4);

/** `if(eq(ld(0),0),a,if(eq(ld(0),1),b,…))`: picks a constant by the chord index kept in register 0. */
function byChord(values: number[]): string {
  let expr = f(values.at(-1)!);
  for (let i = values.length - 2; i >= 0; i--) expr = `if(eq(ld(0),${i}),${f(values[i]!)},${expr})`;
  return expr;
}

/** The aevalsrc expression of one loop cycle (two progressions of four chords): pad, arpeggio, bass. */
function cycleExpression(preset: MoodPreset, chords: Chord[], key: number, chordS: number, beatS: number, rand: () => number): string {
  const tones = chords.map(([root, q]) => QUALITY[q].map((iv) => key + root + iv));
  const parts: string[] = [];
  const regs: string[] = [`st(0,mod(floor(t/${f(chordS)}),${chords.length}))`, `st(1,mod(t,${f(chordS)}))`];
  // Swell in and out of every chord so frequency changes never click.
  const a = Math.min(preset.pad.attackS, chordS / 3);
  regs.push(`st(2,min(1,ld(1)/${f(a)})*min(1,(${f(chordS)}-ld(1))/${f(Math.min(0.25, chordS / 4))}))`);
  let norm = 0;
  const padVoices = 3;
  for (let v = 0; v < padVoices; v++) {
    const fr = byChord(tones.map((t) => hz(t[v]! + 12)));
    regs.push(`st(${3 + v},${fr})`);
    const det = preset.pad.detune;
    const base = `sin(2*PI*ld(${3 + v})*t)`;
    const bright = preset.pad.bright > 0 ? `+${f(preset.pad.bright)}*sin(4*PI*ld(${3 + v})*t)` : '';
    const chorus = det > 0 ? `+0.6*sin(2*PI*ld(${3 + v})*${f(1 + det)}*t)` : '';
    parts.push(`${f(preset.pad.level / padVoices)}*ld(2)*(${base}${bright}${chorus})`);
    norm += (preset.pad.level / padVoices) * (1 + preset.pad.bright + (det > 0 ? 0.6 : 0));
  }
  if (preset.arp) {
    const pattern = pick(rand, preset.arp.patterns);
    const stepS = beatS / preset.arp.perBeat;
    // Register 6: which chord tone this step plays (octave up for index 3).
    const toneOf = (idx: number) => tones.map((t) => hz(idx >= t.length ? t[0]! + 12 + 12 : t[idx]! + 12));
    let sel = byChord(toneOf(pattern.at(-1)!));
    for (let i = pattern.length - 2; i >= 0; i--) sel = `if(eq(ld(6),${i}),${byChord(toneOf(pattern[i]!))},${sel})`;
    regs.push(`st(6,mod(floor(t/${f(stepS)}),${pattern.length}))`, `st(7,${sel})`, `st(8,mod(t,${f(stepS)}))`);
    parts.push(`${f(preset.arp.level)}*min(1,ld(8)/0.004)*exp(-${f(preset.arp.decay)}*ld(8))*(sin(2*PI*ld(7)*t)+0.25*sin(4*PI*ld(7)*t))`);
    norm += preset.arp.level * 1.25;
  }
  if (preset.bass) {
    const fr = byChord(tones.map((t) => hz(t[0]! - 12)));
    regs.push(`st(9,${fr})`);
    const env =
      preset.bass.perBeat > 0
        ? `min(1,mod(t,${f(beatS / preset.bass.perBeat)})/0.01)*exp(-4*mod(t,${f(beatS / preset.bass.perBeat)}))`
        : 'ld(2)';
    parts.push(`${f(preset.bass.level)}*${env}*(sin(2*PI*ld(9)*t)+0.3*sin(4*PI*ld(9)*t))`);
    norm += preset.bass.level * 1.3;
  }
  return `${regs.join(';')};${f(0.9 / norm)}*(${parts.join('+')})`;
}

/**
 * A music bed for a mood, synthesised with ffmpeg: a seeded key and pair of progressions (one
 * loop cycle of eight chords computed by `aevalsrc`, then looped), pad, arpeggio and bass voices,
 * then low-pass, tremolo, echo, a Haas delay for width, and fades at both ends so it loops.
 * Free words map onto the known moods (`resolveMood`). WAV, 44.1 kHz stereo 16-bit, exactly
 * `durationS` long (to the sample).
 */
export async function synthesizeMusic(
  input: { mood: string; durationS: number; tempoBpm?: number; seed: number },
  opts: { signal?: AbortSignal } = {},
): Promise<Uint8Array> {
  const spec = parseMediaInput(MusicInputSchema, input, 'music input');
  const preset = PRESETS[resolveMood(spec.mood)];
  const rand = seededRandom(spec.seed);
  const key = preset.keyBase + Math.floor(rand() * 7);
  const tempo = spec.tempoBpm ?? preset.tempo * (0.94 + rand() * 0.12);
  const beatS = 60 / tempo;
  const chordS = beatS * preset.beatsPerChord;
  const first = pick(rand, preset.progressions);
  const second = pick(rand, preset.progressions);
  const chords = [...first, ...second];
  const cycleS = chordS * chords.length;
  const cycleSamples = Math.round(cycleS * GEN_RATE);
  const expr = cycleExpression(preset, chords, key, chordS, beatS, rand);

  const total = Math.round(spec.durationS * OUT_RATE);
  const genSamples = Math.ceil(spec.durationS * GEN_RATE) + 64;
  const fade = Math.min(2, spec.durationS / 6);
  const chain = [
    `aevalsrc=exprs='${expr}':s=${GEN_RATE}:d=${f(Math.min(cycleS, spec.durationS + 0.1))}`,
    `aloop=loop=-1:size=${cycleSamples}`,
    `atrim=end_sample=${genSamples}`,
    `lowpass=f=${preset.lowpassHz}`,
    ...(preset.tremolo ? [`tremolo=f=${preset.tremolo.hz}:d=${preset.tremolo.depth}`] : []),
    `aecho=0.8:0.75:${preset.echo.delaysMs}:${preset.echo.decays}`,
    'aformat=sample_fmts=fltp:channel_layouts=mono',
    'asplit[l][r]',
  ].join(',');
  const graph = [
    chain,
    `[r]adelay=14[rd]`,
    `[l][rd]amerge=inputs=2,aresample=${OUT_RATE},afade=t=in:d=${f(fade)},afade=t=out:st=${f(spec.durationS - fade)}:d=${f(fade)},atrim=end_sample=${total},apad=whole_len=${total}[out]`,
  ].join(';');
  return withTempDir(async (dir) => {
    const out = join(dir, 'music.wav');
    await runFfmpeg({
      inputs: [],
      filterGraph: graph,
      outputOptions: ['-map', '[out]', '-c:a', 'pcm_s16le', '-ar', String(OUT_RATE), '-ac', '2'],
      output: out,
      signal: opts.signal,
    });
    return new Uint8Array(await readFile(out));
  });
}
