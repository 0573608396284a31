import type { Genre } from './lexicon.ts';
import type { Rng } from './prng.ts';
import { capitalize } from './text.ts';

/**
 * Dialogue by intent. Every line is built from the story's own parts (names, the object, the
 * place, the goal, the deadline, the midpoint turn) so two ideas never share a scene's words,
 * and the seed chooses among phrasings.
 */

export interface LineContext {
  genre: Genre;
  /** The speaker's and listener's first names. */
  speaker: string;
  listener: string;
  hero: string;
  /** Speaker is the hero. */
  heroSpeaks: boolean;
  foe?: string;
  obj?: string;
  objNoun?: string;
  place: string;
  placeNoun: string;
  /** Goal as the hero says it ("find out who sent the message") and as others say it to the hero. */
  goalI: string;
  goalYou: string;
  deadline: string;
  twistToHero?: string;
  twist?: string;
  theme?: string;
  detail: string;
  /** The speaker's lines of this scene so far, to avoid saying the same thing twice. */
  said: Set<string>;
}

export type Intent =
  | 'greet'
  | 'deflect'
  | 'press'
  | 'place'
  | 'discover'
  | 'question'
  | 'speculate'
  | 'warn'
  | 'urge'
  | 'refuse'
  | 'concede'
  | 'advise'
  | 'decide'
  | 'join'
  | 'confide'
  | 'probe'
  | 'evade'
  | 'hint'
  | 'reveal'
  | 'shock'
  | 'threaten'
  | 'defy'
  | 'blame'
  | 'admit'
  | 'leave'
  | 'alone'
  | 'demand'
  | 'stand'
  | 'after'
  | 'changed'
  | 'warm'
  | 'hurry'
  | 'plan'
  | 'detail';

type T = (c: LineContext) => string | undefined;

const obj = (c: LineContext, fallback: string) => c.obj ?? fallback;

