import type { CharacterProfile, OutlineOption, SceneElement, Screenplay, ScreenplayScene, TimeOfDay } from '@automovie/contracts';
import { analyze, normalizeGenre } from './analyze.ts';
import { type CastEntry, castOf } from './cast.ts';
import { type Genre, PLACES, type PlaceInfo } from './lexicon.ts';
import { asSpeaker, extension, type Intent, type LineContext, line, toFirstPerson, toSecondPerson } from './lines.ts';
import type { Rng } from './prng.ts';
import { beatFunction, type Fn } from './story.ts';
import { capitalize, clip, headNoun, period, sentences } from './text.ts';
import { actionSeconds, dialogueSeconds, sceneSeconds } from './timing.ts';

/**
 * The screenplay writer: scenes that follow the outline's beats, set in the outline's places,
 * spoken by the bible's cast, and sized so the film runs close to its target length.
 */

/** Screen seconds per scene the writer aims for (≈ one scene per 15–25 s). */
export const SECONDS_PER_SCENE = 20;

interface Location {
  noun: string;
  phrase: string;
  upper: string;
  info: PlaceInfo;
}

interface StoryContext {
  genre: Genre;
  places: Location[];
  obj?: string;
  objNoun?: string;
  goal: string;
  deadline: string;
  twist?: string;
  theme?: string;
  nightStory: boolean;
}

const DEFAULT_PLACE: Record<Genre, string> = {
  mystery: 'hotel',
  thriller: 'city',
  horror: 'house',
  comedy: 'apartment',
  romance: 'cafe',
  drama: 'home',
  adventure: 'island',
  fantasy: 'forest',
  'sci-fi': 'space station',
};

function readStory(outline: OutlineOption, rng: Rng): StoryContext {
  const text = [outline.logline, outline.synopsis, ...outline.beats.map((bt) => bt.summary)].join('\n');
  const a = analyze(text);
  const genre = normalizeGenre(outline.genre) ?? normalizeGenre(outline.tone) ?? 'drama';
  const places: Location[] = a.places
    .filter((pl) => !pl.proper)
    .map((pl) => ({ noun: pl.noun, phrase: `the ${pl.noun}`, upper: pl.noun.toUpperCase(), info: pl.info }));
  if (places.length === 0) {
    const noun = DEFAULT_PLACE[genre];
    places.push({ noun, phrase: `the ${noun}`, upper: noun.toUpperCase(), info: PLACES[noun]! });
  }
  const objPhrase = a.objects[0];
  const twist = text.match(/\b(?:discovers|learns|realises|realizes) that ([^.]+?)(?:, and everything|\.)/)?.[1];
  const theme = text.match(/\bunderstands that ([^.,]+?)(?:[.,]|$)/m)?.[1] ?? text.match(/\bis about [a-z ]+: ([^.]+)\./)?.[1];
  const deadline = a.deadline ?? rng.pick(['before it is too late', 'before morning', 'before anyone else finds out']);
  const goal = a.goal ?? (objPhrase ? `find out what ${`the ${headNoun(objPhrase)}`} means` : `set things right`);
  return {
    genre,
    places,
    obj: objPhrase ? `the ${headNoun(objPhrase)}` : undefined,
    objNoun: objPhrase ? headNoun(objPhrase) : undefined,
    goal,
    deadline,
    twist: twist && twist.length < 200 ? twist : undefined,
    theme: theme && theme.length < 160 && !/\bthe same\b/.test(theme) ? theme : undefined,
    nightStory: a.timeOfDay === 'NIGHT' || ['horror', 'thriller', 'mystery'].includes(genre),
  };
}

