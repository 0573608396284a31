import type { CharacterBible, CharacterProfile, OutlineOption, VisualIdentity, VoiceSpec } from '@automovie/contracts';
import { analyze } from './analyze.ts';
import {
  CREATURE_NAMES,
  FEMALE_NAMES,
  FEMALE_VARIANTS,
  type Gender,
  HAIR_COLOURS,
  MALE_NAMES,
  MALE_VARIANTS,
  NEUTRAL_VARIANTS,
  OUTFIT_COLOURS,
  RELATION_NOUNS,
  ROLE_NOUNS,
  SKIN_TONES,
  SURNAMES,
} from './lexicon.ts';
import type { Rng } from './prng.ts';
import { capitalize, clip, sentences, withArticle } from './text.ts';

/**
 * The character bible: the cast read out of the outline (names, who opposes whom, who is looked
 * for) and the idea, each given a look and a voice that no other character shares, so storyboard
 * frames and espeak-ng voices tell them apart.
 */

type Role = CharacterProfile['role'];

interface CastMember {
  name: string;
  role: Role;
  gender: Gender;
  /** What the story calls them: "a retired detective", "her missing sister". */
  label?: string;
  relation?: string;
  creature: boolean;
  mentions: number;
  /** The hero is searching for them. */
  sought: boolean;
}

const TITLE_WORDS =
  /^(?:captain|doctor|dr|mrs|mr|ms|miss|professor|detective|inspector|agent|officer|sergeant|sister|father|aunt|uncle|lady|lord|sir)$/i;
const OPPOSITION_WORDS =
  /\b(suspect|rival|fixer|hunter|collector|commander|mercenary|sorcerer|magician|queen of crows|caretaker|inspector|know-it-all|villain|killer|smuggler|thief|lies|cleans up problems|with a badge|presence|enemy|nemesis|captor|blackmailer|stalker|traitor|tyrant|warlord|bully|poacher|landlord|developer)\b/i;
const CONFRONT = /\b(?:confronts|against|outwits|faces|trap|between .+? and|hunting|closes in|close behind)\s+$/i;

function firstOf(name: string): string {
  return name.split(' ').find((w) => !TITLE_WORDS.test(w)) ?? name;
}

function genderOfName(first: string): Gender | undefined {
  if (FEMALE_NAMES.includes(first)) return 'female';
  if (MALE_NAMES.includes(first)) return 'male';
  if (CREATURE_NAMES.includes(first)) return 'neutral';
  return undefined;
}

/** Pronouns that follow a name in its sentences: who "she" or "he" most likely is. */
function pronounGender(text: string, first: string): Gender | undefined {
  let lean = 0;
  for (const s of sentences(text)) {
    if (!s.includes(first)) continue;
    const after = s.slice(s.indexOf(first) + first.length);
    lean += (after.match(/\b(she|her|herself)\b/gi) ?? []).length;
    lean -= (after.match(/\b(he|him|his|himself)\b/gi) ?? []).length;
  }
  return lean > 0 ? 'female' : lean < 0 ? 'male' : undefined;
}

