import {
  type Composition,
  CompositionSchema,
  type Figure,
  SET_DRESSING_WORDS,
  type SetDressingKind,
  setDressingIn,
  setDressingKind,
  type VisualIdentity,
} from '@automovie/contracts';
import { hashString } from '../svg.ts';

/**
 * A composition read from prompt text alone, for callers without a shot plan: shot-type, angle
 * and movement words, INT/EXT and time-of-day words, location elements from the set-dressing vocabulary,
 * and capitalised names as figures. Everything is a pure function of the text.
 */

const SHOT_PATTERNS: Array<[Composition['shotType'], RegExp]> = [
  ['extreme_close_up', /\b(extreme close[- ]?up|ecu|xcu|bcu)\b/i],
  ['extreme_wide', /\b(extreme(ly)? wide|establishing|ews|xws|xls|extreme long)\b/i],
  ['over_the_shoulder', /\b(over[- ]the[- ]shoulder|ots)\b/i],
  ['two_shot', /\b(two[- ]shot|2[- ]shot)\b/i],
  ['insert', /\b(insert|detail shot|cutaway to)\b/i],
  ['pov', /\b(pov|point[- ]of[- ]view|through (his|her|their) eyes)\b/i],
  ['medium_close', /\b(medium close[- ]?up|mcu)\b/i],
  ['close_up', /\b(close[- ]?up|closeup|cu)\b/i],
  ['full', /\b(full shot|full[- ]body|fs|full figure)\b/i],
  ['medium', /\b(medium shot|mid[- ]shot|ms|medium|waist[- ]up)\b/i],
  ['wide', /\b(wide|long shot|ws|ls)\b/i],
];
const ANGLE_PATTERNS: Array<[Composition['angle'], RegExp]> = [
  ['overhead', /\b(overhead|bird'?s[- ]eye|top[- ]down|from directly above)\b/i],
  ['dutch', /\b(dutch|canted|tilted frame|oblique angle)\b/i],
  ['high', /\b(high[- ]angle|from above|looking down)\b/i],
  ['low', /\b(low[- ]angle|from below|looking up|worm'?s[- ]eye)\b/i],
];
const MOVE_PATTERNS: Array<[NonNullable<Composition['movement']>, RegExp]> = [
  ['push_in', /\b(push(es)?[- ]in|dolly in|zoom(s)? in|creeps? in|moves? in)\b/i],
  ['pull_out', /\b(pull(s)?[- ](out|back)|dolly (out|back)|zoom(s)? out)\b/i],
  ['pan_left', /\bpan(s|ning)? left\b/i],
  ['pan_right', /\bpan(s|ning)?( right)?\b/i],
  ['tilt_up', /\btilt(s|ing)? up\b/i],
  ['tilt_down', /\btilt(s|ing)?( down)?\b/i],
  ['tracking', /\b(tracking|track(s)? with|follows|dolly alongside|steadicam)\b/i],
];
const TIME_PATTERNS: Array<[Composition['location']['timeOfDay'], RegExp]> = [
  ['NIGHT', /\b(night|midnight|moonlit|moonlight|nighttime)\b/i],
  ['DAWN', /\b(dawn|sunrise|daybreak|first light)\b/i],
  ['DUSK', /\b(dusk|sunset|twilight|golden hour)\b/i],
  ['EVENING', /\bevening\b/i],
  ['MORNING', /\bmorning\b/i],
];
const INTERIOR_KINDS = new Set<SetDressingKind>(['furniture', 'fixture', 'appliance']);
const EXTERIOR_KINDS = new Set<SetDressingKind>(['vehicle', 'structure', 'nature', 'terrain']);

const NOT_NAMES = new Set(
  `a an the and or but of in on at to for with from by as into onto over under after before then when while int ext day night dawn dusk
  morning evening later continuous close up wide medium full shot extreme insert pov angle high low overhead dutch camera cut fade
  she he they we i you it his her their our its this that these those there here meanwhile suddenly slowly quickly interior exterior
  establishing tracking pan tilt push pull dolly zoom scene frame storyboard two over shoulder ecu cu ms ws ls mcu ots fs
  slow slowly fast quick quickly now later back another inside outside everyone nobody someone something nothing all both
  one three yes no maybe still only just even also again soon finally behind beside between above below through across
  pov view shot shots angle angles static handheld steadicam crane aerial track tracking rack focus sound music silence
  sunrise sunset noon midnight today tonight tomorrow yesterday what who why how where`
    .split(/\s+/)
    .filter(Boolean),
);

const PERSON_WORDS: Record<string, string> = {
  man: 'Man',
  woman: 'Woman',
  girl: 'Girl',
  boy: 'Boy',
  child: 'Child',
  person: 'Person',
  stranger: 'Stranger',
  someone: 'Someone',
  detective: 'Detective',
  officer: 'Officer',
  doctor: 'Doctor',
};

const SKIN = ['#f1c9a5', '#e0ac82', '#c68b62', '#a86f4c', '#8a5a3c', '#6b4430', '#f5d7c0', '#d9a07a'];
const OUTFIT = ['#5b6b7c', '#7a4b45', '#4f6b55', '#8a7a5a', '#3f4a66', '#6e5a7e', '#9a6a3a', '#4a5a5a', '#a04a3a', '#35506b'];
const ACCENT = ['#c9a45c', '#b8483c', '#3c7ab8', '#e0c060', '#6aa07a', '#a45ca0', '#d07a3a', '#eeeeee'];
const HAIR = ['#2a1f1a', '#4a3222', '#6b4a2b', '#a0744a', '#c9a86a', '#7a7a7a', '#1c1c22', '#8b3a1e'];
const SILHOUETTES: VisualIdentity['silhouette'][] = ['tall', 'short', 'broad', 'slim', 'average'];
const HAIRS: VisualIdentity['hair'][] = ['short', 'long', 'curly', 'bun', 'ponytail', 'hat', 'none', 'short', 'long'];
const ACCESSORIES: VisualIdentity['accessory'][] = ['none', 'glasses', 'scarf', 'bag', 'none', 'badge', 'none', 'cane'];

/** A stable identity for a name alone: the same name always gets the same look. */
export function identityForName(name: string): VisualIdentity {
  const h = hashString(name.trim().toLowerCase());
  const pick = <T>(list: readonly T[], shift: number): T => list[(h >>> shift) % list.length] as T;
  return {
    palette: [pick(OUTFIT, 3), pick(ACCENT, 7), pick(HAIR, 11), pick(SKIN, 0)],
    silhouette: pick(SILHOUETTES, 14),
    hair: pick(HAIRS, 17),
    accessory: pick(ACCESSORIES, 21),
  };
}

function firstMatch<T>(text: string, patterns: Array<[T, RegExp]>): T | undefined {
  for (const [value, re] of patterns) if (re.test(text)) return value;
  return undefined;
}

function names(prompt: string): string[] {
  const found: string[] = [];
  for (const m of prompt.matchAll(/\b[A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)?\b/g)) {
    const word = m[0];
    const lower = word.toLowerCase();
    if (NOT_NAMES.has(lower) || SET_DRESSING_WORDS.has(lower) || found.includes(word)) continue;
    if (/^(Int|Ext)$/i.test(word)) continue;
    found.push(word);
    if (found.length === 4) break;
  }
  if (found.length > 0) return found;
  const people: string[] = [];
  for (const w of prompt.toLowerCase().split(/[^a-z]+/)) {
    const person = PERSON_WORDS[w];
    if (person && !people.includes(person)) people.push(person);
    if (people.length === 2) break;
  }
  return people;
}

function locationName(prompt: string, elements: readonly string[]): string {
  const slug = /\b(?:INT|EXT|I\/E|INT\/EXT)\.?\s+([^-–—.\n]{2,60})/.exec(prompt);
  if (slug?.[1]) return slug[1].trim();
  const place = /\b(?:in|at|inside|outside|on) (?:the|a|an|her|his|their) ([a-z]+)(?: ([a-z]+))?/i.exec(prompt);
  if (place?.[1]) {
    const second = place[2] && !NOT_NAMES.has(place[2].toLowerCase()) ? ` ${place[2]}` : '';
    return `${place[1]}${second}`;
  }
  return elements[0] ?? 'set';
}

/** The composition the offline renderer draws when the caller gave only a prompt. */
export function deriveComposition(prompt: string): Composition {
  const text = prompt.slice(0, 5000);
  const elements = setDressingIn(text, { limit: 6 });
  const kinds = elements.map((e) => setDressingKind(e));
  let intExt: Composition['location']['intExt'];
  if (/\b(int\.|interior|inside|indoors)/i.test(text)) intExt = 'INT';
  else if (/\b(ext\.|exterior|outside|outdoors)/i.test(text)) intExt = 'EXT';
  else if (kinds.some((k) => k && EXTERIOR_KINDS.has(k)) && !kinds.some((k) => k && INTERIOR_KINDS.has(k))) intExt = 'EXT';
  else intExt = 'INT';

  const who = names(text);
  const speaker = /\b(says|said|speaks|talks|shouts|whispers|asks|replies|tells|yells|answers)\b/i.exec(text);
  let speakerName: string | undefined;
  if (speaker) {
    const before = text.slice(0, speaker.index);
    speakerName = who.filter((n) => before.includes(n)).sort((a, b) => before.lastIndexOf(b) - before.lastIndexOf(a))[0];
  }
  const figures: Figure[] = who.map((name) => ({
    name,
    identity: identityForName(name),
    ...(name === speakerName ? { speaking: true } : {}),
  }));

  const shotType = firstMatch(text, SHOT_PATTERNS) ?? (figures.length === 2 ? 'two_shot' : figures.length === 1 ? 'medium' : 'wide');
  const composition = {
    shotType,
    angle: firstMatch(text, ANGLE_PATTERNS) ?? 'eye_level',
    movement: firstMatch(text, MOVE_PATTERNS),
    figures,
    location: { name: locationName(text, elements).slice(0, 120), intExt, timeOfDay: firstMatch(text, TIME_PATTERNS) ?? 'DAY', elements },
    caption: text.replace(/\s+/g, ' ').trim().slice(0, 300) || undefined,
  };
  return CompositionSchema.parse(composition);
}