/** Who is on screen for each kind of beat: H hero, A ally, F foe, O someone else. */
const SCENE_PLAN: Record<Fn, { who: Array<'H' | 'A' | 'F' | 'O'>; intents: Array<['H' | 'A' | 'F' | 'O', Intent]> }> = {
  opening: {
    who: ['H', 'A'],
    intents: [
      ['A', 'greet'],
      ['H', 'deflect'],
      ['A', 'press'],
      ['H', 'place'],
    ],
  },
  theme: {
    who: ['H', 'A'],
    intents: [
      ['A', 'confide'],
      ['H', 'deflect'],
      ['A', 'press'],
    ],
  },
  setup: {
    who: ['H', 'A'],
    intents: [
      ['A', 'greet'],
      ['H', 'deflect'],
      ['A', 'press'],
      ['H', 'place'],
    ],
  },
  catalyst: {
    who: ['H', 'A'],
    intents: [
      ['H', 'discover'],
      ['A', 'question'],
      ['H', 'speculate'],
      ['A', 'warn'],
    ],
  },
  debate: {
    who: ['H', 'A'],
    intents: [
      ['A', 'urge'],
      ['H', 'refuse'],
      ['A', 'urge'],
      ['H', 'concede'],
    ],
  },
  mentor: {
    who: ['H', 'O'],
    intents: [
      ['O', 'advise'],
      ['H', 'question'],
      ['O', 'hint'],
    ],
  },
  threshold: {
    who: ['H', 'A'],
    intents: [
      ['H', 'decide'],
      ['A', 'join'],
      ['H', 'plan'],
    ],
  },
  bstory: {
    who: ['H', 'A'],
    intents: [
      ['A', 'press'],
      ['H', 'confide'],
      ['A', 'warm'],
    ],
  },
  fun: {
    who: ['H', 'F'],
    intents: [
      ['H', 'probe'],
      ['F', 'evade'],
      ['H', 'probe'],
      ['F', 'hint'],
    ],
  },
  midpoint: {
    who: ['H', 'A'],
    intents: [
      ['A', 'reveal'],
      ['H', 'shock'],
      ['A', 'detail'],
    ],
  },
  closeIn: {
    who: ['H', 'F', 'A'],
    intents: [
      ['F', 'threaten'],
      ['H', 'defy'],
      ['A', 'hurry'],
    ],
  },
  allIsLost: {
    who: ['H', 'A'],
    intents: [
      ['A', 'blame'],
      ['H', 'admit'],
      ['A', 'leave'],
    ],
  },
  darkNight: {
    who: ['H'],
    intents: [
      ['H', 'alone'],
      ['H', 'alone'],
    ],
  },
  ordeal: {
    who: ['H', 'F'],
    intents: [
      ['F', 'demand'],
      ['H', 'defy'],
      ['F', 'threaten'],
      ['H', 'stand'],
    ],
  },
  reward: {
    who: ['H', 'A'],
    intents: [
      ['A', 'after'],
      ['H', 'reveal'],
      ['A', 'warm'],
    ],
  },
  breakThree: {
    who: ['H', 'A'],
    intents: [
      ['H', 'plan'],
      ['A', 'join'],
    ],
  },
  roadBack: {
    who: ['H', 'A'],
    intents: [
      ['A', 'hurry'],
      ['H', 'plan'],
    ],
  },
  climax: {
    who: ['H', 'F', 'A'],
    intents: [
      ['F', 'demand'],
      ['H', 'stand'],
      ['F', 'threaten'],
      ['H', 'defy'],
    ],
  },
  resolution: {
    who: ['H', 'A'],
    intents: [
      ['A', 'after'],
      ['H', 'changed'],
      ['A', 'warm'],
    ],
  },
  finalImage: {
    who: ['H', 'A'],
    intents: [
      ['A', 'after'],
      ['H', 'changed'],
    ],
  },
};

const PARENTHETICALS: Partial<Record<Intent, string[]>> = {
  deflect: ['not looking up', 'too quickly'],
  discover: ['quietly', 'holding it up to the light'],
  shock: ['barely a whisper', 'beat'],
  threaten: ['pleasantly', 'stepping closer'],
  admit: ['after a long moment', 'quietly'],
  alone: ['to {refl}', 'under {pos} breath'],
  changed: ['smiling, almost', 'beat'],
  confide: ['beat', 'softly'],
  reveal: ['careful', 'beat'],
};

