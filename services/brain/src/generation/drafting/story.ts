import type { Beat, OutlineOption, StoryStructure } from '@automovie/contracts';
import { type Analysis, analyze, normalizeGenre, topGenres } from './analyze.ts';
import {
  CREATURE_NAMES,
  FEMALE_NAMES,
  GENRE_OPPOSITION,
  GENRE_TONES,
  GENRES,
  type Gender,
  type Genre,
  MALE_NAMES,
  PLACES,
  type PlaceInfo,
  ROLE_NOUNS,
  SURNAMES,
} from './lexicon.ts';
import type { Rng } from './prng.ts';
import { bare, capitalize, clip, headNoun, joinList, type Pronouns, period, pronouns, titleCase, withArticle } from './text.ts';

/**
 * Story development: turns an analysed idea into a "frame" (who, where, what they want, what is
 * in the way, how it ends) and writes outline options from it. The frame is what makes drafts of
 * the same idea differ between options and seeds while staying about that idea.
 */

export type Angle = 'truth' | 'protect' | 'bond' | 'escape' | 'quest';
export type Ending = 'hopeful' | 'bittersweet' | 'dark' | 'comic';

export interface Person {
  name: string;
  first: string;
  gender: Gender;
  p: Pronouns;
  /** "a lonely lighthouse keeper", "her estranged sister". */
  label: string;
  /** "Edda Halvorsen, a lonely lighthouse keeper". */
  intro: string;
}

export interface Foe {
  person: boolean;
  name?: string;
  /** "the smuggler Corvin Bale", "pride". */
  label: string;
  /** Verb phrase for beating a foe that is not a person: "swallows her pride". */
  overcome?: string;
}

export interface Place {
  phrase: string;
  noun: string;
  upper: string;
  info: PlaceInfo;
}

export interface Frame {
  a: Analysis;
  genre: Genre;
  tone: string;
  structure: StoryStructure;
  angle: Angle;
  ending: Ending;
  hero: Person;
  heroRole: string;
  group?: string;
  ally?: Person;
  /** Someone the hero is looking for ("her missing sister"): in the cast, but not at the hero's side. */
  target?: Person;
  foe: Foe;
  place: Place;
  place2: Place;
  object?: { phrase: string; short: string; noun: string };
  incident: string;
  goal: string;
  deadline: string;
  flaw: string;
  /** The flaw's habit, for "no longer …". */
  habit: string;
  theme: { word: string; line: string };
  twist: string;
  durationS: number;
}

// ── beat structures ────────────────────────────────────────────────────────────────────────
export type Fn =
  | 'opening'
  | 'theme'
  | 'setup'
  | 'catalyst'
  | 'debate'
  | 'mentor'
  | 'threshold'
  | 'bstory'
  | 'fun'
  | 'midpoint'
  | 'closeIn'
  | 'allIsLost'
  | 'darkNight'
  | 'ordeal'
  | 'reward'
  | 'breakThree'
  | 'roadBack'
  | 'climax'
  | 'resolution'
  | 'finalImage';

interface BeatDef {
  name: string;
  act: number;
  fn: Fn;
}

const b = (name: string, act: number, fn: Fn): BeatDef => ({ name, act, fn });

export const STRUCTURE_BEATS: Record<StoryStructure, BeatDef[]> = {
  three_act: [
    b('Setup', 1, 'setup'),
    b('Inciting Incident', 1, 'catalyst'),
    b('Plot Point One', 1, 'threshold'),
    b('Rising Action', 2, 'fun'),
    b('Midpoint', 2, 'midpoint'),
    b('Plot Point Two', 2, 'allIsLost'),
    b('Climax', 3, 'climax'),
    b('Resolution', 3, 'resolution'),
  ],
  save_the_cat: [
    b('Opening Image', 1, 'opening'),
    b('Theme Stated', 1, 'theme'),
    b('Set-Up', 1, 'setup'),
    b('Catalyst', 1, 'catalyst'),
    b('Debate', 1, 'debate'),
    b('Break into Two', 2, 'threshold'),
    b('B Story', 2, 'bstory'),
    b('Fun and Games', 2, 'fun'),
    b('Midpoint', 2, 'midpoint'),
    b('Bad Guys Close In', 2, 'closeIn'),
    b('All Is Lost', 2, 'allIsLost'),
    b('Dark Night of the Soul', 2, 'darkNight'),
    b('Break into Three', 3, 'breakThree'),
    b('Finale', 3, 'climax'),
    b('Final Image', 3, 'finalImage'),
  ],
  heros_journey: [
    b('Ordinary World', 1, 'setup'),
    b('Call to Adventure', 1, 'catalyst'),
    b('Refusal of the Call', 1, 'debate'),
    b('Meeting the Mentor', 1, 'mentor'),
    b('Crossing the Threshold', 1, 'threshold'),
    b('Tests, Allies, and Enemies', 2, 'fun'),
    b('Approach to the Inmost Cave', 2, 'closeIn'),
    b('The Ordeal', 2, 'ordeal'),
    b('The Reward', 2, 'reward'),
    b('The Road Back', 3, 'roadBack'),
    b('The Resurrection', 3, 'climax'),
    b('Return with the Elixir', 3, 'resolution'),
  ],
};

const FN_BY_NAME = new Map<string, Fn>(
  Object.values(STRUCTURE_BEATS).flatMap((defs) => defs.map((d) => [d.name.toLowerCase(), d.fn] as const)),
);

/** The dramatic job of a beat, by its name, or by where it sits when the name is unknown. */
export function beatFunction(name: string, index: number, count: number): Fn {
  const known = FN_BY_NAME.get(name.toLowerCase().trim());
  if (known) return known;
  const at = count <= 1 ? 0 : index / (count - 1);
  if (index === 0) return 'setup';
  if (index === count - 1) return 'resolution';
  if (at < 0.3) return 'catalyst';
  if (at < 0.55) return 'midpoint';
  if (at < 0.75) return 'allIsLost';
  return 'climax';
}

