import type { TimeOfDay } from '@automovie/contracts';
import {
  ANTAGONIST_NOUNS,
  FEMALE_NAMES,
  GENRE_KEYWORDS,
  GENRES,
  type Gender,
  type Genre,
  MALE_NAMES,
  NOT_NAMES,
  OBJECTS,
  PLACES,
  type PlaceInfo,
  RELATION_NOUNS,
  ROLE_NOUNS,
  STOPWORDS,
  verbBase,
} from './lexicon.ts';

/**
 * Reads an idea (or an outline written by anyone) into the parts a draft is built from: who,
 * where, what object, which verbs, which genre. Heuristic and English-only by design: whatever
 * it misses, the drafts fall back to the idea's own words.
 */

interface Token {
  text: string;
  lower: string;
  start: number;
  end: number;
  /** A word (not punctuation). */
  word: boolean;
  sentenceStart: boolean;
}

const TITLES = new Set(
  'captain doctor dr mrs mr ms miss professor detective inspector sister father aunt uncle grandma grandpa lady lord sir king queen prince princess agent officer sergeant chef madame mister'.split(
    ' ',
  ),
);
const PLACE_PREPOSITIONS = new Set(['in', 'at', 'to', 'from', 'near', 'across', 'into', 'around', 'outside', 'through']);
const DETERMINERS = new Set([
  'a',
  'an',
  'the',
  'her',
  'his',
  'their',
  'its',
  'my',
  'our',
  'your',
  'this',
  'that',
  'some',
  'one',
  'two',
  'three',
  'four',
  'five',
]);
const AUX = new Set([
  'must',
  'has',
  'is',
  'was',
  'wants',
  'needs',
  'tries',
  'learns',
  'decides',
  'sets',
  'gets',
  'becomes',
  'can',
  'will',
  'cannot',
  "can't",
  'starts',
  'begins',
  'keeps',
  'goes',
  'takes',
  'makes',
  'gives',
  'comes',
]);

export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  const re = /[A-Za-zÀ-ÖØ-öø-ÿ][A-Za-zÀ-ÖØ-öø-ÿ'’-]*|\d+(?:[.,]\d+)?|[.!?;:,()"“”]/g;
  let startNext = true;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const t = m[0];
    const word = /^[A-Za-zÀ-ÿ\d]/.test(t);
    out.push({
      text: t,
      lower: t.toLowerCase().replace(/[’]/g, "'"),
      start: m.index,
      end: m.index + t.length,
      word,
      sentenceStart: word && startNext,
    });
    if (word) startNext = false;
    else if (/[.!?]/.test(t)) startNext = true;
  }
  return out;
}

function singular(w: string): string {
  if (w.endsWith('ies') && w.length > 4) return `${w.slice(0, -3)}y`;
  if (/(ches|shes|xes|sses)$/.test(w)) return w.slice(0, -2);
  if (w.endsWith('s') && !w.endsWith('ss') && w.length > 3) return w.slice(0, -1);
  return w;
}

