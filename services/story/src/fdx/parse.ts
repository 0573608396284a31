import type { SceneElement } from '@automovie/contracts';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { parseError } from '../errors.ts';
import type { ParseOptions, ParseResult } from '../fountain/parse.ts';
import { parseCue, ScreenplayBuilder, UNTITLED } from '../screenplay-model.ts';
import { fromRuns, type Run } from './emphasis.ts';

/**
 * A Final Draft FDX reader (Final Draft 8 and later): Content paragraphs by Type, DualDialogue
 * blocks, scene numbers and SceneProperties summaries, styled Text runs (as Fountain emphasis),
 * StartsNewPage (as page breaks), and the TitlePage (as title page keys). Paragraph types a
 * screenplay has no element for are kept as action with a warning; nothing is dropped silently.
 * Errors name the line of the paragraph at fault.
 */

type XmlNode = Record<string, unknown>;

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  trimValues: false,
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: true,
  htmlEntities: true,
});

const tagOf = (n: XmlNode): string | undefined => Object.keys(n).find((k) => k !== ':@' && k !== '#text');
const childrenOf = (n: XmlNode): XmlNode[] => {
  const t = tagOf(n);
  return t === undefined ? [] : ((n[t] as XmlNode[] | undefined) ?? []);
};
const attrsOf = (n: XmlNode): Record<string, string> => (n[':@'] as Record<string, string> | undefined) ?? {};
const elementsOf = (n: XmlNode, tag?: string) =>
  childrenOf(n).filter((c) => (tag === undefined ? tagOf(c) !== undefined : tagOf(c) === tag));

/** Text of a node's `#text` descendants. */
function plainText(n: XmlNode): string {
  if (typeof n['#text'] === 'string' || typeof n['#text'] === 'number') return String(n['#text']);
  return childrenOf(n).map(plainText).join('');
}

/** A paragraph's text: its Text runs, styles as Fountain emphasis. */
function paragraphText(p: XmlNode): string {
  const runs: Run[] = elementsOf(p, 'Text').map((t) => {
    const style = (attrsOf(t).Style ?? '').toLowerCase();
    return { text: plainText(t), bold: style.includes('bold'), italic: style.includes('italic'), underline: style.includes('underline') };
  });
  return fromRuns(runs);
}