/** Which beats a film of a given length keeps: short films keep the spine, features the whole structure. */
const SCOPE: Record<StoryStructure, { short: string[]; medium: string[] }> = {
  three_act: {
    short: ['Setup', 'Inciting Incident', 'Midpoint', 'Climax', 'Resolution'],
    medium: ['Setup', 'Inciting Incident', 'Plot Point One', 'Rising Action', 'Midpoint', 'Plot Point Two', 'Climax', 'Resolution'],
  },
  save_the_cat: {
    short: ['Opening Image', 'Catalyst', 'Break into Two', 'Midpoint', 'All Is Lost', 'Finale', 'Final Image'],
    medium: [
      'Opening Image',
      'Set-Up',
      'Catalyst',
      'Debate',
      'Break into Two',
      'Fun and Games',
      'Midpoint',
      'All Is Lost',
      'Finale',
      'Final Image',
    ],
  },
  heros_journey: {
    short: ['Ordinary World', 'Call to Adventure', 'Crossing the Threshold', 'The Ordeal', 'The Resurrection', 'Return with the Elixir'],
    medium: [
      'Ordinary World',
      'Call to Adventure',
      'Refusal of the Call',
      'Meeting the Mentor',
      'Crossing the Threshold',
      'The Ordeal',
      'The Resurrection',
      'Return with the Elixir',
    ],
  },
};

export function beatsFor(structure: StoryStructure, durationS: number, scope?: 'short' | 'medium' | 'full'): BeatDef[] {
  const all = STRUCTURE_BEATS[structure];
  const s = scope ?? (durationS <= 180 ? 'short' : durationS <= 900 ? 'medium' : 'full');
  if (s === 'full') return all;
  const keep = new Set(SCOPE[structure][s]);
  return all.filter((d) => keep.has(d.name));
}

// ── the frame ──────────────────────────────────────────────────────────────────────────────
const ANGLES_BY_GENRE: Record<Genre, Angle[]> = {
  mystery: ['truth', 'bond', 'protect'],
  thriller: ['escape', 'truth', 'protect'],
  horror: ['escape', 'truth', 'bond'],
  comedy: ['quest', 'bond', 'protect'],
  romance: ['bond', 'quest', 'truth'],
  drama: ['bond', 'truth', 'protect'],
  adventure: ['quest', 'truth', 'escape'],
  fantasy: ['quest', 'protect', 'bond'],
  'sci-fi': ['truth', 'protect', 'escape'],
};

/** Genres that blend well with each genre, for the option that takes a different angle. */
const NEIGHBOUR_GENRES: Record<Genre, Genre[]> = {
  mystery: ['thriller', 'drama', 'comedy'],
  thriller: ['mystery', 'drama', 'sci-fi'],
  horror: ['mystery', 'drama', 'comedy'],
  comedy: ['romance', 'adventure', 'drama'],
  romance: ['comedy', 'drama', 'fantasy'],
  drama: ['romance', 'mystery', 'comedy'],
  adventure: ['fantasy', 'comedy', 'thriller'],
  fantasy: ['adventure', 'romance', 'horror'],
  'sci-fi': ['thriller', 'drama', 'mystery'],
};

const DEFAULT_PLACES: Record<Genre, string[]> = {
  mystery: ['hotel', 'library', 'train'],
  thriller: ['city', 'warehouse', 'motel'],
  horror: ['house', 'cabin', 'hospital'],
  comedy: ['bakery', 'office', 'wedding'],
  romance: ['cafe', 'bookshop', 'pier'],
  drama: ['home', 'hospital', 'kitchen'],
  adventure: ['island', 'jungle', 'ship'],
  fantasy: ['forest', 'castle', 'tower'],
  'sci-fi': ['space station', 'lab', 'colony'],
};

const ROLE_PLACES: Record<string, string> = {
  baker: 'bakery',
  chef: 'restaurant',
  cook: 'kitchen',
  librarian: 'library',
  teacher: 'school',
  student: 'school',
  nurse: 'hospital',
  doctor: 'hospital',
  surgeon: 'hospital',
  paramedic: 'hospital',
  astronaut: 'space station',
  farmer: 'farm',
  sailor: 'harbour',
  fisherman: 'harbour',
  miner: 'mine',
  priest: 'church',
  nun: 'church',
  monk: 'temple',
  clockmaker: 'shop',
  watchmaker: 'shop',
  bartender: 'bar',
  waitress: 'diner',
  waiter: 'restaurant',
  janitor: 'school',
  curator: 'museum',
  archivist: 'library',
  scientist: 'lab',
  researcher: 'lab',
  pilot: 'airport',
  gardener: 'garden',
  beekeeper: 'farm',
  detective: 'office',
  journalist: 'office',
  reporter: 'office',
  keeper: 'lighthouse',
  painter: 'studio',
  artist: 'studio',
  musician: 'bar',
  singer: 'bar',
  dancer: 'theatre',
  actor: 'theatre',
  magician: 'theatre',
  clown: 'circus',
  florist: 'shop',
  butcher: 'shop',
  mechanic: 'garage',
  boxer: 'gym',
  astronomer: 'observatory',
  botanist: 'greenhouse',
  lifeguard: 'beach',
  ferryman: 'river',
  ranger: 'forest',
  hunter: 'forest',
  shepherd: 'farm',
  robot: 'lab',
  android: 'lab',
  ghost: 'house',
  pirate: 'ship',
  knight: 'castle',
  princess: 'castle',
  prince: 'castle',
  king: 'palace',
  queen: 'palace',
  wizard: 'tower',
  witch: 'cabin',
  sheriff: 'town',
  inventor: 'garage',
  programmer: 'office',
  hacker: 'apartment',
  courier: 'city',
};

const MESSAGE_NOUNS = new Set([
  'letter',
  'message',
  'note',
  'postcard',
  'voicemail',
  'signal',
  'transmission',
  'tape',
  'cassette',
  'recording',
  'diary',
  'journal',
  'manuscript',
  'poem',
  'song',
]);

/** A flaw as a third-person verb phrase, and the habit it names, for "no longer …". */
const FLAWS: Array<[string, string]> = [
  ['has not left {place} in years', 'hides away in {place}'],
  ['trusts no one, least of all {refl}', 'shuts everyone out'],
  ['keeps everyone at arm’s length', 'keeps everyone at arm’s length'],
  ['still blames {refl} for an old mistake', 'blames {refl} for the past'],
  ['would rather make a joke than admit to being afraid', 'hides behind jokes'],
  ['never finishes what {sub} starts', 'runs from the hard part'],
  ['lives by rules that stopped protecting {obj} long ago', 'hides behind the old rules'],
  ['has promised never to get involved again', 'stands on the sidelines'],
  ['pretends not to need anybody', 'pretends not to need anybody'],
  ['is very good at being right and very bad at being kind', 'puts being right before being kind'],
];

