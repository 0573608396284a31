import {
  type IntExtSchema,
  type SceneElement,
  type Screenplay,
  type ScreenplayScene,
  ScreenplaySchema,
  type TimeOfDay,
  TimeOfDaySchema,
} from '@automovie/contracts';
import type { z } from 'zod';
import { parseError, StoryError } from './errors.ts';

/**
 * What the Fountain, FDX and plain-text readers share: reading slug lines and character cues,
 * and assembling elements into a validated Screenplay whose errors name source lines.
 */

export type IntExt = z.infer<typeof IntExtSchema>;
export type DialogueElement = Extract<SceneElement, { type: 'dialogue' }>;
export type Extension = NonNullable<DialogueElement['extension']>;

/** A slug line's prefix: INT, EXT, EST, INT./EXT., INT/EXT, I/E, EXT/INT (Fountain 1.1), case-insensitive. */
export const HEADING_PREFIX = /^(int\.?\s*\/\s*ext|ext\.?\s*\/\s*int|i\s*\/\s*e|int|ext|est)(?:\.\s*|\s+)/i;

/** Whether a line reads as a scene heading without forcing. */
export function looksLikeHeading(line: string): boolean {
  return HEADING_PREFIX.test(line.trim());
}

const TIME_ALIASES: Record<string, TimeOfDay> = {
  AFTERNOON: 'DAY',
  NOON: 'DAY',
  MIDDAY: 'DAY',
  DAYTIME: 'DAY',
  'LATE AFTERNOON': 'DUSK',
  SUNSET: 'DUSK',
  TWILIGHT: 'DUSK',
  SUNRISE: 'DAWN',
  'EARLY MORNING': 'DAWN',
  MIDNIGHT: 'NIGHT',
  'LATE NIGHT': 'NIGHT',
  NIGHTTIME: 'NIGHT',
  'MOMENTS LATER': 'LATER',
  'A MOMENT LATER': 'LATER',
  'SECONDS LATER': 'LATER',
  SAME: 'CONTINUOUS',
  'SAME TIME': 'CONTINUOUS',
  'CONTINUOUS ACTION': 'CONTINUOUS',
};

export interface HeadingInfo {
  heading: string;
  intExt: IntExt;
  location: string;
  timeOfDay: TimeOfDay;
}

/**
 * Reads a slug line. The heading text is kept as written; intExt, location and time of day are
 * derived from it (INT and DAY when a forced heading names neither).
 */
