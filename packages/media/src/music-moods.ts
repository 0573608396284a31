export const MUSIC_MOODS = ['tense', 'tender', 'playful', 'melancholic', 'triumphant', 'eerie', 'neutral'] as const;
export type MusicMood = (typeof MUSIC_MOODS)[number];

/** Free words onto the moods the synthesiser knows; the first mood with a matching word wins. */
const MOOD_WORDS: Record<Exclude<MusicMood, 'neutral'>, RegExp> = {
  eerie: /\b(eerie|ghost\w*|haunt\w*|horror|uncanny|creep\w*|spooky|mysteri\w*|myster\w*|supernatural|dread|otherworldly|surreal)\b/,
  tense:
    /\b(tense|tension|suspense\w*|thrill\w*|danger\w*|fear\w*|anxious|anxiety|chase|urgent|ominous|dark|menac\w*|nervous|action|conflict|noir|threat\w*)\b/,
  melancholic:
    /\b(melanchol\w*|sad\w*|grief|griev\w*|loss|lonely|loneliness|mourn\w*|nostalg\w*|wistful|bittersweet|somber|sombre|tragic|regret\w*|rain\w*|elegiac)\b/,
  tender:
    /\b(tender\w*|love\w*|loving|romanc\w*|romantic|warm\w*|gentle|intimate|soft|calm\w*|peace\w*|hope\w*|heartfelt|quiet|sweet|wry)\b/,
  playful: /\b(playful|fun|funny|comic\w*|comedy|whimsical|light\w*|quirky|silly|cheer\w*|bouncy|joy\w*|happy|upbeat|mischie\w*)\b/,
  triumphant: /\b(triumph\w*|victor\w*|epic|heroic|hero\w*|glor\w*|uplift\w*|celebrat\w*|grand|majestic|inspir\w*|win\w*|anthem\w*)\b/,
};

/** The synthesiser's mood for a free description ("wry, tender" → tender); `neutral` when nothing matches. */
export function resolveMood(description: string): MusicMood {
  const text = description.toLowerCase();
  const exact = MUSIC_MOODS.find((m) => text.trim() === m);
  if (exact) return exact;
  let best: { mood: MusicMood; at: number } | undefined;
  for (const [mood, re] of Object.entries(MOOD_WORDS) as Array<[MusicMood, RegExp]>) {
    const m = re.exec(text);
    if (m && (!best || m.index < best.at)) best = { mood, at: m.index };
  }
  return best?.mood ?? 'neutral';
}
