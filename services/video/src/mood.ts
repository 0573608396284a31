import type { SceneRecord } from '@automovie/contracts';
import { MUSIC_MOODS, type MusicMood, resolveMood } from '@automovie/media';

/**
 * A scene's mood in the music generator's vocabulary (tense, tender, playful, melancholic,
 * triumphant, eerie, neutral): each clause of the summary (counted twice: it says what the scene
 * is about), the action lines and the parentheticals votes for the mood its words name; the most
 * votes win, ties going to the mood named first. Neutral when no word names one.
 */
export function sceneMood(scene: Pick<SceneRecord, 'summary' | 'elements' | 'heading'>): MusicMood {
  const texts: Array<[string, number]> = [[scene.summary, 2]];
  for (const e of scene.elements) {
    if (e.type === 'action') texts.push([e.text, 1]);
    else if (e.type === 'dialogue' && e.parenthetical) texts.push([e.parenthetical, 1]);
  }
  const votes = new Map<MusicMood, { n: number; first: number }>();
  let at = 0;
  for (const [text, weight] of texts) {
    for (const clause of text.split(/[.;:!?,\n—–]+/)) {
      at++;
      const mood = resolveMood(clause);
      if (mood === 'neutral') continue;
      const v = votes.get(mood) ?? { n: 0, first: at };
      v.n += weight;
      votes.set(mood, v);
    }
  }
  let best: MusicMood = 'neutral';
  let bestVote = { n: 0, first: Number.POSITIVE_INFINITY };
  for (const mood of MUSIC_MOODS) {
    const v = votes.get(mood);
    if (v && (v.n > bestVote.n || (v.n === bestVote.n && v.first < bestVote.first))) {
      best = mood;
      bestVote = v;
    }
  }
  return best;
}