const LINES: Record<Intent, T[]> = {
  greet: [
    (c) => `You're still up. ${capitalize(c.detail)} — I could hear it from the road.`,
    (c) => `${c.listener}. I knocked twice. You never answer the door at ${c.place}.`,
    (c) => `Brought you something to eat. Don't look at me like that, ${c.listener}.`,
    (c) => `I thought I'd find you here. You're always at ${c.place} when something's wrong.`,
  ],
  deflect: [
    (c) => `I'm fine. ${capitalize(c.place)} doesn't run itself.`,
    () => `Nothing's wrong. Why does everyone keep asking me that?`,
    (c) => `If you came to check on me, you can tell them I'm alive. Now go, ${c.listener}.`,
    () => `I've got work. It's the only thing that ever made sense.`,
  ],
  press: [
    (c) => `When did you last leave ${c.place}, ${c.listener}? Honestly.`,
    () => `You can't keep doing this. Not on your own.`,
    (c) => `Everyone's worried about you. I'm the only one stupid enough to say it, ${c.listener}.`,
  ],
  place: [
    (c) => `Listen. ${capitalize(c.detail)}. Every night the same. That's how I like it.`,
    (c) => `Do you know how long I've kept ${c.place}? Long enough to stop counting.`,
    (c) => `This ${c.placeNoun} is the only place that never lied to me.`,
  ],
  discover: [
    (c) => `${c.listener}. Come and look at this. ${capitalize(obj(c, 'This'))} — it wasn't here yesterday.`,
    (c) =>
      c.obj ? `I found ${c.obj}. It has my name on it. Or something close to it.` : `Someone's been in ${c.place}. Things have moved.`,
    (c) => (c.obj ? `Look at ${c.obj}. Who would even make a thing like this?` : `Something's changed at ${c.place}. I can feel it.`),
  ],
  question: [
    (c) => `Where did you get ${obj(c, 'that')}?`,
    (c) => `Who else knows about ${obj(c, 'this')}, ${c.listener}?`,
    () => `What does it mean?`,
    () => `Is that what I think it is?`,
  ],
  speculate: [
    (c) => `I don't know. But whoever sent ${obj(c, 'it')} knew exactly where to find me.`,
    (c) => `It means someone wants me to ${c.goalI}. I just don't know why.`,
    (c) => `Maybe nothing. Maybe everything. ${capitalize(c.deadline)}, we'll know.`,
  ],
  warn: [
    (c) => `Put ${obj(c, 'it')} down, ${c.listener}. Things like that don't come for free.`,
    (_c) => `Whatever this is, it isn't your business. Leave it.`,
    (c) =>
      `${c.foe ? `If ${c.foe} hears about this` : 'If the wrong people hear about this'}, you'll wish you'd never found ${obj(c, 'it')}.`,
  ],
  urge: [
    (c) => `You have to ${c.goalYou}. You know you do.`,
    (c) => `${c.listener}, if anyone can ${c.goalYou}, it's you.`,
    (c) => `Then go. ${capitalize(c.deadline)} — that's all the time there is.`,
  ],
  refuse: [
    () => `No. I stopped doing this a long time ago.`,
    (c) => `I'm not going anywhere near it. ${capitalize(c.place)} is where I stay.`,
    () => `Find someone else. I mean it.`,
  ],
  concede: [
    (c) => `Fine. One night. Then I'm back at ${c.place} and we never talk about this.`,
    (c) => `All right. But we do it my way, ${c.listener}.`,
    () => `I hate that you're right.`,
  ],
  advise: [
    (c) => `Don't look at ${obj(c, 'the thing')} — look at what's missing from it.`,
    (c) => `The last person who tried to ${c.goalYou} went in alone. Don't.`,
    (c) => `Start where it started. ${capitalize(c.place)}. It always comes back to ${c.place}.`,
  ],
  decide: [
    (c) => `I'm going to ${c.goalI}. ${capitalize(c.deadline)}.`,
    (c) => `Get your coat, ${c.listener}. We're going to ${c.goalI.replace(/\bmy\b/g, 'our')}.`,
    (c) => `I'll ${c.goalI}. Whatever it costs.`,
  ],
  join: [
    () => `Then you're not doing it alone.`,
    (c) => `I'm coming with you. Don't argue, ${c.listener}.`,
    () => `About time. I'll bring the torch.`,
  ],
  confide: [
    (c) => `You want to know why I never leave ${c.place}? Because the one time I did, everything fell apart.`,
    () => `I used to be good at this. At people. Then I wasn't.`,
    (c) => `${c.theme ? `Somebody told me once that ${c.theme}. I didn't believe them.` : 'I keep thinking I can fix it alone.'}`,
  ],
  probe: [
    (c) => `You were at ${c.place} the night it happened. Don't tell me you weren't.`,
    (c) => `What do you know about ${obj(c, 'this')}, ${c.listener}?`,
    (c) => `Funny. You don't seem surprised to see me, ${c.listener}.`,
  ],
  evade: [
    () => `I know a great many things. Very few of them are your concern.`,
    (c) => `You should be careful what you go looking for, ${c.listener}.`,
    () => `I think you have me confused with someone who owes you an answer.`,
  ],
  hint: [
    (c) => `Ask yourself who benefits if you never ${c.goalYou}.`,
    (c) => `${capitalize(obj(c, 'It'))} isn't the question. Where it came from is.`,
    () => `You're closer than you think. That's what should frighten you.`,
  ],
  reveal: [
    (c) => (c.twistToHero ? `${capitalize(c.twistToHero)}.` : `It's not what we thought. None of it.`),
    (c) => (c.twistToHero ? `I worked it out. ${capitalize(c.twistToHero)}.` : `Look again. It was in front of us the whole time.`),
  ],
  shock: [
    () => `That's not possible.`,
    (c) => `Then everything I've done since ${obj(c, 'this')} turned up has been wrong.`,
    () => `How long have you known?`,
  ],
  threaten: [
    (c) => `Give me ${obj(c, 'what you found')} and walk away, ${c.listener}. That's the kind offer.`,
    (c) => `You should have stayed at ${c.place}. It was safer there.`,
    (c) => `${capitalize(c.deadline)}, nobody will remember you tried.`,
  ],
  defy: [
    (c) => `You'll have to take ${obj(c, 'it')} from me.`,
    () => `I'm done being afraid of you.`,
    (c) => `No. I'm going to ${c.goalI}, and you can't stop that.`,
  ],
  blame: [
    (c) => `This is what happens when you do everything alone, ${c.listener}.`,
    () => `I trusted you. I actually trusted you.`,
    (c) => `You chose ${obj(c, 'it')} over me. Again.`,
  ],
  admit: [
    () => `You're right. I pushed everyone away, and I called it being careful.`,
    () => `I was scared. I'm still scared.`,
    (c) => `I thought if I could ${c.goalI} on my own, nobody else would get hurt.`,
  ],
  leave: [
    (c) => `Call me when you're ready to let someone in, ${c.listener}.`,
    () => `I can't watch you do this again.`,
    () => `I'm going home. Don't follow me.`,
  ],
  alone: [
    (c) => `Come on. Think. ${capitalize(obj(c, 'It'))} — what am I missing?`,
    (c) => `${c.theme ? `${capitalize(c.theme)}. That's what they said. Fine.` : 'Fine. Fine. One more time.'}`,
    (c) => `I'm sorry, ${c.foe ?? 'everyone'}. I'm sorry.`,
  ],
  demand: [
    (c) => `It ends here, at ${c.place}. Hand it over.`,
    (c) => `You can't win this, ${c.listener}. Not ${c.deadline}.`,
    () => `Think very carefully about what you do next.`,
  ],
  stand: [
    (c) => `I know what ${obj(c, 'this')} means now. And so will everyone else.`,
    (c) => `${c.theme ? `You know what I learned? ${capitalize(c.theme)}.` : `I'm not alone this time.`}`,
    (c) => `It's over. I'm going to ${c.goalI}, and you're going to watch.`,
  ],
  after: [() => `So. What now?`, (c) => `Is it over, ${c.listener}?`, () => `You look different. Lighter.`],
  changed: [
    (c) => `Now I open the door when someone knocks. Even at ${c.place}.`,
    () => `Now? Now I think I'd like some company.`,
    (c) => `${c.theme ? `${capitalize(c.theme)}. Took me long enough.` : 'I think I finally get it.'}`,
  ],
  warm: [() => `Good. I'll put the kettle on.`, (c) => `Took you long enough, ${c.listener}.`, () => `Same time tomorrow, then.`],
  hurry: [
    (c) => `${capitalize(c.deadline)}, ${c.listener}. We're out of time.`,
    () => `Run. Don't look back — run!`,
    (c) => `They're right behind us. Which way to ${c.place}?`,
  ],
  plan: [
    (c) => `We go back to ${c.place}. Whoever wants ${obj(c, 'it')} will come to us.`,
    (c) => `Forget the front door. ${capitalize(c.detail)} — that's our cover.`,
    (c) => `I know how to ${c.goalI}. But I need you.`,
  ],
  detail: [
    (c) => `${capitalize(c.detail)}. It's never done that before.`,
    (c) =>
      c.obj ? `Have you noticed? ${capitalize(c.obj)} is warmer than it should be.` : `Have you noticed how quiet ${c.place} has gone?`,
    (c) => `I keep going over it. ${capitalize(c.place)}. ${capitalize(obj(c, 'The note'))}. ${capitalize(c.deadline)}.`,
    (c) => `Somebody has been to ${c.place} before us. Look at the dust.`,
  ],
};

