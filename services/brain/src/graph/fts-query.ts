/** Most distinct words of a keyword query that are searched (the rest are ignored). */
export const MAX_QUERY_TERMS = 32;

const WORD = /[\p{L}\p{N}\p{M}]+/gu;

/**
 * Turns user text into an FTS5 query that is only words: every word becomes a double-quoted
 * string (FTS5's literal form), joined by OR. Quotes, `*`, `^`, `:`, parentheses, `NEAR(`,
 * `AND`/`OR`/`NOT` and column filters thus never reach FTS5 as syntax; `OR` or `NEAR` in the
 * text are searched as the words they are. Undefined when the text has no word at all.
 */
export function toFtsQuery(text: string): string | undefined {
  const words = text.normalize('NFKC').match(WORD);
  if (!words) return undefined;
  const seen = new Set<string>();
  for (const w of words) {
    const lower = w.toLowerCase();
    if (!seen.has(lower)) seen.add(lower);
    if (seen.size === MAX_QUERY_TERMS) break;
  }
  // The words only hold letters, digits and marks, so no `"` can end the quoted string early.
  return [...seen].map((w) => `"${w}"`).join(' OR ');
}
