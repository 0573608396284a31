import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { parseMediaInput } from './errors.ts';
import { seededRandom } from './random.ts';
import { runFfmpeg } from './run-ffmpeg.ts';
import { withTempDir } from './temp.ts';

const RATE = 44_100;
const f = (x: number) => x.toFixed(4);

/** One layer of an effect: a mono chain ending at 44.1 kHz (`d`: duration, `s`: a seed, `r`: the seed's random source). */
interface Layer {
  chain: (d: number, s: number, r: () => number) => string;
  gain: number;
}

const noise = (color: string, d: number, s: number, amp = 0.8) => `anoisesrc=c=${color}:r=${RATE}:a=${amp}:seed=${s}:d=${f(d)}`;
/** A slow random-looking swell from two incommensurate sines (evaluated once per audio frame). */
const swell = (r: () => number, periodS: number, floor: number) =>
  `volume=eval=frame:volume='${f(floor)}+${f(1 - floor)}*(0.5+0.25*sin(2*PI*t/${f(periodS)}+${f(r() * 6)})+0.25*sin(2*PI*t/${f(periodS * 0.61)}+${f(r() * 6)}))'`;
/** `aevalsrc` for a mono expression; register 0 seeds `random(0)`. */
const evalsrc = (expr: string, d: number, s: number) => `aevalsrc=exprs='if(eq(n,0),st(0,${s % 100_000}),0);${expr}':s=${RATE}:d=${f(d)}`;

const LAYERS: Record<string, Layer> = {
  rain: { gain: 0.55, chain: (d, s) => `${noise('pink', d, s)},highpass=f=700,lowpass=f=9000,tremolo=f=11:d=0.15` },
  wind: {
    gain: 0.8,
    chain: (d, s, r) => `${noise('pink', d, s)},bandpass=f=${400 + Math.floor(r() * 300)}:width_type=o:w=1.4,${swell(r, 7, 0.15)}`,
  },
  sea: { gain: 0.9, chain: (d, s, r) => `${noise('brown', d, s)},lowpass=f=1400,highpass=f=60,${swell(r, 8, 0.1)}` },
  crowd: {
    gain: 0.6,
    chain: (d, s, r) => `${noise('pink', d, s)},bandpass=f=900:width_type=o:w=2,tremolo=f=${f(3.5 + r())}:d=0.35,${swell(r, 5, 0.6)}`,
  },
  traffic: { gain: 0.9, chain: (d, s, r) => `${noise('brown', d, s)},lowpass=f=500,highpass=f=40,${swell(r, 6, 0.3)}` },
  room: { gain: 0.35, chain: (d, s) => `${noise('brown', d, s, 0.5)},lowpass=f=220,highpass=f=30` },
  footsteps: {
    gain: 0.9,
    chain: (d, s, r) => {
      const step = 0.5 + r() * 0.15;
      return `${evalsrc(`(random(0)*2-1)*exp(-45*mod(t,${f(step)}))*lt(mod(t,${f(step)}),0.12)`, d, s)},lowpass=f=1800,highpass=f=80`;
    },
  },
  door: {
    gain: 1,
    chain: (d, s) => {
      // A creak (a wobbling low tone rising) and then the slam, placed within the clip's length.
      const creakEnd = Math.min(1.2, d * 0.5);
      const slam = Math.min(d * 0.55, creakEnd + 0.05);
      const creak = `lt(t,${f(creakEnd)})*min(1,t/0.1)*0.35*sin(2*PI*(180+120*t/${f(creakEnd)})*t+2*sin(2*PI*23*t))`;
      const hit = `gte(t,${f(slam)})*exp(-14*(t-${f(slam)}))*(0.8*sin(2*PI*70*(t-${f(slam)}))+0.5*(random(0)*2-1)*exp(-30*(t-${f(slam)})))`;
      return `${evalsrc(`${creak}+${hit}`, d, s)},lowpass=f=3000`;
    },
  },
  birds: {
    gain: 0.45,
    chain: (d, s, r) => {
      const p1 = 0.9 + r() * 0.8;
      const p2 = 1.3 + r() * 1.1;
      const chirp = (p: number, fr: number, off: number) =>
        `lt(mod(t+${f(off)},${f(p)}),0.14)*sin(PI*mod(t+${f(off)},${f(p)})/0.14)*sin(2*PI*(${fr}+900*sin(2*PI*11*t))*t)`;
      return `${evalsrc(`0.5*${chirp(p1, 3200, r())}+0.4*${chirp(p2, 4100, r())}`, d, s)},highpass=f=1500`;
    },
  },
  fire: {
    gain: 0.8,
    chain: (d, s) =>
      `${evalsrc('0.25*(random(0)*2-1)*lt(random(1),0.002)+0.9*if(lt(random(2),0.0004),random(3)*2-1,0)', d, s)},lowpass=f=5000,highpass=f=200,aecho=0.6:0.5:7|13:0.5|0.3`,
  },
  roar: { gain: 0.5, chain: (d, s, r) => `${noise('brown', d, s)},lowpass=f=600,${swell(r, 3, 0.5)}` },
  thunder: {
    gain: 1,
    chain: (d, s) => {
      const at = Math.min(0.3, d * 0.1);
      return `${noise('brown', d, s)},lowpass=f=280,volume=eval=frame:volume='gte(t,${f(at)})*min(1,(t-${f(at)})/0.08)*exp(-1.2*max(0,t-${f(at)}))'`;
    },
  },
  clock: { gain: 0.6, chain: (d, s) => `${evalsrc('exp(-400*mod(t,1))*sin(2*PI*2200*t)*(0.7+0.3*random(0))', d, s)},highpass=f=800` },
  hum: {
    gain: 0.35,
    chain: (d, s) => `${evalsrc('0.5*sin(2*PI*60*t)+0.25*sin(2*PI*120*t)+0.1*sin(2*PI*180*t)+0.02*(random(0)*2-1)', d, s)}`,
  },
};

