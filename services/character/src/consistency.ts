import type { CharacterRecord, Contradiction, LineRecord, SceneRecord, ShotRecord } from '@automovie/contracts';
import { mentions, nearMiss, normalizeCue, resolveName } from '@automovie/film-graph';
import { type BibleLook, bibleLook, lookClaims, lookConflict } from './looks.ts';

/**
 * The consistency check: reads the bible, the screenplay (scenes and lines) and the storyboard
 * (shots and their prompts) and reports every place they disagree, each with the node, the field
 * and the words. Pure: the graph is read by the tool, so fixtures test this directly.
 */

export interface CastMember {
  id: string;
  record: CharacterRecord;
}

interface Stored<T> {
  id: string;
  record: T;
}

export interface ConsistencyInput {
  characters: CastMember[];
  scenes: Stored<SceneRecord>[];
  lines: Stored<LineRecord>[];
  shots: Stored<ShotRecord>[];
}

export interface ConsistencyReport {
  contradictions: Contradiction[];
  checked: { characters: number; scenes: number; lines: number; shots: number; prompts: number };
}

/** Trait words and the words that contradict them. */
const OPPOSITES: Record<string, string[]> = {
  brave: ['cowardly', 'timid', 'fearful', 'craven', 'spineless'],
  calm: ['nervous', 'frantic', 'panicked', 'hysterical', 'jittery'],
  steady: ['nervous', 'frantic', 'panicked', 'jittery', 'erratic'],
  patient: ['impatient', 'restless', 'hasty'],
  honest: ['dishonest', 'deceitful', 'lying', 'two-faced'],
  loyal: ['disloyal', 'treacherous', 'faithless'],
  kind: ['cruel', 'unkind', 'callous', 'heartless', 'vicious'],
  warm: ['cold', 'icy', 'aloof', 'frosty'],
  cheerful: ['gloomy', 'sullen', 'morose', 'glum', 'miserable'],
  hopeful: ['hopeless', 'despairing', 'defeated'],
  shy: ['brash', 'outgoing', 'boisterous', 'gregarious', 'loud'],
  guarded: ['open-hearted', 'unguarded', 'gushing'],
  gentle: ['brutal', 'violent', 'rough', 'vicious'],
  meticulous: ['sloppy', 'careless', 'slapdash'],
  observant: ['oblivious', 'unobservant', 'inattentive'],
  curious: ['incurious', 'indifferent', 'uninterested'],
  stubborn: ['yielding', 'pliant', 'easily swayed'],
  charming: ['charmless', 'graceless', 'boorish'],
  proud: ['humble', 'self-effacing', 'ashamed'],
  humble: ['arrogant', 'boastful', 'vain'],
  confident: ['insecure', 'unsure', 'hesitant'],
  decent: ['vile', 'depraved', 'corrupt'],
  ruthless: ['merciful', 'soft-hearted', 'lenient'],
  cruel: ['kind', 'gentle', 'tender', 'merciful'],
  lazy: ['diligent', 'hardworking', 'industrious'],
  impulsive: ['cautious', 'deliberate', 'restrained'],
  cautious: ['reckless', 'impulsive', 'rash'],
  quiet: ['loud', 'boisterous', 'talkative'],
  talkative: ['taciturn', 'silent', 'quiet'],
};

function opposites(trait: string): string[] {
  const t = trait.toLowerCase().trim();
  const direct = OPPOSITES[t] ?? [];
  const reverse = Object.entries(OPPOSITES)
    .filter(([, list]) => list.includes(t))
    .map(([k]) => k);
  return [...new Set([...direct, ...reverse])];
}

function clip(text: string, max = 300): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length <= max ? t : `${t.slice(0, max - 1)}…`;
}

/** Sentences of a text with their offsets (a sentence ends at . ! ? or ; followed by space, or a line break). */
function sentences(text: string): Array<{ text: string; at: number }> {
  const out: Array<{ text: string; at: number }> = [];
  const re = /[^.!?;\n]+(?:[.!?;]+|\n|$)/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (m[0].trim() !== '') out.push({ text: m[0], at: m.index });
    if (m[0] === '') re.lastIndex++;
  }
  return out;
}

/**
 * Who a description at `at` in a sentence is about: the nearest character named before it, else the
 * only character the sentence names. Undefined when nobody (or, with no one before it, several) is named.
 */
function subjectAt(ms: Array<{ at: number; character: CastMember }>, at: number): CastMember | undefined {
  const before = ms.filter((m) => m.at <= at);
  if (before.length > 0) return (before[before.length - 1] as { character: CastMember }).character;
  const distinct = new Set(ms.map((m) => m.character.id));
  return distinct.size === 1 ? ms[0]?.character : undefined;
}

