import type { CharacterProfile, SceneElement, ScreenplayScene, ShotList, ShotPlan, ShotType } from '@automovie/contracts';
import { type CastEntry, castOf, resolveSpeaker } from './cast.ts';
import { OBJECTS } from './lexicon.ts';
import type { Rng } from './prng.ts';
import { clip } from './text.ts';
import { actionSeconds, dialogueSeconds, ESTABLISHING_S } from './timing.ts';

/**
 * The shot planner: an establishing shot, coverage of every line of dialogue (each covered by
 * exactly one shot), inserts for the objects the action names, and durations taken from the
 * same estimator as the screenplay so a scene's shots add up to the scene.
 */

export const LENS_MM: Record<ShotType, number> = {
  extreme_wide: 18,
  wide: 24,
  full: 35,
  medium: 50,
  medium_close: 65,
  close_up: 85,
  extreme_close_up: 100,
  over_the_shoulder: 50,
  two_shot: 40,
  insert: 100,
  pov: 35,
};

const EMOTIONAL = /\b(sorry|afraid|scared|trusted|love|hate|over|alone|never|please|dead|die|lost|home|forgive)\b|!/i;

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

/** Splits an action's time into shots of 2.5–4 s (one shot when it fits). */
function splitAction(total: number): number[] {
  if (total <= 4) return [total];
  const k = Math.ceil(total / 4);
  return Array.from({ length: k }, () => total / k);
}

function mentioned(text: string, cast: CastEntry[]): CastEntry[] {
  return cast.filter((c) => new RegExp(`\\b(?:${c.first}|${c.profile.name})\\b`, 'i').test(text));
}

const WORN = new Set(['coat', 'hat', 'scarf', 'sweater', 'glove', 'shoe', 'shoes', 'badge', 'bag', 'mask']);

function objectIn(text: string): string | undefined {
  // Outfits in character introductions ("in a brick red oilskin coat,") are costume, not props.
  const props = text.replace(/\bin (?:a|an) [^,.]+[,.]/gi, ' ');
  for (const w of props.toLowerCase().match(/[a-z]+/g) ?? []) if (OBJECTS.has(w) && !WORN.has(w)) return w;
  return undefined;
}

export interface ShotsInput {
  scenes: ScreenplayScene[];
  characters: CharacterProfile[];
  style?: string;
}

export function planShots(input: ShotsInput, rng: Rng): ShotList {
  const cast = castOf(input.characters);
  const shots: ShotPlan[] = [];
  for (const scene of input.scenes) shots.push(...planScene(scene, cast, rng.fork(`scene${scene.number}`)));
  return { shots };
}

