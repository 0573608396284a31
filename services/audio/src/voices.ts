import { type CharacterRecord, filmIds, type LineRecord, type VoiceSpec } from '@automovie/contracts';
import { hashOf, type Stored } from '@automovie/film-graph';

/**
 * The words of a line that are spoken: inline asides such as "(beat)" or "(to Mara)" are acting
 * directions, not dialogue, so they are neither voiced nor subtitled. A line that is nothing but
 * an aside keeps its text (there is nothing else to say).
 */
export function spokenText(text: string): string {
  const spoken = text
    .replace(/\([^()]*\)/g, ' ')
    .replace(/\s+([,.;:!?…])/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
  return /[\p{L}\p{N}]/u.test(spoken) ? spoken : text.trim();
}

/** What a line's audio is made from: unchanged key → the audio is kept. */
export function audioKeyOf(text: string, voice: VoiceSpec, seed: number | undefined): string {
  return hashOf({ text, voice, seed: seed ?? null });
}

const FALLBACK_VARIANTS = ['klatt', 'klatt2', 'klatt3', 'm1', 'f1', 'm4', 'f4'] as const;

/**
 * A voice for a speaker the cast has no Character for (a WAITER with one line): derived from the
 * name, so every line of that speaker still gets the same voice.
 */
export function fallbackVoice(name: string): VoiceSpec {
  const who = name.trim().toUpperCase();
  const h = Number.parseInt(hashOf(who).slice(0, 8), 16);
  const variant = FALLBACK_VARIANTS[h % FALLBACK_VARIANTS.length]!;
  return {
    gender: variant.startsWith('f') ? 'female' : variant.startsWith('m') ? 'male' : 'neutral',
    pitch: 30 + (h % 41),
    rate: 150 + ((h >>> 8) % 31),
    variant,
    description: `derived from the speaker's name (${who}): no Character node`,
  };
}

/** The speaker of a line: its characterId when set, else the character id its name maps to. */
export function speakerOf(line: LineRecord, characters: ReadonlyMap<string, CharacterRecord>): CharacterRecord | undefined {
  if (line.characterId !== undefined) {
    const byId = characters.get(line.characterId);
    if (byId) return byId;
  }
  const bySlug = characters.get(filmIds.character(line.character));
  if (bySlug) return bySlug;
  // Scripts often cue a character by first name or nickname in capitals: MARA for "Mara Quinn".
  const cue = line.character.trim().toLowerCase();
  for (const c of characters.values()) {
    const name = c.name.trim().toLowerCase();
    if (name === cue || name.split(/\s+/)[0] === cue) return c;
  }
  return undefined;
}

/** Characters by node id. */
export function characterMap(stored: ReadonlyArray<Stored<CharacterRecord>>): Map<string, CharacterRecord> {
  return new Map(stored.map((c) => [c.id, c.record]));
}
