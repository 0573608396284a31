/**
 * The vocabulary of drawable set dressing: concrete, visible things a set can hold, each word
 * (plural, synonym, compound) mapped to one canonical element. Shared by the story service, which
 * reads a location's set dressing from its action lines, and by the storyboard renderer, which
 * draws each canonical element; a word outside the vocabulary is not set dressing.
 */

/** What sort of thing an element is: where it stands, and whether it belongs indoors. */
export type SetDressingKind = 'furniture' | 'fixture' | 'appliance' | 'prop' | 'plant' | 'vehicle' | 'structure' | 'nature' | 'terrain';

/**
 * One line per canonical element: the canonical word first, then its synonyms. Compounds use `_`
 * for spaces. A leading `~` marks a word that is often something else in prose (a verb, an
 * adjective, a material: "a crow watches", "stone sweats"); in free text it counts only right
 * after a determiner ("the watch", "an old watch"). Regular plurals are added automatically.
 */
const VOCABULARY: Record<SetDressingKind, string[]> = {
  furniture: [
    'table tables dining_table kitchen_table coffee_table side_table bedside_table nightstand workbench trestle_table card_table',
    'chair armchair stool barstool ~seat rocking_chair throne recliner',
    'sofa couch settee divan loveseat',
    'bed bunk cot crib hammock mattress four_poster bunk_bed',
    'desk writing_desk lectern podium reception_desk front_desk',
    'shelf shelves bookshelf bookshelves bookcase shelving wine_rack',
    '~counter countertop worktop checkout kitchen ~bar bar_counter',
    'cabinet cupboard wardrobe dresser locker sideboard chest_of_drawers filing_cabinet display_case glass_case vitrine ~safe',
    'bench pew',
    'rug carpet mat doormat',
    'curtain drape drapes ~blind blinds',
    '~mirror looking_glass',
    'piano ~organ harpsichord grand_piano pianola',
    'crate box carton packing_case cardboard_box',
    '~barrel keg cask',
  ],
  fixture: [
    'window windowpane viewport porthole skylight shutters shop_shutters',
    'door doorway hatch trapdoor screen_door front_door',
    'gate gates portcullis',
    'stairs staircase stairway stair stairwell ~steps escalator',
    'ladder stepladder fire_escape',
    'fireplace hearth mantel mantelpiece',
    '~fire campfire bonfire fire_pit',
    'lamp lampshade lantern streetlight streetlamp street_lamp lamppost bulb lightbulb bare_bulb floodlight spotlight ghost_light fairy_lights string_lights',
    'chandelier',
    'candle candlestick candelabra',
    'torch',
    '~clock grandfather_clock',
    '~painting portrait canvas artwork ~picture',
    'poster',
    '~sign signpost signboard billboard neon neon_sign placard departure_board departure_boards',
    'radiator heater',
    '~sink basin washbasin faucet ~tap',
    'bathtub bath_tub tub',
    'shower',
    'toilet',
    '~vent air_vent',
    '~pipe',
    'blackboard chalkboard whiteboard',
    'bell',
    '~flag banner pennant',
    '~column pillar',
    'statue sculpture monument',
    'fountain',
  ],
  appliance: [
    'tv television telly ~screen ~monitor',
    'computer laptop keyboard desktop_computer',
    'fridge refrigerator freezer icebox',
    'stove oven cooker hob furnace oven_door',
    'machine generator centrifuge printer jukebox slot_machine espresso_machine coffee_machine ice_machine washing_machine photocopier machinery claw_machine',
    '~radio gramophone record_player',
    'telescope',
    'typewriter',
    '~fan ceiling_fan',
  ],
  prop: [
    'letter envelope ~note ~paper papers document documents memo telegram postcard',
    'map star_chart star_charts blueprint',
    '~phone telephone cellphone smartphone',
    '~key keyring',
    'cup mug teacup tankard saucer goblet chalice coffee_cup coffee tea',
    '~book diary journal notebook logbook ledger atlas atlases novel scrapbook album',
    'photo photograph snapshot polaroid family_photos',
    '~watch wristwatch pocket_watch',
    'bottle flask decanter wine_bottle wine',
    'plate dish bowl tray',
    'gun pistol revolver rifle shotgun',
    'knife knives dagger',
    'sword',
    '~ring',
    'bag suitcase handbag backpack purse satchel briefcase luggage rucksack',
    'kettle teapot',
    '~pan saucepan skillet',
    'rope',
    'tools toolbox hammer wrench spanner screwdriver',
    'umbrella',
    'basket',
    'vase',
    'bucket',
    'compass',
    'guitar violin cello lute',
    'cards playing_cards',
    'gavel',
    'kite',
    'trophy',
    'mask',
    'crown',
  ],
  plant: ['~plant houseplant potted_plant flowers flowerpot bouquet bush shrub hedge fern vine vines reeds reed moss lavender cactus'],
  vehicle: [
    'car taxi sedan jeep limousine limo van headlights police_car',
    'truck lorry pickup pickup_truck',
    'bus minibus',
    '~train locomotive tram subway_train',
    'boat ship yacht ferry dinghy canoe kayak rowboat sailboat trawler barge raft mast rigging',
    'bicycle bike',
    'motorcycle motorbike scooter',
    'tractor',
    'forklift',
    'cart wagon trolley wheelbarrow',
    'plane airplane aeroplane aircraft helicopter',
  ],
  structure: [
    '~building skyscraper cottage hut shack barn ~shed storefront shopfront skyline city',
    'lighthouse',
    'tent marquee',
    'fence railing railings',
    'bridge footbridge',
    'gravestone headstone tombstone',
    '~tower',
  ],
  nature: ['tree forest woods woodland branches yew yews oak oaks pine pines ~palm grove', '~rock boulder ~stone'],
  terrain: [
    'street road alley highway avenue pavement sidewalk kerb curb asphalt cobbles crossroads',
    'sea ocean lake river beach shore shoreline surf ~waves harbour harbor pond',
    'mountain hill cliff cliffs peak dune dunes volcano',
  ],
};

