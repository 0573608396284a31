import type { MusicMood } from './music-moods.ts';
import { pick, seededRandom } from './random.ts';

type Quality = 'M' | 'm' | 'dim' | 'aug' | 'sus2' | 'sus4' | 'M7' | 'm7';
const QUALITY: Record<Quality, number[]> = {
  M: [0, 4, 7],
  m: [0, 3, 7],
  dim: [0, 3, 6],
  aug: [0, 4, 8],
  sus2: [0, 2, 7],
  sus4: [0, 5, 7],
  M7: [0, 4, 7, 11],
  m7: [0, 3, 7, 10],
};
const SUFFIX: Record<Quality, string> = { M: '', m: 'm', dim: 'dim', aug: '+', sus2: 'sus2', sus4: 'sus4', M7: 'maj7', m7: 'm7' };
const NOTE_NAMES = ['C', 'C#', 'D', 'Eb', 'E', 'F', 'F#', 'G', 'Ab', 'A', 'Bb', 'B'];
/** A chord as semitones above the key's tonic and a quality. */
type Chord = readonly [root: number, quality: Quality];

/** Oscillator shapes the renderer knows (`noise` is a seeded, high-passed noise loop). */
export type Timbre = 'pad' | 'brass' | 'hollow' | 'pluck' | 'glass' | 'bass' | 'sine' | 'lead' | 'noise';
/** Mix buses: each has its own level, reverb send and (pad, drone) slow amplitude modulation. */
export type Bus = 'pad' | 'drone' | 'bass' | 'lead' | 'perc';
type BassPattern = 'pedal' | 'half' | 'pulse' | 'bounce' | 'march' | 'walk';
type Perc = 'tick' | 'heart' | 'timpani' | 'shaker' | 'boom';

/** One sounding event of a composition, in seconds. */
export interface ScoreNote {
  startS: number;
  durS: number;
  hz: number;
  timbre: Timbre;
  bus: Bus;
  amp: number;
  /** -1 (left) … 1 (right). */
  pan: number;
  attackS: number;
  releaseS: number;
  /** Exponential decay time constant; 0 holds the note at full level until its release. */
  decayS: number;
  vibrato?: boolean;
  /** The pitch starts `ratio` higher and falls back with this time constant (drums). */
  glide?: { ratio: number; tauS: number };
}

/** A span of the form as the planner laid it out. */
export interface MusicSection {
  kind: 'intro' | 'A' | 'B' | 'breakdown' | 'cadence' | 'ending';
  startS: number;
  bars: number;
  chords: string[];
  /** The voices that play in it, beside the pad. */
  layers: string[];
  /** 0–1: drives the layers and the dynamics. */
  energy: number;
}

/** Effects and levels the renderer applies to the whole bed. */
export interface MusicSound {
  tremolo: { hz: number; depth: number } | undefined;
  droneSwellHz: number;
  reverb: { size: number; damp: number; wet: number };
  /** Reverb sends of the buses. */
  sends: Record<Bus, number>;
  lowpassHz: number;
  /** Integrated loudness the bed is normalised to. */
  lufs: number;
  fadeInS: number;
  fadeOutS: number;
}

/** The planned bed: its form (for people), its notes and its sound (for the renderer). */
export interface Composition {
  mood: MusicMood;
  key: string;
  tempoBpm: number;
  beatsPerBar: number;
  durationS: number;
  sections: MusicSection[];
  notes: ScoreNote[];
  sound: MusicSound;
}

interface Style {
  tempo: number;
  meters: number[];
  /** Tonic of the lowest key (MIDI, around middle C); the seed adds 0–6 semitones. */
  keyBase: number;
  scale: number[];
  a: Chord[][];
  b: Chord[][];
  /** Chords before the final tonic. */
  cadences: Chord[][];
  final: Chord;
  pad: { timbre: Timbre; level: number; attackS: number; releaseS: number; detuneCents: number; offset: number };
  tremolo?: { hz: number; depth: number };
  drone?: { level: number; swellHz: number };
  bass?: { timbre: Timbre; level: number; patterns: [low: BassPattern, mid: BassPattern, high: BassPattern] };
  arp?: { timbre: Timbre; level: number; decayS: number; rates: [normal: number, dense: number]; patterns: number[][]; sparse?: number };
  melody?: { timbre: Timbre; level: number; rhythms: number[][]; rhythms3: number[][]; dissonant?: boolean };
  perc?: Array<{ kind: Perc; at: number; level: number }>;
  /** The energy at which each voice comes in (`dense`: busier patterns). */
  at: { bass: number; arp: number; melody: number; dense: number };
  finale: 'roll' | 'swell' | 'hit';
  reverb: { size: number; damp: number; wet: number };
  sends: Record<Bus, number>;
  lowpassHz: number;
  lufs: number;
}

const MAJOR = [0, 2, 4, 5, 7, 9, 11];
const MINOR = [0, 2, 3, 5, 7, 8, 10];
const HARMONIC_MINOR = [0, 2, 3, 5, 7, 8, 11];
const LOCRIAN = [0, 1, 3, 5, 6, 8, 10];

/** Two-bar melody rhythms in beats (negative: a rest); 4/4 sums to 8, 3/4 to 6. */
const LYRICAL = [
  [2, 1, 1, 3, 1],
  [1.5, 0.5, 2, 2, 2],
  [3, 1, 2, 2],
  [1, 1, 2, 1, 1, 2],
];
const LYRICAL_3 = [
  [2, 1, 3],
  [1, 1, 1, 3],
  [1.5, 0.5, 1, 2, 1],
  [2, 1, 2, 1],
];

