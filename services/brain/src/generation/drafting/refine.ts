import type { Beat, OutlineOption } from '@automovie/contracts';
import { analyze, normalizeGenre } from './analyze.ts';
import { GENRE_TONES, type Genre, PLACES } from './lexicon.ts';
import type { Rng } from './prng.ts';
import { type Angle, beatFunction, beatSummary, beatsFor, buildFrame, type Ending, endingLine, type Frame } from './story.ts';
import { capitalize, clip, sentences, titleCase } from './text.ts';

/**
 * Applies a note to an outline. The engine recognises the notes people give most ("darker",
 * "funnier", "add a twist", "focus on the sister", "shorter", "happier ending", "set it in
 * Lisbon", "call it …") and changes the outline the way each asks; any other note is recorded in
 * the synopsis so the revision is never silently identical.
 */

interface Change {
  what: string;
}

function replaceWord(text: string, from: string, to: string): string {
  return text.replace(new RegExp(`\\b${from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`, 'gi'), (m) =>
    m[0] === m[0]!.toUpperCase() ? capitalize(to) : to,
  );
}

function frameFor(outline: OutlineOption, genre: Genre, ending: Ending, rng: Rng): Frame {
  const text = `${outline.logline}\n${outline.synopsis}`;
  const a = analyze(text);
  const angle: Angle = /who sent|truth|find out/.test(text)
    ? 'truth'
    : /safe|protect/.test(text)
      ? 'protect'
      : /escape|get out/.test(text)
        ? 'escape'
        : 'quest';
  return buildFrame(a, { structure: outline.structure, genre, angle, ending, durationS: 7200, variant: 0 }, rng);
}