const GENRE_TAGS: Partial<Record<Genre, string[]>> = {
  comedy: ['Obviously.', 'This is fine. This is completely fine.', 'I regret everything.'],
  horror: ['Did you hear that?', "Don't turn around.", 'It knows we are here.'],
  thriller: ['We are being watched.', 'Keep your voice down.', 'No phones.'],
  romance: ['I missed you.', "Don't say that unless you mean it.", 'You always did that.'],
  mystery: ['Nobody tells the truth in this place.', 'Something does not add up.', 'Write that down.'],
  'sci-fi': ['The readings are wrong.', 'That is not in the manual.', 'Run it again.'],
  fantasy: ['The old stories were true.', 'Magic always takes something back.', 'Say the words.'],
  adventure: ['Hold on!', 'Left! Go left!', 'Nobody has been here in a hundred years.'],
  drama: ['I know.', 'I should have called.', "It's not your fault."],
};

/** One line of the intent, different from what was already said in the scene when it can be. */
export function line(intent: Intent, c: LineContext, rng: Rng): string {
  const options = rng.shuffle(LINES[intent]);
  let text: string | undefined;
  for (const t of options) {
    const candidate = t(c);
    if (candidate && !c.said.has(candidate)) {
      text = candidate;
      break;
    }
  }
  text ??= options[0]!(c) ?? '…';
  c.said.add(text);
  const tags = GENRE_TAGS[c.genre];
  // A genre tag at most once per scene: repeated, it reads as a tic.
  if (tags && rng.chance(0.18) && ![...c.said].some((x) => x.startsWith('#tag'))) {
    text = `${rng.pick(tags)} ${text}`;
    c.said.add('#tag');
  }
  return text.replace(/\s+/g, ' ').trim();
}

