/**
 * Who a shot's `characters` entry or a dialogue cue means. The same rules as the character
 * service's (full name, first name, last name, cue, id), kept small here because a service never
 * imports another service.
 */

/** A character as far as names go. */
export interface Named {
  id: string;
  name: string;
}

const TITLE =
  /^(?:captain|doctor|dr\.?|mrs\.?|mr\.?|ms\.?|miss|professor|detective|inspector|agent|officer|sergeant|the|old|young|little|big)$/i;

/** The name without titles: "Detective Ruth Okafor" → "Ruth". */
export function firstName(name: string): string {
  return name.split(/\s+/).find((w) => !TITLE.test(w)) ?? name;
}

/** A speaker cue without its extensions and parentheticals, upper case: `Mara (V.O.)` → `MARA`. */
export function normalizeCue(cue: string): string {
  return cue
    .replace(/\(.*?\)/g, ' ')
    .replace(/\^$/, '')
    .replace(/\s+/g, ' ')
    .trim()
    .toUpperCase();
}

function unique<T>(found: T[]): T | undefined {
  return found.length === 1 ? found[0] : undefined;
}

/**
 * Who `text` (a cue, a name, an id) means, or undefined: the id, the full name, the first name,
 * a last name, or a cue holding a first name ("MARA'S MOTHER" is not Mara: only whole cues count
 * unless exactly one character's first name is among the words). Ambiguous matches resolve to none.
 */
export function resolveName<T extends Named>(text: string, cast: readonly T[]): T | undefined {
  const byId = cast.find((c) => c.id === text);
  if (byId) return byId;
  const cue = normalizeCue(text);
  if (cue === '') return undefined;
  const full = cast.filter((c) => c.name.toUpperCase() === cue);
  if (full.length > 0) return unique(full);
  const first = unique(cast.filter((c) => firstName(c.name).toUpperCase() === cue));
  if (first) return first;
  const part = unique(cast.filter((c) => c.name.toUpperCase().split(/\s+/).includes(cue)));
  if (part) return part;
  const words = cue.split(' ');
  if (words.length > 1 && /'S$/.test(words[0] ?? '')) return undefined;
  return unique(cast.filter((c) => words.includes(firstName(c.name).toUpperCase())));
}
