/**
 * How the screenplay and the storyboard refer to characters: full names, first names, last names
 * and speaker cues (`MARA (V.O.)`), and spellings that are nearly but not quite a character's.
 * One set of rules for every service, so the character service's consistency check and the
 * visual service's shot planning agree on who a cue means.
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

/** Damerau–Levenshtein distance (adjacent transpositions count once). */
export function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  const d: number[][] = Array.from({ length: m + 1 }, (_, i) => Array.from({ length: n + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= m; i++) {
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const row = d[i] as number[];
      const prev = d[i - 1] as number[];
      row[j] = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        row[j] = Math.min(row[j] as number, ((d[i - 2] as number[])[j - 2] as number) + 1);
      }
    }
  }
  return (d[m] as number[])[n] as number;
}

/** How far a spelling may be from a name and still be a slip of it: 1 for names up to 5 letters, else 2. */
function tolerance(name: string): number {
  return name.length <= 5 ? 1 : 2;
}

/**
 * The one character whose name or first name `text` nearly spells (`MARAH` → Mara), when `text`
 * means no character itself; undefined when nothing is close or two characters are equally close.
 */
export function nearMiss<T extends Named>(text: string, cast: readonly T[]): T | undefined {
  const cue = normalizeCue(text);
  if (cue.length < 3 || resolveName(text, cast)) return undefined;
  let best: { c: T; d: number } | undefined;
  let tie = false;
  for (const c of cast) {
    for (const form of new Set([c.name.toUpperCase(), firstName(c.name).toUpperCase()])) {
      if (form.length < 3) continue;
      const d = editDistance(cue, form);
      if (d === 0 || d > tolerance(form)) continue;
      if (!best || d < best.d) {
        best = { c, d };
        tie = false;
      } else if (d === best.d && best.c !== c) tie = true;
    }
  }
  return best && !tie ? best.c : undefined;
}

/** The ways a character is mentioned in running text: full name, first name, last name. */
export function mentionForms(name: string): string[] {
  const parts = name.split(/\s+/).filter((w) => !TITLE.test(w) && w.length > 1);
  return [...new Set([name, firstName(name), ...(parts.length > 1 ? [parts[parts.length - 1] as string] : [])])];
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Where in `text` each character is mentioned (character index of each mention, in order). */
export function mentions<T extends Named>(text: string, cast: readonly T[]): Array<{ at: number; end: number; character: T }> {
  const out: Array<{ at: number; end: number; character: T }> = [];
  for (const c of cast) {
    const re = new RegExp(`\\b(?:${mentionForms(c.name).map(escapeRe).join('|')})\\b`, 'gi');
    for (let m = re.exec(text); m !== null; m = re.exec(text)) out.push({ at: m.index, end: m.index + m[0].length, character: c });
  }
  // A full name also matches its first name at the same place: keep the longest mention at each position.
  out.sort((a, b) => a.at - b.at || b.end - a.end);
  let end = -1;
  return out.filter((m) => {
    if (m.at < end) return false;
    end = m.end;
    return true;
  });
}