function readCast(idea: string, outline: OutlineOption, rng: Rng): CastMember[] {
  const story = [outline.logline, outline.synopsis, ...outline.beats.map((bt) => bt.summary)].join('\n');
  const ia = analyze(idea);
  const oa = analyze(story);
  const cast: CastMember[] = [];
  const byFirst = new Map<string, CastMember>();
  const add = (m: CastMember) => {
    const f = firstOf(m.name);
    const existing = byFirst.get(f);
    if (existing) {
      if (m.name.length > existing.name.length) existing.name = m.name;
      existing.mentions += m.mentions;
      return existing;
    }
    byFirst.set(f, m);
    cast.push(m);
    return m;
  };
  for (const n of [...oa.names, ...ia.names]) {
    const first = firstOf(n.name);
    // Count every mention by first name: outlines call people by first name after the intro.
    const mentions = (story.match(new RegExp(`\\b${first.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`, 'g')) ?? []).length || n.mentions;
    let appositive = '';
    for (let idx = story.indexOf(n.name); idx >= 0 && !appositive; idx = story.indexOf(n.name, idx + 1)) {
      const after = story.slice(idx + n.name.length, idx + n.name.length + 80);
      if (after.startsWith(',')) appositive = (after.slice(1).split(/[,.;—]/)[0] ?? '').trim();
    }
    if (appositive.split(' ').length > 10 || /^(?:she|he|they|it|and|but)\b/i.test(appositive)) appositive = '';
    const relWord = appositive.match(/^(?:her|his|their)\s+(?:[a-z-]+\s+)?([a-z]+)$/)?.[1];
    const roleNoun = n.role?.split(' ').pop();
    const creature =
      (roleNoun !== undefined && ROLE_NOUNS[roleNoun]?.gender === 'neutral') ||
      CREATURE_NAMES.includes(first) ||
      /\b(?:crow|robot|android|AI|dog|cat|fox)\b/.test(appositive);
    let opposed = n.antagonist || OPPOSITION_WORDS.test(appositive);
    if (!opposed) {
      const re = new RegExp(`([^.]{0,40})\\b${first}\\b`, 'g');
      for (let m = re.exec(story); m !== null; m = re.exec(story)) if (CONFRONT.test(m[1] ?? '')) opposed = true;
    }
    const relation = n.relation ?? (relWord && RELATION_NOUNS[relWord] ? relWord : undefined);
    const g = genderOfName(first) ?? n.gender ?? (relation ? RELATION_NOUNS[relation]?.gender : undefined) ?? pronounGender(story, first);
    const label = appositive && appositive.length <= 80 ? appositive : n.role ? withArticle(n.role) : undefined;
    add({
      name: n.name,
      role: opposed ? 'antagonist' : 'supporting',
      gender: creature ? 'neutral' : (g ?? (rng.chance(0.5) ? 'female' : 'male')),
      label,
      relation,
      creature,
      mentions,
      sought:
        /\bmissing\b|\blost\b/.test(appositive) ||
        new RegExp(`(?:${first} was last seen|find ${first}|search(?:es|ing)? for ${first})`).test(story),
    });
  }

  // The protagonist: the idea's named lead, else whoever the outline talks about most.
  const lead =
    (ia.protagonist.name && byFirst.get(firstOf(ia.protagonist.name))) ||
    [...cast].filter((c) => c.role !== 'antagonist' && !c.relation).sort((x, y) => y.mentions - x.mentions)[0] ||
    [...cast].sort((x, y) => y.mentions - x.mentions)[0];
  if (lead) {
    lead.role = 'protagonist';
    lead.relation = undefined;
    lead.sought = false;
    if (ia.protagonist.role && (!lead.label || lead.label.startsWith('her ') || lead.label.startsWith('his ')))
      lead.label = withArticle(ia.protagonist.role);
    const pg = ia.protagonist.gender ?? pronounGender(story, firstOf(lead.name));
    if (!genderOfName(firstOf(lead.name)) && pg && !lead.creature) lead.gender = pg;
  } else {
    // An outline without names: the idea's protagonist gets one.
    const role = ia.protagonist.role ?? 'stranger';
    const creature = ia.protagonist.roleNoun !== undefined && ROLE_NOUNS[ia.protagonist.roleNoun]?.gender === 'neutral';
    const g: Gender = creature
      ? 'neutral'
      : (ia.protagonist.gender ?? (oa.pronounLean > 0 ? 'female' : oa.pronounLean < 0 ? 'male' : rng.chance(0.5) ? 'female' : 'male'));
    add({
      name: freshName(rng, g, cast, creature),
      role: 'protagonist',
      gender: g,
      label: withArticle(role),
      creature,
      mentions: 99,
      sought: false,
    });
  }

  // People the idea or outline mention only by role.
  const roleHints = [
    ...ia.relations.map((r) => ({ label: `${r.phrase}`, relation: r.noun, gender: r.gender })),
    ...ia.others.map((o) => ({ label: o, relation: undefined, gender: ROLE_NOUNS[o.split(' ').pop() ?? '']?.gender })),
  ];
  for (const h of roleHints) {
    const taken = cast.some((c) => (h.relation && c.relation === h.relation) || c.label?.includes(h.label));
    if (taken) continue;
    const g: Gender = h.gender === 'female' || h.gender === 'male' ? h.gender : rng.chance(0.5) ? 'female' : 'male';
    const creature = h.gender === 'neutral';
    add({
      name: freshName(rng, g, cast, creature),
      role: 'supporting',
      gender: creature ? 'neutral' : g,
      label: h.relation ? `the ${h.label}` : withArticle(h.label),
      relation: h.relation,
      creature,
      mentions: 1,
      sought: false,
    });
  }
  if (!cast.some((c) => c.role === 'antagonist')) {
    const foe = ia.antagonists[0] ?? oa.antagonists[0];
    if (foe) {
      const g: Gender = rng.chance(0.5) ? 'female' : 'male';
      add({
        name: freshName(rng, g, cast, false),
        role: 'antagonist',
        gender: g,
        label: `the ${foe}`,
        creature: false,
        mentions: 1,
        sought: false,
      });
    }
  }
  if (cast.length === 1) {
    const g: Gender = rng.chance(0.5) ? 'female' : 'male';
    add({
      name: freshName(rng, g, cast, false),
      role: 'supporting',
      gender: g,
      label: rng.pick(['an old friend', 'a neighbour', 'a stranger passing through']),
      creature: false,
      mentions: 1,
      sought: false,
    });
  }

  // Only one protagonist and one antagonist; the most present supporter is the deuteragonist.
  let seenAntagonist = false;
  for (const c of cast) {
    if (c.role === 'antagonist') {
      if (seenAntagonist) c.role = 'supporting';
      seenAntagonist = true;
    }
  }
  const supporters = cast.filter((c) => c.role === 'supporting').sort((x, y) => y.mentions - x.mentions);
  if (supporters[0] && supporters[0].mentions >= 3) supporters[0].role = 'deuteragonist';
  for (const s of supporters.slice(1)) if (s.mentions <= 1 && cast.length > 4) s.role = 'minor';
  const rank: Record<Role, number> = { protagonist: 0, antagonist: 1, deuteragonist: 2, supporting: 3, minor: 4 };
  return cast.sort((x, y) => rank[x.role] - rank[y.role] || y.mentions - x.mentions);
}

