import type { CharacterRecord } from '@automovie/contracts';

/**
 * Minimal, honest profiles for speakers an imported screenplay names but nobody cast: the bio
 * says they were imported, the look and voice are neutral picks made deterministically (by order
 * of name) and distinct from the voices already in the project, so voicing and storyboards work
 * until the character service develops them.
 */

const PALETTES: [string, string, string][] = [
  ['#5b6770', '#c9b8a6', '#2f3e46'],
  ['#6d597a', '#e5d9c3', '#355070'],
  ['#7f5539', '#ddb892', '#3a5a40'],
  ['#495057', '#adb5bd', '#9d0208'],
  ['#264653', '#e9c46a', '#2a9d8f'],
  ['#3d405b', '#f2cc8f', '#81b29a'],
  ['#22333b', '#c6ac8f', '#5e503f'],
  ['#4a4e69', '#c9ada7', '#22223b'],
];
const SILHOUETTES = ['average', 'slim', 'tall', 'broad', 'short'] as const;
const HAIR = ['short', 'long', 'none', 'curly', 'bun', 'ponytail', 'hat'] as const;
/** espeak-ng variants, alternating registers so neighbours sound apart. */
const VARIANTS = [
  'm1',
  'f1',
  'm2',
  'f2',
  'm3',
  'f3',
  'm4',
  'f4',
  'm5',
  'f5',
  'm6',
  'm7',
  'klatt',
  'klatt2',
  'klatt3',
  'klatt4',
  'croak',
  'whisper',
];

export function importedCharacters(names: string[], title: string, format: string, usedVariants: Set<string>): CharacterRecord[] {
  const sorted = [...new Set(names)].sort((a, b) => a.localeCompare(b));
  const free = VARIANTS.filter((v) => !usedVariants.has(v));
  return sorted.map((name, i) => {
    const variant = free[i % Math.max(1, free.length)] ?? VARIANTS[i % VARIANTS.length]!;
    const female = variant.startsWith('f');
    return {
      name,
      role: 'supporting',
      bio: `${name} speaks in the imported screenplay "${title}" (${format}). No profile has been written for this character yet: this one was created by the import with neutral defaults.`,
      traits: ['imported'],
      visualDescription: `${name}, not described yet (imported from a screenplay); drawn with a neutral look.`,
      identity: {
        palette: [...PALETTES[i % PALETTES.length]!],
        silhouette: SILHOUETTES[i % SILHOUETTES.length]!,
        hair: HAIR[i % HAIR.length]!,
        accessory: 'none',
      },
      voice: {
        gender: variant.startsWith('m') ? 'male' : female ? 'female' : 'neutral',
        pitch: 30 + ((i * 13) % 41),
        rate: 160 + ((i * 7) % 30),
        variant,
        description: 'Neutral default voice picked at import.',
      },
    };
  });
}