const TIMES_DAY: TimeOfDay[] = ['MORNING', 'DAY', 'DAY', 'DUSK', 'NIGHT', 'NIGHT', 'DAWN'];
const TIMES_NIGHT: TimeOfDay[] = ['DUSK', 'NIGHT', 'NIGHT', 'NIGHT', 'NIGHT', 'NIGHT', 'DAWN'];

function timeFor(i: number, n: number, night: boolean): TimeOfDay {
  const seq = night ? TIMES_NIGHT : TIMES_DAY;
  if (n === 1) return night ? 'NIGHT' : 'DAY';
  return seq[Math.min(seq.length - 1, Math.round((i / (n - 1)) * (seq.length - 1)))]!;
}

interface Slotted {
  H: CastEntry;
  A?: CastEntry;
  F?: CastEntry;
  O?: CastEntry;
}

function assignRoles(cast: CastEntry[], sceneIndex: number): Slotted {
  const H = cast.find((c) => c.profile.role === 'protagonist') ?? cast[0]!;
  const F = cast.find((c) => c.profile.role === 'antagonist');
  const others = cast.filter((c) => c !== H && c !== F);
  const sorted = [...others].sort((x, y) => (x.profile.role === 'deuteragonist' ? -1 : 0) - (y.profile.role === 'deuteragonist' ? -1 : 0));
  const A = sorted[0];
  // Rotate the rest through scenes so every supporting character gets screen time.
  const O = sorted.length > 1 ? sorted[1 + (sceneIndex % (sorted.length - 1))] : A;
  return { H, A, F, O };
}

function pick(slot: 'H' | 'A' | 'F' | 'O', s: Slotted): CastEntry | undefined {
  if (slot === 'H') return s.H;
  if (slot === 'A') return s.A ?? s.O ?? s.F;
  if (slot === 'F') return s.F ?? s.O ?? s.A;
  return s.O ?? s.A ?? s.F;
}

function introduce(c: CastEntry, seen: Set<string>): string {
  if (seen.has(c.profile.name)) return c.first;
  seen.add(c.profile.name);
  const age = c.profile.age !== undefined ? ` (${c.profile.age})` : '';
  const outfit = c.outfit?.split(/ with | and /)[0];
  return `${c.profile.name.toUpperCase()}${age}${outfit ? `, in ${outfit},` : ''}`;
}

function actionFromBeat(summary: string): string | undefined {
  const first = sentences(summary).find((s) => !/^(?:the stakes|at its heart|there is no going back)/i.test(s));
  return first
    ? clip(first.replace(/^(?:In the end|When it is over|By the last scene|It all works out[^:]*:)\s*,?\s*/i, ''), 400).replace(
        /^./,
        (ch) => ch.toUpperCase(),
      )
    : undefined;
}

export interface ScreenplayInput {
  outline: OutlineOption;
  characters: CharacterProfile[];
  targetDurationS: number;
}

export function draftScreenplay(input: ScreenplayInput, rng: Rng, seed: number): Screenplay {
  const { outline, targetDurationS } = input;
  const ctx = readStory(outline, rng.fork('story'));
  const cast = castOf(input.characters);
  const n = Math.max(1, Math.min(500, Math.round(targetDurationS / SECONDS_PER_SCENE)));
  const budget = targetDurationS / n;
  const beats = outline.beats;
  const seen = new Set<string>();
  const scenes: ScreenplayScene[] = [];
  for (let i = 0; i < n; i++) {
    // Scene i covers the beats whose span overlaps its share of the film.
    const from = Math.floor((i * beats.length) / n);
    const to = Math.max(from + 1, Math.floor(((i + 1) * beats.length) / n));
    const covered = beats.slice(from, to);
    const main = covered[covered.length === 1 ? 0 : Math.floor(covered.length / 2)] ?? beats[0]!;
    const fn = beatFunction(main.name, beats.indexOf(main), beats.length);
    const srng = rng.fork(`scene${i}`);
    scenes.push(
      writeScene(
        i,
        n,
        fn,
        main.summary,
        covered.map((bt) => bt.summary),
        cast,
        ctx,
        budget,
        seen,
        srng,
      ),
    );
  }
  return {
    title: clip(outline.title, 200),
    titlePage: {
      Title: clip(outline.title, 2000),
      Credit: 'Written by',
      Author: 'Automovie drafting engine (offline draft)',
      Notes: clip(`${outline.logline} — offline draft, seed ${seed}.`, 2000),
    },
    scenes,
  };
}

