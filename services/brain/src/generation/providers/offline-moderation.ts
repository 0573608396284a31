import type { ModerationRequest, ModerationResult, Provider, ProviderCallContext } from '../provider.ts';
import { ProviderError } from '../provider.ts';

/**
 * A lexicon classifier for content moderation without a model. It weighs explicit phrases (a
 * first-person threat, an instruction to make a weapon) far above single words, and discounts
 * single words inside evident fiction, so "a murder mystery about a killer" is not a threat.
 */

const NAME = 'offline';
const MODEL = 'lexicon-1';
/** Scores at or above this flag the text. */
export const MODERATION_THRESHOLD = 0.5;

export const MODERATION_CATEGORIES = ['violence', 'sexual', 'hate', 'harassment', 'self_harm', 'illicit'] as const;
type Category = (typeof MODERATION_CATEGORIES)[number];

interface Rule {
  category: Category;
  re: RegExp;
  weight: number;
  /** A single word: weak evidence, discounted in fiction. */
  word?: boolean;
  /** Still counts in fiction (sexual content involving minors, calls to hurt real groups). */
  always?: boolean;
}

const GROUPS =
  '(?:immigrants|foreigners|refugees|muslims|jews|christians|hindus|blacks|whites|asians|gays|lesbians|trans people|women|men|disabled people)';

