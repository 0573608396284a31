import type { CharacterRecord } from '@automovie/contracts';

/**
 * What text says a character looks like — hair colour and style, eye colour, the colour of what
 * they wear — read with a small colour lexicon. Colours compare by family ("brick red" and
 * "crimson" agree, "auburn" and "chestnut" agree, "blond" and "black" do not), so the check
 * flags contradictions, not paraphrases.
 */

type Family = 'red' | 'orange' | 'yellow' | 'green' | 'teal' | 'blue' | 'purple' | 'pink' | 'brown' | 'black' | 'white' | 'grey' | 'blond';

/** Colour words, longest first so "dark brown" wins over "brown". */
const COLOURS: Array<[string, Family[]]> = (
  [
    ['brick red', ['red']],
    ['burnt orange', ['orange']],
    ['mustard yellow', ['yellow']],
    ['olive green', ['green']],
    ['moss green', ['green']],
    ['forest green', ['green']],
    ['deep teal', ['teal', 'green', 'blue']],
    ['petrol blue', ['blue', 'teal']],
    ['cobalt blue', ['blue']],
    ['navy blue', ['blue']],
    ['sky blue', ['blue']],
    ['dark brown', ['brown', 'black']],
    ['light brown', ['brown', 'blond']],
    ['jet black', ['black']],
    ['strawberry blond', ['blond', 'red']],
    ['strawberry blonde', ['blond', 'red']],
    ['salt and pepper', ['grey', 'black']],
    ['red', ['red']],
    ['crimson', ['red']],
    ['scarlet', ['red']],
    ['maroon', ['red', 'brown']],
    ['burgundy', ['red', 'purple']],
    ['ginger', ['red', 'orange']],
    ['copper', ['red', 'orange', 'brown']],
    ['auburn', ['red', 'brown']],
    ['chestnut', ['brown', 'red']],
    ['orange', ['orange']],
    ['amber', ['orange', 'yellow', 'brown']],
    ['ochre', ['yellow', 'orange', 'brown']],
    ['yellow', ['yellow', 'blond']],
    ['mustard', ['yellow']],
    ['gold', ['yellow', 'blond']],
    ['golden', ['yellow', 'blond']],
    ['blond', ['blond', 'yellow']],
    ['blonde', ['blond', 'yellow']],
    ['platinum', ['blond', 'white', 'grey']],
    ['green', ['green']],
    ['olive', ['green', 'brown']],
    ['emerald', ['green']],
    ['hazel', ['brown', 'green']],
    ['teal', ['teal', 'green', 'blue']],
    ['turquoise', ['teal', 'blue', 'green']],
    ['blue', ['blue']],
    ['navy', ['blue']],
    ['cobalt', ['blue']],
    ['indigo', ['blue', 'purple']],
    ['purple', ['purple']],
    ['violet', ['purple', 'blue']],
    ['plum', ['purple', 'red']],
    ['lilac', ['purple', 'pink']],
    ['lavender', ['purple', 'pink']],
    ['magenta', ['pink', 'purple', 'red']],
    ['pink', ['pink']],
    ['rose', ['pink', 'red']],
    ['brown', ['brown']],
    ['brunette', ['brown']],
    ['tan', ['brown', 'yellow']],
    ['beige', ['brown', 'white', 'yellow']],
    ['khaki', ['brown', 'green', 'yellow']],
    ['black', ['black']],
    ['raven', ['black']],
    ['white', ['white', 'grey']],
    ['cream', ['white', 'yellow']],
    ['ivory', ['white', 'yellow']],
    ['silver', ['grey', 'white']],
    ['grey', ['grey', 'white']],
    ['gray', ['grey', 'white']],
    ['charcoal', ['grey', 'black']],
  ] as Array<[string, Family[]]>
).sort((a, b) => b[0].length - a[0].length);

const GARMENTS = [
  'trench coat',
  'raincoat',
  'overcoat',
  'coat',
  'jacket',
  'jumper',
  'sweater',
  'sweatshirt',
  'hoodie',
  'cardigan',
  'vest',
  'waistcoat',
  'dress',
  'gown',
  'shirt',
  'blouse',
  'suit',
  'uniform',
  'robe',
  'cloak',
  'apron',
  'overalls',
  'trousers',
  'jeans',
  'skirt',
  'scarf',
  'hat',
  'cap',
  'beret',
  'boots',
  'gloves',
  'tie',
];
const HAIR_STYLES: Record<string, CharacterRecord['identity']['hair']> = {
  cropped: 'short',
  short: 'short',
  long: 'long',
  curly: 'curly',
  bun: 'bun',
  ponytail: 'ponytail',
  ponytailed: 'ponytail',
  'tied-up': 'bun',
  bald: 'none',
  shaved: 'none',
};

