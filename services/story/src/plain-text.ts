import type { SceneElement } from '@automovie/contracts';
import type { ParseOptions, ParseResult } from './fountain/parse.ts';
import { isUpperName, looksLikeHeading, parseCue, ScreenplayBuilder, UNTITLED } from './screenplay-model.ts';

/**
 * Screenplays as plain text (a PDF's text, a typed draft): upper-case INT./EXT. slug lines are
 * scenes, an upper-case cue followed by lines is dialogue (a first line in parentheses is its
 * parenthetical), upper-case lines ending "TO:" and FADE OUT/IN are transitions, the rest is action.
 * Layout indentation is ignored; page furniture (page numbers, (MORE), CONTINUED) is dropped with
 * a warning. Elements must be separated by blank lines, as screenplay layout has them.
 */
export function parsePlainText(source: string, options: ParseOptions = {}): ParseResult {
  const lines = source
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .replace(/\f/g, '\n')
    .split('\n');
  const b = new ScreenplayBuilder('text');
  const titlePage: Record<string, string> = {};
  let dropped = 0;

  // Blocks of non-blank lines, with their first line number.
  const blocks: { lines: string[]; no: number }[] = [];
  let current: { lines: string[]; no: number } | undefined;
  for (const [i, raw] of lines.entries()) {
    const t = raw.trim();
    if (/^\d{1,4}\.?$/.test(t) || /^\(?MORE\)?$/i.test(t) || /^\(?CONTINUED\)?:?$/i.test(t) || /^CONTINUED:\s*\(\d+\)$/i.test(t)) {
      dropped++;
      continue;
    }
    if (t === '') {
      current = undefined;
      continue;
    }
    if (current === undefined) {
      current = { lines: [], no: i + 1 };
      blocks.push(current);
    }
    current.lines.push(raw.replace(/\s+$/, ''));
  }
  if (dropped > 0) b.warnings.push(`${dropped} page-furniture line(s) dropped (page numbers, (MORE), CONTINUED)`);

  // A title page before the first scene: a short upper-case title, then "written by" and the author.
  const firstScene = blocks.findIndex((bl) => slug(bl.lines[0]!) !== undefined);
  let expect: 'title' | 'credit' | 'author' | 'done' = 'title';
  for (const [index, block] of blocks.entries()) {
    let rest = block.lines.map((l) => l.trim());
    let no = block.no;
    if (index < firstScene && expect !== 'done' && rest.length <= 2) {
      const text = rest.join('\n');
      if (expect === 'title' && isUpperName(text) && !/TO:$|^FADE/.test(text)) {
        titlePage.Title = text;
        expect = 'credit';
        continue;
      }
      if (expect === 'credit' && /^(written |screenplay |story |teleplay )?by\b/i.test(text)) {
        titlePage.Credit = text;
        expect = 'author';
        continue;
      }
      if (expect === 'author' && !isUpperName(text)) {
        titlePage.Author = text;
        expect = 'done';
        continue;
      }
      expect = 'done';
    }
    while (rest.length > 0) {
      const head = rest[0]!;
      const heading = slug(head);
      if (heading !== undefined) {
        b.startScene(heading.text, no, heading.number);
        rest = rest.slice(1);
        no++;
        continue;
      }
      if (isUpperName(head) && (/TO:$/.test(head) || /^FADE (OUT|IN|TO BLACK)[.:]?$/.test(head) || head === 'THE END')) {
        b.add(head === 'THE END' ? { type: 'centered', text: head } : { type: 'transition', text: head.slice(0, 100) }, no);
        rest = rest.slice(1);
        no++;
        continue;
      }
      const name = head.split('(')[0]!.trim();
      if (rest.length > 1 && name.length <= 40 && isUpperName(name) && !/[.!?,;:]$/.test(name)) {
        const cue = parseCue(head);
        const body = rest.slice(1);
        const el: SceneElement = { type: 'dialogue', character: cue.character, text: '' };
        if (body.length > 1 && /^\(.*\)$/.test(body[0]!)) el.parenthetical = body.shift()!.slice(1, -1).trim();
        el.text = joinSpeech(body);
        if (cue.extension !== undefined) el.extension = cue.extension;
        if (cue.cueExtras !== undefined) el.cueExtras = cue.cueExtras;
        b.add(el, no);
        rest = [];
        continue;
      }
      b.add({ type: 'action', text: rest.join('\n') }, no);
      rest = [];
    }
  }
  return b.finish(titlePage, options.fallbackTitle ?? UNTITLED);
}

/** Wrapped speech lines are one paragraph; parentheticals stay on their own lines. */
function joinSpeech(lines: string[]): string {
  const out: string[] = [];
  for (const l of lines) {
    const last = out[out.length - 1];
    if (last !== undefined && !/^\(.*\)$/.test(l) && !/^\(.*\)$/.test(last)) out[out.length - 1] = `${last} ${l}`;
    else out.push(l);
  }
  return out.join('\n');
}

/** An upper-case slug line, with the scene numbers printed scripts put on both sides taken off. */
function slug(line: string): { text: string; number?: string } | undefined {
  const t = line.trim();
  const numbered = /^(\d+[A-Z]?)\.?\s+(.*?)(?:\s+\1\.?)?$/.exec(t);
  const text = numbered ? numbered[2]!.trim() : t;
  if (!looksLikeHeading(text) || !isUpperName(text)) return undefined;
  return numbered ? { text, number: numbered[1]! } : { text };
}
