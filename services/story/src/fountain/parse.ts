import type { SceneElement, Screenplay } from '@automovie/contracts';
import { parseError } from '../errors.ts';
import { isUpperName, looksLikeHeading, parseCue, ScreenplayBuilder, UNTITLED } from '../screenplay-model.ts';

/**
 * A Fountain 1.1 reader (https://fountain.io/syntax): title page, scene headings (forced `.` and
 * `#n#` numbers), action (forced `!`), character cues (forced `@`, extensions, dual `^`),
 * parentheticals, dialogue, transitions (forced `>`), centered `>text<`, lyrics `~`, notes
 * `[[ ]]`, boneyard `/* *\/`, page breaks `===`, sections `#` and synopses `=`. Emphasis and
 * inline notes stay in the text verbatim. Elements are read block by block (blocks are separated
 * by blank lines; a line of two or more spaces continues a block).
 */

export interface ParseOptions {
  /** Title when the title page has none. Default `Untitled`. */
  fallbackTitle?: string;
}

export interface ParseResult {
  screenplay: Screenplay;
  warnings: string[];
}

interface Line {
  text: string;
  /** 1-based line number in the source. */
  no: number;
}

const TITLE_KEY = /^([A-Za-z][A-Za-z0-9 _'-]{0,39}):[ \t]*(.*)$/;
const PAGE_BREAK = /^\s*={3,}\s*$/;
const SCENE_NUMBER = /^(.*?)\s*#([A-Za-z0-9][A-Za-z0-9.-]{0,19})#\s*$/;
const CENTERED = /^\s*>(.*)<\s*$/;
const PARENTHETICAL = /^\s*\(.*\)\s*$/;
const FORCED_HEADING = /^\.[\p{L}\p{N}]/u;
/** The longest note the contracts take; a longer boneyard is kept as several. */
const NOTE_MAX = 5000;

/** `text` cut into pieces of at most `max` characters, at line breaks where possible. */
function chunks(text: string, max: number): string[] {
  if (text === '') return [];
  const out: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const cut = rest.lastIndexOf('\n', max);
    const at = cut > 0 ? cut : max;
    out.push(rest.slice(0, at));
    rest = rest.slice(cut > 0 ? at + 1 : at);
  }
  out.push(rest);
  return out.filter((c) => c !== '');
}

const KNOWN_TITLE_KEYS = new Set([
  'title',
  'credit',
  'author',
  'authors',
  'source',
  'draft date',
  'date',
  'contact',
  'copyright',
  'notes',
  'revision',
]);

/**
 * Whether the document opens with a title page. Upper-case "keys" are not taken as one unless
 * Fountain names them (`FADE IN:` opens many scripts and is action, not a title page).
 */
function isTitleKey(line: string): boolean {
  const m = TITLE_KEY.exec(line);
  if (!m || looksLikeHeading(line)) return false;
  const key = m[1]!.trim();
  return KNOWN_TITLE_KEYS.has(key.toLowerCase()) || /\p{Ll}/u.test(key);
}

const isBlank = (t: string) => t.trim() === '';
/** A line of two or more spaces (and nothing else) keeps a block going: Fountain's intentional blank line. */
const isContinuation = (t: string) => /^[ \t]{2,}$/.test(t);

export function parseFountain(source: string, options: ParseOptions = {}): ParseResult {
  const raw = source.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const lines: Line[] = raw.split('\n').map((text, i) => ({ text, no: i + 1 }));
  const builder = new ScreenplayBuilder('fountain');
  let i = 0;

  // Title page: key/value lines at the very start, values may continue on indented lines.
  const titlePage: Record<string, string> = {};
  while (i < lines.length && isBlank(lines[i]!.text)) i++;
  const first = lines[i]?.text ?? '';
  if (isTitleKey(first)) {
    let key: string | undefined;
    for (; i < lines.length && !isBlank(lines[i]!.text); i++) {
      const text = lines[i]!.text;
      const kv = /^[ \t]/.test(text) ? null : TITLE_KEY.exec(text);
      if (kv) {
        key = kv[1]!.trim();
        const value = kv[2]!.trim();
        titlePage[key] = titlePage[key] === undefined ? value : [titlePage[key], value].filter((v) => v !== '').join('\n');
      } else if (key !== undefined) {
        const prev = titlePage[key]!;
        titlePage[key] = prev === '' ? text.trim() : `${prev}\n${text.trim()}`;
      } else {
        throw parseError('fountain', lines[i]!.no, 'title page line is neither "Key: value" nor an indented continuation');
      }
    }
  }

  // Blocks: runs of non-blank lines. Boneyard and notes that start a block may span blank lines.
  while (i < lines.length) {
    if (isBlank(lines[i]!.text)) {
      i++;
      continue;
    }
    const start = lines[i]!;
    const trimmed = start.text.trim();
    if (trimmed.startsWith('/*')) {
      i = readSpanning(lines, i, '/*', '*/', 'boneyard', (text, at) => {
        for (const chunk of chunks(text, NOTE_MAX)) builder.add({ type: 'note', kind: 'boneyard', text: chunk }, at);
      });
      continue;
    }
    if (trimmed.startsWith('[[')) {
      const closeAt = findClose(lines, i, '[[', ']]');
      if (closeAt === undefined) throw parseError('fountain', start.no, 'note "[[" is never closed with "]]"');
      const after = lines[closeAt.line]!.text.slice(closeAt.col + 2);
      if (after.trim() === '') {
        i = readSpanning(lines, i, '[[', ']]', 'note', (text, at) => {
          const t = text.trim();
          if (t !== '') builder.add({ type: 'note', text: t }, at);
        });
        continue;
      }
    }
    const block: Line[] = [];
    for (; i < lines.length; i++) {
      const l = lines[i]!;
      if (isBlank(l.text) && !isContinuation(l.text)) break;
      if (block.length > 0 && (l.text.trim().startsWith('/*') || PAGE_BREAK.test(l.text))) break;
      block.push(l);
    }
    readBlock(block, builder);
  }
  return builder.finish(titlePage, options.fallbackTitle ?? UNTITLED);
}

/** Where `close` first occurs at or after `open` on line `from`, across lines. */
function findClose(lines: Line[], from: number, open: string, close: string): { line: number; col: number } | undefined {
  let col = lines[from]!.text.indexOf(open) + open.length;
  for (let l = from; l < lines.length; l++, col = 0) {
    const at = lines[l]!.text.indexOf(close, col);
    if (at !== -1) return { line: l, col: at };
  }
  return undefined;
}

/** Reads `open … close` from line `from` (possibly over blank lines); returns the index of the next line to read. */
function readSpanning(
  lines: Line[],
  from: number,
  open: string,
  close: string,
  what: string,
  emit: (text: string, line: number) => void,
): number {
  const end = findClose(lines, from, open, close);
  if (end === undefined) throw parseError('fountain', lines[from]!.no, `${what} "${open}" is never closed with "${close}"`);
  const startText = lines[from]!.text;
  const openAt = startText.indexOf(open) + open.length;
  let text: string;
  if (end.line === from) text = startText.slice(openAt, end.col);
  else {
    const middle = lines.slice(from + 1, end.line).map((l) => l.text);
    text = [startText.slice(openAt), ...middle, lines[end.line]!.text.slice(0, end.col)].join('\n');
  }
  emit(text, lines[from]!.no);
  const rest = lines[end.line]!.text.slice(end.col + close.length);
  if (rest.trim() === '') return end.line + 1;
  // Text after the closing mark on the same line starts the next block.
  lines[end.line] = { text: rest, no: lines[end.line]!.no };
  return end.line;
}

function readBlock(block: Line[], b: ScreenplayBuilder): void {
  let rest = block;
  while (rest.length > 0) rest = readElement(rest, b);
}

/** Reads the element the block starts with; returns the lines left over. */
function readElement(block: Line[], b: ScreenplayBuilder): Line[] {
  const head = block[0]!;
  const text = head.text.trim();
  const rest = block.slice(1);

  if (PAGE_BREAK.test(head.text)) {
    b.add({ type: 'page_break' }, head.no);
    return rest;
  }
  if (text.startsWith('!')) return action(block, b, true);
  const section = /^(#{1,6})(?!#)\s*(.*)$/.exec(text);
  if (section) {
    if (section[2]!.trim() !== '') b.add({ type: 'note', kind: 'section', depth: section[1]!.length, text: section[2]!.trim() }, head.no);
    return rest;
  }
  if (/^=(?!=)/.test(text)) {
    const synopsis = text.slice(1).trim();
    if (synopsis !== '') b.add({ type: 'note', kind: 'synopsis', text: synopsis }, head.no);
    return rest;
  }
  const forcedHeading = FORCED_HEADING.test(text);
  if (forcedHeading || looksLikeHeading(text)) {
    let heading = forcedHeading ? text.slice(1).trim() : text;
    const numbered = SCENE_NUMBER.exec(heading);
    let label: string | undefined;
    if (numbered) {
      heading = numbered[1]!.trim();
      label = numbered[2]!;
    }
    if (heading === '') throw parseError('fountain', head.no, 'a scene heading needs text after the forcing "."');
    b.startScene(heading, head.no, label);
    return rest;
  }
  if (CENTERED.test(head.text)) {
    const run = takeWhile(block, (l) => CENTERED.test(l.text));
    b.add({ type: 'centered', text: run.map((l) => CENTERED.exec(l.text)![1]!.trim()).join('\n') }, head.no);
    return block.slice(run.length);
  }
  if (text.startsWith('>')) {
    const t = text.slice(1).trim();
    if (t !== '') b.add({ type: 'transition', text: t }, head.no);
    return rest;
  }
  if (text.startsWith('~')) {
    const run = takeWhile(block, (l) => l.text.trim().startsWith('~'));
    b.add({ type: 'lyric', text: run.map((l) => l.text.trim().slice(1).replace(/^ /, '')).join('\n') || ' ' }, head.no);
    return block.slice(run.length);
  }
  if (block.length === 1 && isUpperName(text) && /TO:$/.test(text)) {
    b.add({ type: 'transition', text }, head.no);
    return rest;
  }
  if (rest.length > 0 && isCue(text)) return dialogue(block, b);
  return action(block, b, false);
}

function takeWhile(block: Line[], test: (l: Line) => boolean): Line[] {
  const out: Line[] = [];
  for (const l of block) {
    if (!test(l)) break;
    out.push(l);
  }
  return out;
}

function isCue(text: string): boolean {
  if (text.startsWith('@')) return text.length > 1;
  const noDual = text.replace(/\s*\^$/, '');
  const name = noDual.split('(')[0]!.trim();
  return name.length > 0 && name.length <= 120 && isUpperName(name) && !/TO:$/.test(noDual);
}

function dialogue(block: Line[], b: ScreenplayBuilder): Line[] {
  const head = block[0]!;
  const cue = parseCue(head.text);
  const body = block.slice(1).map((l) => (isContinuation(l.text) ? '' : l.text.trim()));
  let parenthetical: string | undefined;
  if (body.length > 1 && PARENTHETICAL.test(body[0]!)) {
    parenthetical = body[0]!.trim().slice(1, -1).trim();
    body.shift();
  }
  const el: SceneElement = { type: 'dialogue', character: cue.character, text: body.join('\n') };
  if (parenthetical !== undefined && parenthetical !== '') el.parenthetical = parenthetical;
  if (cue.extension !== undefined) el.extension = cue.extension;
  if (cue.cueExtras !== undefined) el.cueExtras = cue.cueExtras;
  if (cue.dual) el.dual = true;
  b.add(el, head.no);
  return [];
}

function action(block: Line[], b: ScreenplayBuilder, forced: boolean): Line[] {
  const lines = block.map((l) => (isContinuation(l.text) ? '' : l.text.trimEnd()));
  if (forced) lines[0] = lines[0]!.replace(/^\s*!/, '');
  const text = lines.join('\n');
  b.add({ type: 'action', text: text === '' ? ' ' : text }, block[0]!.no);
  return [];
}
