/**
 * Text analysis for the Neo4j backend's keyword search, done here rather than by a Lucene
 * analyzer. Neo4j's built-in analyzers cannot be combined: `english` stems but drops stop words
 * (so "or" and "not" could never be found), `standard-folding` folds accents but does not stem,
 * and custom analyzers need a server plugin. So the brain folds, lowercases and stems words itself,
 * on both the indexed text and the query, and the full-text index uses the `whitespace` analyzer,
 * which only splits on spaces. The behaviour then matches the embedded backend (FTS5 `porter
 * unicode61 remove_diacritics`) and is tested without a server.
 */

/** Most distinct words of a keyword query that are searched (the rest are ignored), as in the embedded backend. */
export const MAX_QUERY_TERMS = 32;
/** Longer words are cut (Lucene's whitespace tokenizer splits tokens above 255 characters). */
export const MAX_TERM_CHARS = 100;

const WORD = /[\p{L}\p{N}\p{M}]+/gu;
const COMBINING = /\p{Mn}+/gu;
const ASCII_WORD = /^[a-z]+$/;

/** One word as it is indexed and searched: accents removed, lowercased, stemmed (English), cut to MAX_TERM_CHARS. */
export function normaliseWord(word: string): string {
  const folded = word.normalize('NFD').replace(COMBINING, '').normalize('NFC').toLowerCase();
  const stemmed = ASCII_WORD.test(folded) ? porterStem(folded) : folded;
  return stemmed.slice(0, MAX_TERM_CHARS);
}

/** The words of `text`, normalised, in order (repeats kept: they count for ranking). */
export function analyzeText(text: string): string[] {
  const words = text.normalize('NFKC').match(WORD);
  if (!words) return [];
  const out: string[] = [];
  for (const w of words) {
    const term = normaliseWord(w);
    if (term !== '') out.push(term);
  }
  return out;
}

/** The distinct normalised words of a query, at most MAX_QUERY_TERMS; empty when the text has no word. */
export function queryTerms(text: string): string[] {
  const seen = new Set<string>();
  for (const term of analyzeText(text)) {
    seen.add(term);
    if (seen.size === MAX_QUERY_TERMS) break;
  }
  return [...seen];
}

// ── Porter stemmer ──────────────────────────────────────────────────────────────────────────
// M.F. Porter, "An algorithm for suffix stripping" (1980), as in his reference implementation
// (including its two published departures: "bli" → "ble" and "logi" → "log" in step 2).
// The word must be lowercase ASCII letters.

const STEP2: ReadonlyArray<readonly [string, string]> = [
  ['ational', 'ate'],
  ['tional', 'tion'],
  ['enci', 'ence'],
  ['anci', 'ance'],
  ['izer', 'ize'],
  ['bli', 'ble'],
  ['alli', 'al'],
  ['entli', 'ent'],
  ['eli', 'e'],
  ['ousli', 'ous'],
  ['ization', 'ize'],
  ['ation', 'ate'],
  ['ator', 'ate'],
  ['alism', 'al'],
  ['iveness', 'ive'],
  ['fulness', 'ful'],
  ['ousness', 'ous'],
  ['aliti', 'al'],
  ['iviti', 'ive'],
  ['biliti', 'ble'],
  ['logi', 'log'],
];
const STEP3: ReadonlyArray<readonly [string, string]> = [
  ['icate', 'ic'],
  ['ative', ''],
  ['alize', 'al'],
  ['iciti', 'ic'],
  ['ical', 'ic'],
  ['ful', ''],
  ['ness', ''],
];
const STEP4 = [
  'al',
  'ance',
  'ence',
  'er',
  'ic',
  'able',
  'ible',
  'ant',
  'ement',
  'ment',
  'ent',
  'ion',
  'ou',
  'ism',
  'ate',
  'iti',
  'ous',
  'ive',
  'ize',
];

/** The longest of `suffixes` that `w` ends with (a suffix table lists each ending once). */
function longestSuffix(w: string, suffixes: readonly string[]): string | undefined {
  let best: string | undefined;
  for (const s of suffixes) if (w.endsWith(s) && (best === undefined || s.length > best.length)) best = s;
  return best;
}