function stripPossessive(w: string): string {
  return w.replace(/'s$/, '');
}

export interface NameRef {
  name: string;
  gender?: Gender;
  /** A role or relation noun written next to the name: "her sister Ines", "Mara, a detective". */
  role?: string;
  relation?: string;
  antagonist: boolean;
  /** Position of the first mention. */
  at: number;
  mentions: number;
}

export interface PlaceRef {
  noun: string;
  /** With its modifier: "abandoned lighthouse". */
  phrase: string;
  info: PlaceInfo;
  proper: boolean;
}

export interface RelationRef {
  noun: string;
  kind: string;
  gender?: Gender;
  /** With its modifiers: "estranged sister". */
  phrase: string;
  name?: string;
}

export interface Analysis {
  text: string;
  names: NameRef[];
  protagonist: {
    name?: string;
    /** "lighthouse keeper" (no article). */
    role?: string;
    roleNoun?: string;
    gender?: Gender;
    group: boolean;
    /** The subject phrase as written: "A lonely lighthouse keeper". */
    phrase?: string;
  };
  /** What the protagonist does, in the idea's own words, third person: "finds a message in a bottle". */
  predicate?: string;
  /** The infinitive the idea states: "find her missing sister". */
  goal?: string;
  /** A "before …" clause: "before the storm hits". */
  deadline?: string;
  places: PlaceRef[];
  objects: string[];
  verbs: string[];
  relations: RelationRef[];
  antagonists: string[];
  /** Other people the idea mentions by role: "grumpy old baker". */
  others: string[];
  genres: Array<{ genre: Genre; score: number }>;
  timeOfDay?: TimeOfDay;
  /** Salient words for titles, most telling first. */
  keywords: string[];
  /** Pronoun evidence: female minus male pronoun count. */
  pronounLean: number;
}

function isCapitalized(t: Token): boolean {
  return t.word && /^[A-ZÀ-Ö]/.test(t.text);
}

function knownNoun(lower: string): boolean {
  const s = singular(stripPossessive(lower));
  return ROLE_NOUNS[s] !== undefined || PLACES[s] !== undefined || OBJECTS.has(s) || RELATION_NOUNS[s] !== undefined;
}

function nameGender(first: string): Gender | undefined {
  if (FEMALE_NAMES.includes(first)) return 'female';
  if (MALE_NAMES.includes(first)) return 'male';
  if (/(a|ia|ie|ette|elle|ine|een)$/.test(first.toLowerCase()) && first.length > 3) return 'female';
  return undefined;
}

/** A modifier worth keeping before a noun: not an article, pronoun, verb or name. */
function modifierBefore(tokens: Token[], i: number, max: number): string[] {
  const mods: string[] = [];
  for (let j = i - 1; j >= 0 && mods.length < max; j--) {
    const t = tokens[j]!;
    if (!t.word || STOPWORDS.has(t.lower) || DETERMINERS.has(t.lower) || isCapitalized(t) || AUX.has(t.lower)) break;
    if (verbBase(t.lower) && !/ed$/.test(t.lower)) break;
    if (/^\d/.test(t.lower)) break;
    mods.unshift(t.lower);
  }
  return mods;
}

export function analyze(text: string): Analysis {
  const tokens = tokenize(text);
  const words = tokens.filter((t) => t.word);
  const lowerWords = words.map((t) => t.lower);

  // ── names ──
  const names = new Map<string, NameRef>();
  const placeNames: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (!isCapitalized(t)) continue;
    const bareLower = stripPossessive(t.lower);
    if (NOT_NAMES.has(bareLower) || STOPWORDS.has(bareLower)) continue;
    if (TITLES.has(bareLower) && !(tokens[i + 1] && isCapitalized(tokens[i + 1]!))) continue;
    if (t.sentenceStart && knownNoun(bareLower) && !TITLES.has(bareLower)) continue;
    if (knownNoun(bareLower) && !TITLES.has(bareLower) && !isCapitalized(tokens[i + 1] ?? t)) {
      // "Lighthouse" capitalised mid-sentence is still the noun, unless it heads a multi-word name.
      if (!(i > 0 && isCapitalized(tokens[i - 1]!) && !tokens[i - 1]!.sentenceStart)) continue;
    }
    if (t.sentenceStart) {
      const next = tokens[i + 1];
      const looksName =
        nameGender(t.text) !== undefined ||
        (next !== undefined && (next.text === ',' || verbBase(next.lower) !== undefined || AUX.has(next.lower) || isCapitalized(next))) ||
        t.lower.endsWith("'s");
      if (!looksName) continue;
    }
    // Collect a run of capitalised words: "Captain Ada Reyes", "New York".
    const parts = [t.text];
    let j = i + 1;
    while (j < tokens.length && isCapitalized(tokens[j]!) && !NOT_NAMES.has(tokens[j]!.lower) && !STOPWORDS.has(tokens[j]!.lower)) {
      parts.push(tokens[j]!.text);
      j++;
    }
    const full = parts.map(stripPossessive).join(' ');
    const prev = tokens[i - 1];
    if (prev && PLACE_PREPOSITIONS.has(prev.lower)) {
      placeNames.push(full);
      i = j - 1;
      continue;
    }
    const existing = names.get(full);
    if (existing) existing.mentions++;
    else
      names.set(full, {
        name: full,
        antagonist: false,
        at: t.start,
        mentions: 1,
        gender: nameGender(parts.find((p) => !TITLES.has(p.toLowerCase())) ?? parts[0]!),
      });
    i = j - 1;
  }
  // Merge "Mara" into "Mara Quinn" when both appear.
  for (const n of [...names.values()]) {
    for (const m of names.values()) {
      if (m !== n && m.name.split(' ').includes(n.name) && names.has(n.name)) {
        m.mentions += n.mentions;
        m.at = Math.min(m.at, n.at);
        names.delete(n.name);
        break;
      }
    }
  }

  // Roles and relations written beside names.
  for (const ref of names.values()) {
    const idx = tokens.findIndex((t) => t.start === ref.at);
    if (idx < 0) continue;
    // Before: "her sister Ines", "the smuggler Corvin", "a detective named Mara".
    for (let j = idx - 1; j >= Math.max(0, idx - 4); j--) {
      const w = singular(tokens[j]!.lower);
      if (!tokens[j]!.word || tokens[j]!.lower === ',') break;
      if (w === 'named' || w === 'called') continue;
      if (RELATION_NOUNS[w] && !ref.relation) ref.relation = w;
      if (ANTAGONIST_NOUNS.has(w)) ref.antagonist = true;
      if (ROLE_NOUNS[w] && !ref.role) ref.role = [...modifierBefore(tokens, j, 2), w].join(' ');
    }
    // After: "Mara, a retired detective," / "Corvin, her rival".
    let k = idx + ref.name.split(' ').length;
    if (tokens[k]?.text === ',') {
      k++;
      const stop = Math.min(tokens.length, k + 6);
      for (let j = k; j < stop; j++) {
        const t = tokens[j]!;
        if (!t.word) break;
        const w = singular(t.lower);
        if (
          RELATION_NOUNS[w] &&
          !ref.relation &&
          (j === k || DETERMINERS.has(tokens[j - 1]!.lower) || !STOPWORDS.has(tokens[j - 1]!.lower))
        ) {
          if (['her', 'his', 'their', 'my'].includes(tokens[k]!.lower)) ref.relation = w;
        }
        if (ANTAGONIST_NOUNS.has(w)) ref.antagonist = true;
        if (ROLE_NOUNS[w] && !ref.role && !ref.relation) {
          ref.role = [...modifierBefore(tokens, j, 2), w].join(' ');
          break;
        }
      }
    }
    const roleNoun = ref.role?.split(' ').pop();
    const g = roleNoun ? ROLE_NOUNS[roleNoun]?.gender : undefined;
    const rg = ref.relation ? RELATION_NOUNS[ref.relation]?.gender : undefined;
    if (!ref.gender && (g === 'female' || g === 'male')) ref.gender = g;
    if (!ref.gender && (rg === 'female' || rg === 'male')) ref.gender = rg;
  }

  // ── pronouns ──
  let lean = 0;
  for (const w of lowerWords) {
    if (w === 'she' || w === 'her' || w === 'hers' || w === 'herself') lean++;
    else if (w === 'he' || w === 'him' || w === 'his' || w === 'himself') lean--;
  }

  // ── protagonist ──
  const protagonist: Analysis['protagonist'] = { group: false };
  let subjectEnd = -1;
  const nameList = [...names.values()].filter((n) => !n.antagonist && !n.relation).sort((a, b) => a.at - b.at);
  let roleIdx = -1;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (!t.word) continue;
    const s = singular(stripPossessive(t.lower));
    if (!ROLE_NOUNS[s] || ANTAGONIST_NOUNS.has(s)) continue;
    if (isCapitalized(t) && !t.sentenceStart) continue;
    // "her sister" is someone else.
    const prev = tokens[i - 1]?.lower ?? '';
    const prev2 = tokens[i - 2]?.lower ?? '';
    if (RELATION_NOUNS[s] && (['her', 'his', 'their', 'my', 'our'].includes(prev) || ['her', 'his', 'their'].includes(prev2))) continue;
    roleIdx = i;
    break;
  }
  const firstName = nameList[0];
  if (
    firstName &&
    (roleIdx < 0 ||
      firstName.at <= tokens[roleIdx]!.start ||
      (tokens[roleIdx + 1] && ['named', 'called'].includes(tokens[roleIdx + 1]!.lower)))
  ) {
    protagonist.name = firstName.name;
    protagonist.gender = firstName.gender;
    if (firstName.role) {
      protagonist.role = firstName.role;
      protagonist.roleNoun = firstName.role.split(' ').pop();
      protagonist.gender = protagonist.gender ?? ROLE_NOUNS[protagonist.roleNoun ?? '']?.gender;
    } else if (roleIdx >= 0 && tokens[roleIdx + 1] && ['named', 'called'].includes(tokens[roleIdx + 1]!.lower)) {
      const s = singular(tokens[roleIdx]!.lower);
      protagonist.role = [...modifierBefore(tokens, roleIdx, 2), s].join(' ');
      protagonist.roleNoun = s;
      protagonist.gender = protagonist.gender ?? ROLE_NOUNS[s]?.gender;
    }
    const idx = tokens.findIndex((t) => t.start === firstName.at);
    subjectEnd = idx + firstName.name.split(' ').length;
    if (roleIdx >= 0 && tokens[roleIdx + 1] && ['named', 'called'].includes(tokens[roleIdx + 1]!.lower) && roleIdx < idx) {
      protagonist.phrase = text.slice(
        tokens[Math.max(0, roleIdx - modifierBefore(tokens, roleIdx, 2).length - 1)]!.start,
        tokens[subjectEnd - 1]!.end,
      );
    } else protagonist.phrase = firstName.name;
  } else if (roleIdx >= 0) {
    const t = tokens[roleIdx]!;
    const s = singular(stripPossessive(t.lower));
    const mods = modifierBefore(tokens, roleIdx, 2);
    protagonist.role = [...mods, s].join(' ');
    protagonist.roleNoun = s;
    const info = ROLE_NOUNS[s]!;
    protagonist.group = Boolean(info.group) || (t.lower !== s && t.lower.endsWith('s') && !t.lower.endsWith("'s"));
    if (info.gender) protagonist.gender = info.gender;
    const startTok = roleIdx - mods.length - (DETERMINERS.has(tokens[roleIdx - mods.length - 1]?.lower ?? '') ? 1 : 0);
    protagonist.phrase = text.slice(tokens[startTok]!.start, t.end);
    subjectEnd = roleIdx + 1;
    if (
      tokens[subjectEnd] &&
      ['named', 'called'].includes(tokens[subjectEnd]!.lower) &&
      tokens[subjectEnd + 1] &&
      isCapitalized(tokens[subjectEnd + 1]!)
    ) {
      const n = [...names.values()].find((r) => r.at === tokens[subjectEnd + 1]!.start);
      if (n) {
        protagonist.name = n.name;
        protagonist.gender = protagonist.gender ?? n.gender;
        subjectEnd += 1 + n.name.split(' ').length;
        protagonist.phrase = text.slice(tokens[startTok]!.start, tokens[subjectEnd - 1]!.end);
      }
    }
  }
  if (!protagonist.gender && protagonist.roleNoun && !protagonist.group && ROLE_NOUNS[protagonist.roleNoun]?.gender === undefined) {
    if (lean > 0) protagonist.gender = 'female';
    else if (lean < 0) protagonist.gender = 'male';
  }

  // ── predicate, goal and deadline ──
  let predicate: string | undefined;
  if (subjectEnd > 0 && subjectEnd < tokens.length) {
    let k = subjectEnd;
    // Skip an appositive: ", a retired detective,".
    if (tokens[k]?.text === ',') {
      let j = k + 1;
      while (j < tokens.length && tokens[j]!.text !== ',' && !/[.!?;]/.test(tokens[j]!.text)) j++;
      if (tokens[j]?.text === ',' && j - k <= 7) k = j + 1;
    }
    if (tokens[k]?.lower === 'who' || tokens[k]?.lower === 'that') k++;
    // Skip a prepositional phrase between subject and verb: "Two astronauts on a space station hear…".
    if ((tokens[k]?.word && PLACE_PREPOSITIONS.has(tokens[k]!.lower)) || tokens[k]?.lower === 'on' || tokens[k]?.lower === 'with') {
      for (let j = k + 1; j < Math.min(tokens.length, k + 8); j++) {
        const t = tokens[j]!;
        if (!t.word) break;
        if (AUX.has(t.lower) || (verbBase(t.lower) !== undefined && !STOPWORDS.has(t.lower))) {
          k = j;
          break;
        }
      }
    }
    const first = tokens[k];
    if (first?.word) {
      let end = k;
      while (end < tokens.length && !/[.!?;]/.test(tokens[end]!.text)) end++;
      const verbish =
        AUX.has(first.lower) ||
        verbBase(first.lower) !== undefined ||
        (/s$/.test(first.lower) && !STOPWORDS.has(first.lower) && !knownNoun(first.lower));
      if (verbish && end > k)
        predicate = text
          .slice(first.start, tokens[end - 1]!.end)
          .replace(/\s+/g, ' ')
          .trim();
    }
  }
  const lower = text.toLowerCase().replace(/[’]/g, "'");
  const goalMatch = lower.match(
    /\b(?:must|has to|have to|needs to|need to|tries to|try to|wants to|want to|sets out to|set out to|decides to|race to|races to|fights to|hopes to|plans to|is determined to)\s+([a-z][^.;!?]*?)(?=\s+before\b|\s+while\b|\s+when\b|\s+but\b|\s+or else\b|[.;!?,]|$)/,
  );
  const goal = goalMatch?.[1]?.trim();
  const deadlineMatch = text.match(
    /\b(before|by|until)\s+((?:the|a|an|his|her|their|dawn|midnight|sunrise|sunset|morning|tomorrow|tonight|anyone|saturday)[^.;!?,—–]*)/i,
  );
  const deadline = deadlineMatch ? `${deadlineMatch[1]!.toLowerCase()} ${deadlineMatch[2]!.trim()}` : undefined;

  // ── places, objects, verbs, relations, antagonists ──
  const places: PlaceRef[] = [];
  const objects: string[] = [];
  const verbs: string[] = [];
  const relations: RelationRef[] = [];
  const antagonists: string[] = [];
  const others: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (!t.word) continue;
    const w = stripPossessive(t.lower);
    const s = singular(w);
    const next = tokens[i + 1]?.lower ?? '';
    const next2 = tokens[i + 2]?.lower ?? '';
    const nextNoun = tokens[i + 1]?.word ? singular(stripPossessive(tokens[i + 1]!.lower)) : '';
    const modifiesNext = PLACES[nextNoun] !== undefined || OBJECTS.has(nextNoun) || ROLE_NOUNS[nextNoun] !== undefined;
    const prevWord = tokens[i - 1]?.word ? tokens[i - 1]!.lower : '';
    const placeKey = PLACES[`${prevWord} ${s}`] ? `${prevWord} ${s}` : PLACES[w] ? w : PLACES[s] ? s : undefined;
    if (placeKey && (PLACES[nextNoun] !== undefined || OBJECTS.has(nextNoun))) continue;
    if (placeKey && !(isCapitalized(t) && !t.sentenceStart && names.has(t.text))) {
      if (!places.some((pl) => pl.noun === placeKey)) {
        const mods =
          modifiesNext || placeKey.includes(' ') ? [] : modifierBefore(tokens, i, 2).filter((m) => !OBJECTS.has(m) && !m.endsWith("'s"));
        places.push({ noun: placeKey, phrase: [...mods, placeKey].join(' '), info: PLACES[placeKey]!, proper: false });
      }
      continue;
    }
    if ((OBJECTS.has(s) || OBJECTS.has(w)) && !modifiesNext) {
      const noun = OBJECTS.has(w) ? w : s;
      if (objects.some((o) => o.split(' ').includes(noun))) continue;
      const mods = modifierBefore(tokens, i, 1);
      let phrase = [...mods, noun].join(' ');
      // "message in a bottle", "map of the island".
      if ((next === 'in' || next === 'of') && ['a', 'an', 'the'].includes(next2)) {
        const third = tokens[i + 3];
        if (third?.word && (OBJECTS.has(singular(third.lower)) || PLACES[singular(third.lower)])) {
          phrase = `${phrase} ${next} ${next2} ${third.lower}`;
          if (PLACES[singular(third.lower)] && !places.some((pl) => pl.noun === singular(third.lower))) {
            const key = singular(third.lower);
            places.push({ noun: key, phrase: key, info: PLACES[key]!, proper: false });
          }
          i += 3;
        }
      }
      objects.push(phrase);
      continue;
    }
    const rel = RELATION_NOUNS[s];
    if (
      rel &&
      ['her', 'his', 'their', 'my', 'our', 'a', 'an', 'the'].some((d) => tokens.slice(Math.max(0, i - 3), i).some((x) => x.lower === d))
    ) {
      const isProtagonist = protagonist.roleNoun === s && !protagonist.name;
      if (!isProtagonist && !relations.some((r) => r.noun === s)) {
        const named = [...names.values()].find((n) => n.relation === s);
        relations.push({
          noun: s,
          kind: rel.kind,
          gender: rel.gender,
          phrase: [...modifierBefore(tokens, i, 1), s].join(' '),
          name: named?.name,
        });
      }
    }
    if (ROLE_NOUNS[s] && !rel && !ANTAGONIST_NOUNS.has(s) && i !== roleIdx && !(isCapitalized(t) && !t.sentenceStart)) {
      const phrase = [...modifierBefore(tokens, i, 2), s].join(' ');
      if (protagonist.roleNoun !== s && !others.includes(phrase) && !modifiesNext) others.push(phrase);
    }
    if (ANTAGONIST_NOUNS.has(s) && protagonist.roleNoun !== s) {
      const phrase = [...modifierBefore(tokens, i, 1), s].join(' ');
      if (!antagonists.includes(phrase)) antagonists.push(phrase);
    }
    const vb = verbBase(w);
    if (vb && !verbs.includes(vb) && !isCapitalized(t)) verbs.push(vb);
  }
  for (const pn of placeNames) {
    if (!places.some((pl) => pl.phrase === pn))
      places.push({
        noun: pn.toLowerCase(),
        phrase: pn,
        info: { intExt: 'EXT', areas: ['STREETS'], details: ['the streets are busy with strangers'] },
        proper: true,
      });
  }

  // ── genre ──
  const scores = new Map<Genre, number>();
  for (const g of GENRES) {
    let score = 0;
    for (const kw of GENRE_KEYWORDS[g]) {
      if (kw.includes(' ')) score += lower.includes(kw) ? 2 : 0;
      else
        score += lowerWords.filter((w) => w === kw || stripPossessive(w) === kw).length * (kw === g || kw === g.replace('-', '') ? 3 : 1);
    }
    if (lower.includes(g)) score += 3;
    scores.set(g, score);
  }
  if (/\bsci[- ]?fi\b|science fiction/.test(lower)) scores.set('sci-fi', (scores.get('sci-fi') ?? 0) + 4);
  const genres = GENRES.map((genre) => ({ genre, score: scores.get(genre) ?? 0 })).sort((a, b) => b.score - a.score);

  // ── time of day ──
  let timeOfDay: TimeOfDay | undefined;
  if (/\b(night|midnight|nocturnal|dark|moonlit|tonight)\b/.test(lower)) timeOfDay = 'NIGHT';
  else if (/\b(dawn|sunrise|daybreak)\b/.test(lower)) timeOfDay = 'DAWN';
  else if (/\b(dusk|sunset|twilight)\b/.test(lower)) timeOfDay = 'DUSK';
  else if (/\bmorning\b/.test(lower)) timeOfDay = 'MORNING';
  else if (/\bevening\b/.test(lower)) timeOfDay = 'EVENING';
  else if (/\b(day|afternoon|noon|summer|sunny)\b/.test(lower)) timeOfDay = 'DAY';

  // ── keywords ──
  const keywords: string[] = [];
  const push = (w: string | undefined) => {
    if (w && !keywords.includes(w)) keywords.push(w);
  };
  for (const o of objects) push(headOf(o));
  for (const pl of places) push(pl.noun);
  push(protagonist.roleNoun);
  for (const a of antagonists) push(a.split(' ').pop());
  for (const w of words) {
    const l = stripPossessive(w.lower);
    if (l.length >= 5 && !STOPWORDS.has(l) && l !== 'named' && l !== 'called' && !verbBase(l) && !isCapitalized(w) && !/(ly|ing)$/.test(l))
      push(l);
  }

  return {
    text,
    names: [...names.values()].sort((a, b) => a.at - b.at),
    protagonist,
    predicate,
    goal,
    deadline,
    places,
    objects,
    verbs,
    relations,
    antagonists,
    others,
    genres,
    timeOfDay,
    keywords,
    pronounLean: lean,
  };
}