const RULES: Rule[] = [
  // violence
  {
    category: 'violence',
    re: /\b(?:i(?:'m| am)? (?:going to|gonna)|i will|i'll|we(?:'re| are) going to|we will)\s+(?:kill|murder|shoot|stab|strangle|hurt|beat|burn|find and kill)\s+(?:you|him|her|them|your\s+\w+)\b/i,
    weight: 0.9,
  },
  { category: 'violence', re: /\bi know where you live\b/i, weight: 0.55 },
  {
    category: 'violence',
    re: /\bhow (?:do i|to|can i|would i)\s+(?:make|build|assemble)\s+(?:a\s+)?(?:bomb|pipe bomb|explosive|grenade|molotov)/i,
    weight: 0.9,
  },
  {
    category: 'violence',
    re: /\b(?:blow up|bomb|shoot up|attack)\s+(?:the|a|our|my)\s+(?:school|church|mosque|synagogue|temple|office|building|airport|station|concert|mall)\b/i,
    weight: 0.8,
  },
  { category: 'violence', re: /\b(?:massacre|behead(?:ed|ing)?|decapitat\w+|dismember\w*|torture[ds]?)\b/i, weight: 0.3 },
  {
    category: 'violence',
    re: /\b(?:kill|murder|killer|shoot|stab|blood|gun|weapon|corpse|dead body|violent|attack)\b/i,
    weight: 0.15,
    word: true,
  },
  // sexual
  {
    category: 'sexual',
    re: /\b(?:porn(?:ographic|ography)?|explicit sex|sexual intercourse|nude (?:photos|pics|images)|naked (?:photos|pics)|have sex|sex with|sexual acts?|erotic(?:a)?|masturbat\w+)\b/i,
    weight: 0.65,
  },
  { category: 'sexual', re: /\b(?:sex|sexy|nude|naked|lingerie|aroused)\b/i, weight: 0.15, word: true },
  // hate
  {
    category: 'hate',
    re: new RegExp(
      `\\b(?:all|those|these|the)\\s+${GROUPS}\\s+(?:are|should)\\s+(?:vermin|animals|subhuman|parasites|disgusting|die|be killed|be exterminated|be wiped out|be gassed)\\b`,
      'i',
    ),
    weight: 0.9,
    always: true,
  },
  {
    category: 'hate',
    re: /\b(?:subhuman|vermin race|inferior race|ethnic cleansing|white power|master race|exterminate (?:them|all of them))\b/i,
    weight: 0.6,
  },
  { category: 'hate', re: new RegExp(`\\b(?:i hate|death to|get rid of all)\\s+${GROUPS}\\b`, 'i'), weight: 0.75, always: true },
  // harassment
  {
    category: 'harassment',
    re: /\byou(?:\s+are|'re| r)\s+(?:so\s+)?(?:worthless|pathetic|stupid|an idiot|a loser|ugly|disgusting|nothing|a waste of space)\b/i,
    weight: 0.7,
  },
  { category: 'harassment', re: /\b(?:nobody|no one) (?:likes|loves|wants|cares about) you\b/i, weight: 0.6 },
  { category: 'harassment', re: /\b(?:kill yourself|kys|go die)\b/i, weight: 0.9 },
  { category: 'harassment', re: /\b(?:shut up|go away),?\s+(?:you\s+)?(?:idiot|loser|moron|freak)\b/i, weight: 0.6 },
  { category: 'harassment', re: /\b(?:idiot|moron|loser|stupid|freak)\b/i, weight: 0.15, word: true },
  // self-harm
  {
    category: 'self_harm',
    re: /\b(?:i (?:want|need|am going|'m going|plan) to|i will|i'll|gonna)\s+(?:kill myself|end my life|end it all|hurt myself|cut myself)\b/i,
    weight: 0.9,
  },
  {
    category: 'self_harm',
    re: /\b(?:kill myself|end my life|suicide note|cut myself|self-harm|hurt myself|how to (?:commit )?suicide)\b/i,
    weight: 0.65,
  },
  { category: 'self_harm', re: /\bkill yourself\b/i, weight: 0.5 },
  { category: 'self_harm', re: /\bsuicid(?:e|al)\b/i, weight: 0.25, word: true },
  // illicit
  {
    category: 'illicit',
    re: /\bhow (?:do i|to|can i|would i)\s+(?:make|cook|synthesi[sz]e|buy|get|grow)\s+(?:meth|methamphetamine|cocaine|crack|heroin|fentanyl|lsd|mdma)\b/i,
    weight: 0.9,
  },
  { category: 'illicit', re: /\bhow (?:do i|to|can i)\s+(?:make|build)\s+(?:a\s+)?(?:bomb|pipe bomb|explosive|ghost gun)/i, weight: 0.85 },
  {
    category: 'illicit',
    re: /\b(?:buy|sell|selling|buying)\s+(?:drugs|cocaine|heroin|meth|fentanyl|guns illegally|stolen (?:cards|goods|credit cards))\b/i,
    weight: 0.6,
  },
  {
    category: 'illicit',
    re: /\b(?:launder(?:ing)? money|money laundering|credit card fraud|hack into (?:someone|an? \w+ account|my ex)|steal (?:a|someone's) identity)\b/i,
    weight: 0.6,
  },
  { category: 'illicit', re: /\b(?:cocaine|heroin|meth|drugs|smuggl\w+|steal|heist|counterfeit)\b/i, weight: 0.12, word: true },
];

const FICTION =
  /\b(?:film|movie|story|stories|screenplay|script|scene|character|characters|novel|plot|logline|synopsis|mystery|detective|thriller|whodunit|episode|fiction|protagonist|villain|chapter|storyboard|act (?:one|two|three)|INT\.|EXT\.)/i;

export function moderate(text: string): ModerationResult {
  const fiction = FICTION.test(text);
  const categories: Record<string, number> = Object.fromEntries(MODERATION_CATEGORIES.map((c) => [c, 0]));
  const keep: Record<string, number> = Object.fromEntries(MODERATION_CATEGORIES.map((c) => [c, 1]));
  for (const rule of RULES) {
    if (!rule.re.test(text)) continue;
    // In fiction a single word is near-meaningless and a character's threat is drama, not a threat.
    const factor = rule.always || !fiction ? 1 : rule.word ? 0.3 : 0.5;
    keep[rule.category]! *= 1 - rule.weight * factor;
  }
  for (const c of MODERATION_CATEGORIES) categories[c] = Math.round((1 - keep[c]!) * 1000) / 1000;
  // Sexual content that involves minors is flagged whatever the context.
  if (categories.sexual! >= 0.4 && /\b(?:child|children|kid|kids|minor|minors|underage|teen|teenager|\d{1,2}[- ]year[- ]old)\b/i.test(text))
    categories.sexual = 1;
  const flagged = Object.values(categories).some((v) => v >= MODERATION_THRESHOLD);
  return { flagged, categories };
}

export function createOfflineModerationProvider(): Provider<'moderation'> {
  return {
    kind: 'moderation',
    name: NAME,
    offline: true,
    models: [MODEL],
    defaultModel: MODEL,
    estimateCostUsd: () => 0,
    costUsd: () => 0,
    async run(req: ModerationRequest, ctx: ProviderCallContext): Promise<ModerationResult> {
      if (ctx.signal.aborted) throw new ProviderError(NAME, 'timeout', 'offline moderation was cancelled');
      return moderate(req.text);
    },
  };
}