const COLOUR_RE = new RegExp(`\\b(?:${COLOURS.map(([w]) => w.replace(/ /g, '[\\s-]+')).join('|')})\\b`, 'gi');
const GARMENT_RE = new RegExp(`\\b(?:${GARMENTS.map((g) => g.replace(/ /g, '\\s+')).join('|')})\\b`, 'gi');
const HAIR_RE = /\bhair(?:ed)?\b/gi;
const EYES_RE = /\beye[sd]\b/gi;
const BALD_RE = /\b(?:bald|shaved head|shaven head)\b/gi;
const STYLE_WORD_RE = /\b(cropped|short|long|curly|bun|ponytail|ponytailed|tied-up)(?![\w-])/gi;
/** Where a description of one thing ends, looking back from the noun it describes. */
const STOP_RE = /[.,;:!?()]|\b(?:with|and|or|but|under|over|of|in)\b|\b(?:hair|eyes|skin|accents?|trim)\b/gi;

/** The words just before `at` that can describe the noun there (up to the nearest stop, at most 40 characters). */
function lookBack(text: string, at: number): { text: string; offset: number } {
  const from = Math.max(0, at - 40);
  const window = text.slice(from, at);
  let cut = 0;
  for (const m of window.matchAll(STOP_RE)) cut = m.index + m[0].length;
  return { text: window.slice(cut), offset: from + cut };
}

function lastMatch(re: RegExp, text: string): RegExpMatchArray | undefined {
  let last: RegExpMatchArray | undefined;
  for (const m of text.matchAll(re)) last = m;
  return last;
}

function familiesOf(word: string): Family[] {
  const w = word.toLowerCase().replace(/[\s-]+/g, ' ');
  return COLOURS.find(([c]) => c === w)?.[1] ?? [];
}

/** A colour's family from its #rrggbb value (hue buckets; low saturation is black, grey or white). */
export function hexFamilies(hex: string): Family[] {
  const n = Number.parseInt(hex.slice(1), 16);
  const r = ((n >> 16) & 255) / 255;
  const g = ((n >> 8) & 255) / 255;
  const b = (n & 255) / 255;
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const l = (max + min) / 2;
  const s = max === min ? 0 : l > 0.5 ? (max - min) / (2 - max - min) : (max - min) / (max + min);
  if (l < 0.16) return ['black'];
  if (s < 0.15) return l > 0.8 ? ['white', 'grey'] : ['grey'];
  let h = 0;
  if (max === r) h = ((g - b) / (max - min)) % 6;
  else if (max === g) h = (b - r) / (max - min) + 2;
  else h = (r - g) / (max - min) + 4;
  h = (h * 60 + 360) % 360;
  const out: Family[] = [];
  if (h < 20 || h >= 335) out.push('red');
  if (h >= 10 && h < 45) out.push('orange', 'brown');
  if (h >= 40 && h < 70) out.push('yellow', 'blond');
  if (h >= 65 && h < 165) out.push('green');
  if (h >= 160 && h < 200) out.push('teal');
  if (h >= 190 && h < 255) out.push('blue');
  if (h >= 245 && h < 300) out.push('purple');
  if (h >= 290 && h < 345) out.push('pink');
  if (l < 0.45 && (h < 50 || h >= 340)) out.push('brown');
  return out;
}

/** One thing text says about a look, with the words that said it. */
export interface LookClaim {
  aspect: 'hair' | 'eyes' | 'garment' | 'hair_style';
  /** The garment ("coat"), for garment claims. */
  garment?: string;
  /** Colour families, for colour claims. */
  families: Family[];
  /** The hair style, for hair_style claims. */
  style?: CharacterRecord['identity']['hair'];
  words: string;
  /** Index in the text. */
  at: number;
}

function garmentKey(g: string): string {
  const w = g.toLowerCase().replace(/\s+/g, ' ');
  return w.endsWith('coat') ? 'coat' : w === 'jumper' || w === 'sweatshirt' || w === 'hoodie' ? 'sweater' : w;
}