function headOf(phrase: string): string {
  const words = phrase.split(' ');
  const cut = words.findIndex((w) => w === 'in' || w === 'of');
  return (cut > 0 ? words[cut - 1] : words[words.length - 1]) ?? phrase;
}

/** The best genre of an analysis, or `fallback` when no keyword matched. */
export function topGenres(a: Analysis, fallback: Genre): Genre[] {
  const scored = a.genres.filter((g) => g.score > 0).map((g) => g.genre);
  return scored.length > 0 ? scored : [fallback];
}

/** Maps a free-text genre ("noir", "Sci Fi", "rom-com") onto the engine's genres. */
export function normalizeGenre(genre: string): Genre | undefined {
  const g = genre.toLowerCase();
  if (/sci|science|space|cyber/.test(g)) return 'sci-fi';
  if (/rom-?com/.test(g)) return 'comedy';
  if (/noir|crime|detective|whodunit|mystery/.test(g)) return 'mystery';
  if (/horror|scary|ghost|slasher/.test(g)) return 'horror';
  if (/thrill|suspense|spy|action/.test(g)) return 'thriller';
  if (/comed|funny|farce|satire/.test(g)) return 'comedy';
  if (/roman|love/.test(g)) return 'romance';
  if (/fantas|fairy|myth|magic/.test(g)) return 'fantasy';
  if (/advent|quest|western/.test(g)) return 'adventure';
  if (/drama|family|coming/.test(g)) return 'drama';
  return undefined;
}