function freshName(rng: Rng, gender: Gender, cast: CastMember[], creature: boolean): string {
  const taken = new Set(cast.map((c) => firstOf(c.name)));
  const takenLast = new Set(cast.map((c) => c.name.split(' ').slice(1).join(' ')));
  const pool = (creature ? CREATURE_NAMES : gender === 'female' ? FEMALE_NAMES : MALE_NAMES).filter((n) => !taken.has(n));
  const first = rng.pick(pool.length > 0 ? pool : FEMALE_NAMES);
  if (creature) return first;
  const lasts = SURNAMES.filter((s) => !takenLast.has(s));
  return `${first} ${rng.pick(lasts.length > 0 ? lasts : SURNAMES)}`;
}

// ── looks ──────────────────────────────────────────────────────────────────────────────────
const GARMENTS: Array<[RegExp, string]> = [
  [/keeper|sailor|fisherman|ferryman/, 'oilskin coat'],
  [/detective|inspector|agent|spy|journalist|reporter/, 'trench coat'],
  [/chef|cook|baker|butcher/, 'work apron over rolled sleeves'],
  [/astronaut|pilot|engineer|mechanic/, 'flight suit'],
  [/doctor|nurse|surgeon|scientist|researcher|paramedic/, 'white coat'],
  [/teacher|librarian|professor|archivist|curator/, 'cardigan'],
  [/knight|soldier|guard|captain|general|sheriff|deputy/, 'uniform jacket'],
  [/witch|wizard|sorcerer|healer|priest|monk|nun/, 'long robe'],
  [/kid|child|boy|girl|student|teen/, 'hooded sweatshirt'],
  [/farmer|gardener|ranger|beekeeper|shepherd/, 'work jacket'],
  [/musician|singer|dancer|actor|magician|artist|painter/, 'velvet jacket'],
];

const HAIR = ['short', 'long', 'curly', 'bun', 'ponytail', 'hat'] as const;
const ACCESSORIES = ['glasses', 'scarf', 'bag', 'badge', 'cane', 'none'] as const;
const SILHOUETTES = ['tall', 'slim', 'broad', 'short', 'average'] as const;

const HAIR_WORDS: Record<(typeof HAIR)[number] | 'none', string> = {
  short: 'cropped',
  long: 'long',
  curly: 'curly',
  bun: 'tied-up',
  ponytail: 'ponytailed',
  hat: 'hat-covered',
  none: 'shaved',
};
const ACCESSORY_WORDS: Record<(typeof ACCESSORIES)[number], string> = {
  glasses: 'round wire glasses',
  scarf: 'a knitted scarf',
  bag: 'a battered shoulder bag',
  badge: 'a pinned badge',
  cane: 'a walking cane',
  none: '',
};