/** Every look claim in a piece of text, in order. */
export function lookClaims(text: string): LookClaim[] {
  const out: LookClaim[] = [];
  const colourBefore = (at: number) => {
    const w = lookBack(text, at);
    const m = lastMatch(COLOUR_RE, w.text);
    return m ? { word: m[0], at: w.offset + (m.index ?? 0), window: w } : undefined;
  };
  for (const h of text.matchAll(HAIR_RE)) {
    const c = colourBefore(h.index);
    if (c) out.push({ aspect: 'hair', families: familiesOf(c.word), words: text.slice(c.at, h.index + h[0].length), at: c.at });
    const w = lookBack(text, h.index);
    const st = lastMatch(STYLE_WORD_RE, w.text);
    const style = st ? HAIR_STYLES[st[0].toLowerCase()] : undefined;
    if (st && style) {
      const at = w.offset + (st.index ?? 0);
      out.push({ aspect: 'hair_style', families: [], style, words: text.slice(at, h.index + h[0].length), at });
    }
  }
  for (const m of text.matchAll(BALD_RE)) out.push({ aspect: 'hair_style', families: [], style: 'none', words: m[0], at: m.index });
  for (const e of text.matchAll(EYES_RE)) {
    const c = colourBefore(e.index);
    if (c) out.push({ aspect: 'eyes', families: familiesOf(c.word), words: text.slice(c.at, e.index + e[0].length), at: c.at });
  }
  for (const g of text.matchAll(GARMENT_RE)) {
    const c = colourBefore(g.index);
    if (c)
      out.push({
        aspect: 'garment',
        garment: garmentKey(g[0]),
        families: familiesOf(c.word),
        words: text.slice(c.at, g.index + g[0].length),
        at: c.at,
      });
  }
  return out.sort((a, b) => a.at - b.at);
}

/** What the bible says a character looks like. */
export interface BibleLook {
  hair?: Family[];
  hairWords?: string;
  eyes?: Family[];
  eyesWords?: string;
  garments: Map<string, { families: Family[]; words: string }>;
  style: CharacterRecord['identity']['hair'];
  /** Every colour family of the palette. */
  palette: Set<Family>;
}

export function bibleLook(c: Pick<CharacterRecord, 'visualDescription' | 'identity'>): BibleLook {
  const look: BibleLook = { garments: new Map(), style: c.identity.hair, palette: new Set(c.identity.palette.flatMap(hexFamilies)) };
  for (const claim of lookClaims(c.visualDescription)) {
    if (claim.aspect === 'hair' && !look.hair) {
      look.hair = claim.families;
      look.hairWords = claim.words;
    } else if (claim.aspect === 'eyes' && !look.eyes) {
      look.eyes = claim.families;
      look.eyesWords = claim.words;
    } else if (claim.aspect === 'garment' && claim.garment && !look.garments.has(claim.garment)) {
      look.garments.set(claim.garment, { families: claim.families, words: claim.words });
    }
  }
  return look;
}

function overlaps(a: readonly Family[], b: Iterable<Family>): boolean {
  const set = new Set(b);
  return a.some((f) => set.has(f));
}

/** Why a claim contradicts the bible's look, or undefined when it does not. */
export function lookConflict(claim: LookClaim, look: BibleLook): string | undefined {
  if (claim.aspect === 'hair') {
    if (look.style === 'none' && !look.hair && look.hairWords === undefined)
      return `"${claim.words}", but the bible gives no hair (a shaved head or none)`;
    if (look.hair && !overlaps(claim.families, look.hair)) return `"${claim.words}", but the bible says "${look.hairWords}"`;
    return undefined;
  }
  if (claim.aspect === 'eyes') {
    if (look.eyes && !overlaps(claim.families, look.eyes)) return `"${claim.words}", but the bible says "${look.eyesWords}"`;
    return undefined;
  }
  if (claim.aspect === 'hair_style') {
    if (!claim.style) return undefined;
    if (claim.style === 'none' && look.style !== 'none') return `"${claim.words}", but the bible gives ${look.style} hair`;
    if (claim.style !== 'none' && look.style === 'none') return `"${claim.words}", but the bible gives no hair (a shaved head or none)`;
    // A hat hides the style; every other pair of different styles is a contradiction.
    if (look.style !== 'hat' && claim.style !== look.style) return `"${claim.words}", but the bible gives ${look.style} hair`;
    return undefined;
  }
  const same = claim.garment ? look.garments.get(claim.garment) : undefined;
  if (same) return overlaps(claim.families, same.families) ? undefined : `"${claim.words}", but the bible says "${same.words}"`;
  // A garment the bible does not describe: it should at least be in the character's palette.
  if (look.palette.size > 0 && !overlaps(claim.families, look.palette)) {
    return `"${claim.words}", a colour outside the character's palette`;
  }
  return undefined;
}