const THEMES = [
  { word: 'trust', line: 'nobody gets through a storm alone' },
  { word: 'letting go', line: 'what you hold too tightly breaks' },
  { word: 'courage', line: 'being afraid is not the same as being stopped' },
  { word: 'truth', line: 'a secret costs more the longer you keep it' },
  { word: 'belonging', line: 'home is whoever comes looking for you' },
  { word: 'change', line: 'nothing stays where you leave it, not even the past' },
  { word: 'forgiveness', line: 'you cannot move on while you keep the score' },
];

const FOES_NOT_PERSON: Record<string, (p: Pronouns) => string> = {
  pride: (p) => `swallows ${p.pos} pride`,
  'bad timing': () => 'stops waiting for the right moment',
  'an old promise': () => 'breaks an old promise to keep a new one',
  'an old grudge': () => 'lets go of an old grudge',
  'the family silence': () => 'breaks the family silence',
  'time itself': () => 'stops pretending there is more time',
};

const NAMED_ANTAGONISTS = new Set([
  'rival',
  'landlord',
  'developer',
  'bully',
  'smuggler',
  'poacher',
  'sorcerer',
  'warlord',
  'inspector',
  'critic',
  'pirate',
  'mobster',
  'boss',
  'forger',
  'blackmailer',
  'dictator',
  'tyrant',
  'assassin',
  'hunter',
  'spy',
  'traitor',
  'impostor',
  'imposter',
  'con',
]);

function pickName(rng: Rng, gender: Gender, used: Set<string>, creature = false): { name: string; first: string } {
  const firsts = creature
    ? CREATURE_NAMES
    : gender === 'female'
      ? FEMALE_NAMES
      : gender === 'male'
        ? MALE_NAMES
        : [...FEMALE_NAMES, ...MALE_NAMES];
  const usedFirst = new Set([...used].map((n) => n.split(' ')[0]));
  const pool = firsts.filter((n) => !usedFirst.has(n));
  const first = rng.pick(pool.length > 0 ? pool : firsts);
  if (creature) {
    used.add(first);
    return { name: first, first };
  }
  const usedLast = new Set([...used].map((n) => n.split(' ').slice(1).join(' ')));
  const lastPool = SURNAMES.filter((s) => !usedLast.has(s));
  const name = `${first} ${rng.pick(lastPool.length > 0 ? lastPool : SURNAMES)}`;
  used.add(name);
  return { name, first };
}

function placeOf(noun: string, phrase?: string): Place {
  const info: PlaceInfo = PLACES[noun] ?? { intExt: 'EXT', areas: [], details: [`the ${noun} is quiet`] };
  const ph = phrase ?? noun;
  const proper = /^[A-Z]/.test(ph);
  return { noun, phrase: proper ? ph : `the ${ph}`, upper: (proper ? ph : noun).toUpperCase(), info };
}

function subst(s: string, p: Pronouns, place: Place): string {
  return s
    .replaceAll('{sub}', p.sub)
    .replaceAll('{obj}', p.obj)
    .replaceAll('{pos}', p.pos)
    .replaceAll('{refl}', p.refl)
    .replaceAll('{place}', place.phrase);
}

function pluralOf(noun: string): string {
  if (/(s|sh|ch|x)$/.test(noun)) return `${noun}es`;
  if (/[^aeiou]y$/.test(noun)) return `${noun.slice(0, -1)}ies`;
  if (noun === 'child') return 'children';
  if (noun.endsWith('man')) return `${noun.slice(0, -3)}men`;
  return `${noun}s`;
}

/** Removes a trailing deadline clause so it is not said twice. */
function withoutDeadline(text: string, deadline: string | undefined): string {
  if (!deadline) return text;
  const at = text.toLowerCase().indexOf(deadline.toLowerCase());
  return at > 0 ? text.slice(0, at).trim().replace(/[,;]$/, '') : text;
}

export interface FrameOptions {
  structure: StoryStructure;
  genre: Genre;
  tone?: string;
  angle: Angle;
  ending: Ending;
  durationS: number;
  /** Which of the idea's people/places to lead with, so options differ. */
  variant: number;
  /** The hero's name and gender come from here, so every option of one draft has the same hero. */
  heroRng?: Rng;
}