const STOP_BEFORE = new Set(['like']);
// "forest green", "bottle green", "sky blue": a colour, not the thing.
const COLOURS = new Set('green blue red grey gray yellow orange brown white black pink purple gold silver'.split(' '));
const DETERMINERS = new Set(
  'the a an this that these those his her their its my your our some two three four several every each another any no'.split(' '),
);

function plural(word: string): string {
  if (/(s|x|z|ch|sh)$/.test(word)) return `${word}es`;
  if (/[^aeiou]y$/.test(word)) return `${word.slice(0, -1)}ies`;
  return `${word}s`;
}

interface Entry {
  element: string;
  /** The word is often not the thing in prose: count it only after a determiner. */
  ambiguous: boolean;
  /** The word is an inflected (plural) form, as likely a verb's -s form when ambiguous. */
  inflected: boolean;
}

const ENTRIES = new Map<string, Entry>();
const KINDS = new Map<string, SetDressingKind>();
const plurals: Array<[string, Entry]> = [];
for (const [kind, lines] of Object.entries(VOCABULARY) as Array<[SetDressingKind, string[]]>) {
  for (const line of lines) {
    const words = line.split(/\s+/).filter(Boolean);
    const element = (words[0] as string).replace(/^~/, '').replace(/_/g, ' ');
    KINDS.set(element, kind);
    for (const raw of words) {
      const ambiguous = raw.startsWith('~');
      const word = raw.replace(/^~/, '').replace(/_/g, ' ');
      if (!ENTRIES.has(word)) ENTRIES.set(word, { element, ambiguous, inflected: false });
      const parts = word.split(' ');
      plurals.push([[...parts.slice(0, -1), plural(parts[parts.length - 1] as string)].join(' '), { element, ambiguous, inflected: true }]);
    }
  }
}
// Listed words win over generated plurals ("papers" is listed as sure, "paper" is ambiguous).
for (const [word, entry] of plurals) if (!ENTRIES.has(word)) ENTRIES.set(word, entry);
const MAX_WORDS = Math.max(...[...ENTRIES.keys()].map((w) => w.split(' ').length));

/** Every word the vocabulary knows (with compounds as space-separated words), mapped to its canonical element. */
export const SET_DRESSING_WORDS: ReadonlyMap<string, string> = new Map([...ENTRIES].map(([w, e]) => [w, e.element]));

/** The canonical elements, each with its kind. */
export const SET_DRESSING_KINDS: ReadonlyMap<string, SetDressingKind> = KINDS;

function tokens(text: string): string[] {
  return text.toLowerCase().match(/[a-z]+/g) ?? [];
}