const STYLES: Record<MusicMood, Style> = {
  tense: {
    tempo: 100,
    meters: [4],
    keyBase: 57,
    scale: HARMONIC_MINOR,
    a: [
      [
        [0, 'm'],
        [0, 'm'],
        [8, 'M'],
        [7, 'M'],
      ],
      [
        [0, 'm'],
        [1, 'M'],
        [0, 'm'],
        [7, 'M'],
      ],
      [
        [0, 'm'],
        [5, 'm'],
        [8, 'M'],
        [7, 'M'],
      ],
    ],
    b: [
      [
        [3, 'M'],
        [8, 'M'],
        [1, 'M'],
        [7, 'M'],
      ],
      [
        [5, 'm'],
        [1, 'M'],
        [11, 'dim'],
        [7, 'M'],
      ],
      [
        [8, 'M'],
        [5, 'm'],
        [1, 'M'],
        [7, 'sus4'],
      ],
    ],
    cadences: [
      [
        [5, 'm'],
        [7, 'M'],
      ],
      [
        [1, 'M'],
        [7, 'M'],
      ],
    ],
    final: [0, 'm'],
    pad: { timbre: 'pad', level: 0.05, attackS: 0.5, releaseS: 0.6, detuneCents: 9, offset: -2 },
    tremolo: { hz: 6, depth: 0.3 },
    drone: { level: 0.05, swellHz: 0.11 },
    bass: { timbre: 'bass', level: 0.19, patterns: ['pedal', 'pulse', 'pulse'] },
    arp: {
      timbre: 'pluck',
      level: 0.07,
      decayS: 0.18,
      rates: [2, 4],
      patterns: [
        [0, 1, 0, 2],
        [0, 2, 1, 2],
        [3, 2, 1, 0],
      ],
    },
    melody: {
      timbre: 'hollow',
      level: 0.048,
      rhythms: [
        [1, 1, 1, 1, 2, -2],
        [-1, 1, 1, 1, 4],
        [0.5, 0.5, -1, 0.5, 0.5, -1, 4],
      ],
      rhythms3: [
        [1, 1, 1, 3],
        [-1, 1, 1, 3],
      ],
    },
    perc: [
      { kind: 'tick', at: 0.6, level: 0.2 },
      { kind: 'heart', at: 0.8, level: 0.22 },
    ],
    at: { bass: 0.3, arp: 0.5, melody: 0.6, dense: 0.82 },
    finale: 'swell',
    reverb: { size: 0.88, damp: 0.4, wet: 0.42 },
    sends: { pad: 0.5, drone: 0.3, bass: 0.05, lead: 0.45, perc: 0.25 },
    lowpassHz: 4200,
    lufs: -17,
  },
  tender: {
    tempo: 72,
    meters: [4, 3],
    keyBase: 55,
    scale: MAJOR,
    a: [
      [
        [0, 'M'],
        [9, 'm'],
        [5, 'M'],
        [7, 'M'],
      ],
      [
        [0, 'M7'],
        [9, 'm7'],
        [2, 'm7'],
        [7, 'sus4'],
      ],
      [
        [0, 'M'],
        [7, 'M'],
        [9, 'm'],
        [5, 'M'],
      ],
    ],
    b: [
      [
        [5, 'M'],
        [4, 'm'],
        [2, 'm'],
        [7, 'M'],
      ],
      [
        [9, 'm'],
        [5, 'M'],
        [0, 'M'],
        [7, 'M'],
      ],
      [
        [5, 'M7'],
        [7, 'M'],
        [4, 'm7'],
        [9, 'm'],
      ],
    ],
    cadences: [
      [
        [2, 'm7'],
        [7, 'M'],
      ],
      [
        [5, 'M'],
        [5, 'm'],
      ],
      [
        [5, 'M'],
        [7, 'sus4'],
      ],
    ],
    final: [0, 'M'],
    pad: { timbre: 'pad', level: 0.045, attackS: 0.8, releaseS: 1.0, detuneCents: 6, offset: 0 },
    bass: { timbre: 'bass', level: 0.18, patterns: ['pedal', 'half', 'walk'] },
    arp: {
      timbre: 'pluck',
      level: 0.08,
      decayS: 0.5,
      rates: [2, 2],
      patterns: [
        [0, 1, 2, 1],
        [0, 2, 1, 3],
        [0, 1, 2, 3],
      ],
    },
    melody: { timbre: 'lead', level: 0.04, rhythms: LYRICAL, rhythms3: LYRICAL_3 },
    at: { bass: 0.3, arp: 0.45, melody: 0.5, dense: 0.85 },
    finale: 'roll',
    reverb: { size: 0.91, damp: 0.45, wet: 0.4 },
    sends: { pad: 0.5, drone: 0.3, bass: 0.05, lead: 0.5, perc: 0.2 },
    lowpassHz: 6000,
    lufs: -18,
  },
  playful: {
    tempo: 124,
    meters: [4],
    keyBase: 60,
    scale: MAJOR,
    a: [
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
    b: [
      [
        [5, 'M'],
        [7, 'M'],
        [4, 'm'],
        [9, 'm'],
      ],
      [
        [2, 'm'],
        [7, 'M'],
        [0, 'M'],
        [9, 'm'],
      ],
      [
        [5, 'M'],
        [0, 'M'],
        [2, 'm'],
        [7, 'M'],
      ],
    ],
    cadences: [
      [
        [2, 'm'],
        [7, 'M'],
      ],
      [
        [5, 'M'],
        [7, 'M'],
      ],
    ],
    final: [0, 'M'],
    pad: { timbre: 'hollow', level: 0.03, attackS: 0.08, releaseS: 0.3, detuneCents: 4, offset: 0 },
    bass: { timbre: 'bass', level: 0.2, patterns: ['half', 'bounce', 'bounce'] },
    arp: {
      timbre: 'pluck',
      level: 0.09,
      decayS: 0.12,
      rates: [2, 4],
      patterns: [
        [0, 2, 1, 3],
        [0, 1, 2, 1],
        [2, 1, 0, 3],
      ],
    },
    melody: {
      timbre: 'glass',
      level: 0.048,
      rhythms: [
        [0.5, 0.5, 1, 0.5, 0.5, 1, 1, 1, 2],
        [1, 0.5, 0.5, 1, 1, 0.5, 0.5, 1, 2],
        [0.75, 0.25, 1, 0.75, 0.25, 1, 2, -2],
      ],
      rhythms3: [
        [0.5, 0.5, 1, 1, 1, 2],
        [1, 0.5, 0.5, 1, 3],
      ],
    },
    perc: [{ kind: 'shaker', at: 0.45, level: 0.3 }],
    at: { bass: 0.25, arp: 0.35, melody: 0.55, dense: 0.8 },
    finale: 'roll',
    reverb: { size: 0.82, damp: 0.45, wet: 0.55 },
    sends: { pad: 0.3, drone: 0.3, bass: 0.03, lead: 0.3, perc: 0.15 },
    lowpassHz: 8000,
    lufs: -17,
  },
  melancholic: {
    tempo: 66,
    meters: [4, 3],
    keyBase: 57,
    scale: MINOR,
    a: [
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
    b: [
      [
        [8, 'M'],
        [3, 'M'],
        [5, 'm'],
        [7, 'M'],
      ],
      [
        [5, 'm'],
        [0, 'm'],
        [8, 'M'],
        [10, 'M'],
      ],
      [
        [3, 'M'],
        [10, 'M'],
        [8, 'M'],
        [7, 'sus4'],
      ],
    ],
    cadences: [
      [
        [8, 'M'],
        [5, 'm'],
      ],
      [
        [5, 'm'],
        [7, 'M'],
      ],
    ],
    final: [0, 'm'],
    pad: { timbre: 'pad', level: 0.05, attackS: 1.0, releaseS: 1.2, detuneCents: 7, offset: -2 },
    bass: { timbre: 'bass', level: 0.17, patterns: ['pedal', 'pedal', 'half'] },
    arp: {
      timbre: 'pluck',
      level: 0.07,
      decayS: 0.7,
      rates: [1, 2],
      patterns: [
        [0, 1, 2, 1],
        [2, 1, 0, 1],
        [0, 2, 3, 2],
      ],
    },
    melody: { timbre: 'hollow', level: 0.04, rhythms: LYRICAL, rhythms3: LYRICAL_3 },
    at: { bass: 0.3, arp: 0.4, melody: 0.45, dense: 0.85 },
    finale: 'swell',
    reverb: { size: 0.92, damp: 0.5, wet: 0.42 },
    sends: { pad: 0.55, drone: 0.3, bass: 0.05, lead: 0.55, perc: 0.2 },
    lowpassHz: 4500,
    lufs: -18,
  },
  triumphant: {
    tempo: 108,
    meters: [4],
    keyBase: 58,
    scale: MAJOR,
    a: [
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
        [0, 'M'],
      ],
    ],
    b: [
      [
        [9, 'm'],
        [5, 'M'],
        [0, 'M'],
        [7, 'M'],
      ],
      [
        [5, 'M'],
        [7, 'M'],
        [9, 'm'],
        [7, 'M'],
      ],
      [
        [8, 'M'],
        [10, 'M'],
        [0, 'M'],
        [0, 'M'],
      ],
    ],
    cadences: [
      [
        [8, 'M'],
        [10, 'M'],
      ],
      [
        [5, 'M'],
        [7, 'M'],
      ],
    ],
    final: [0, 'M'],
    pad: { timbre: 'brass', level: 0.045, attackS: 0.15, releaseS: 0.5, detuneCents: 5, offset: -2 },
    bass: { timbre: 'bass', level: 0.17, patterns: ['pedal', 'march', 'march'] },
    arp: {
      timbre: 'pluck',
      level: 0.07,
      decayS: 0.25,
      rates: [2, 4],
      patterns: [
        [0, 1, 2, 3],
        [0, 2, 3, 2],
        [3, 2, 1, 2],
      ],
    },
    melody: {
      timbre: 'brass',
      level: 0.048,
      rhythms: [
        [1.5, 0.5, 1, 1, 3, 1],
        [0.75, 0.25, 1, 2, 1, 1, 2],
        [2, 1, 1, 2, 2],
      ],
      rhythms3: [
        [1.5, 0.5, 1, 3],
        [1, 1, 1, 2, 1],
      ],
    },
    perc: [{ kind: 'timpani', at: 0.65, level: 0.2 }],
    at: { bass: 0.25, arp: 0.5, melody: 0.55, dense: 0.8 },
    finale: 'hit',
    reverb: { size: 0.89, damp: 0.35, wet: 0.5 },
    sends: { pad: 0.45, drone: 0.3, bass: 0.05, lead: 0.4, perc: 0.4 },
    lowpassHz: 7000,
    lufs: -17,
  },
  eerie: {
    tempo: 60,
    meters: [4, 3],
    keyBase: 56,
    scale: LOCRIAN,
    a: [
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
      [
        [0, 'sus2'],
        [3, 'dim'],
        [1, 'M'],
        [0, 'm'],
      ],
    ],
    b: [
      [
        [4, 'aug'],
        [6, 'dim'],
        [1, 'M'],
        [0, 'm'],
      ],
      [
        [8, 'm'],
        [1, 'm'],
        [6, 'dim'],
        [0, 'm'],
      ],
      [
        [11, 'dim'],
        [1, 'M'],
        [9, 'dim'],
        [0, 'sus2'],
      ],
    ],
    cadences: [
      [
        [6, 'dim'],
        [1, 'M'],
      ],
      [
        [8, 'aug'],
        [11, 'dim'],
      ],
    ],
    final: [0, 'm'],
    pad: { timbre: 'pad', level: 0.045, attackS: 1.4, releaseS: 1.5, detuneCents: 22, offset: -3 },
    tremolo: { hz: 0.7, depth: 0.45 },
    drone: { level: 0.07, swellHz: 0.07 },
    arp: {
      timbre: 'glass',
      level: 0.06,
      decayS: 1.2,
      rates: [1, 2],
      patterns: [
        [3, 1, 2, 0],
        [0, 2, 1, 3],
      ],
      sparse: 0.45,
    },
    melody: {
      timbre: 'sine',
      level: 0.042,
      rhythms: [
        [3, 1, -2, 2],
        [-2, 2, 4],
        [4, -1, 1, 2],
      ],
      rhythms3: [
        [3, -1, 2],
        [-2, 1, 3],
      ],
      dissonant: true,
    },
    perc: [{ kind: 'boom', at: 0.55, level: 0.14 }],
    at: { bass: 2, arp: 0.35, melody: 0.5, dense: 0.85 },
    finale: 'swell',
    reverb: { size: 0.94, damp: 0.45, wet: 0.45 },
    sends: { pad: 0.6, drone: 0.4, bass: 0.1, lead: 0.7, perc: 0.5 },
    lowpassHz: 3800,
    lufs: -18,
  },
  neutral: {
    tempo: 88,
    meters: [4],
    keyBase: 58,
    scale: MAJOR,
    a: [
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
      [
        [0, 'M'],
        [9, 'm'],
        [5, 'M'],
        [7, 'M'],
      ],
    ],
    b: [
      [
        [5, 'M'],
        [0, 'M'],
        [7, 'M'],
        [9, 'm'],
      ],
      [
        [2, 'm'],
        [5, 'M'],
        [0, 'M'],
        [7, 'M'],
      ],
      [
        [9, 'm'],
        [4, 'm'],
        [5, 'M'],
        [7, 'M'],
      ],
    ],
    cadences: [
      [
        [5, 'M'],
        [7, 'M'],
      ],
      [
        [2, 'm'],
        [7, 'M'],
      ],
    ],
    final: [0, 'M'],
    pad: { timbre: 'pad', level: 0.045, attackS: 0.5, releaseS: 0.7, detuneCents: 6, offset: 0 },
    bass: { timbre: 'bass', level: 0.18, patterns: ['pedal', 'half', 'walk'] },
    arp: {
      timbre: 'pluck',
      level: 0.07,
      decayS: 0.35,
      rates: [2, 2],
      patterns: [
        [0, 1, 2, 1],
        [0, 2, 1, 2],
      ],
    },
    melody: { timbre: 'lead', level: 0.038, rhythms: LYRICAL, rhythms3: LYRICAL_3 },
    perc: [{ kind: 'shaker', at: 0.75, level: 0.2 }],
    at: { bass: 0.3, arp: 0.45, melody: 0.55, dense: 0.9 },
    finale: 'roll',
    reverb: { size: 0.87, damp: 0.45, wet: 0.53 },
    sends: { pad: 0.45, drone: 0.3, bass: 0.05, lead: 0.4, perc: 0.2 },
    lowpassHz: 6000,
    lufs: -17,
  },
};

const hz = (midi: number) => 440 * 2 ** ((midi - 69) / 12);
const mod = (n: number, m: number) => ((n % m) + m) % m;
const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
const lerp = (a: number, b: number, t: number) => a + (b - a) * t;

/** Which voices play in a phrase beside the pad (and the drone, in moods that have one). */
interface Texture {
  bass: BassPattern | undefined;
  /** The intro's bass, entering for its last bar or two. */
  introBass: boolean;
  arpRate: number;
  percs: Array<{ kind: Perc; level: number }>;
  melody: boolean;
}

interface Phrase {
  kind: MusicSection['kind'];
  chords: Chord[];
  energy: number;
  /** The energy the next phrase starts at (the dynamics glide towards it). */
  nextEnergy: number;
  texture: Texture;
  arpPattern: number[];
  /** Pad voicing centre offset (B sections sit higher). */
  lift: number;
}

/** The voices for a phrase of this kind at this energy. */
function textureFor(style: Style, kind: MusicSection['kind'], e: number, melody: boolean, bars: number): Texture {
  const at = style.at;
  const thin = kind === 'intro' || kind === 'breakdown';
  return {
    bass: style.bass && !thin && e >= at.bass ? style.bass.patterns[e >= at.dense ? 2 : e >= 0.55 ? 1 : 0] : undefined,
    introBass: !!style.bass && kind === 'intro' && bars >= 2,
    arpRate: style.arp && !thin && e >= at.arp ? style.arp.rates[kind === 'cadence' || e < at.dense ? 0 : 1] : 0,
    percs: (style.perc ?? []).filter((x) => !thin && kind !== 'cadence' && e >= x.at),
    melody: !!style.melody && melody,
  };
}

function layerNames(style: Style, t: Texture): string[] {
  const layers = ['pad'];
  if (style.drone) layers.push('drone');
  if (t.bass || t.introBass) layers.push(`bass:${t.bass ?? 'pedal'}`);
  if (t.arpRate > 0) layers.push(`arp:${t.arpRate}/beat`);
  if (t.melody) layers.push('melody');
  for (const x of t.percs) layers.push(x.kind);
  return layers;
}

/**
 * Lays out a bed: key, tempo and metre from the seed; an intro that builds in, 4-bar phrases
 * of A and B progressions whose voices follow an energy curve (a climax somewhere past the
 * middle, sometimes a breakdown), a cadence and a final tonic chord held to the end. Pure and
 * deterministic: the same input gives the same composition.
 */
export function compose(mood: MusicMood, durationS: number, seed: number, tempoBpm?: number): Composition {
  const style = STYLES[mood];
  const rand = seededRandom(seed);
  const tonic = style.keyBase + Math.floor(rand() * 7);
  const tempo = tempoBpm ?? Math.round(style.tempo * (0.94 + rand() * 0.12) * 10) / 10;
  const bpb = pick(rand, style.meters);
  const beatS = 60 / tempo;
  const barS = beatS * bpb;
  const D = durationS;

  // Seeded material shared by the whole bed: two A and two B progressions, a cadence, a theme.
  const [a1, a2] = twoOf(rand, style.a);
  const [b1, b2] = twoOf(rand, style.b);
  const cadence = pick(rand, style.cadences);
  const arpA = style.arp ? pick(rand, style.arp.patterns) : [];
  const arpB = style.arp ? pick(rand, style.arp.patterns) : [];
  const theme = style.melody ? makeTheme(rand, bpb === 3 ? style.melody.rhythms3 : style.melody.rhythms) : undefined;

  const phrases: Phrase[] = [];
  const totalBars = Math.floor(D / barS + 1e-9);
  if (totalBars >= 2) {
    const bodyBars = totalBars - 1;
    const cad = cadence.slice(Math.max(0, cadence.length - bodyBars));
    const rest = bodyBars - cad.length;
    const introBars = rest % 4;
    const n = Math.floor(rest / 4);
    const form = pick(rand, [
      ['A', 'A', 'B', 'A'],
      ['A', 'B', 'A', 'B'],
      ['A', 'B', 'B', 'A'],
      ['A', 'A', 'B', 'B'],
    ] as const);
    const climax = n <= 1 ? 0 : Math.round((0.55 + 0.25 * rand()) * (n - 1));
    const energy = Array.from({ length: n }, (_, k) => {
      const shape =
        n === 1 ? 0.55 : k <= climax ? 0.3 + 0.7 * (k / Math.max(1, climax)) : 1 - (0.5 * (k - climax)) / Math.max(1, n - 1 - climax);
      return clamp(shape + (rand() - 0.5) * 0.16, 0.2, 1);
    });
    // Once the bed has built in, the bass stays: only a breakdown drops under it.
    for (let k = 0; k < n; k++) energy[k] = Math.max(energy[k]!, 0.32);
    // Without a separate intro the first phrase is the build-in.
    if (introBars === 0 && n > 0) energy[0] = 0.25;
    // A breakdown (pad and tune alone) somewhere away from the climax, always followed by a full phrase.
    let breakdown = -1;
    if (n >= 5 && rand() < 0.6) {
      breakdown = climax + 1 <= n - 2 ? climax + 1 + Math.floor(rand() * (n - 2 - climax)) : climax - 1;
      if (breakdown >= 1) energy[breakdown] = 0.2;
      else breakdown = -1;
    }
    const melodyCycle = rand() < 0.5 ? 2 : 3;
    const melodyOffset = Math.floor(rand() * melodyCycle);

    if (introBars > 0)
      phrases.push({
        kind: 'intro',
        // The tonic, turning to the cadence's last chord so the intro leans into the first phrase.
        chords: Array.from({ length: introBars }, (_, i) => (i > 0 && i === introBars - 1 ? cadence.at(-1)! : style.final)),
        energy: 0.15,
        nextEnergy: energy[0] ?? 0.4,
        texture: textureFor(style, 'intro', 0.15, false, introBars),
        arpPattern: arpA,
        lift: 0,
      });
    let aSeen = 0;
    let bSeen = 0;
    for (let k = 0; k < n; k++) {
      const label = form[k % form.length]!;
      const chords = label === 'A' ? (aSeen++ % 2 === 0 ? a1 : a2) : bSeen++ % 2 === 0 ? b1 : b2;
      const e = energy[k]!;
      const isIntro = k === 0 && introBars === 0;
      const melody =
        !isIntro && (k === breakdown || (e >= style.at.melody && ((k + melodyOffset) % melodyCycle !== melodyCycle - 1 || k === climax)));
      const kind = isIntro ? 'intro' : k === breakdown ? 'breakdown' : label;
      const texture = textureFor(style, kind, e, melody, 4);
      // A third phrase running with the same voices gets the tune brought in or taken out.
      const same = (x: Phrase | undefined) => !!x && x.kind !== 'intro' && JSON.stringify(x.texture) === JSON.stringify(texture);
      if (!isIntro && style.melody && same(phrases.at(-1)) && same(phrases.at(-2))) texture.melody = !texture.melody;
      phrases.push({
        kind,
        chords,
        energy: e,
        nextEnergy: energy[k + 1] ?? Math.min(0.6, e),
        texture,
        arpPattern: label === 'A' ? arpA : arpB,
        lift: label === 'B' ? 3 : 0,
      });
    }
    const cadE = clamp(energy.at(-1) ?? 0.4, 0.35, 0.6);
    const lastMelody = phrases.at(-1)?.texture.melody ?? false;
    if (cad.length > 0)
      phrases.push({
        kind: 'cadence',
        chords: cad,
        energy: cadE,
        nextEnergy: 0.4,
        texture: textureFor(style, 'cadence', cadE, lastMelody || rand() < 0.5, cad.length),
        arpPattern: arpA,
        lift: 0,
      });
  }

  const writer = new NoteWriter(style, tonic, beatS, bpb, rand, theme);
  const sections: MusicSection[] = [];
  let t = 0;
  for (const p of phrases) {
    const layers = writer.phrase(p, t);
    sections.push({
      kind: p.kind,
      startS: round3(t),
      bars: p.chords.length,
      chords: p.chords.map((c) => chordName(tonic, c)),
      layers,
      energy: round3(p.energy),
    });
    t += p.chords.length * barS;
  }
  const layers = writer.ending(t, D, phrases.at(-1)?.texture.melody ?? false);
  sections.push({ kind: 'ending', startS: round3(t), bars: 1, chords: [chordName(tonic, style.final)], layers, energy: 0.4 });

  const fadeOutS = D < 2.5 ? D * 0.4 : Math.min(4, Math.max(1.2, D * 0.08));
  return {
    mood,
    key: `${NOTE_NAMES[mod(tonic, 12)]} ${style.final[1] === 'm' ? 'minor' : 'major'}`,
    tempoBpm: tempo,
    beatsPerBar: bpb,
    durationS: D,
    sections,
    notes: writer.notes.filter((n) => n.startS < D),
    sound: {
      tremolo: style.tremolo,
      droneSwellHz: style.drone?.swellHz ?? 0,
      reverb: style.reverb,
      sends: style.sends,
      lowpassHz: style.lowpassHz,
      lufs: style.lufs,
      fadeInS: Math.min(0.6, D * 0.1),
      fadeOutS,
    },
  };
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

function chordName(tonic: number, [root, q]: Chord): string {
  return `${NOTE_NAMES[mod(tonic + root, 12)]}${SUFFIX[q]}`;
}

/** Two different items when there are two (the second statement of a section varies its chords). */
function twoOf<T>(rand: () => number, items: readonly T[]): [T, T] {
  const i = Math.floor(rand() * items.length) % items.length;
  const j = items.length > 1 ? (i + 1 + (Math.floor(rand() * (items.length - 1)) % (items.length - 1))) % items.length : i;
  return [items[i]!, items[j]!];
}

/** A two-bar motif: its rhythm and its scale steps, and an answer (the same rhythm, varied contour). */
interface Theme {
  rhythm: number[];
  steps: number[];
  answer: number[];
}

function makeTheme(rand: () => number, rhythms: number[][]): Theme {
  const rhythm = pick(rand, rhythms);
  const moves = [-2, -1, -1, 1, 1, 2, 0];
  // An arch: rising into the middle of the motif, falling out of it.
  const steps = rhythm.map((_, i) => {
    if (i === 0) return 0;
    const m = pick(rand, moves);
    return i < rhythm.length / 2 ? Math.abs(m) : -Math.abs(m);
  });
  const variation = Math.floor(rand() * 3);
  const answer = steps.map((s, i) => (i === 0 ? 0 : variation === 0 ? -s : variation === 1 ? s : i === 1 ? s + 1 : s));
  return { rhythm, steps, answer };
}

/** Turns phrases into notes, one voice at a time, carrying voicings and the melody's place across phrases. */
class NoteWriter {
  readonly notes: ScoreNote[] = [];
  readonly #style: Style;
  readonly #tonic: number;
  readonly #beatS: number;
  readonly #bpb: number;
  readonly #rand: () => number;
  readonly #theme: Theme | undefined;
  #voicing: number[] = [];
  /** Open pad notes by pitch, so a common tone carries over a chord change instead of restriking. */
  #open = new Map<number, ScoreNote[]>();
  #degree = 2;

  constructor(style: Style, tonic: number, beatS: number, bpb: number, rand: () => number, theme: Theme | undefined) {
    this.#style = style;
    this.#tonic = tonic;
    this.#beatS = beatS;
    this.#bpb = bpb;
    this.#rand = rand;
    this.#theme = theme;
  }

  get #barS(): number {
    return this.#beatS * this.#bpb;
  }

  /** Writes one phrase starting at `t0`; returns the names of the voices it used. */
  phrase(p: Phrase, t0: number): string[] {
    const s = this.#style;
    const e = p.energy;
    const thin = p.kind === 'intro' || p.kind === 'breakdown';
    const { bass, introBass, arpRate, percs, melody } = p.texture;
    for (const [i, chord] of p.chords.entries()) {
      const bt = t0 + i * this.#barS;
      const vel = 0.6 + 0.4 * lerp(p.energy, p.nextEnergy, i / p.chords.length);
      this.#pad(chord, bt, this.#barS, vel * (thin ? 0.85 : 1), p.lift, p.kind === 'intro' && i === 0);
      const next = p.chords[i + 1] ?? chord;
      if (bass) this.#bass(bass, chord, next, bt, vel);
      else if (introBass && i >= p.chords.length - 2) this.#bass('pedal', chord, next, bt, vel * 0.8);
      if (arpRate > 0) this.#arp(bt, arpRate, p.arpPattern, vel);
      for (const x of percs) this.#perc(x.kind, x.level, chord, bt, vel);
    }
    if (s.drone) this.#drone(t0, p.chords.length * this.#barS, 0.6 + 0.4 * e);
    if (melody && this.#theme) this.#melody(p, t0);
    return layerNames(s, p.texture);
  }

  /** The final tonic chord from `t0`, held to the end (the fade closes it). */
  ending(t0: number, end: number, melodyWasOn: boolean): string[] {
    const s = this.#style;
    const span = end - t0 + 2;
    const layers = ['pad'];
    this.#pad(s.final, t0, span, 0.75, 0, t0 === 0);
    if (s.bass) {
      this.#bass('pedal', s.final, s.final, t0, 0.75, span);
      layers.push('bass:pedal');
    }
    if (s.drone) {
      this.#drone(t0, span, 0.7);
      layers.push('drone');
    }
    if (melodyWasOn && this.#theme && s.melody && end - t0 > 1) {
      // The tune lands on the tonic as the last chord sounds.
      const deg = this.#nearestChordDegree(this.#degree, s.final, [0]);
      this.#melodyNote(deg, t0, span, 0.8);
      layers.push('melody');
    }
    if (s.finale === 'roll' && s.arp) {
      const tones = this.#voicing.map((m) => m + 12);
      for (const [i, m] of [...tones, tones[0]! + 12].entries())
        this.#push({
          startS: t0 + i * 0.09,
          durS: span,
          hz: hz(m),
          timbre: s.arp.timbre,
          bus: 'lead',
          amp: s.arp.level * 0.8,
          pan: -0.3 + i * 0.2,
          attackS: 0.004,
          releaseS: 0.5,
          decayS: 1.2,
        });
      layers.push('roll');
    } else if (s.finale === 'hit') {
      this.#perc('timpani', 0.35, s.final, t0, 1);
      layers.push('timpani');
    }
    this.#close();
    return layers;
  }

  #push(n: ScoreNote): ScoreNote {
    this.notes.push(n);
    return n;
  }

  #pitchClasses([root, q]: Chord): number[] {
    return QUALITY[q].map((iv) => mod(this.#tonic + root + iv, 12));
  }

  /** The chord's tones placed near the centre, as close as possible to the previous voicing (smooth voice leading). */
  #voice(chord: Chord, lift: number): number[] {
    const pcs = this.#pitchClasses(chord);
    const centre = this.#tonic + this.#style.pad.offset + lift;
    let best: number[] = [];
    let bestCost = Number.POSITIVE_INFINITY;
    for (let inv = 0; inv < pcs.length; inv++) {
      const order = [...pcs.slice(inv), ...pcs.slice(0, inv)];
      for (let low = centre - 7; low <= centre + 4; low++) {
        if (mod(low, 12) !== order[0]) continue;
        const v = [low];
        for (const pc of order.slice(1)) {
          let m = v.at(-1)! + 1;
          while (mod(m, 12) !== pc) m++;
          v.push(m);
        }
        const mean = v.reduce((x, y) => x + y, 0) / v.length;
        const prev = this.#voicing;
        const cost =
          prev.length === v.length
            ? v.reduce((c, m, i) => c + Math.abs(m - prev[i]!), 0) + 0.3 * Math.abs(mean - centre - 4)
            : Math.abs(mean - centre - 4);
        if (cost < bestCost) {
          bestCost = cost;
          best = v;
        }
      }
    }
    return best;
  }

  #pad(chord: Chord, t0: number, span: number, vel: number, lift: number, first: boolean): void {
    const s = this.#style.pad;
    const v = this.#voice(chord, lift);
    this.#voicing = v;
    const open = new Map<number, ScoreNote[]>();
    for (const m of v) {
      const held = this.#open.get(m);
      if (held && Math.abs(held[0]!.startS + held[0]!.durS - t0) < 1e-6) {
        for (const n of held) n.durS += span;
        open.set(m, held);
        continue;
      }
      const attack = first ? Math.min(span * 0.8, Math.max(s.attackS, 1.5)) : Math.min(s.attackS, span / 2);
      // Two detuned oscillators per tone, one each side: width and a slow chorus.
      const pair = [-1, 1].map((side) =>
        this.#push({
          startS: t0,
          durS: span,
          hz: hz(m) * 2 ** ((side * s.detuneCents) / 2400),
          timbre: s.timbre,
          bus: 'pad',
          amp: s.level * vel,
          pan: side * 0.55,
          attackS: attack,
          releaseS: s.releaseS,
          decayS: 0,
        }),
      );
      open.set(m, pair);
    }
    this.#close(open);
    this.#open = open;
  }

  /** Lets the pad notes that did not carry over ring on into their release. */
  #close(keep?: Map<number, ScoreNote[]>): void {
    for (const [m, ns] of this.#open) if (keep?.get(m) !== ns) for (const n of ns) n.durS += n.releaseS;
  }

  #bass(pattern: BassPattern, chord: Chord, next: Chord, t0: number, vel: number, holdS?: number): void {
    const b = this.#style.bass!;
    const pcs = this.#pitchClasses(chord);
    const centre = this.#tonic - 19;
    const place = (pc: number) => centre - 5 + mod(pc - (centre - 5), 12);
    const root = place(pcs[0]!);
    const fifth = root + mod(pcs[2]! - pcs[0]!, 12);
    const third = root + mod(pcs[1]! - pcs[0]!, 12);
    const nextRoot = place(this.#pitchClasses(next)[0]!);
    const beat = this.#beatS;
    const bpb = this.#bpb;
    const note = (m: number, at: number, beats: number, accent = 1, pluck = true) =>
      this.#push({
        startS: t0 + at * beat,
        durS: beats * beat * 0.95,
        hz: hz(m),
        timbre: b.timbre,
        bus: 'bass',
        amp: b.level * vel * accent,
        pan: 0,
        attackS: 0.008,
        releaseS: 0.08,
        decayS: pluck ? Math.max(0.25, beats * beat * 0.8) : 0,
      });
    switch (pattern) {
      case 'pedal':
        // A held note carries far more energy than a plucked one: it sits lower.
        note(root, 0, holdS ? holdS / beat : bpb, 0.6, false);
        break;
      case 'half':
        note(root, 0, bpb === 3 ? 2 : 2);
        note(bpb === 3 ? root : fifth, 2, bpb === 3 ? 1 : 2, 0.85);
        break;
      case 'pulse':
        for (let i = 0; i < bpb * 2; i++)
          note(i === bpb * 2 - 1 && this.#rand() < 0.5 ? root + 12 : root, i / 2, 0.45, i % 2 === 0 ? 1 : 0.7);
        break;
      case 'bounce':
        for (let i = 0; i < bpb; i++) note([root, fifth, root + 12, fifth][i % 4]!, i, 0.6, i === 0 ? 1 : 0.8);
        break;
      case 'march':
        note(root, 0, 1.5);
        if (bpb === 4) {
          note(root, 2, 1, 0.85);
          note(root + 12, 3, 0.5, 0.7);
          note(fifth, 3.5, 0.5, 0.7);
        } else note(fifth, 2, 1, 0.8);
        break;
      case 'walk': {
        // A passing tone into the next chord's root on the last beat.
        const approach = nextRoot > root ? nextRoot - 1 : nextRoot === root ? fifth : nextRoot + 1;
        const line = bpb === 4 ? [root, third, fifth, approach] : [root, fifth, approach];
        line.forEach((m, i) => {
          note(m, i, 1, i === 0 ? 1 : 0.8);
        });
        break;
      }
    }
  }

  #arp(t0: number, rate: number, pattern: number[], vel: number): void {
    const a = this.#style.arp!;
    const tones = this.#voicing.map((m) => m + 12);
    const stepS = this.#beatS / rate;
    const steps = this.#bpb * rate;
    for (let i = 0; i < steps; i++) {
      if (a.sparse !== undefined && this.#rand() > a.sparse) continue;
      const idx = pattern[i % pattern.length]!;
      const m = idx < tones.length ? tones[idx]! : tones[0]! + 12;
      const accent = i % rate === 0 ? 1 : 0.75;
      this.#push({
        startS: t0 + i * stepS,
        durS: Math.max(stepS * 2, a.decayS * 3),
        hz: hz(m),
        timbre: a.timbre,
        bus: 'lead',
        amp: a.level * vel * accent,
        pan: i % 2 === 0 ? -0.3 : 0.3,
        attackS: 0.004,
        releaseS: 0.05,
        decayS: a.decayS,
      });
    }
  }

  #drone(t0: number, span: number, vel: number): void {
    const d = this.#style.drone!;
    const root = this.#tonic - 24;
    for (const [m, side] of [
      [root, -0.3],
      [root + 7, 0.3],
    ] as const)
      this.#push({
        startS: t0,
        durS: span + 1.5,
        hz: hz(m) * (side > 0 ? 1.003 : 1),
        timbre: 'hollow',
        bus: 'drone',
        amp: d.level * vel,
        pan: side,
        attackS: 1.5,
        releaseS: 1.5,
        decayS: 0,
      });
  }

  #perc(kind: Perc, level: number, chord: Chord, t0: number, vel: number): void {
    const beat = this.#beatS;
    const bpb = this.#bpb;
    const hit = (at: number, n: Omit<ScoreNote, 'startS' | 'bus'>) => this.#push({ ...n, startS: t0 + at * beat, bus: 'perc' });
    switch (kind) {
      case 'tick':
        for (let i = 0; i < bpb * 2; i++)
          hit(i / 2, {
            durS: 0.06,
            hz: 1,
            timbre: 'noise',
            amp: level * vel * (i % 2 === 0 ? 1 : 0.55),
            pan: 0.35,
            attackS: 0.001,
            releaseS: 0.01,
            decayS: 0.012,
          });
        break;
      case 'shaker':
        for (let i = 0; i < bpb * 2; i++)
          hit(i / 2, {
            durS: 0.1,
            hz: 0.8,
            timbre: 'noise',
            amp: level * vel * (i % 2 === 1 ? 1 : 0.6),
            pan: -0.25,
            attackS: 0.012,
            releaseS: 0.02,
            decayS: 0.03,
          });
        break;
      case 'heart':
        for (const at of bpb === 4 ? [0, 2] : [0])
          for (const [dt, acc] of [
            [0, 1],
            [0.28, 0.7],
          ] as const)
            hit(at + dt, {
              durS: 0.35,
              hz: 52,
              timbre: 'sine',
              amp: level * vel * acc,
              pan: 0,
              attackS: 0.003,
              releaseS: 0.05,
              decayS: 0.09,
              glide: { ratio: 1.6, tauS: 0.03 },
            });
        break;
      case 'timpani': {
        const root = this.#tonic - 24 + mod(this.#pitchClasses(chord)[0]! - mod(this.#tonic, 12), 12);
        hit(0, {
          durS: 1.6,
          hz: hz(root),
          timbre: 'bass',
          amp: level * vel,
          pan: 0,
          attackS: 0.004,
          releaseS: 0.2,
          decayS: 0.45,
          glide: { ratio: 1.12, tauS: 0.04 },
        });
        hit(0, { durS: 0.08, hz: 0.35, timbre: 'noise', amp: level * vel * 0.25, pan: 0, attackS: 0.001, releaseS: 0.02, decayS: 0.02 });
        break;
      }
      case 'boom':
        // One low swell at the head of the bar, every other bar.
        if (this.#rand() < 0.5)
          hit(0, {
            durS: 3,
            hz: 41,
            timbre: 'sine',
            amp: level * vel,
            pan: 0,
            attackS: 0.06,
            releaseS: 0.5,
            decayS: 1.1,
            glide: { ratio: 1.25, tauS: 0.15 },
          });
        break;
    }
  }

  #degreeMidi(deg: number): number {
    const scale = this.#style.scale;
    return this.#tonic + 12 + 12 * Math.floor(deg / 7) + scale[mod(deg, 7)]!;
  }

  #nearestChordDegree(deg: number, chord: Chord, prefer?: number[]): number {
    const pcs = prefer ? prefer.map((iv) => mod(this.#tonic + chord[0] + iv, 12)) : this.#pitchClasses(chord);
    for (const off of [0, -1, 1, -2, 2, -3, 3, -4, 4]) if (pcs.includes(mod(this.#degreeMidi(deg + off), 12))) return deg + off;
    return deg;
  }

  #melodyNote(deg: number, startS: number, durS: number, accent: number): void {
    const m = this.#style.melody!;
    this.#push({
      startS,
      durS,
      hz: hz(this.#degreeMidi(deg)),
      timbre: m.timbre,
      bus: 'lead',
      amp: m.level * accent,
      pan: 0.15,
      attackS: 0.05,
      releaseS: 0.18,
      decayS: durS > 1.5 ? 2.5 : 0,
      vibrato: durS > 0.5,
    });
  }

  /** The theme over the phrase's chords: motif then answer; strong beats land on chord tones, the last note on the root. */
  #melody(p: Phrase, t0: number): void {
    const theme = this.#theme!;
    const m = this.#style.melody!;
    const beats = p.chords.length * this.#bpb;
    const strong = this.#bpb === 3 ? 3 : 2;
    let beat = 0;
    const statements = [theme.steps, theme.answer];
    for (let s = 0; beat < beats - 1e-9; s++) {
      const steps = statements[s % 2]!;
      for (const [i, dur] of theme.rhythm.entries()) {
        if (beat >= beats - 1e-9) break;
        const len = Math.min(Math.abs(dur), beats - beat);
        if (dur > 0) {
          const chord = p.chords[Math.min(p.chords.length - 1, Math.floor(beat / this.#bpb))]!;
          let deg = this.#degree + steps[i]!;
          // Keep the line in about an octave and a half around the tonic above middle C.
          if (deg > 7) deg -= 7;
          if (deg < -3) deg += 7;
          const last = beat + len >= beats - 1e-9;
          const onStrong = Number.isInteger(beat) && beat % strong === 0;
          if (last) deg = this.#nearestChordDegree(deg, chord, [0, QUALITY[chord[1]][1]!]);
          else if (onStrong || (!m.dissonant && this.#clashes(deg, chord))) deg = this.#nearestChordDegree(deg, chord);
          this.#degree = deg;
          this.#melodyNote(deg, t0 + beat * this.#beatS, len * this.#beatS * 0.92, onStrong ? 1 : 0.85);
        }
        beat += len;
      }
    }
  }

  /** A scale tone a semitone from a chord tone (and not one itself) grates when held over the chord. */
  #clashes(deg: number, chord: Chord): boolean {
    const pc = mod(this.#degreeMidi(deg), 12);
    const pcs = this.#pitchClasses(chord);
    return !pcs.includes(pc) && pcs.some((c) => mod(pc - c, 12) === 1 || mod(c - pc, 12) === 1);
  }
}
