import type { CharacterProfile } from '@automovie/contracts';
import { type Pronouns, pronouns } from './text.ts';

/** A character as the script refers to them: a speaker cue, pronouns and what they wear. */
export interface CastEntry {
  profile: CharacterProfile;
  first: string;
  /** The speaker cue in dialogue: the first name in upper case, or the full name when first names clash. */
  cue: string;
  p: Pronouns;
  /** "a brick red oilskin coat with deep teal accents", from the visual description. */
  outfit?: string;
}

const TITLE = /^(?:captain|doctor|dr\.?|mrs\.?|mr\.?|ms\.?|miss|professor|detective|inspector|agent|officer|sergeant|the)$/i;

export function firstName(name: string): string {
  return name.split(/\s+/).find((w) => !TITLE.test(w)) ?? name;
}

export function castOf(characters: readonly CharacterProfile[]): CastEntry[] {
  const firsts = characters.map((c) => firstName(c.name).toUpperCase());
  return characters.map((c, i) => {
    const first = firstName(c.name);
    const clash = firsts.filter((f) => f === firsts[i]).length > 1;
    const outfit = c.visualDescription.match(/\bwears (.+?)(?:\.|;|$)/i)?.[1];
    return { profile: c, first, cue: (clash ? c.name : first).toUpperCase(), p: pronouns(c.voice.gender), outfit };
  });
}

/** Finds who a speaker cue means: full name, first name, last name or cue, any case; `(V.O.)` and the like are ignored. */
export function resolveSpeaker(cue: string, cast: readonly CastEntry[]): CastEntry | undefined {
  const c = cue
    .replace(/\s*\(.*?\)\s*/g, '')
    .trim()
    .toUpperCase();
  return (
    cast.find((e) => e.cue === c) ??
    cast.find((e) => e.profile.name.toUpperCase() === c) ??
    cast.find((e) => e.first.toUpperCase() === c) ??
    cast.find((e) => e.profile.name.toUpperCase().split(/\s+/).includes(c)) ??
    cast.find((e) => c.split(/\s+/).includes(e.first.toUpperCase()))
  );
}