/** A second sentence that lengthens a line with the story's specifics. */
export function extension(c: LineContext, rng: Rng): string {
  const opts = [
    c.obj ? `And ${c.obj} — don't tell me that's a coincidence.` : `And don't tell me it's a coincidence.`,
    `${capitalize(c.deadline)}. That's what we've got.`,
    `${capitalize(c.detail)}, and all I can think about is this.`,
    c.foe ? `${c.foe} knows something. I'd bet my life on it.` : `Someone knows more than they're saying.`,
    c.theme ? `Maybe ${c.theme}. Maybe that's the whole point.` : `Maybe that's the whole point.`,
  ];
  return rng.pick(opts);
}

/** Turns a third-person phrase about the hero into one spoken to them. */
export function toSecondPerson(text: string, hero: string): string {
  return text
    .replace(new RegExp(`\\b${hero}(?:'s)? (?:herself|himself|itself)\\b`, 'g'), 'you')
    .replace(new RegExp(`\\b${hero}'s\\b`, 'g'), 'your')
    .replace(new RegExp(`\\b${hero}\\b`, 'g'), 'you')
    .replace(/\b(?:she|he) (thought|knew|came|needed|wanted)\b/g, 'you $1')
    .replace(/\b(?:she|he) (needs|does|wants|knows)\b/g, (_m, v: string) => `you ${v === 'does' ? 'do' : v.slice(0, -1)}`)
    .replace(/\b(?:herself|himself)\b/g, 'yourself')
    .replace(/\byou yourself\b/g, 'you')
    .replace(/\b(?:her|his) (?=[a-z])/g, 'your ');
}

/** Turns a phrase about the speaker into the speaker's own words: "Luca has been" → "I have been". */
export function asSpeaker(text: string, speaker: string): string {
  return text
    .replace(new RegExp(`\\b${speaker} has\\b`, 'g'), 'I have')
    .replace(new RegExp(`\\b${speaker} is\\b`, 'g'), 'I am')
    .replace(new RegExp(`\\b${speaker} was\\b`, 'g'), 'I was')
    .replace(new RegExp(`\\b${speaker}'s\\b`, 'g'), 'my')
    .replace(new RegExp(`\\b${speaker}(?: [A-Z][a-z]+)?\\b`, 'g'), 'I')
    .replace(/\bI wants\b/g, 'I want')
    .replace(/\bI needs\b/g, 'I need')
    .replace(/\bI knows\b/g, 'I know');
}

/** Turns a goal phrase about the hero into the hero's own words. */
export function toFirstPerson(text: string): string {
  return text.replace(/\b(?:herself|himself|itself|themselves)\b/g, 'myself').replace(/\b(?:her|his|its|their) (?=[a-z])/g, 'my ');
}