function ageFor(m: CastMember, rng: Rng): number {
  const label = `${m.label ?? ''} ${m.relation ?? ''}`.toLowerCase();
  if (/\b(kid|child|boy|girl|youngest)\b/.test(label) && !/grown-up/.test(label)) return rng.int(8, 12);
  if (/\b(teen|teenager|student|intern|rookie|apprentice)\b/.test(label)) return rng.int(15, 22);
  if (/\b(retired|old|grand|veteran|widow|elderly)\b/.test(label)) return rng.int(62, 80);
  if (/\b(mother|father|aunt|uncle|mentor)\b/.test(label)) return rng.int(45, 65);
  return rng.int(24, 55);
}

function ageWord(age: number): string {
  if (age < 13) return 'young';
  if (age < 20) return 'teenage';
  if (age < 30) return 'twenty-something';
  if (age < 45) return 'thirty-something';
  if (age < 60) return 'middle-aged';
  return 'elderly';
}

interface Look {
  identity: VisualIdentity;
  description: string;
}

function designLooks(cast: CastMember[], ages: number[], rng: Rng): Look[] {
  const n = cast.length;
  const step = Math.max(1, Math.floor(OUTFIT_COLOURS.length / n));
  const start = rng.int(0, OUTFIT_COLOURS.length - 1);
  const silhouettes = rng.shuffle(SILHOUETTES);
  const hairs = rng.shuffle(HAIR);
  const accessories = rng.shuffle(ACCESSORIES);
  const hairColours = rng.shuffle(HAIR_COLOURS);
  const skins = rng.shuffle(SKIN_TONES);
  return cast.map((m, i) => {
    const outfit = OUTFIT_COLOURS[(start + i * step) % OUTFIT_COLOURS.length]!;
    const accent = OUTFIT_COLOURS[(start + i * step + Math.floor(OUTFIT_COLOURS.length / 2)) % OUTFIT_COLOURS.length]!;
    const silhouette = silhouettes[i % silhouettes.length]!;
    const accessory = accessories[i % accessories.length]!;
    const age = ages[i]!;
    if (m.creature) {
      const kind = /robot|android|ai\b/i.test(m.label ?? '') ? 'robot' : (m.label?.split(' ').pop() ?? 'creature');
      const body =
        kind === 'robot'
          ? `${outfit.name} enamel body with ${accent.name} trim and round lamp eyes`
          : `${outfit.name} coat with ${accent.name} markings`;
      return {
        identity: { palette: [outfit.hex, accent.hex], silhouette, hair: 'none', accessory },
        description: `A ${silhouette} ${kind} with a ${body}${accessory !== 'none' ? `, carrying ${ACCESSORY_WORDS[accessory]}` : ''}.`,
      };
    }
    let hair: VisualIdentity['hair'] = hairs[i % hairs.length]!;
    if (m.gender === 'male' && age > 60 && rng.chance(0.3)) hair = 'none';
    const youngHair = hairColours.filter((h) => h.name !== 'silver' && h.name !== 'grey');
    const hairColour =
      age >= 62
        ? (HAIR_COLOURS.find((h) => h.name === 'silver') ?? hairColours[0]!)
        : age >= 50
          ? hairColours[i % hairColours.length]!
          : youngHair[i % youngHair.length]!;
    const skin = skins[i % skins.length]!;
    const person = m.gender === 'female' ? (age < 18 ? 'girl' : 'woman') : m.gender === 'male' ? (age < 18 ? 'boy' : 'man') : 'person';
    const roleText = `${m.label ?? ''}`.toLowerCase();
    const garment = GARMENTS.find(([re]) => re.test(roleText))?.[1] ?? rng.pick(['coat', 'jacket', 'jumper', 'long coat', 'quilted vest']);
    const hairText =
      hair === 'hat'
        ? `${hairColour.name} hair under a brimmed hat`
        : hair === 'none'
          ? 'a shaved head'
          : `${HAIR_WORDS[hair]} ${hairColour.name} hair`;
    const description =
      `${capitalize(withArticle(ageWord(age)))} ${person}, ${silhouette} in build, with ${hairText} and ${skin.name} skin; ` +
      `wears ${withArticle(`${outfit.name} ${garment}`)} with ${accent.name} accents${accessory !== 'none' ? ` and ${ACCESSORY_WORDS[accessory]}` : ''}.`;
    return {
      identity: { palette: [outfit.hex, accent.hex, hairColour.hex, skin.hex], silhouette, hair, accessory },
      description,
    };
  });
}