export function buildFrame(a: Analysis, o: FrameOptions, rng: Rng): Frame {
  const used = new Set<string>(a.names.map((n) => n.name));
  const hrng = o.heroRng ?? rng;
  const prot = a.protagonist;
  const roleNoun = prot.roleNoun;
  const creature = roleNoun !== undefined && ROLE_NOUNS[roleNoun]?.gender === 'neutral';
  let gender: Gender = prot.gender ?? (a.pronounLean > 0 ? 'female' : a.pronounLean < 0 ? 'male' : hrng.chance(0.5) ? 'female' : 'male');
  if (prot.group) gender = hrng.chance(0.5) ? 'female' : 'male';
  const heroName = prot.name
    ? {
        name: prot.name,
        first: prot.name.split(' ').find((w) => !/^(?:captain|doctor|dr|mrs|mr|ms|professor|detective|inspector)$/i.test(w)) ?? prot.name,
      }
    : pickName(hrng, gender, used, creature);
  used.add(heroName.name);
  const p = pronouns(gender);
  let heroRole = prot.role ?? (roleNoun ? roleNoun : rng.pick(['stranger', 'night-shift worker', 'drifter', 'restless dreamer']));
  let group: string | undefined;
  if (prot.group && roleNoun) {
    group = prot.phrase?.toLowerCase().replace(/^(?:a|an|the)\s+/, '') ?? pluralOf(roleNoun);
    heroRole = `${o.variant % 2 === 0 ? 'boldest' : 'youngest'} of ${group}`;
  }
  const heroLabel = group ? `the ${heroRole}` : withArticle(heroRole);
  const hero: Person = { name: heroName.name, first: heroName.first, gender, p, label: heroLabel, intro: `${heroName.name}, ${heroLabel}` };

  // Places: the idea's, else where the hero's trade happens, else the genre's.
  const ideaPlaces = a.places.map((pl) => (pl.proper ? placeOf(pl.noun, pl.phrase) : placeOf(pl.noun, pl.phrase)));
  const rolePlace = roleNoun && ROLE_PLACES[roleNoun] ? placeOf(ROLE_PLACES[roleNoun]!) : undefined;
  const otherRolePlace = a.others.map((r) => ROLE_PLACES[r.split(' ').pop() ?? '']).find(Boolean);
  const candidates: Place[] = [...ideaPlaces.filter((pl) => !pl.upper.includes(' ') || pl.info.areas.length > 0 || true)];
  if (rolePlace && !candidates.some((c) => c.noun === rolePlace.noun)) candidates.push(rolePlace);
  if (otherRolePlace && !candidates.some((c) => c.noun === otherRolePlace)) candidates.push(placeOf(otherRolePlace));
  for (const d of rng.shuffle(DEFAULT_PLACES[o.genre])) if (!candidates.some((c) => c.noun === d)) candidates.push(placeOf(d));
  // A proper place (a city) is the backdrop; the story happens in a concrete place inside it.
  const concrete = candidates.filter((c) => !/^[A-Z]/.test(c.phrase));
  const place = concrete[0] ?? candidates[0]!;
  const proper = candidates.find((c) => /^[A-Z]/.test(c.phrase));
  if (proper && place !== proper) place.phrase = `${place.phrase} in ${proper.phrase}`;
  const area = place.info.areas.length > 0 ? place.info.areas[o.variant % place.info.areas.length]! : undefined;
  const areaPlace: Place | undefined = area
    ? { ...place, phrase: /\d/.test(area) ? area.toLowerCase() : `the ${area.toLowerCase()}`, upper: `${place.upper} - ${area}` }
    : undefined;
  const place2 =
    concrete.find((c) => c !== place && ideaPlaces.includes(c)) ??
    areaPlace ??
    concrete[1 + (o.variant % Math.max(1, concrete.length - 1))] ??
    concrete[1] ??
    place;

  // The object the story turns on.
  let object: Frame['object'];
  const objPhrase = a.objects[0];
  if (objPhrase) {
    const noun = headNoun(objPhrase);
    object = { phrase: `the ${bare(objPhrase)}`, short: `the ${noun}`, noun };
  }

  // Who stands beside the hero, and who the hero is after.
  let ally: Person | undefined;
  let target: Person | undefined;
  const goalText = `${a.goal ?? ''} ${a.predicate ?? ''}`.toLowerCase();
  const targetRel = a.relations.find((r) =>
    new RegExp(
      `\\b(?:find|rescue|save|free|search for|look for|track down|bring back|reach|protect)\\s+(?:her|his|their|a|the)?\\s*(?:[a-z-]+\\s+)?${r.noun}\\b`,
    ).test(goalText),
  );
  if (targetRel) {
    const g = targetRel.gender ?? (rng.chance(0.5) ? 'female' : 'male');
    const nm = targetRel.name
      ? { name: targetRel.name, first: targetRel.name.split(' ')[0]! }
      : pickName(hrng.fork('target'), g, used, targetRel.kind === 'companion');
    const label = `${p.pos} ${targetRel.phrase}`;
    target = { name: nm.name, first: nm.first, gender: g, p: pronouns(g), label, intro: `${nm.name}, ${label}` };
  }
  const allyRels = a.relations.filter((r) => r !== targetRel);
  const rel = allyRels[o.variant % Math.max(1, allyRels.length)] ?? allyRels[0];
  const namedOther = a.names.find((n) => n.name !== hero.name && !n.antagonist && n.name !== target?.name);
  if (rel) {
    const g = rel.gender ?? (rng.chance(0.5) ? 'female' : 'male');
    const nm = rel.name ? { name: rel.name, first: rel.name.split(' ')[0]! } : pickName(rng, g, used, rel.kind === 'companion');
    const label = `${p.pos} ${rel.phrase}`;
    ally = { name: nm.name, first: nm.first, gender: g, p: pronouns(g), label, intro: `${nm.name}, ${label}` };
  } else if (namedOther) {
    const g = namedOther.gender ?? (rng.chance(0.5) ? 'female' : 'male');
    const label = namedOther.role
      ? withArticle(namedOther.role)
      : rng.pick(['an old friend', 'a neighbour with time on their hands', 'a reluctant partner']);
    ally = {
      name: namedOther.name,
      first: namedOther.name.split(' ')[0]!,
      gender: g,
      p: pronouns(g),
      label,
      intro: `${namedOther.name}, ${label}`,
    };
  } else if (a.others.length > 0) {
    const role = a.others[0]!;
    const rn = role.split(' ').pop()!;
    const g =
      ROLE_NOUNS[rn]?.gender === 'female' || ROLE_NOUNS[rn]?.gender === 'male'
        ? (ROLE_NOUNS[rn]!.gender as Gender)
        : rng.chance(0.5)
          ? 'female'
          : 'male';
    const nm = pickName(rng, g, used);
    ally = {
      name: nm.name,
      first: nm.first,
      gender: g,
      p: pronouns(g),
      label: withArticle(role),
      intro: `${nm.name}, ${withArticle(role)}`,
    };
  } else {
    const g: Gender = rng.chance(0.5) ? 'female' : 'male';
    const nm = pickName(rng, g, used);
    const kinds: Record<Genre, string[]> = {
      mystery: ['a young deputy', `${p.pos} old partner`, 'a night porter who notices everything'],
      thriller: ['a nervous witness', `${p.pos} only contact`, 'a journalist who owes a favour'],
      horror: [`${p.pos} sceptical friend`, 'a neighbour who knows the stories', `${p.pos} younger brother`],
      comedy: [`${p.pos} overly honest best friend`, 'a know-nothing intern', `${p.pos} mother, who has opinions`],
      romance: ['a stranger with a borrowed umbrella', `${p.pos} oldest friend`, 'a rival who is annoyingly kind'],
      drama: [`${p.pos} estranged sibling`, 'a neighbour with a long memory', `${p.pos} grown-up child`],
      adventure: ['a cartographer with a bad leg', `${p.pos} wisecracking cousin`, 'a ship’s cook who has seen everything'],
      fantasy: ['a talking crow', 'an apprentice with more nerve than skill', 'an old healer'],
      'sci-fi': ['the station’s maintenance engineer', 'a rookie pilot', 'an AI that is learning to lie'],
    };
    const label = rng.pick(kinds[o.genre]);
    ally = { name: nm.name, first: nm.first, gender: g, p: pronouns(g), label, intro: `${nm.name}, ${label}` };
  }

  // What stands in the way.
  let foe: Foe;
  const ideaFoe = a.antagonists[0];
  const namedFoe = a.names.find((n) => n.antagonist);
  if (namedFoe) {
    foe = { person: true, name: namedFoe.name, label: namedFoe.name };
  } else if (ideaFoe) {
    const noun = ideaFoe.split(' ').pop()!;
    if (NAMED_ANTAGONISTS.has(noun)) {
      const nm = pickName(rng, rng.chance(0.5) ? 'female' : 'male', used);
      foe = { person: true, name: nm.name, label: `the ${ideaFoe} ${nm.name}` };
    } else foe = { person: true, label: `the ${ideaFoe}` };
  } else {
    const opp = GENRE_OPPOSITION[o.genre];
    const role = opp.roles[(o.variant + rng.int(0, 2)) % opp.roles.length]!;
    if (opp.person) {
      const nm = pickName(rng, rng.chance(0.5) ? 'female' : 'male', used);
      foe = { person: true, name: nm.name, label: `${nm.name}, ${role}` };
    } else {
      foe = { person: false, label: role, overcome: (FOES_NOT_PERSON[role] ?? (() => `gets past ${role}`))(p) };
    }
  }

  const deadline =
    a.deadline ??
    (/\btomorrow/i.test(a.text)
      ? 'before tomorrow comes'
      : /\bstorm\b/i.test(a.text)
        ? 'before the storm breaks'
        : /\bwinter\b/i.test(a.text)
          ? 'before the first snow'
          : rng.pick(
              {
                mystery: ['before the trail goes cold', 'before the last guest leaves', 'before the police close the case'],
                thriller: [`before the people hunting ${p.obj} close in`, 'before dawn', 'before the deal goes through'],
                horror: [`before ${place.phrase} claims ${p.obj} too`, 'before the night is over', 'before the lights go out for good'],
                romance: ['before the chance is gone for good', 'before the last train leaves', 'before the summer ends'],
                comedy: ['before the whole town finds out', 'before Saturday’s big event', 'before anyone notices'],
                drama: ['before it is too late to say what matters', 'before the house is sold', 'before the goodbye'],
                adventure: [
                  `before ${foe.name ?? 'anyone else'} gets there first`,
                  'before the tide turns',
                  'before the season’s last crossing',
                ],
                fantasy: ['before the spell’s last night', 'before the moon is full', 'before the bargain comes due'],
                'sci-fi': [
                  `before the ${place.noun}’s systems fail`,
                  'before the next transmission window closes',
                  'before the company arrives',
                ],
              }[o.genre],
            ));

  // What happens, and what the hero then wants.
  const subjectFor = group ? `${hero.first} and the other ${bare(group).replace(/^(?:two|three|four|five|six)\s+/, '')}` : hero.first;
  let incident: string;
  let goal: string | undefined = a.goal;
  const pred = a.predicate && withoutDeadline(a.predicate, a.deadline);
  if (pred && !/^(?:must|has to|needs to|wants to|tries to|sets out to|decides to|is determined to)\b/i.test(pred)) {
    incident = `${subjectFor} ${pred}`;
  } else {
    incident = object
      ? `${subjectFor} ${rng.pick(['finds', 'is handed', 'comes across', 'receives'])} ${withArticle(bare(object.phrase))} that should not exist`
      : foe.person && foe.name
        ? `${subjectFor} crosses paths with ${foe.label}`
        : `a stranger arrives at ${place.phrase} asking for ${hero.first} by name`;
  }
  if (!goal) {
    const obj = object?.short;
    const byAngle: Record<Angle, string[]> = {
      truth: obj
        ? MESSAGE_NOUNS.has(object!.noun)
          ? [`find out who sent ${obj}`, `find out what ${obj} is really warning about`]
          : [`find out where ${obj} came from`, `learn the truth behind ${obj}`]
        : [`find out what is really happening at ${place.phrase}`],
      protect: ally ? [`keep ${ally.first} safe`, `protect ${ally.first} and ${place.phrase}`] : [`protect ${place.phrase}`],
      bond: ally
        ? [`win back ${possessiveOf(ally.first)} trust`, `make peace with ${ally.first}`]
        : ['let someone in for the first time in years'],
      escape: [`get out of ${place.phrase}`, `get ${ally ? `${ally.first} and ${p.refl}` : p.refl} out of ${place.phrase}`],
      quest: obj ? [`bring ${obj} where it belongs`, `follow ${obj} to its end`] : [`reach ${place2.phrase}`],
    };
    goal = rng.pick(byAngle[o.angle]);
  }
  const [flawRaw, habitRaw] = rng.pick(FLAWS);
  const flaw = subst(flawRaw, p, place);
  const habit = subst(habitRaw, p, place);
  const theme = rng.pick(THEMES);
  const objShort = object?.short ?? `the secret of ${place.phrase}`;
  const twists: Record<Angle, string[]> = {
    truth: [
      target
        ? `${target.first} left on purpose, and left a trail only ${hero.first} could follow`
        : `${objShort} points back to ${hero.first} ${p.refl}`,
      ally ? `${ally.first} has known about ${objShort} all along` : `${objShort} was meant for someone else`,
      foe.person
        ? `${foe.name ?? foe.label} wants ${objShort} for the same reason ${p.sub} does`
        : `the answer was in ${place.phrase} the whole time`,
    ],
    protect: [
      target
        ? `${target.first} is hiding from someone inside ${place.phrase}`
        : ally
          ? `${ally.first} is the one in danger, not ${hero.first}`
          : `the danger is already inside ${place.phrase}`,
      foe.person ? `${foe.name ?? foe.label} is closer than ${p.sub} thought` : `the threat comes from ${p.pos} own choices`,
    ],
    bond: [
      ally ? `${ally.first} has been carrying the same guilt` : `the only person who can help is the one ${p.sub} pushed away`,
      `what broke them apart was a misunderstanding about ${objShort}`,
    ],
    escape: [
      `the way out of ${place.phrase} is the way ${p.sub} came in`,
      foe.person ? `${foe.name ?? foe.label} was never trying to keep ${p.obj} in` : `there is no one else left in ${place.phrase}`,
    ],
    quest: [
      `${objShort} is only half of what ${p.sub} needs`,
      foe.person ? `${foe.name ?? foe.label} is following the same trail` : `the journey is the thing ${p.sub} has been avoiding`,
    ],
  };
  const twist = rng.pick(twists[o.angle]);
  const tone = o.tone ?? rng.pick(GENRE_TONES[o.genre]);
  return {
    a,
    genre: o.genre,
    tone,
    structure: o.structure,
    angle: o.angle,
    ending: o.ending,
    hero,
    heroRole,
    group,
    ally,
    target,
    foe,
    place,
    place2,
    object,
    incident,
    goal,
    deadline,
    flaw,
    habit,
    theme,
    twist,
    durationS: o.durationS,
  };
}

