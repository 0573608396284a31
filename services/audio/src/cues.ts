import type { Timing } from '@automovie/contracts';
import { spokenText } from './voices.ts';

/** A subtitle cue of one line, in seconds on the timeline. */
export interface LineCue {
  lineId: string;
  startS: number;
  endS: number;
  text: string;
}

/** Limits of a cue. */
export interface CueLimits {
  /** Characters per subtitle line. Default 42. */
  maxChars: number;
  /** Subtitle lines per cue. Default 2. */
  maxLines: number;
}

export const DEFAULT_CUE_LIMITS: CueLimits = { maxChars: 42, maxLines: 2 };

/** One spoken line placed on the timeline, with its measured word timings (seconds from the line's audio start). */
export interface TimedLine {
  lineId: string;
  text: string;
  startS: number;
  durationS: number;
  timings?: readonly Timing[] | undefined;
}

/** Greedy wrap of words into lines of at most `maxChars`; a single longer word gets a line of its own. */
export function wrapWords(words: readonly string[], maxChars: number): string[] {
  const lines: string[] = [];
  let cur = '';
  for (const w of words) {
    if (cur === '') cur = w;
    else if (cur.length + 1 + w.length <= maxChars) cur += ` ${w}`;
    else {
      lines.push(cur);
      cur = w;
    }
  }
  if (cur !== '') lines.push(cur);
  return lines;
}

interface Word {
  text: string;
  startS: number;
  endS: number;
}

/**
 * The words of a line with their times. The measured timings are per whitespace token of the
 * text, so when the counts agree the script's own words (with their punctuation) are shown at the
 * measured times; otherwise the timings' words are. Without timings the words share the line's
 * duration by length (an estimate, used only for lines voiced by a provider that gave none).
 */
function wordsOf(line: TimedLine): Word[] {
  const tokens = spokenText(line.text)
    .split(/\s+/)
    .filter((t) => t !== '');
  const timings = line.timings ?? [];
  if (timings.length > 0) {
    const texts = timings.length === tokens.length ? tokens : timings.map((t) => t.text);
    return timings
      .map((t, i) => ({ text: texts[i]!, startS: t.startS, endS: Math.max(t.startS, t.endS) }))
      .filter((w) => w.text.trim() !== '');
  }
  const total = tokens.reduce((a, t) => a + t.length + 1, 0) || 1;
  let at = 0;
  return tokens.map((text) => {
    const len = ((text.length + 1) / total) * line.durationS;
    const w = { text, startS: at, endS: at + len };
    at += len;
    return w;
  });
}

/**
 * Splits one line into cues of at most `maxLines` × `maxChars` at word boundaries, timed by the
 * measured words: a cue starts when its first word starts and lasts until the next cue of the line
 * starts (or, for the last, until its last word ends), so every cue lies inside the line's measured
 * speech span.
 */
export function lineCues(line: TimedLine, limits: CueLimits = DEFAULT_CUE_LIMITS): LineCue[] {
  const words = wordsOf(line);
  if (words.length === 0) return [];
  const groups: Word[][] = [];
  let cur: Word[] = [];
  for (const w of words) {
    const next = [...cur, w];
    if (cur.length > 0 && !fits(next, limits)) {
      // Prefer to end the cue where the sentence pauses (after . , ; : ! ? or a dash) when that
      // keeps at least half of it, so a cue reads as a phrase rather than stopping mid-clause.
      const cut = phraseEnd(cur);
      groups.push(cur.slice(0, cut));
      cur = [...cur.slice(cut), w];
      while (!fits(cur, limits) && cur.length > 1) {
        groups.push(cur.slice(0, -1));
        cur = cur.slice(-1);
      }
    } else cur = next;
  }
  if (cur.length > 0) groups.push(cur);

  const spanEnd = Math.max(...words.map((w) => w.endS));
  const cues: LineCue[] = [];
  groups.forEach((g, i) => {
    const start = g[0]!.startS;
    const end = i + 1 < groups.length ? groups[i + 1]![0]!.startS : spanEnd;
    const text = wrapWords(
      g.map((w) => w.text),
      limits.maxChars,
    ).join('\n');
    // Words that make no sound can leave a zero-length group: it joins the cue before it.
    if (end <= start && cues.length > 0) {
      const prev = cues[cues.length - 1]!;
      prev.text = `${prev.text} ${text}`;
      return;
    }
    cues.push({ lineId: line.lineId, startS: line.startS + start, endS: line.startS + Math.max(end, start), text });
  });
  // Milliseconds inward (start up, end down), so rounding never moves a cue outside the speech.
  return cues
    .map((c) => ({ ...c, startS: Math.ceil(c.startS * 1000 - 1e-6) / 1000, endS: Math.floor(c.endS * 1000 + 1e-6) / 1000 }))
    .filter((c) => c.endS > c.startS);
}

function fits(words: readonly Word[], limits: CueLimits): boolean {
  return (
    wrapWords(
      words.map((w) => w.text),
      limits.maxChars,
    ).length <= limits.maxLines
  );
}

/** How many words of a full cue to keep: up to its last phrase break in the second half, else all. */
function phraseEnd(words: readonly Word[]): number {
  const chars = words.reduce((a, w) => a + w.text.length + 1, 0);
  let seen = 0;
  let best = words.length;
  words.forEach((w, i) => {
    seen += w.text.length + 1;
    if (i < words.length - 1 && seen >= chars / 2 && /[.,;:!?…—–-]["')\]]?$/.test(w.text)) best = i + 1;
  });
  return best;
}

/** Cues of every line, in time order. */
export function buildCues(lines: readonly TimedLine[], limits: CueLimits = DEFAULT_CUE_LIMITS): LineCue[] {
  return lines.flatMap((l) => lineCues(l, limits)).sort((a, b) => a.startS - b.startS);
}

/** The measured speech span of a line on the timeline: first word's start to last word's end. */
export function speechSpan(line: TimedLine): { startS: number; endS: number } | undefined {
  const words = wordsOf(line);
  if (words.length === 0) return undefined;
  return { startS: line.startS + Math.min(...words.map((w) => w.startS)), endS: line.startS + Math.max(...words.map((w) => w.endS)) };
}