/**
 * The canonical element a name refers to (`Kitchen table` → `table`, `Curtains` → `curtain`,
 * `couch` → `sofa`), or undefined when the name is not set dressing. The whole name is tried first,
 * then its compounds, then its words from the last (the head noun of an English noun phrase).
 */
export function canonicalSetDressing(name: string): string | undefined {
  const words = tokens(name);
  for (let len = Math.min(MAX_WORDS, words.length); len >= 1; len--) {
    for (let i = words.length - len; i >= 0; i--) {
      const entry = ENTRIES.get(words.slice(i, i + len).join(' '));
      if (entry) return entry.element;
    }
  }
  return undefined;
}

/** The kind of a canonical element or of any name the vocabulary reads (`couch` → `furniture`). */
export function setDressingKind(name: string): SetDressingKind | undefined {
  const element = KINDS.has(name) ? name : canonicalSetDressing(name);
  return element === undefined ? undefined : KINDS.get(element);
}

/** Options of {@link setDressingIn}. */
export interface SetDressingOptions {
  /** Most elements returned. Default 12. */
  limit?: number;
  /** Lower-case words never read as set dressing (character names: a "Rose" or a "Bell"). Default none. */
  exclude?: ReadonlySet<string>;
}

/**
 * The set dressing named in free text: canonical elements, most frequent first (ties in order of
 * first appearance), each once, at most `limit`. Only vocabulary words count; a word that is
 * often something else (`~` above) counts only after a determiner, and nothing counts in a
 * simile ("moss hangs like curtains").
 */
export function setDressingIn(text: string | readonly string[], opts: SetDressingOptions = {}): string[] {
  const limit = opts.limit ?? 12;
  const exclude = opts.exclude ?? new Set<string>();
  const found = new Map<string, { count: number; first: number }>();
  let position = 0;
  const clauses = (typeof text === 'string' ? [text] : text).flatMap((t) => t.split(/[,.;:!?()[\]"“”—–…\n]+/));
  for (const clause of clauses) {
    const words = tokens(clause);
    const matches: Array<{ entry: Entry; at: number; len: number }> = [];
    for (let i = 0; i < words.length; i++) {
      for (let len = Math.min(MAX_WORDS, words.length - i); len >= 1; len--) {
        const entry = ENTRIES.get(words.slice(i, i + len).join(' '));
        if (entry) {
          matches.push({ entry, at: i, len });
          i += len - 1;
          break;
        }
      }
    }
    // From the last match back, so a modifier knows whether the noun after it counts.
    const counts = new Array<boolean>(matches.length).fill(false);
    for (let m = matches.length - 1; m >= 0; m--) {
      const { entry, at, len } = matches[m] as (typeof matches)[number];
      const prev = words[at - 1];
      const prev2 = words[at - 2];
      const next = words[at + len];
      counts[m] = !(
        words.slice(at, at + len).some((w) => exclude.has(w)) ||
        // a noun modifying a counted next one names that one ("canvas bag", "desk lamp")
        (matches[m + 1]?.at === at + len && counts[m + 1]) ||
        (next !== undefined && COLOURS.has(next)) ||
        (prev !== undefined && STOP_BEFORE.has(prev)) ||
        (prev2 !== undefined && STOP_BEFORE.has(prev2)) ||
        (len === 1 && entry.ambiguous && !afterDeterminer(prev, prev2, entry.inflected))
      );
    }
    matches.forEach(({ entry, at }, m) => {
      if (!counts[m]) return;
      const seen = found.get(entry.element);
      if (seen) seen.count++;
      else found.set(entry.element, { count: 1, first: position + at });
    });
    position += words.length;
  }
  return [...found.entries()]
    .sort((a, b) => b[1].count - a[1].count || a[1].first - b[1].first)
    .slice(0, limit)
    .map(([element]) => element);
}

/**
 * Whether an ambiguous word stands where a noun would: right after a determiner, or (singular
 * forms only) after a determiner and one adjective that is neither set dressing nor a plural
 * subject ("an old watch", not "the boys watch" or "the phone rings").
 */
function afterDeterminer(prev: string | undefined, prev2: string | undefined, inflected: boolean): boolean {
  if (prev === undefined) return false;
  if (DETERMINERS.has(prev)) return true;
  if (inflected || prev2 === undefined || !DETERMINERS.has(prev2)) return false;
  return !ENTRIES.has(prev) && !prev.endsWith('s');
}