function possessiveOf(name: string): string {
  return `${name}'s`;
}

// ── writing ────────────────────────────────────────────────────────────────────────────────
/** A deterministic pick that needs no generator: the frame's own words choose. */
function rng1(f: Frame, items: string[]): string {
  return items[(f.hero.name.length + f.goal.length) % items.length]!;
}

function foeRef(f: Frame): string {
  return f.foe.person ? (f.foe.name ?? f.foe.label) : f.foe.label;
}

function climaxAction(f: Frame): string {
  const { hero, foe, ally, object, place } = f;
  const p = hero.p;
  if (!foe.person) {
    return `${hero.first} ${foe.overcome ?? `gets past ${foe.label}`}${ally ? ` and tells ${ally.first} the truth` : ''}`;
  }
  const target = foeRef(f);
  switch (f.angle) {
    case 'truth':
      return `${hero.first} confronts ${target} at ${place.phrase} and lays out what ${object ? object.short : 'the evidence'} proves`;
    case 'protect':
      return `${hero.first} puts ${p.refl} between ${target} and ${ally ? ally.first : place.phrase}`;
    case 'escape':
      return `${hero.first} uses everything ${p.sub} has learned about ${place.phrase} to trap ${target}, and gets out${ally ? ` with ${ally.first}` : ''}`;
    case 'bond':
      return `${hero.first} faces ${target} and, for once, does not face it alone: ${ally ? ally.first : 'someone'} stands beside ${p.obj}`;
    default:
      return `${hero.first} outwits ${target} and ${object ? `carries ${object.short} the last of the way` : `reaches ${f.place2.phrase}`}`;
  }
}