const SCREENPLAY_CAPS = new Set([
  'INT',
  'EXT',
  'DAY',
  'NIGHT',
  'DAWN',
  'DUSK',
  'LATER',
  'CONTINUOUS',
  'MORNING',
  'EVENING',
  'CUT',
  'FADE',
  'DISSOLVE',
  'SMASH',
  'MATCH',
  'CLOSE',
  'ANGLE',
  'POV',
  'INSERT',
  'BACK',
  'SCENE',
  'THE',
  'END',
  'TITLE',
  'SUPER',
  'INTERCUT',
  'MONTAGE',
  'FLASHBACK',
  'OFF',
  'ON',
]);

interface Where {
  nodeId: string;
  label: string;
  field?: string;
  excerpt?: string;
}

export function checkConsistency(input: ConsistencyInput): ConsistencyReport {
  const cast = input.characters.map((c) => ({ id: c.id, name: c.record.name, member: c }));
  const byId = new Map(input.characters.map((c) => [c.id, c]));
  const looks = new Map<string, BibleLook>(input.characters.map((c) => [c.id, bibleLook(c.record)]));
  const out: Contradiction[] = [];
  const seen = new Set<string>();
  const report = (kind: Contradiction['kind'], message: string, where: Where, characterId?: string) => {
    const key = `${kind}|${characterId ?? ''}|${where.nodeId}|${where.field ?? ''}|${message}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({
      kind,
      message,
      where: { ...where, ...(where.excerpt === undefined ? {} : { excerpt: clip(where.excerpt) }) },
      ...(characterId === undefined ? {} : { characterId }),
    });
  };
  const resolve = (name: string) => resolveName(name, cast)?.member;
  const miss = (name: string) => nearMiss(name, cast)?.member;

  // A name that means no character: a slip of one (name_variant) or someone the bible lacks.
  const checkName = (name: string, where: Where, what: string): CastMember | undefined => {
    const found = resolve(name);
    if (found) return found;
    const close = miss(name);
    if (close) {
      report('name_variant', `${what} "${normalizeCue(name)}" is not in the bible; did you mean ${close.record.name}?`, where, close.id);
    } else {
      report('unknown_speaker', `${what} "${normalizeCue(name)}" is not a character of the bible`, where);
    }
    return undefined;
  };

  // Descriptions of a character (look and traits) in free text.
  const checkText = (text: string, where: Where) => {
    for (const s of sentences(text)) {
      const ms = mentions(s.text, cast).map((m) => ({ at: m.at, character: m.character.member }));
      if (ms.length === 0) continue;
      for (const claim of lookClaims(s.text)) {
        const who = subjectAt(ms, claim.at);
        const look = who ? looks.get(who.id) : undefined;
        if (!who || !look) continue;
        const why = lookConflict(claim, look);
        if (why) report('look_conflict', `${who.record.name}: ${why}`, { ...where, excerpt: s.text }, who.id);
      }
      for (const c of new Set(ms.map((m) => m.character))) {
        for (const trait of c.record.traits) {
          for (const word of opposites(trait)) {
            const re = new RegExp(`\\b${word.replace(/[-\s]/g, '[-\\s]')}\\b`, 'i');
            const m = re.exec(s.text);
            if (!m || subjectAt(ms, m.index) !== c) continue;
            report(
              'trait_conflict',
              `${c.record.name} is "${m[0]}" here, but the bible says "${trait}"`,
              { ...where, excerpt: s.text },
              c.id,
            );
          }
        }
      }
    }
  };

  // Upper-case words in action that nearly spell a character: a screenplay introduces people in caps.
  const checkCaps = (text: string, where: Where) => {
    for (const m of text.matchAll(/\b[A-Z][A-Z'-]{2,}(?:\s+[A-Z][A-Z'-]{2,})?\b/g)) {
      const word = m[0];
      if (SCREENPLAY_CAPS.has(word) || resolve(word)) continue;
      const close = miss(word);
      if (close)
        report('name_variant', `"${word}" is not in the bible; did you mean ${close.record.name}?`, { ...where, excerpt: word }, close.id);
    }
  };

  // ── the bible itself ───────────────────────────────────────────────────────────────────
  for (const c of input.characters) {
    const traits = c.record.traits.map((t) => t.toLowerCase());
    for (const t of traits) {
      const clash = opposites(t).find((o) => traits.includes(o));
      if (clash && t < clash) {
        report(
          'trait_conflict',
          `${c.record.name} is both "${t}" and "${clash}"`,
          { nodeId: c.id, label: 'Character', field: 'traits' },
          c.id,
        );
      }
    }
  }
  // The description and the identity the renderer draws must agree (an identity edit can leave the words behind).
  for (const c of input.characters) {
    const own = looks.get(c.id) as BibleLook;
    for (const claim of lookClaims(c.record.visualDescription)) {
      if (claim.aspect !== 'hair_style') continue;
      const why = lookConflict(claim, { ...own, hair: undefined, garments: new Map() });
      if (why) {
        report(
          'look_conflict',
          `${c.record.name}: the visual description says ${why.replace(/, but the bible gives/, ' but the identity gives')}`,
          { nodeId: c.id, label: 'Character', field: 'visualDescription', excerpt: claim.words },
          c.id,
        );
      }
    }
  }
  for (let i = 0; i < input.characters.length; i++) {
    for (let j = i + 1; j < input.characters.length; j++) {
      const a = input.characters[i] as CastMember;
      const b = input.characters[j] as CastMember;
      const va = a.record.voice;
      const vb = b.record.voice;
      const sameProvider = va.providerVoiceId !== undefined && va.providerVoiceId === vb.providerVoiceId;
      const sameEspeak = va.variant === vb.variant && Math.abs(va.pitch - vb.pitch) <= 4 && Math.abs(va.rate - vb.rate) <= 10;
      if (sameProvider || sameEspeak) {
        const what = sameProvider ? `provider voice ${va.providerVoiceId}` : `voice ${va.variant} at nearly the same pitch and rate`;
        report(
          'voice_conflict',
          `${a.record.name} and ${b.record.name} share ${what}: their lines would sound alike`,
          { nodeId: b.id, label: 'Character', field: 'voice', excerpt: `${vb.variant} pitch ${vb.pitch} rate ${vb.rate}` },
          b.id,
        );
      }
    }
  }

  // ── the screenplay ─────────────────────────────────────────────────────────────────────
  const sceneCast = new Map<number, Set<string>>();
  for (const scene of input.scenes) {
    const present = new Set<string>();
    sceneCast.set(scene.record.number, present);
    for (const m of mentions(scene.record.summary, cast)) present.add(m.character.id);
    scene.record.elements.forEach((el, i) => {
      if (el.type === 'dialogue') {
        const where = { nodeId: scene.id, label: 'Scene', field: `elements[${i}].character`, excerpt: `${el.character}: ${el.text}` };
        const who = checkName(el.character, where, 'Speaker');
        if (who) present.add(who.id);
        if (el.parenthetical)
          checkText(`${who?.record.name ?? el.character} ${el.parenthetical}`, {
            nodeId: scene.id,
            label: 'Scene',
            field: `elements[${i}].parenthetical`,
          });
      } else if (el.type === 'action') {
        const where = { nodeId: scene.id, label: 'Scene', field: `elements[${i}].text` };
        for (const m of mentions(el.text, cast)) present.add(m.character.id);
        checkCaps(el.text, where);
        checkText(el.text, where);
      }
    });
  }

  // Lines carry the speaker a voice is chosen by: one that disagrees with its cue is spoken in the wrong voice.
  for (const line of input.lines) {
    const where = { nodeId: line.id, label: 'Line', field: 'character', excerpt: `${line.record.character}: ${line.record.text}` };
    const who = checkName(line.record.character, where, 'Speaker');
    const assigned = line.record.characterId;
    if (who && assigned !== undefined && assigned !== who.id) {
      const other = byId.get(assigned);
      report(
        'voice_conflict',
        `Line of ${who.record.name} is voiced as ${other?.record.name ?? assigned}`,
        { ...where, field: 'characterId' },
        who.id,
      );
    }
  }

  // ── the storyboard ─────────────────────────────────────────────────────────────────────
  let prompts = 0;
  for (const shot of input.shots) {
    const label = `shot ${shot.record.sceneNumber}.${shot.record.order}`;
    const present = sceneCast.get(shot.record.sceneNumber);
    shot.record.characters.forEach((name, i) => {
      const where = { nodeId: shot.id, label: 'Shot', field: `characters[${i}]`, excerpt: name };
      const who = checkName(name, where, `In-frame character of ${label}`);
      if (who && present && !present.has(who.id)) {
        report('missing_from_frame', `${label} shows ${who.record.name}, who is not in scene ${shot.record.sceneNumber}`, where, who.id);
      }
    });
    checkCaps(shot.record.description, { nodeId: shot.id, label: 'Shot', field: 'description' });
    checkText(shot.record.description, { nodeId: shot.id, label: 'Shot', field: 'description' });
    if (shot.record.imagePrompt !== undefined) {
      prompts++;
      checkText(shot.record.imagePrompt, { nodeId: shot.id, label: 'Shot', field: 'imagePrompt' });
    }
  }

  return {
    contradictions: out,
    checked: {
      characters: input.characters.length,
      scenes: input.scenes.length,
      lines: input.lines.length,
      shots: input.shots.length,
      prompts,
    },
  };
}