export function parseHeading(heading: string): HeadingInfo {
  const text = heading.trim();
  const m = HEADING_PREFIX.exec(text);
  let intExt: IntExt = 'INT';
  let rest = text;
  if (m) {
    const p = m[1]!.toUpperCase().replace(/[\s.]/g, '');
    intExt = p === 'INT' ? 'INT' : p === 'EXT' || p === 'EST' ? 'EXT' : 'INT/EXT';
    rest = text.slice(m[0].length);
  }
  const parts = rest
    .split(/\s+[-–—]+\s+|\s+[-–—]+$/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
  let timeOfDay: TimeOfDay = 'DAY';
  let locationParts = parts;
  if (parts.length > 1) {
    const last = parts[parts.length - 1]!.toUpperCase().replace(/[.()]/g, '').trim();
    const known = TimeOfDaySchema.safeParse(last).success ? (last as TimeOfDay) : TIME_ALIASES[last];
    if (known) {
      timeOfDay = known;
      locationParts = parts.slice(0, -1);
    } else if (/\bNIGHT\b/.test(last)) timeOfDay = 'NIGHT';
  }
  const location = (locationParts.join(' - ') || rest || text).replace(/[.\s]+$/, '').slice(0, 120) || text.slice(0, 120);
  return { heading: text, intExt, location, timeOfDay };
}

const EXTENSIONS: Record<string, Extension> = {
  'V.O.': 'V.O.',
  VO: 'V.O.',
  'O.S.': 'O.S.',
  OS: 'O.S.',
  "CONT'D": "CONT'D",
  'O.C.': 'O.C.',
  OC: 'O.C.',
};

export interface Cue {
  character: string;
  extension?: Extension;
  cueExtras?: string;
  dual: boolean;
}

/** Reads a character cue (`@McCLANE (V.O.) (ON PHONE) ^`): the name, the known extension, other parenthesised parts, dual. */
export function parseCue(raw: string): Cue {
  let text = raw.trim();
  let dual = false;
  if (text.endsWith('^')) {
    dual = true;
    text = text.slice(0, -1).trim();
  }
  if (text.startsWith('@')) text = text.slice(1).trim();
  const open = text.indexOf('(');
  const character = (open === -1 ? text : text.slice(0, open)).trim();
  const cue: Cue = { character, dual };
  if (open === -1) return cue;
  const tail = text.slice(open);
  const extras: string[] = [];
  const re = /\(([^()]*)\)|([^()\s][^()]*)/g;
  for (let m = re.exec(tail); m !== null; m = re.exec(tail)) {
    if (m[1] !== undefined) {
      const norm = m[1].trim().toUpperCase().replace(/[’‘]/g, "'");
      const known = EXTENSIONS[norm];
      if (known !== undefined && cue.extension === undefined) cue.extension = known;
      else extras.push(m[0]);
    } else if (m[2]!.trim() !== '') extras.push(m[2]!.trim());
  }
  if (extras.length > 0) cue.cueExtras = extras.join(' ');
  return cue;
}

/** A cue as written (without Fountain forcing marks). */
export function formatCue(el: DialogueElement): string {
  return [el.character, el.extension === undefined ? '' : `(${el.extension})`, el.cueExtras ?? ''].filter((s) => s !== '').join(' ');
}

/** Upper-case enough to be read as a character cue: a letter and no lower-case letter in the name. */
export function isUpperName(name: string): boolean {
  return /\p{L}/u.test(name) && !/\p{Ll}/u.test(name);
}

/** The title of a screenplay whose source named none; writers do not write it out as a title. */
export const UNTITLED = 'Untitled';

/** The screenplay's title from a title page's Title (emphasis and line breaks removed). */
export function titleOf(titlePage: Record<string, string>, fallback: string): string {
  const key = Object.keys(titlePage).find((k) => k.toLowerCase() === 'title');
  const raw = key === undefined ? '' : (titlePage[key] ?? '');
  const clean = raw
    .replace(/\\([*_])/g, '$1')
    .replace(/\*{1,3}|_/g, '')
    .replace(/\s*\n\s*/g, ' ')
    .trim()
    .slice(0, 200);
  return clean === '' ? fallback : clean;
}

/** Collects elements in reading order, each with the source line it came from, into scenes. */
export class ScreenplayBuilder {
  readonly format: string;
  readonly warnings: string[] = [];
  readonly #preamble: SceneElement[] = [];
  readonly #preambleLines: number[] = [];
  readonly #scenes: { scene: ScreenplayScene; line: number; lines: number[] }[] = [];

  constructor(format: string) {
    this.format = format;
  }

  startScene(heading: string, line: number, numberLabel?: string): void {
    const info = parseHeading(heading);
    const scene: ScreenplayScene = {
      number: this.#scenes.length + 1,
      heading: info.heading,
      intExt: info.intExt,
      location: info.location,
      timeOfDay: info.timeOfDay,
      summary: '',
      elements: [],
    };
    if (numberLabel !== undefined && numberLabel !== '') scene.numberLabel = numberLabel;
    this.#scenes.push({ scene, line, lines: [] });
  }

  add(element: SceneElement, line: number): void {
    const current = this.#scenes[this.#scenes.length - 1];
    if (current === undefined) {
      this.#preamble.push(element);
      this.#preambleLines.push(line);
      return;
    }
    current.scene.elements.push(element);
    current.lines.push(line);
    if (element.type === 'note' && element.kind === 'synopsis' && current.scene.summary === '')
      current.scene.summary = element.text.slice(0, 2000);
  }

  /** Sets the current scene's summary (FDX scene properties). */
  setSummary(summary: string): void {
    const current = this.#scenes[this.#scenes.length - 1];
    if (current !== undefined && summary.trim() !== '') current.scene.summary = summary.trim().slice(0, 2000);
  }

  get sceneCount(): number {
    return this.#scenes.length;
  }

  /**
   * The validated screenplay. A value the contracts refuse (an over-long cue, too many scenes…)
   * is a STORY_PARSE_ERROR naming the source line of the element at fault.
   */
  finish(titlePage: Record<string, string>, fallbackTitle: string): { screenplay: Screenplay; warnings: string[] } {
    const draft = {
      title: titleOf(titlePage, fallbackTitle),
      titlePage,
      ...(this.#preamble.length > 0 ? { preamble: this.#preamble } : {}),
      scenes: this.#scenes.map((s) => s.scene),
    };
    if (this.#scenes.length === 0) {
      throw new StoryError(
        'STORY_IMPORT_NO_SCENES',
        `${this.format}: no scene heading found (a line starting INT., EXT., EST., INT./EXT. or I/E, or a forced .HEADING); a screenplay needs at least one scene`,
        { format: this.format },
      );
    }
    const parsed = ScreenplaySchema.safeParse(draft);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const path = issue.path;
      let line: number | undefined;
      if (path[0] === 'scenes' && typeof path[1] === 'number') {
        const s = this.#scenes[path[1]];
        line = path[2] === 'elements' && typeof path[3] === 'number' ? s?.lines[path[3]] : s?.line;
      } else if (path[0] === 'preamble' && typeof path[1] === 'number') line = this.#preambleLines[path[1]];
      throw parseError(this.format, line, `${path.join('.')}: ${issue.message}`);
    }
    return { screenplay: parsed.data, warnings: this.warnings };
  }
}