export function endingLine(f: Frame): string {
  const { hero, ally, place } = f;
  const p = hero.p;
  switch (f.ending) {
    case 'hopeful':
      return `${rng1(f, ['In the end', 'When it is over', 'By the last scene'])}, ${hero.first} is changed: ${p.sub} no longer ${f.habit}${f.target ? `, and ${f.target.first} comes home` : ally ? `, and ${ally.first} is there to see it` : ''}.`;
    case 'bittersweet':
      return `${hero.first} gets what ${p.sub} came for, but not the way ${p.sub} wanted: ${f.target ? `${f.target.first} is found, but will not come back` : ally ? `${ally.first} leaves ${place.phrase}` : `${place.phrase} is never the same`}, and ${p.sub} finally understands that ${f.theme.line}.`;
    case 'dark':
      return `${hero.first} survives. ${capitalize(place.phrase)} does not let go so easily — in the last image, ${place.info.details[1] ?? place.info.details[0] ?? 'something stirs'}, as if nothing happened.`;
    default:
      return `It all works out, in the least dignified way possible: ${hero.first} learns that ${f.theme.line}${ally ? `, and ${ally.first} will never let ${p.obj} forget it` : ''}.`;
  }
}

export function beatSummary(fn: Fn, f: Frame, rng: Rng): string {
  const { hero, ally, place, place2, object } = f;
  const p = hero.p;
  const S = capitalize(p.sub);
  const foe = foeRef(f);
  const obj = object?.short ?? 'the truth';
  const detail = (i: number) => place.info.details[i % Math.max(1, place.info.details.length)] ?? 'the air is still';
  switch (fn) {
    case 'opening':
      return rng.pick([
        `${capitalize(place.phrase)}: ${detail(0)}. ${hero.intro}, goes through the same routine as always.`,
        `An image of ${hero.first} alone at ${place.phrase} while ${detail(1)} — a life arranged so that nothing can surprise ${p.obj}.`,
      ]);
    case 'theme':
      return `${ally ? ally.first : 'A passing stranger'} says it out loud: "${capitalize(f.theme.line)}." ${hero.first} does not want to hear it yet.`;
    case 'setup':
      return rng.pick([
        `${hero.intro}, ${f.flaw}. ${ally ? `${capitalize(ally.intro)}, is the only one who still tries to reach ${p.obj}.` : `${S} prefers it that way.`}`,
        `At ${place.phrase}, where ${detail(0)}, ${hero.first} keeps to ${p.pos} routine. ${S} ${f.flaw}${ally ? `; ${ally.first} notices` : ''}.`,
      ]);
    case 'catalyst':
      return `${capitalize(period(f.incident))} ${rng.pick([`${S} cannot leave it alone.`, 'Nothing about it makes sense.', object ? `It seems meant for ${p.obj} alone.` : `${S} knows at once that ${p.pos} quiet life is over.`])}`;
    case 'debate':
      return `${hero.first} argues with ${ally ? ally.first : `${p.pos} own reflection`} over whether to ${f.goal}; every reason to stay out of it is a good one.`;
    case 'mentor':
      return `${ally ? ally.first : 'An old hand at the trade'} gives ${hero.first} what ${p.sub} lacks: ${rng.pick([`a way to read ${obj}`, `the story of the last person who tried`, `a key to ${place2.phrase}`])}.`;
    case 'threshold':
      return `${hero.first} commits: ${p.sub} will ${f.goal} ${f.deadline}. ${rng.pick([`${S} leaves ${place.phrase} behind for ${place2.phrase}.`, `There is no going back to the old routine.`])}`;
    case 'bstory':
      return `Working beside ${ally ? ally.first : 'a stranger'} forces ${hero.first} to look at what ${p.sub} has been avoiding: ${f.theme.word}.`;
    case 'fun':
      return `${hero.first} follows the trail through ${place2.phrase}: ${joinList(
        rng
          .shuffle([
            object ? `studying ${obj} for what it is not saying` : `mapping every corner of ${place.phrase}`,
            foe === 'time itself' || !f.foe.person ? 'running out of excuses' : `trading guarded words with ${foe}`,
            ally ? `learning to rely on ${ally.first}` : 'learning to rely on strangers',
          ])
          .slice(0, 2),
      )}.`;
    case 'midpoint':
      return `${hero.first} discovers that ${f.twist}. The stakes double.`;
    case 'closeIn':
      return `${f.foe.person ? `${capitalize(foe)} closes in` : `${capitalize(f.foe.label)} wins the small battles`}; ${hero.first}'s shortcuts start to cost ${p.obj}${ally ? `, and ${ally.first} pulls away` : ''}.`;
    case 'allIsLost':
      return `${object ? `${capitalize(obj)} is gone` : 'The plan falls apart'}, ${ally ? `${ally.first} is out of reach` : 'no one answers'}, and ${hero.first} is back where ${p.sub} started — only worse.`;
    case 'darkNight':
      return `Alone at ${place.phrase} while ${detail(2)}, ${hero.first} faces the truth about ${p.refl}: ${p.sub} ${f.flaw}.`;
    case 'ordeal':
      return f.foe.person
        ? `Deep inside ${place2.phrase}, ${hero.first} faces ${foe} and nearly loses everything, ${object ? obj : 'the truth'} included.`
        : `Deep inside ${place2.phrase}, ${hero.first} has to face ${f.foe.label} head on, and nearly loses ${ally ? ally.first : 'everything'}.`;
    case 'reward':
      return `${hero.first} comes away with ${object ? obj : 'the answer'} — and with the understanding that ${f.twist}.`;
    case 'breakThree':
      return `Remembering that ${f.theme.line}, ${hero.first} ${ally ? `goes back for ${ally.first} and ` : ''}finds a new plan.`;
    case 'roadBack':
      return `${hero.first} races back to ${place.phrase} ${f.deadline}${f.foe.person ? `, with ${foe} close behind` : ''}.`;
    case 'climax':
      return `${capitalize(period(climaxAction(f)))}`;
    case 'resolution':
      return endingLine(f);
    case 'finalImage':
      return `${capitalize(place.phrase)} again: ${detail(0)}, as in the beginning — but ${hero.first} ${ally ? `is not alone now; ${ally.first} is there` : 'sees it differently now'}.`;
  }
}