export function refineOutline(outline: OutlineOption, note: string, rng: Rng): OutlineOption {
  const n = note.toLowerCase();
  const out: OutlineOption = structuredClone(outline);
  const changes: Change[] = [];
  const genre0 = normalizeGenre(outline.genre) ?? 'drama';
  let genre: Genre = genre0;
  const lastIdx = out.beats.length - 1;

  // Genre or tone.
  const makeIt = n.match(/\bmake it (?:a |an |more )?([a-z-]+(?: [a-z-]+)?)/)?.[1];
  const asGenre = makeIt ? normalizeGenre(makeIt) : undefined;
  if (asGenre && asGenre !== genre0) {
    genre = asGenre;
    out.genre = asGenre;
    out.tone = rng.pick(GENRE_TONES[asGenre]);
    changes.push({ what: `recast as ${asGenre}` });
  }
  if (/\b(dark|darker|grim|bleak|sinister|serious|scarier|scary|menac)/.test(n)) {
    out.tone = rng.pick(['bleak, unsparing', 'dark, brooding', 'cold, fatalistic']);
    if (genre === 'comedy' || genre === 'romance') out.genre = 'drama';
    const mid = Math.floor(out.beats.length / 2);
    out.beats[mid]!.summary = clip(
      `${out.beats[mid]!.summary} It costs more than anyone expected: someone does not walk away from it.`,
      2000,
    );
    out.beats[lastIdx]!.summary = clip(`${out.beats[lastIdx]!.summary} The victory is hollow; what was lost stays lost.`, 2000);
    out.synopsis = `${out.synopsis}\n\nPlayed darker: every win is paid for, and the ending leaves a scar.`;
    changes.push({ what: 'darker' });
  }
  if (/\b(light|lighter|funn|comed|comic|humou?r|playful|whimsical|sillier)/.test(n)) {
    out.tone = rng.pick(['light, playful', 'warm, comic', 'brisk, absurd']);
    const climax = out.beats.findIndex((bt) => ['climax', 'ordeal'].includes(beatFunction(bt.name, 0, out.beats.length)));
    const at = climax >= 0 ? climax : Math.max(0, lastIdx - 1);
    out.beats[at]!.summary = clip(
      `${out.beats[at]!.summary} It goes wrong in the most embarrassing way possible before it goes right.`,
      2000,
    );
    out.synopsis = `${out.synopsis}\n\nPlayed lighter: the danger is real, but so are the jokes — everyone is a little ridiculous, especially when it matters.`;
    changes.push({ what: 'lighter' });
  }

  // A twist.
  if (/\b(twist|surprise|unexpected|turn)/.test(n)) {
    const a = analyze(`${out.logline}\n${out.synopsis}`);
    const hero = [...a.names].sort((x, y) => y.mentions - x.mentions)[0]?.name.split(' ')[0] ?? 'the hero';
    const other = a.names.find((x) => !x.name.startsWith(hero))?.name.split(' ')[0];
    const obj = a.objects[0] ? `the ${a.objects[0].split(' in ')[0]}` : undefined;
    const twists = [
      other ? `${other} has been behind it from the start` : undefined,
      obj ? `${obj} was never meant for ${hero} at all` : undefined,
      other && obj ? `${other} sent ${obj} — to ${hero}, on purpose` : undefined,
      `the person ${hero} has been chasing is trying to protect ${hero}`,
    ].filter((t): t is string => t !== undefined);
    const twist = rng.pick(twists);
    const mid = out.beats.findIndex((bt) => ['midpoint', 'ordeal', 'allIsLost'].includes(beatFunction(bt.name, 0, out.beats.length)));
    const at = mid >= 0 ? mid : Math.floor(out.beats.length / 2);
    out.beats[at]!.summary = clip(`${out.beats[at]!.summary} Twist: ${twist}.`, 2000);
    out.synopsis = `${out.synopsis}\n\nThe twist: ${twist}. Everything before it plays differently on a second viewing.`;
    changes.push({ what: 'twist' });
  }

  // Focus on someone.
  const focus = n.match(/\b(?:focus|centre|center|more)\s+(?:more\s+)?(?:on|about)\s+(?:the\s+|her\s+|his\s+)?([a-z'-]+)/)?.[1];
  if (focus) {
    const text = `${out.logline}\n${out.synopsis}\n${out.beats.map((bt) => bt.summary).join('\n')}`;
    const named = analyze(text).names.find(
      (x) => x.name.toLowerCase().split(' ').includes(focus) || x.relation === focus || x.role?.endsWith(focus),
    );
    const who = named?.name.split(' ')[0] ?? `the ${focus}`;
    const lines = sentences(text).filter((s) => s.toLowerCase().includes(focus) || (named && s.includes(who)));
    out.logline = clip(`Told through ${who}'s eyes: ${out.logline[0]!.toLowerCase()}${out.logline.slice(1)}`, 400);
    out.synopsis = `This version centres on ${who}. ${lines.slice(0, 2).join(' ')}${lines.length === 0 ? `${capitalize(who)} is in every turn of the story from the first beat to the last.` : ''}\n\n${out.synopsis}`;
    for (const i of [0, Math.floor(out.beats.length / 2), lastIdx]) {
      if (!out.beats[i]!.summary.includes(who))
        out.beats[i]!.summary = clip(`${out.beats[i]!.summary} ${capitalize(who)} is at the heart of this moment.`, 2000);
    }
    changes.push({ what: `focus on ${who}` });
  }

  // Length.
  if (/\b(short|shorter|trim|tighten|tighter|cut|fewer|concise|simpler)/.test(n) && out.beats.length > 3) {
    const keep = new Set(beatsFor(out.structure, 60, 'short').map((d) => d.name));
    let beats = out.beats.filter((bt) => keep.has(bt.name));
    if (beats.length < 3 || beats.length >= out.beats.length)
      beats = out.beats.filter((_, i) => i === 0 || i === lastIdx || i % 2 === 1).slice(0, Math.max(3, Math.ceil(out.beats.length / 2)));
    out.beats = renumber(beats);
    out.synopsis = out.synopsis
      .split(/\n\n+/)
      .map((p) => sentences(p).slice(0, 2).join(' '))
      .filter(Boolean)
      .join('\n\n');
    changes.push({ what: 'shorter' });
  } else if (/\b(long|longer|expand|flesh|develop|more beats|feature)/.test(n)) {
    const full = beatsFor(out.structure, 7200, 'full');
    if (full.length > out.beats.length) {
      const frame = frameFor(out, genre, 'hopeful', rng.fork('frame'));
      const byName = new Map(out.beats.map((bt) => [bt.name, bt]));
      out.beats = renumber(
        full.map(
          (d) =>
            byName.get(d.name) ?? { act: d.act, order: 0, name: d.name, summary: clip(beatSummary(d.fn, frame, rng.fork(d.name)), 2000) },
        ),
      );
      changes.push({ what: 'longer' });
    }
  }

  // Ending.
  const ending: Ending | undefined = /\b(happ|hopeful|uplifting|upbeat)/.test(n)
    ? 'hopeful'
    : /\b(sad|tragic|bittersweet|melanchol)/.test(n)
      ? 'bittersweet'
      : undefined;
  if (ending) {
    const frame = frameFor(out, genre, ending, rng.fork('ending'));
    out.beats[out.beats.length - 1]!.summary = clip(endingLine(frame), 2000);
    const paras = out.synopsis.split(/\n\n+/);
    paras.push(`${ending === 'hopeful' ? 'A warmer ending' : 'A sadder ending'}: ${endingLine(frame)}`);
    out.synopsis = paras.join('\n\n');
    changes.push({ what: `${ending} ending` });
  }

  // Setting.
  const setting = n
    .match(
      /\b(?:set (?:it |this )?(?:in|on|at|aboard)|move (?:it |this )?to|relocate (?:it )?to|takes? place (?:in|on|at))\s+(?:a |an |the )?([a-z' -]+?)(?:[.,;!]|$)/,
    )?.[1]
    ?.trim();
  if (setting) {
    const from = analyze(`${out.logline}\n${out.synopsis}`).places[0]?.noun;
    const proper = note.match(new RegExp(setting.split(' ')[0]!, 'i'))?.[0];
    const to = proper && /^[A-Z]/.test(proper) ? titleCase(setting) : setting;
    if (from && from.toLowerCase() !== to.toLowerCase()) {
      out.logline = clip(replaceWord(out.logline, from, to), 400);
      out.synopsis = replaceWord(out.synopsis, from, to);
      out.title = clip(replaceWord(out.title, from, to), 120);
      for (const bt of out.beats) bt.summary = clip(replaceWord(bt.summary, from, to), 2000);
    } else {
      out.synopsis = `${out.synopsis}\n\nThe story now unfolds in ${PLACES[to] ? `the ${to}` : to}.`;
    }
    changes.push({ what: `set in ${to}` });
  }

  // Title.
  const title = note.match(/\b(?:call it|rename(?: it)?(?: to)?|retitle(?: it)?|title(?: it)?)\s+["“']?([^"”'.\n]{1,100})/i)?.[1]?.trim();
  if (title) {
    out.title = clip(title, 120);
    changes.push({ what: 'retitled' });
  }

  // Pace.
  if (/\b(action|faster|pace|pacier|tension|tense|stakes|urgent)/.test(n)) {
    out.tone = rng.pick(['urgent, kinetic', 'taut, relentless', 'breathless, driven']);
    for (let i = 1; i < out.beats.length - 1; i += 2)
      out.beats[i]!.summary = clip(`${out.beats[i]!.summary} The clock is always running.`, 2000);
    changes.push({ what: 'faster' });
  }

  if (changes.length === 0 || JSON.stringify(out) === JSON.stringify(outline)) {
    // A note the engine cannot act on is kept, visibly, rather than dropped.
    out.synopsis = `${out.synopsis}\n\nRevision note to address: ${clip(note.replace(/\s+/g, ' ').trim(), 1000)}`;
    const last = out.beats[out.beats.length - 1]!;
    last.summary = clip(`${last.summary} (To revise: ${clip(note.replace(/\s+/g, ' ').trim(), 200)})`, 2000);
  }
  out.synopsis = clip(out.synopsis, 20_000);
  return out;
}

function renumber(beats: Beat[]): Beat[] {
  return beats.map((bt, i) => ({ ...bt, order: i + 1 }));
}