const NOTE_MARKUP: [RegExp, (m: RegExpExecArray) => SceneElement][] = [
  [/^\[\[([\s\S]*)\]\]$/, (m) => ({ type: 'note', text: m[1]!.trim() || ' ' })],
  [/^\/\*([\s\S]*)\*\/$/, (m) => ({ type: 'note', kind: 'boneyard', text: m[1] || ' ' })],
  [/^(#{1,6})(?!#)\s*(\S[\s\S]*)$/, (m) => ({ type: 'note', kind: 'section', depth: m[1]!.length, text: m[2]!.trim() })],
  [/^=(?!=)\s*(\S[\s\S]*)$/, (m) => ({ type: 'note', kind: 'synopsis', text: m[1]!.trim() })],
];

export function parseFdx(source: string, options: ParseOptions = {}): ParseResult {
  const xml = source.replace(/^\uFEFF/, '');
  if (/<!DOCTYPE/i.test(xml))
    throw parseError('fdx', lineAt(xml, xml.search(/<!DOCTYPE/i)), 'a DOCTYPE is not allowed in FDX (entity declarations are refused)');
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw parseError('fdx', valid.err.line, `not well-formed XML: ${valid.err.msg}`);
  const doc = parser.parse(xml) as XmlNode[];
  const root = doc.find((n) => tagOf(n) === 'FinalDraft');
  if (root === undefined) {
    const other = doc.map(tagOf).find((t) => t !== undefined && t !== '?xml');
    throw parseError('fdx', undefined, `the root element is <${other ?? 'none'}>, not <FinalDraft> — is this a Final Draft file?`);
  }
  const docType = attrsOf(root).DocumentType;
  if (docType !== undefined && docType !== 'Script')
    throw parseError('fdx', 1, `DocumentType is "${docType}"; only Final Draft scripts (DocumentType="Script") are screenplays`);

  // Line of every <Paragraph> in document order, matched to the parsed nodes by a walk in the same order.
  const paragraphLines: number[] = [];
  const re = /<Paragraph[\s>/]/g;
  for (let m = re.exec(xml); m !== null; m = re.exec(xml)) paragraphLines.push(lineAt(xml, m.index));
  const lines = new Map<XmlNode, number>();
  let ordinal = 0;
  const walk = (n: XmlNode) => {
    if (tagOf(n) === 'Paragraph') lines.set(n, paragraphLines[ordinal++] ?? 1);
    for (const c of elementsOf(n)) walk(c);
  };
  walk(root);

  const content = elementsOf(root, 'Content')[0];
  if (content === undefined) throw parseError('fdx', 1, 'the FinalDraft element has no <Content>');
  const b = new ScreenplayBuilder('fdx');
  const reader = new ContentReader(b, lines);
  for (const p of elementsOf(content, 'Paragraph')) reader.paragraph(p);
  reader.flush();
  return b.finish(readTitlePage(root), options.fallbackTitle ?? UNTITLED);
}

function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

interface Speech {
  el: Extract<SceneElement, { type: 'dialogue' }>;
  line: number;
  lines: string[];
  spoke: boolean;
}

class ContentReader {
  readonly #b: ScreenplayBuilder;
  readonly #lines: Map<XmlNode, number>;
  #speech: Speech | undefined;

  constructor(b: ScreenplayBuilder, lines: Map<XmlNode, number>) {
    this.#b = b;
    this.#lines = lines;
  }

  flush(): void {
    const s = this.#speech;
    this.#speech = undefined;
    if (s === undefined) return;
    s.el.text = s.lines.join('\n');
    if (s.el.text.trim() === '') {
      if (s.el.parenthetical === undefined) {
        this.#b.warnings.push(`line ${s.line}: character ${s.el.character} has no dialogue; kept as a cue with an empty line "…"`);
        s.el.text = '…';
      } else {
        s.el.text = `(${s.el.parenthetical})`;
        delete s.el.parenthetical;
      }
    }
    this.#b.add(s.el, s.line);
  }

  paragraph(p: XmlNode, dualSecond = false): void {
    const line = this.#lines.get(p) ?? 1;
    const dual = elementsOf(p, 'DualDialogue')[0];
    if (dual !== undefined) {
      this.flush();
      let characters = 0;
      for (const inner of elementsOf(dual, 'Paragraph')) {
        if (attrsOf(inner).Type === 'Character') characters++;
        this.paragraph(inner, characters >= 2);
      }
      this.flush();
      return;
    }
    const a = attrsOf(p);
    const type = a.Type ?? 'Action';
    const text = paragraphText(p);
    if (a.StartsNewPage === 'Yes') {
      this.flush();
      this.#b.add({ type: 'page_break' }, line);
    }
    if (type === 'Scene Heading') {
      this.flush();
      if (text.trim() === '') {
        this.#b.warnings.push(`line ${line}: empty scene heading skipped`);
        return;
      }
      this.#b.startScene(text.replace(/\s*\n\s*/g, ' '), line, a.Number?.trim() || undefined);
      const summary = elementsOf(p, 'SceneProperties')
        .flatMap((sp) => elementsOf(sp, 'Summary'))
        .flatMap((s) => elementsOf(s, 'Paragraph'))
        .map(paragraphText)
        .join('\n');
      this.#b.setSummary(summary);
      return;
    }
    if (type === 'Character') {
      this.flush();
      const cue = parseCue(text.replace(/\s*\n\s*/g, ' '));
      if (cue.character === '') throw parseError('fdx', line, 'a Character paragraph has no name');
      const el: Speech['el'] = { type: 'dialogue', character: cue.character, text: '' };
      if (cue.extension !== undefined) el.extension = cue.extension;
      if (cue.cueExtras !== undefined) el.cueExtras = cue.cueExtras;
      if (cue.dual || dualSecond) el.dual = true;
      this.#speech = { el, line, lines: [], spoke: false };
      return;
    }
    if (type === 'Parenthetical' || type === 'Dialogue') {
      const s = this.#speech;
      if (s === undefined) {
        this.#b.warnings.push(`line ${line}: ${type} paragraph without a Character before it; kept as action`);
        if (text.trim() !== '') this.#b.add({ type: 'action', text }, line);
        return;
      }
      if (type === 'Parenthetical') {
        const inner = text.trim().replace(/^\(/, '').replace(/\)$/, '').trim();
        if (!s.spoke && s.el.parenthetical === undefined && inner !== '') s.el.parenthetical = inner;
        else if (text.trim() !== '') s.lines.push(text.trim().startsWith('(') ? text.trim() : `(${text.trim()})`);
      } else if (text !== '') {
        s.lines.push(text);
        s.spoke = true;
      }
      return;
    }
    this.flush();
    if (text.trim() === '') return;
    switch (type) {
      case 'Action':
        this.#b.add(a.Alignment === 'Center' ? { type: 'centered', text } : { type: 'action', text }, line);
        return;
      case 'Transition':
        this.#b.add({ type: 'transition', text: text.trim().slice(0, 100) }, line);
        return;
      case 'Shot':
        this.#b.add({ type: 'action', text, fdxType: 'Shot' }, line);
        return;
      case 'Lyrics':
      case 'Lyric':
        this.#b.add({ type: 'lyric', text }, line);
        return;
      case 'General': {
        for (const [re, make] of NOTE_MARKUP) {
          const m = re.exec(text.trim());
          if (m) {
            this.#b.add(make(m), line);
            return;
          }
        }
        this.#b.add({ type: 'action', text, fdxType: 'General' }, line);
        return;
      }
      default:
        this.#b.warnings.push(`line ${line}: paragraph type "${type}" has no screenplay element; kept as action`);
        this.#b.add({ type: 'action', text }, line);
    }
  }
}

/** The TitlePage as keys: `Key` attributes when written by us, else Final Draft's usual layout. */
function readTitlePage(root: XmlNode): Record<string, string> {
  const out: Record<string, string> = {};
  const paragraphs = elementsOf(root, 'TitlePage')
    .flatMap((t) => elementsOf(t, 'Content'))
    .flatMap((c) => elementsOf(c, 'Paragraph'));
  const put = (k: string, v: string) => {
    out[k] = out[k] === undefined ? v : `${out[k]}\n${v}`;
  };
  let stage: 'title' | 'credit' | 'author' | 'source' = 'title';
  for (const p of paragraphs) {
    const a = attrsOf(p);
    const text = paragraphText(p).trim();
    if (text === '') continue;
    if (a.Key !== undefined) {
      const prefix = `${a.Key}: `;
      put(a.Key, text.startsWith(prefix) ? text.slice(prefix.length) : text === `${a.Key}:` ? '' : text);
      continue;
    }
    const kv = /^([A-Za-z][A-Za-z ]{0,38}):\s*(.*)$/s.exec(text);
    if (a.Alignment === 'Center') {
      if (stage === 'title') {
        put('Title', text);
        stage = 'credit';
      } else if (stage === 'credit' && /\bby\b|^written|^screenplay|^story|^teleplay/i.test(text)) {
        put('Credit', text);
        stage = 'author';
      } else if (stage === 'credit' || stage === 'author') {
        put('Author', text);
        stage = 'source';
      } else put('Source', text);
    } else if (kv && !/^(https?|mailto)$/i.test(kv[1]!)) put(kv[1]!.trim(), kv[2]!.trim());
    else if (/draft|revision|\b(19|20)\d\d\b/i.test(text) && out['Draft date'] === undefined) put('Draft date', text);
    else put('Contact', text);
  }
  return out;
}