function writeTitle(f: Frame, rng: Rng, avoid: Set<string>): string {
  const { object, place, hero, foe } = f;
  const objT = object ? titleCase(bare(object.phrase).split(' in ')[0]!.split(' of ')[0]!) : undefined;
  const placeT = titleCase(place.upper.toLowerCase());
  const deadlineT = titleCase(f.deadline.replace(/^by /, 'before '));
  const roleT = titleCase(f.heroRole.split(' ').pop() ?? 'Stranger');
  const genreWord: Record<Genre, string[]> = {
    mystery: ['Affair', 'Riddle', 'Case'],
    thriller: ['Protocol', 'Run', 'Blind Spot'],
    horror: ['Hauntings', 'Hollow', 'Night Visitor'],
    comedy: ['Fiasco', 'Mix-Up', 'Situation'],
    romance: ['Summer', 'Letters', 'Promise'],
    drama: ['Nocturne', 'Inheritance', 'Quiet'],
    adventure: ['Crossing', 'Expedition', 'Gambit'],
    fantasy: ['Charm', 'Oath', 'Crown'],
    'sci-fi': ['Signal', 'Frequency', 'Anomaly'],
  };
  const g = rng.pick(genreWord[f.genre]);
  const options = [
    objT ? `The ${objT}` : undefined,
    objT && !f.group ? `The ${roleT}'s ${objT}` : undefined,
    objT ? `${hero.first} and the ${objT}` : undefined,
    objT && !/^[A-Z]/.test(place.phrase) ? `The ${objT} at the ${placeT}` : undefined,
    /^(?:Before|By|Until) /.test(deadlineT) ? deadlineT : undefined,
    `The ${placeT} ${g}`,
    f.genre === 'horror' ? `What Lives in the ${placeT}` : undefined,
    f.genre === 'mystery' || f.genre === 'thriller' ? `Night at the ${placeT}` : undefined,
    f.genre === 'romance' ? `${hero.first}, Again` : undefined,
    foe.person && foe.name ? `${hero.first} Against ${foe.name.split(' ')[0]}` : undefined,
    `Last Light at the ${placeT}`,
    f.group ? undefined : `The ${roleT} of the ${placeT}`,
  ].filter((t): t is string => t !== undefined && t.length <= 120 && !avoid.has(t));
  const t = options.length > 0 ? rng.pick(options.slice(0, 6).concat(options)) : `${hero.first}'s ${g} ${avoid.size + 1}`;
  avoid.add(t);
  return t;
}

export function writeLogline(f: Frame, rng: Rng): string {
  const { hero, ally } = f;
  const p = hero.p;
  const subject = f.a.protagonist.phrase && !f.a.protagonist.name ? lowerFirst(f.a.protagonist.phrase) : hero.intro;
  const rest = f.incident.slice(hero.first.length);
  const when =
    f.incident.startsWith(hero.first) && !f.group
      ? `${subject}${subject.includes(',') && !rest.startsWith(',') ? ',' : ''}${rest}`
      : f.incident;
  const hooks: Record<Angle, string[]> = {
    truth: [
      `even if the answer leads back to ${p.pos} own past`,
      f.foe.person ? `while ${foeRef(f)} wants it buried` : `and face ${f.foe.label}`,
    ],
    protect: [f.foe.person ? `as ${foeRef(f)} closes in` : `and face ${f.foe.label}`, `at any cost to ${p.refl}`],
    bond: [
      ally ? `and find a way back to ${ally.label.replace(/^(?:a|an) /, 'the ')}` : 'and let someone in',
      `without losing ${p.refl} again`,
    ],
    escape: [f.foe.person ? `with ${foeRef(f)} one step behind` : 'with nothing but nerve', 'and not leave anyone behind'],
    quest: [f.foe.person ? `before ${foeRef(f)} gets there first` : 'wherever it leads', 'and find out what the journey is for'],
  };
  const line = `When ${when}, ${p.sub === 'it' ? 'it' : p.sub} must ${f.goal} ${f.deadline} — ${rng.pick(hooks[f.angle])}.`;
  return clip(capitalize(line.replace(/\s+/g, ' ')), 400);
}

