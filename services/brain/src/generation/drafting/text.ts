/** Small English helpers for assembling draft sentences. */

export function capitalize(s: string): string {
  return s.length === 0 ? s : s[0]!.toUpperCase() + s.slice(1);
}

export function titleCase(s: string): string {
  const small = new Set(['a', 'an', 'the', 'of', 'in', 'on', 'at', 'to', 'and', 'for', 'by', 'with']);
  return s
    .split(/\s+/)
    .filter(Boolean)
    .map((w, i) => (i > 0 && small.has(w.toLowerCase()) ? w.toLowerCase() : capitalize(w)))
    .join(' ');
}

export function article(phrase: string): string {
  return /^(?:[aeio]|u(?![sn]i|ni)|hour|honest|heir)/i.test(phrase) ? 'an' : 'a';
}

export function withArticle(phrase: string): string {
  return `${article(phrase)} ${phrase}`;
}

export function possessive(name: string): string {
  return `${name}'s`;
}

export function joinList(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

export function wordCount(text: string): number {
  const m = text.match(/[A-Za-z0-9À-ÿ'’-]+/g);
  return m ? m.length : 0;
}

export function sentences(text: string): string[] {
  return (text.match(/[^.!?]+[.!?]+["”’)]*|[^.!?]+$/g) ?? []).map((s) => s.trim()).filter(Boolean);
}

/** Ends a clause with a full stop unless it already has closing punctuation. */
export function period(s: string): string {
  const t = s.trim();
  return /[.!?]["”’)]*$/.test(t) ? t : `${t}.`;
}

/** Cuts text to at most `max` characters at a word boundary. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const at = cut.lastIndexOf(' ');
  return `${(at > max / 2 ? cut.slice(0, at) : cut).replace(/[,;:\s]+$/, '')}…`;
}

export interface Pronouns {
  sub: string;
  obj: string;
  pos: string;
  refl: string;
}

export function pronouns(gender: 'female' | 'male' | 'neutral'): Pronouns {
  if (gender === 'female') return { sub: 'she', obj: 'her', pos: 'her', refl: 'herself' };
  if (gender === 'male') return { sub: 'he', obj: 'him', pos: 'his', refl: 'himself' };
  return { sub: 'it', obj: 'it', pos: 'its', refl: 'itself' };
}

/** Drops a leading article: "the old map" → "old map". */
export function bare(phrase: string): string {
  return phrase.replace(/^(?:a|an|the|her|his|their|its)\s+/i, '');
}

/** The head noun of a phrase: "message in a bottle" → "message", "old map" → "map". */
export function headNoun(phrase: string): string {
  const words = bare(phrase).split(/\s+/);
  const cut = words.findIndex((w) => /^(?:in|of|from|on|with|that|which|at)$/i.test(w));
  const head = cut > 0 ? words.slice(0, cut) : words;
  return head[head.length - 1] ?? phrase;
}
