import type { CharacterProfile, ImagePrompts, ScreenplayScene, ShotPlan } from '@automovie/contracts';
import { clip } from './text.ts';

/**
 * One text-to-image prompt per shot. Characters are described with their bible wording, verbatim
 * every time, so a model draws the same person in every frame.
 */

const FRAMING: Record<ShotPlan['type'], string> = {
  extreme_wide: 'extreme wide shot',
  wide: 'wide shot',
  full: 'full shot',
  medium: 'medium shot',
  medium_close: 'medium close-up',
  close_up: 'close-up',
  extreme_close_up: 'extreme close-up',
  over_the_shoulder: 'over-the-shoulder shot',
  two_shot: 'two-shot',
  insert: 'insert shot, detail',
  pov: 'point-of-view shot',
};
const ANGLE: Record<ShotPlan['angle'], string> = {
  eye_level: 'eye-level camera',
  high: 'high angle',
  low: 'low angle',
  overhead: 'overhead view',
  dutch: 'dutch angle',
};

export interface PromptsInput {
  shots: ShotPlan[];
  scenes: ScreenplayScene[];
  characters: CharacterProfile[];
  style?: string;
}

export function writeImagePrompts(input: PromptsInput): ImagePrompts {
  const scenes = new Map(input.scenes.map((s) => [s.number, s]));
  const byName = new Map(input.characters.map((c) => [c.name.toLowerCase(), c]));
  const style = input.style ?? 'cinematic storyboard frame, clean linework, muted colour';
  const prompts = input.shots.map((shot) => {
    const scene = scenes.get(shot.sceneNumber);
    const where = scene
      ? `${scene.intExt === 'EXT' ? 'exterior' : scene.intExt === 'INT' ? 'interior' : 'interior/exterior'} ${scene.location.toLowerCase()}, ${scene.timeOfDay.toLowerCase()}`
      : 'the scene’s location';
    const people = shot.characters
      .map((n) => byName.get(n.toLowerCase()) ?? [...byName.values()].find((c) => c.name.toLowerCase().split(' ')[0] === n.toLowerCase()))
      .filter((c): c is CharacterProfile => c !== undefined)
      .map((c) => `${c.name}: ${c.visualDescription}`);
    // The action is what gets shortened when a prompt runs long; framing, place, people and style never are.
    const action = shot.description.replace(/^[^:.]*?(?:Establishing|Insert|shot|Over [^:]*?|on [A-Z][^:]*?):\s*/, '');
    const fixed = [`${FRAMING[shot.type]}, ${ANGLE[shot.angle]}, ${shot.lensMm}mm lens`, where, ...people, style];
    const room = 2000 - fixed.join('. ').length - 20;
    const parts = [fixed[0], fixed[1], ...people, room > 40 ? `Action: ${clip(action, room)}` : '', style]
      .filter(Boolean)
      .map((x) => x!.replace(/[.\s]+$/, ''));
    return {
      sceneNumber: shot.sceneNumber,
      order: shot.order,
      prompt: clip(parts.join('. '), 2000),
      negativePrompt: `text, captions, watermark, extra limbs, deformed hands, blurry${people.length <= 1 ? ', crowd' : ''}`,
    };
  });
  return { prompts };
}