function lowerFirst(s: string): string {
  return /^(?:A|An|The|Two|Three|Four|Five|One)\b/.test(s) ? s[0]!.toLowerCase() + s.slice(1) : s;
}

export function writeSynopsis(f: Frame, beats: Beat[], rng: Rng): string {
  const { hero, ally, place, object } = f;
  const p = hero.p;
  const S = capitalize(p.sub);
  const detail = place.info.details[0] ?? 'nothing much happens';
  const para1 = [
    `${capitalize(hero.intro)}, ${f.flaw}.`,
    `${capitalize(place.phrase)} is ${p.pos} whole world: ${detail}${place.info.details[1] ? `, ${place.info.details[1]}` : ''}.`,
    `Then ${lowerFirst(period(f.incident))}`,
    object ? `${S} should put ${object.short} away and forget it. ${S} does not.` : `${S} could look away. ${S} does not.`,
  ].join(' ');
  const para2 = [
    ally
      ? `With ${ally.intro}, ${hero.first} sets out to ${f.goal} ${f.deadline}.`
      : `${hero.first} sets out alone to ${f.goal} ${f.deadline}.`,
    f.target ? `${capitalize(f.target.intro)}, was last seen at ${place.phrase}, and nobody there will say why.` : '',
    f.foe.person
      ? `${capitalize(f.foe.label)}${f.foe.label.includes(',') ? ',' : ''} ${rng.pick(['has other plans', 'is watching', 'wants the same thing for very different reasons'])}.`
      : `The real obstacle is ${f.foe.label}.`,
    `Halfway through, ${hero.first} learns that ${f.twist}, and everything ${p.sub} thought ${p.sub} knew about ${object ? object.short : place.phrase} turns over.`,
  ]
    .filter(Boolean)
    .join(' ');
  const climax = beats.find((bt) => bt.name === 'Climax' || bt.name === 'Finale' || bt.name === 'The Resurrection');
  const para3 = [
    `${capitalize(period(beatSummary('allIsLost', f, rng)))}`,
    climax ? climax.summary : period(capitalize(climaxAction(f))),
    endingLine(f),
    f.ending === 'bittersweet' || f.ending === 'comic' ? '' : `At its heart the story is about ${f.theme.word}: ${f.theme.line}.`,
  ]
    .filter(Boolean)
    .join(' ');
  return [para1, para2, para3].join('\n\n');
}

export function writeBeats(f: Frame, rng: Rng, scope?: 'short' | 'medium' | 'full'): Beat[] {
  const defs = beatsFor(f.structure, f.durationS, scope);
  return defs.map((d, i) => ({ act: d.act, order: i + 1, name: d.name, summary: clip(beatSummary(d.fn, f, rng.fork(d.name)), 2000) }));
}

export function writeOutline(f: Frame, rng: Rng, titles: Set<string>): OutlineOption {
  const beats = writeBeats(f, rng.fork('beats'));
  return {
    title: writeTitle(f, rng.fork('title'), titles),
    logline: writeLogline(f, rng.fork('logline')),
    synopsis: clip(writeSynopsis(f, beats, rng.fork('synopsis')), 20_000),
    structure: f.structure,
    tone: f.tone,
    genre: f.genre,
    beats,
  };
}

const STRUCTURES: StoryStructure[] = ['three_act', 'save_the_cat', 'heros_journey'];
const GENRE_ENDINGS: Record<Genre, Ending[]> = {
  mystery: ['bittersweet', 'hopeful', 'dark'],
  thriller: ['bittersweet', 'dark', 'hopeful'],
  horror: ['dark', 'bittersweet', 'hopeful'],
  comedy: ['comic', 'hopeful', 'bittersweet'],
  romance: ['hopeful', 'bittersweet', 'comic'],
  drama: ['bittersweet', 'hopeful', 'dark'],
  adventure: ['hopeful', 'bittersweet', 'comic'],
  fantasy: ['hopeful', 'bittersweet', 'dark'],
  'sci-fi': ['bittersweet', 'hopeful', 'dark'],
};

export interface OutlinesInput {
  idea: string;
  structure?: StoryStructure;
  genre?: string;
  targetDurationS: number;
  optionCount: number;
}

export function draftOutlines(input: OutlinesInput, rng: Rng): { options: OutlineOption[] } {
  const a = analyze(input.idea);
  const requested = input.genre ? normalizeGenre(input.genre) : undefined;
  const detected = topGenres(a, rng.pick(['drama', 'adventure', 'mystery'] as Genre[]));
  const primary = requested ?? detected[0]!;
  const structures = input.structure ? [input.structure, input.structure, input.structure] : rng.shuffle(STRUCTURES);
  const second = detected.find((g) => g !== primary) ?? rng.pick(NEIGHBOUR_GENRES[primary]);
  const third = rng.pick(NEIGHBOUR_GENRES[primary].filter((g) => g !== second)) ?? GENRES.find((g) => g !== primary && g !== second)!;
  const genres: Genre[] = [primary, requested ? primary : second, requested ? primary : third];
  const titles = new Set<string>();
  const options: OutlineOption[] = [];
  const heroSeed = rng.fork('hero');
  const usedAngles = new Set<Angle>();
  for (let i = 0; i < input.optionCount; i++) {
    const genre = genres[i]!;
    const angle = ANGLES_BY_GENRE[genre].find((an) => !usedAngles.has(an)) ?? rng.pick(ANGLES_BY_GENRE[genre]);
    usedAngles.add(angle);
    const tones = GENRE_TONES[genre];
    const frame = buildFrame(
      a,
      {
        structure: structures[i]!,
        genre,
        tone: tones[(i + rng.int(0, tones.length - 1)) % tones.length],
        angle,
        ending: GENRE_ENDINGS[genre][i % 3]!,
        durationS: input.targetDurationS,
        variant: i,
        heroRng: heroSeed.fork('same'),
      },
      rng.fork(`option${i}`),
    );
    const outline = writeOutline(frame, rng.fork(`write${i}`), titles);
    // The genre label says what the option is: a blend reads "mystery / drama".
    if (genre !== primary) outline.genre = `${genre} / ${primary}`.slice(0, 60);
    options.push(outline);
  }
  return { options };
}