/** Is w[i] a consonant? `y` is one at the start or after a vowel. */
function isConsonant(w: string, i: number): boolean {
  const ch = w[i];
  if (ch === 'a' || ch === 'e' || ch === 'i' || ch === 'o' || ch === 'u') return false;
  if (ch === 'y') return i === 0 || !isConsonant(w, i - 1);
  return true;
}

/** Porter's m: the number of vowel-consonant sequences in `stem` ([C](VC)^m[V]). */
function measure(stem: string): number {
  let m = 0;
  let i = 0;
  const n = stem.length;
  while (i < n && isConsonant(stem, i)) i++;
  while (i < n) {
    while (i < n && !isConsonant(stem, i)) i++;
    if (i >= n) break;
    while (i < n && isConsonant(stem, i)) i++;
    m++;
  }
  return m;
}

function hasVowel(stem: string): boolean {
  for (let i = 0; i < stem.length; i++) if (!isConsonant(stem, i)) return true;
  return false;
}

/** Ends with a double consonant (the same letter twice). */
function endsDoubleConsonant(w: string): boolean {
  const n = w.length;
  return n >= 2 && w[n - 1] === w[n - 2] && isConsonant(w, n - 1);
}

/** Ends consonant-vowel-consonant, the last not w, x or y (as in hop, but not in snow or box). */
function endsCvc(w: string): boolean {
  const n = w.length;
  if (n < 3) return false;
  if (!isConsonant(w, n - 1) || isConsonant(w, n - 2) || !isConsonant(w, n - 3)) return false;
  const last = w[n - 1];
  return last !== 'w' && last !== 'x' && last !== 'y';
}

/** The Porter stem of a lowercase ASCII word; words of one or two letters are left alone. */
export function porterStem(word: string): string {
  if (word.length <= 2) return word;
  let w = word;

  // Step 1a: plurals.
  if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.endsWith('ies')) w = w.slice(0, -2);
  else if (w.endsWith('s') && !w.endsWith('ss')) w = w.slice(0, -1);

  // Step 1b: -eed, -ed, -ing.
  if (w.endsWith('eed')) {
    if (measure(w.slice(0, -3)) > 0) w = w.slice(0, -1);
  } else {
    const suffix = w.endsWith('ed') ? 'ed' : w.endsWith('ing') ? 'ing' : undefined;
    if (suffix && hasVowel(w.slice(0, -suffix.length))) {
      w = w.slice(0, -suffix.length);
      if (w.endsWith('at') || w.endsWith('bl') || w.endsWith('iz')) w += 'e';
      else if (endsDoubleConsonant(w) && !/[lsz]$/.test(w)) w = w.slice(0, -1);
      else if (measure(w) === 1 && endsCvc(w)) w += 'e';
    }
  }

  // Step 1c: y → i after a vowel in the stem.
  if (w.endsWith('y') && hasVowel(w.slice(0, -1))) w = `${w.slice(0, -1)}i`;

  // Step 2: double suffixes to single ones (m > 0).
  const s2 = longestSuffix(
    w,
    STEP2.map(([s]) => s),
  );
  if (s2 !== undefined) {
    const stem = w.slice(0, -s2.length);
    if (measure(stem) > 0) w = stem + STEP2.find(([s]) => s === s2)![1];
  }

  // Step 3: -ic-, -full, -ness… (m > 0).
  const s3 = longestSuffix(
    w,
    STEP3.map(([s]) => s),
  );
  if (s3 !== undefined) {
    const stem = w.slice(0, -s3.length);
    if (measure(stem) > 0) w = stem + STEP3.find(([s]) => s === s3)![1];
  }

  // Step 4: -ant, -ence… (m > 1); -ion only after s or t.
  const s4 = longestSuffix(w, STEP4);
  if (s4 !== undefined) {
    const stem = w.slice(0, -s4.length);
    const ok = s4 !== 'ion' || stem.endsWith('s') || stem.endsWith('t');
    if (ok && measure(stem) > 1) w = stem;
  }

  // Step 5a: a final -e (m > 1, or m = 1 and not *o).
  if (w.endsWith('e')) {
    const stem = w.slice(0, -1);
    const m = measure(stem);
    if (m > 1 || (m === 1 && !endsCvc(stem))) w = stem;
  }
  // Step 5b: -ll → -l (m > 1).
  if (w.endsWith('ll') && measure(w) > 1) w = w.slice(0, -1);
  return w;
}
