/** Most distinct words of a keyword query that are searched (the rest are ignored). */
export const MAX_QUERY_TERMS = 32;

const WORD = /[\p{L}\p{N}\p{M}]+/gu;

/** The distinct words of user text, lower-cased, in order: only letters, digits and marks. */
export function queryTerms(text: string): string[] {
  const words = text.normalize('NFKC').match(WORD);
  if (!words) return [];
  const seen = new Set<string>();
  for (const w of words) {
    seen.add(w.toLowerCase());
    if (seen.size === MAX_QUERY_TERMS) break;
  }
  return [...seen];
}

/**
 * An FTS5 query that is only words: every word becomes a double-quoted string (FTS5's literal
 * form), joined by OR. Quotes, `*`, `^`, `:`, parentheses, `NEAR(`, `AND`/`OR`/`NOT` and column
 * filters thus never reach FTS5 as syntax; `OR` or `NEAR` in the text are searched as the words
 * they are. The terms come from `queryTerms`: letters, digits and marks only, so no `"` can end
 * a quoted string early.
 */
export function toFtsQuery(terms: readonly string[]): string {
  return terms.map((w) => `"${w}"`).join(' OR ');
}