/** Description words → layers. Order matters only for ties; each layer is used once. */
const KEYWORDS: Array<[RegExp, string[]]> = [
  [/\b(storm\w*|thunder\w*|lightning)\b/, ['rain', 'wind', 'thunder']],
  [/\b(rain\w*|drizzl\w*|downpour|shower)\b/, ['rain']],
  [/\b(wind\w*|breez\w*|gust\w*|blizzard|howl\w*)\b/, ['wind']],
  [/\b(sea|ocean|waves?|surf|beach|shore|harbou?r|coast)\b/, ['sea']],
  [/\b(crowd\w*|people|chatter|murmur\w*|caf[eé]\w*|restaurant|bar|pub|market|party|audience|applause|station)\b/, ['crowd', 'room']],
  [/\b(traffic|street\w*|road\w*|cars?|city|highway|engine\w*|bus|truck)\b/, ['traffic']],
  [/\b(footsteps?|steps|walk\w*|running|runs?|stairs)\b/, ['footsteps']],
  [/\b(doors?|knock\w*|slam\w*|creak\w*)\b/, ['door']],
  [/\b(birds?|forest|woods|park|garden|morning|dawn|countryside|meadow)\b/, ['birds', 'wind']],
  [/\b(fire\w*|flames?|campfire|fireplace|burn\w*|crackl\w*|hearth)\b/, ['fire', 'roar']],
  [/\b(clock\w*|tick\w*)\b/, ['clock']],
  [/\b(hum\w*|machine\w*|fridge|server|generator|fluorescent|neon)\b/, ['hum']],
  [/\b(room|interior|office|apartment|kitchen|hall\w*|silence|quiet|tone|indoors?|ambien\w*)\b/, ['room']],
];

/** The layers an effect description asks for; room tone when nothing matches. */
export function soundEffectLayers(description: string): string[] {
  const text = description.toLowerCase();
  const out: string[] = [];
  for (const [re, layers] of KEYWORDS) if (re.test(text)) for (const l of layers) if (!out.includes(l)) out.push(l);
  return out.length > 0 ? out : ['room'];
}

const SfxInputSchema = z.object({
  description: z.string().max(1000),
  durationS: z.number().positive().max(3600),
  seed: z.number().int(),
});

/**
 * A sound effect or ambience from the keywords of its description (rain, wind, crowd, traffic,
 * room tone, footsteps, door, sea, birds, fire, thunder, clock, hum…), built from ffmpeg noise
 * sources, band filters and envelopes, layered when several match; room tone when none does.
 * WAV, 44.1 kHz stereo 16-bit, exactly `durationS` long.
 */
export async function synthesizeSoundEffect(
  input: { description: string; durationS: number; seed: number },
  opts: { signal?: AbortSignal } = {},
): Promise<Uint8Array> {
  const spec = parseMediaInput(SfxInputSchema, input, 'sound effect input');
  const rand = seededRandom(spec.seed);
  const names = soundEffectLayers(spec.description);
  const total = Math.round(spec.durationS * RATE);
  const d = spec.durationS + 0.05;
  const parts = names.map((name, i) => {
    const layer = LAYERS[name]!;
    const seed = (Math.abs(spec.seed) * 31 + i * 7919 + 1) % 2_147_483_647;
    return `${layer.chain(d, seed, rand)},aformat=sample_fmts=fltp:sample_rates=${RATE}:channel_layouts=mono,volume=${f(layer.gain)}[l${i}]`;
  });
  const mixIn = names.map((_, i) => `[l${i}]`).join('');
  const fadeOut = Math.min(0.3, spec.durationS / 4);
  const graph = [
    ...parts,
    `${mixIn}amix=inputs=${names.length}:normalize=0:duration=longest,alimiter=limit=0.9:level=false,aformat=sample_fmts=fltp:channel_layouts=mono,asplit[a][b]`,
    '[b]adelay=9[bd]',
    `[a][bd]amerge=inputs=2,afade=t=in:d=${f(Math.min(0.05, spec.durationS / 4))},afade=t=out:st=${f(spec.durationS - fadeOut)}:d=${f(fadeOut)},atrim=end_sample=${total},apad=whole_len=${total}[out]`,
  ].join(';');
  return withTempDir(async (dir) => {
    const out = join(dir, 'sfx.wav');
    await runFfmpeg({
      inputs: [],
      filterGraph: graph,
      outputOptions: ['-map', '[out]', '-c:a', 'pcm_s16le', '-ar', String(RATE), '-ac', '2'],
      output: out,
      signal: opts.signal,
    });
    return new Uint8Array(await readFile(out));
  });
}
