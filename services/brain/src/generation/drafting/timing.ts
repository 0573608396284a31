import type { SceneElement, ScreenplayScene } from '@automovie/contracts';
import { wordCount } from './text.ts';

/**
 * How long a script runs on screen. One estimator for the screenplay writer (to size scenes to a
 * target length) and the shot planner (to give every shot its share), so the two always agree.
 */

/** Speaking rate of dialogue, words per second (≈150 words per minute). */
export const WORDS_PER_SECOND = 2.5;
/** Breath between two lines of dialogue. */
export const LINE_PAUSE_S = 0.6;
/** A scene without any action still opens on an establishing moment this long. */
export const ESTABLISHING_S = 3;

export function dialogueSeconds(text: string): number {
  return wordCount(text) / WORDS_PER_SECOND + LINE_PAUSE_S;
}

/**
 * Action is read faster than it plays: ~0.3 s per word, at least one 2.5 s beat and at most 8 s.
 * The (4, 5) gap is closed so that any action fits one shot (≤ 4 s) or two shots of ≥ 2.5 s.
 */
export function actionSeconds(text: string): number {
  const t = Math.min(8, Math.max(2.5, wordCount(text) * 0.3));
  return t > 4 && t < 5 ? 4 : t;
}

export function elementSeconds(el: SceneElement): number {
  if (el.type === 'dialogue') return dialogueSeconds(el.text);
  if (el.type === 'action') return actionSeconds(el.text);
  return 0;
}

export function sceneSeconds(scene: Pick<ScreenplayScene, 'elements'>): number {
  const total = scene.elements.reduce((sum, el) => sum + elementSeconds(el), 0);
  return scene.elements.some((el) => el.type === 'action') ? total : total + ESTABLISHING_S;
}

export function screenplaySeconds(scenes: ReadonlyArray<Pick<ScreenplayScene, 'elements'>>): number {
  return scenes.reduce((sum, s) => sum + sceneSeconds(s), 0);
}