// ── voices ─────────────────────────────────────────────────────────────────────────────────
function designVoices(cast: CastMember[], ages: number[], rng: Rng): VoiceSpec[] {
  const pools: Record<Gender, string[]> = {
    female: rng.shuffle(FEMALE_VARIANTS),
    male: rng.shuffle(MALE_VARIANTS),
    neutral: rng.shuffle(NEUTRAL_VARIANTS),
  };
  const usedPitch: number[] = [];
  const usedRate: number[] = [];
  const spread = (base: number, used: number[], gap: number, lo: number, hi: number): number => {
    let v = Math.max(lo, Math.min(hi, base));
    for (let k = 0; k < 40 && used.some((u) => Math.abs(u - v) < gap); k++) v = lo + ((v - lo + gap + 1) % (hi - lo + 1));
    used.push(v);
    return v;
  };
  return cast.map((m, i) => {
    const age = ages[i]!;
    const g = m.gender;
    // Grandparent voices only for the old.
    const at = pools[g].findIndex((v) => age > 60 || !/^grand/.test(v));
    const variant =
      (at >= 0 ? pools[g].splice(at, 1)[0] : pools[g].shift()) ?? `${g === 'female' ? 'f' : g === 'male' ? 'm' : 'klatt'}${i + 1}`;
    const [lo, hi] = g === 'female' ? [52, 82] : g === 'male' ? [22, 50] : [38, 64];
    const youth = age < 18 ? 12 : age > 60 ? -6 : 0;
    const pitch = spread(rng.int(lo, hi) + youth, usedPitch, 5, 0, 99);
    const baseRate =
      m.role === 'antagonist' ? rng.int(135, 155) : age < 18 ? rng.int(180, 200) : age > 60 ? rng.int(140, 160) : rng.int(155, 185);
    const rate = spread(baseRate, usedRate, 6, 100, 220);
    const quality = pitch > 65 ? 'bright' : pitch < 35 ? 'low' : 'mid-range';
    const pace = rate > 180 ? 'quick' : rate < 150 ? 'measured' : 'even';
    const colour =
      m.role === 'antagonist'
        ? 'smooth and controlled'
        : m.role === 'protagonist'
          ? 'guarded, warming as the story goes'
          : rng.pick(['dry and wry', 'warm', 'clipped', 'gentle', 'brisk']);
    return { gender: g, pitch, rate, variant, description: `${capitalize(quality)}, ${pace} voice; ${colour}.` };
  });
}

// ── traits and bios ────────────────────────────────────────────────────────────────────────
const TRAITS: Record<Role, string[]> = {
  protagonist: ['stubborn', 'observant', 'guarded', 'resourceful', 'dry-witted', 'restless', 'loyal', 'proud', 'curious', 'decent'],
  antagonist: ['patient', 'charming', 'calculating', 'persuasive', 'ruthless', 'meticulous', 'wounded', 'certain'],
  deuteragonist: ['warm', 'blunt', 'brave', 'funny', 'impulsive', 'steady', 'honest', 'hopeful'],
  supporting: ['kind', 'nosy', 'tired', 'practical', 'secretive', 'cheerful', 'anxious', 'wise'],
  minor: ['busy', 'distracted', 'helpful', 'suspicious'],
};

function storySentencesAbout(outline: OutlineOption, first: string): string[] {
  const all = [...sentences(outline.synopsis), ...outline.beats.flatMap((bt) => sentences(bt.summary))];
  const seen = new Set<string>();
  return all.filter((s) => {
    if (!new RegExp(`\\b${first}\\b`).test(s) || seen.has(s)) return false;
    seen.add(s);
    return true;
  });
}