function writeScene(
  i: number,
  n: number,
  fn: Fn,
  mainSummary: string,
  summaries: string[],
  cast: CastEntry[],
  ctx: StoryContext,
  budget: number,
  seen: Set<string>,
  rng: Rng,
): ScreenplayScene {
  const slots = assignRoles(cast, i);
  const plan = SCENE_PLAN[fn];
  const inScene = [...new Set(plan.who.map((w) => pick(w, slots)).filter((c): c is CastEntry => c !== undefined))];
  // Places: the main one opens and closes the film; the middle moves around.
  const mainPlace = ctx.places[0]!;
  const pool = ctx.places.length > 1 ? ctx.places : [mainPlace];
  const loc = i === 0 || i === n - 1 || fn === 'climax' ? mainPlace : pool[(i + 1) % pool.length]!;
  const area = loc.info.areas.length > 0 && i > 0 && rng.chance(0.6) ? rng.pick(loc.info.areas) : undefined;
  const intExt = area ? 'INT' : loc.info.intExt;
  const location = area ? `${loc.upper} - ${area}` : loc.upper;
  const timeOfDay = timeFor(i, n, ctx.nightStory);
  const details = rng.shuffle(loc.info.details);
  const detail = details[0] ?? 'the room is quiet';

  const elements: SceneElement[] = [];
  const H = slots.H;
  // Opening action: the place, then who is here and what they are doing.
  const who = inScene.map((c) => introduce(c, seen));
  const doing =
    fn === 'darkNight'
      ? `sits alone${ctx.obj ? ` with ${ctx.obj}` : ''}`
      : fn === 'climax' || fn === 'ordeal'
        ? 'face each other'
        : inScene.length > 1
          ? rng.pick(
              fn === 'resolution' || fn === 'finalImage'
                ? ['sit together', 'share a quiet moment']
                : ['are mid-argument', 'work in silence', 'wait for the other to speak first'],
            )
          : rng.pick(['works alone', 'paces', 'keeps watch']);
  const verb = inScene.length > 1 && doing.startsWith('sits') ? 'sit alone' : doing;
  elements.push({
    type: 'action',
    text: `${capitalize(detail)}. ${who.length > 1 ? `${who.slice(0, -1).join(', ')} and ${who[who.length - 1]}` : who[0]} ${verb}.`,
  });
  const beatAction = actionFromBeat(mainSummary);
  if (beatAction && budget >= 24) elements.push({ type: 'action', text: beatAction });

  // Dialogue, sized to the scene's share of the film.
  const said = new Set<string>();
  const lineCtx = (speaker: CastEntry, listener: CastEntry): LineContext => ({
    genre: ctx.genre,
    speaker: speaker.first,
    listener: listener.first,
    hero: H.first,
    heroSpeaks: speaker === H,
    foe: slots.F?.first,
    obj: ctx.obj,
    objNoun: ctx.objNoun,
    place: loc.phrase,
    placeNoun: loc.noun,
    goalI: toFirstPerson(ctx.goal),
    goalYou: toSecondPerson(ctx.goal, H.first).replace(/\bmy\b/g, 'your'),
    deadline: ctx.deadline,
    twistToHero: ctx.twist ? toSecondPerson(speaker === H ? ctx.twist : asSpeaker(ctx.twist, speaker.first), H.first) : undefined,
    twist: ctx.twist,
    theme: ctx.theme,
    detail: details[1] ?? detail,
    said,
  });
  const intents = [...plan.intents];
  const fillers: Record<'H' | 'A' | 'F', Intent[]> = {
    H: ['detail', 'speculate', 'plan'],
    A: ['question', 'detail', 'press'],
    F: ['hint', 'evade', 'threaten'],
  };
  const closing = fn === 'resolution' || fn === 'finalImage' || fn === 'reward';
  let total = sceneSeconds({ elements });
  let last: CastEntry | undefined;
  const addLine = (slot: 'H' | 'A' | 'F' | 'O', intent: Intent): boolean => {
    let speaker = pick(slot, slots) ?? H;
    if (!inScene.includes(speaker)) speaker = inScene.find((c) => c !== last) ?? H;
    const listener = inScene.find((c) => c !== speaker) ?? speaker;
    const lc = lineCtx(speaker, listener);
    let text = line(intent, lc, rng);
    const alone = listener === speaker;
    if (alone) text = text.replace(new RegExp(`,? ${speaker.first}([.?!])`, 'g'), '$1');
    const remaining = budget - total;
    if (!closing && elements.some((e) => e.type === 'dialogue') && remaining > dialogueSeconds(text) + 7 && rng.chance(0.5))
      text = `${text} ${extension(lc, rng)}`;
    const secs = dialogueSeconds(text);
    if (total + secs > budget * 1.12 && elements.some((e) => e.type === 'dialogue')) return false;
    const el: SceneElement = { type: 'dialogue', character: speaker.cue, text: clip(text, 20_000) };
    const par = PARENTHETICALS[intent];
    if (alone && !par) el.parenthetical = `to ${speaker.p.refl}`;
    else if (par && rng.chance(0.35)) el.parenthetical = rng.pick(par).replace('{refl}', speaker.p.refl).replace('{pos}', speaker.p.pos);
    if (last === speaker && elements[elements.length - 1]?.type === 'dialogue') el.extension = "CONT'D";
    elements.push(el);
    total += secs;
    last = speaker;
    return true;
  };
  for (const [slot, intent] of intents) {
    if (total >= budget * 0.95) break;
    if (!addLine(slot, intent)) break;
    // Object business halfway through, when there is time for it.
    if (ctx.obj && elements.length === 4 && budget - total > 6) {
      const holder = inScene.find((c) => c !== H) && rng.chance(0.4) ? inScene.find((c) => c !== H)! : H;
      const act = `${holder.first} ${rng.pick(['turns', 'holds up', 'sets down', 'pockets', 'studies'])} ${ctx.obj}${rng.chance(0.5) ? ` while ${details[2] ?? detail}` : ''}.`;
      elements.push({ type: 'action', text: act });
      total += actionSeconds(act);
    }
  }
  let guard = 0;
  while (total < budget * 0.85 && guard++ < 12) {
    const slot: 'H' | 'A' | 'F' = last === H ? (inScene.find((c) => c !== H) === slots.F ? 'F' : 'A') : 'H';
    if (!addLine(slot, rng.pick(closing && slot !== 'F' ? (['warm', 'changed'] as Intent[]) : fillers[slot]))) break;
  }
  // Close on an image: the object, the place, or a look.
  if (budget - total >= 2.5 && total < budget * 0.97) {
    const close =
      fn === 'resolution' || fn === 'finalImage'
        ? `${capitalize(loc.phrase)}, ${timeOfDay.toLowerCase()}: ${details[0] ?? detail}. ${H.first} ${inScene.length > 1 ? 'is not alone' : 'stays'}.`
        : `${H.first} ${rng.pick(['looks out', 'does not move', 'checks the time'])}.`;
    elements.push({ type: 'action', text: close });
  }
  elements.push({ type: 'transition', text: i === n - 1 ? 'FADE OUT.' : transition(ctx.genre, rng) });
  const heading = `${intExt}. ${location} - ${timeOfDay}`;
  return {
    number: i + 1,
    heading,
    intExt,
    location: clip(location, 120),
    timeOfDay,
    summary: clip(summaries.map(period).join(' '), 2000),
    elements,
  };
}

function transition(genre: Genre, rng: Rng): string {
  if ((genre === 'thriller' || genre === 'horror') && rng.chance(0.3)) return 'SMASH CUT TO:';
  if ((genre === 'romance' || genre === 'drama') && rng.chance(0.3)) return 'DISSOLVE TO:';
  return rng.pick(['CUT TO:', 'CUT TO:', 'MATCH CUT TO:']);
}