// The style is not written into shot descriptions: it belongs to the image prompts (image.prompts),
// while a description is what the shot shows, read in the storyboard caption, the booklet and the shot list.
function planScene(scene: ScreenplayScene, cast: CastEntry[], rng: Rng): ShotPlan[] {
  const out: Array<Omit<ShotPlan, 'sceneNumber' | 'order'>> = [];
  const els = scene.elements;
  const speakerOf = (el: SceneElement) => (el.type === 'dialogue' ? resolveSpeaker(el.character, cast) : undefined);
  const nameOf = (el: SceneElement) => (el.type === 'dialogue' ? (speakerOf(el)?.profile.name ?? el.character) : '');
  const inScene = new Set<string>();
  for (const el of els) {
    if (el.type === 'dialogue') inScene.add(nameOf(el));
    if (el.type === 'action') for (const c of mentioned(el.text, cast)) inScene.add(c.profile.name);
  }
  const everyone = [...inScene].slice(0, 10);
  const place = `${scene.location.toLowerCase()} (${scene.intExt === 'EXT' ? 'exterior' : 'interior'}, ${scene.timeOfDay.toLowerCase()})`;
  const firstAction = els.findIndex((e) => e.type === 'action');
  if (firstAction < 0) {
    out.push({
      type: scene.intExt === 'EXT' ? 'extreme_wide' : 'wide',
      angle: 'high',
      movement: 'static',
      lensMm: LENS_MM.wide,
      durationS: ESTABLISHING_S,
      description: clip(`Establishing: ${place}.`, 2000),
      characters: everyone,
      elementIndexes: [],
    });
  }
  const spoken = new Set<string>();
  for (let i = 0; i < els.length; i++) {
    const el = els[i]!;
    if (el.type === 'action') {
      const parts = splitAction(actionSeconds(el.text));
      const who = mentioned(el.text, cast).map((c) => c.profile.name);
      const obj = objectIn(el.text);
      parts.forEach((d, k) => {
        let type: ShotType;
        if (i === firstAction && k === 0) type = scene.intExt === 'EXT' ? 'extreme_wide' : 'wide';
        else if (obj && k === parts.length - 1) type = 'insert';
        else type = who.length > 1 ? 'full' : who.length === 1 ? 'medium' : 'wide';
        const framing =
          type === 'insert'
            ? `Insert: the ${obj}`
            : i === firstAction && k === 0
              ? `Establishing: ${place}`
              : `${type.replace('_', ' ')} of ${who.join(' and ') || place}`;
        out.push({
          type,
          angle: i === firstAction && k === 0 && rng.chance(0.4) ? 'high' : 'eye_level',
          movement: i === firstAction && k === 0 ? rng.pick(['static', 'pan_right', 'tracking'] as const) : 'static',
          lensMm: LENS_MM[type],
          durationS: round1(d),
          description: clip(`${framing}. ${el.text}`, 2000),
          characters: type === 'insert' ? [] : i === firstAction && k === 0 ? everyone : who,
          elementIndexes: [],
        });
      });
      continue;
    }
    if (el.type !== 'dialogue') continue;
    const speaker = nameOf(el);
    const next = els[i + 1];
    const others = everyone.filter((n) => n !== speaker);
    // Two quick lines between two people play in one two-shot.
    if (
      next?.type === 'dialogue' &&
      nameOf(next) !== speaker &&
      el.text.split(/\s+/).length <= 9 &&
      next.text.split(/\s+/).length <= 9 &&
      rng.chance(0.6)
    ) {
      out.push({
        type: 'two_shot',
        angle: 'eye_level',
        movement: 'static',
        lensMm: LENS_MM.two_shot,
        durationS: round1(Math.min(120, dialogueSeconds(el.text) + dialogueSeconds(next.text))),
        description: clip(`Two-shot, ${speaker} and ${nameOf(next)}: "${el.text}" / "${next.text}"`, 2000),
        characters: [speaker, nameOf(next)],
        elementIndexes: [i, i + 1],
      });
      spoken.add(speaker);
      spoken.add(nameOf(next));
      i++;
      continue;
    }
    const emotional = EMOTIONAL.test(el.text) || el.parenthetical !== undefined;
    const profile = speakerOf(el)?.profile;
    let type: ShotType;
    if (!spoken.has(speaker) && others.length > 0) type = 'over_the_shoulder';
    else if (emotional) type = rng.chance(0.5) ? 'close_up' : 'medium_close';
    else type = rng.pick(['medium', 'medium_close', 'medium'] as const);
    spoken.add(speaker);
    const listener = others[0];
    const framing =
      type === 'over_the_shoulder' && listener ? `Over ${listener}'s shoulder onto ${speaker}` : `${type.replace(/_/g, ' ')} on ${speaker}`;
    out.push({
      type,
      angle: profile?.role === 'antagonist' ? 'low' : 'eye_level',
      movement: emotional && type !== 'over_the_shoulder' ? 'push_in' : 'static',
      lensMm: LENS_MM[type],
      durationS: round1(Math.max(0.5, Math.min(120, dialogueSeconds(el.text)))),
      description: clip(`${framing}${el.parenthetical ? ` (${el.parenthetical})` : ''}: "${el.text}"`, 2000),
      characters: type === 'over_the_shoulder' && listener ? [speaker, listener] : [speaker],
      elementIndexes: [i],
    });
  }
  return out.map((s, k) => ({ ...s, sceneNumber: scene.number, order: k + 1 }));
}
