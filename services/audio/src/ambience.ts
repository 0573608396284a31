import type { LocationRecord, SceneRecord } from '@automovie/contracts';

/** Sounds a scene's words can ask for, in the words a sound-effect model (or the offline synthesiser) knows. */
const SOUNDS: Array<[RegExp, string]> = [
  [/\b(storm\w*|thunder\w*|lightning)\b/, 'a storm with thunder'],
  [/\b(rain\w*|drizzl\w*|downpour|wet)\b/, 'steady rain'],
  [/\b(wind\w*|breez\w*|gust\w*|blizzard)\b/, 'wind'],
  [/\b(sea|ocean|waves?|surf|beach|shore|harbou?r|coast|pier)\b/, 'sea waves'],
  [/\b(crowd\w*|chatter|caf[eé]\w*|restaurant|bar|pub|market|party|audience|station|diner)\b/, 'crowd murmur'],
  [/\b(traffic|street\w*|road\w*|cars?|city|highway|avenue|alley)\b/, 'street traffic'],
  [/\b(forest|woods|park|garden|meadow|countryside|field)\b/, 'birds'],
  [/\b(fire\w*|flames?|campfire|fireplace|hearth)\b/, 'crackling fire'],
  [/\b(clock\w*|tick\w*)\b/, 'a ticking clock'],
  [/\b(machine\w*|fridge|server|generator|fluorescent|neon|lab\w*|factory)\b/, 'electric hum'],
];

/**
 * What a scene's ambience should be, from its location (name, description, props), heading and
 * action: weather and places first (rain, street, sea, crowd…), room tone indoors, wind outdoors
 * when nothing else is said.
 */
export function ambienceFor(scene: SceneRecord, location: LocationRecord | undefined): string {
  const text = [
    scene.heading,
    scene.location,
    location?.name,
    location?.description,
    ...(location?.elements ?? []),
    scene.summary,
    ...scene.elements.map((e) => (e.type === 'action' ? e.text : '')),
  ]
    .filter((t): t is string => typeof t === 'string' && t !== '')
    .join(' ')
    .toLowerCase();
  const sounds: string[] = [];
  for (const [re, sound] of SOUNDS) if (re.test(text) && !sounds.includes(sound)) sounds.push(sound);
  const interior = scene.intExt === 'INT';
  if (interior) sounds.push('room tone');
  if (sounds.length === 0) sounds.push('light wind');
  const where = `${interior ? 'interior' : 'exterior'} ${(location?.name ?? scene.location).toLowerCase()}`;
  const when =
    scene.timeOfDay === 'NIGHT' ? ', at night' : scene.timeOfDay === 'DAWN' || scene.timeOfDay === 'MORNING' ? ', early morning' : '';
  return `Ambience of ${where}${when}: ${sounds.slice(0, 4).join(', ')}`.slice(0, 1000);
}