function bioFor(m: CastMember, outline: OutlineOption, age: number | undefined, rng: Rng): string {
  const first = firstOf(m.name);
  const about = storySentencesAbout(outline, first);
  const label = m.label ? m.label.replace(/^(?:her|his|their)\s+/, 'the protagonist’s ') : undefined;
  const part: Record<Role, string> = {
    protagonist: 'the protagonist of',
    antagonist: 'the antagonist of',
    deuteragonist: 'the second lead of',
    supporting: 'a supporting character in',
    minor: 'a minor character in',
  };
  const intro = `${m.name}${label ? `, ${label},` : ''} is ${age === undefined ? '' : `${age} years old and `}${part[m.role]} "${outline.title}".`;
  const sub = m.gender === 'female' ? 'she' : m.gender === 'male' ? 'he' : 'it';
  const want: Record<Role, string[]> = {
    protagonist: [
      `${first} wants to be left alone and needs the opposite.`,
      `${first} wants answers and is afraid of what they will cost.`,
    ],
    antagonist: [
      `${first} believes, sincerely, that ${sub} is doing the right thing.`,
      `${first} wants the same thing as the hero and will not share it.`,
    ],
    deuteragonist: [`${first} keeps pushing the protagonist toward the truth.`, `${first} is the one who says what everyone is thinking.`],
    supporting: [`${first} knows more than ${sub} lets on.`, `${first} is a small, steady light in the story.`],
    minor: [`${first} sees more than anyone notices.`],
  };
  const story = about.slice(0, 3).join(' ');
  return clip([intro, story ? `In the story: ${story}` : '', rng.pick(want[m.role])].filter(Boolean).join(' '), 2000);
}

// ── the bible ──────────────────────────────────────────────────────────────────────────────
export interface BibleInput {
  idea: string;
  outline: OutlineOption;
  maxCharacters: number;
}

export function draftCharacterBible(input: BibleInput, rng: Rng): CharacterBible {
  const cast = readCast(input.idea, input.outline, rng.fork('cast')).slice(0, input.maxCharacters);
  const ages = cast.map((m) => ageFor(m, rng.fork(`age:${m.name}`)));
  const shownAge = (i: number) => (cast[i]!.creature ? undefined : ages[i]);
  const looks = designLooks(cast, ages, rng.fork('looks'));
  const voices = designVoices(cast, ages, rng.fork('voices'));
  const characters: CharacterProfile[] = cast.map((m, i) => {
    const traitRng = rng.fork(`traits:${m.name}`);
    const traits = traitRng.shuffle(TRAITS[m.role]).slice(0, 3 + traitRng.int(0, 1));
    if (m.sought) traits.push('missing');
    return {
      name: m.name,
      role: m.role,
      age: shownAge(i),
      bio: bioFor(m, input.outline, shownAge(i), rng.fork(`bio:${m.name}`)),
      traits,
      visualDescription: looks[i]!.description,
      identity: looks[i]!.identity,
      voice: voices[i]!,
    };
  });
  const relationships: CharacterBible['relationships'] = [];
  const lead = cast.find((c) => c.role === 'protagonist');
  const foe = cast.find((c) => c.role === 'antagonist');
  for (const c of cast) {
    if (!lead || c === lead) continue;
    const lf = firstOf(lead.name);
    const cf = firstOf(c.name);
    if (c.role === 'antagonist') {
      relationships.push({ from: c.name, to: lead.name, kind: 'opposes', description: `${cf} stands between ${lf} and what ${lf} wants.` });
    } else if (c.relation) {
      const kind = RELATION_NOUNS[c.relation]?.kind ?? c.relation;
      relationships.push({
        from: lead.name,
        to: c.name,
        kind,
        description: c.sought
          ? `${lf} is searching for ${cf}, ${lead.gender === 'female' ? 'her' : lead.gender === 'male' ? 'his' : 'its'} ${c.relation}.`
          : `${cf} is ${lf}'s ${c.relation}.`,
      });
    } else {
      relationships.push({
        from: c.name,
        to: lead.name,
        kind: c.role === 'deuteragonist' ? 'ally' : 'acquaintance',
        description: `${cf} ${c.role === 'deuteragonist' ? `stands by ${lf}` : `crosses ${lf}'s path`}${c.label ? ` as ${c.label.replace(/^(?:her|his|their)\s+/, `${lf}'s `)}` : ''}.`,
      });
    }
    if (foe && c !== foe && c.role !== 'antagonist') {
      relationships.push({ from: c.name, to: foe.name, kind: 'distrusts', description: `${cf} does not trust ${firstOf(foe.name)}.` });
    }
  }
  return {
    characters,
    relationships: relationships.map((r) => ({ ...r, description: r.description ? clip(r.description, 500) : undefined })),
  };
}
