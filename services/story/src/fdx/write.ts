import type { SceneElement, Screenplay, ScreenplayScene } from '@automovie/contracts';
import { type DialogueElement, formatCue, UNTITLED } from '../screenplay-model.ts';
import { toRuns } from './emphasis.ts';

/**
 * A Final Draft (8 and later) FDX writer: `<FinalDraft DocumentType="Script">` with Content
 * paragraphs (Scene Heading with Number and a SceneProperties summary, Action, Character,
 * Parenthetical, Dialogue, Transition, Shot, General), DualDialogue blocks, and a TitlePage.
 * Fountain emphasis becomes styled Text runs. What Final Draft has no paragraph type for keeps its
 * Fountain mark-up in a General paragraph (`[[note]]`, `# section`, `= synopsis`, `/* … *\/`), lyrics
 * are `Lyrics` paragraphs, centered text is Action with Alignment="Center", and a page break sets
 * StartsNewPage on the next paragraph — so `parseFdx` reads the file back to the same screenplay.
 */
export function writeFdx(screenplay: Screenplay): string {
  const w = new Writer();
  for (const [i, el] of (screenplay.preamble ?? []).entries()) w.element(el, screenplay.preamble ?? [], i);
  for (const scene of screenplay.scenes) {
    w.heading(scene);
    for (const [i, el] of scene.elements.entries()) w.element(el, scene.elements, i);
  }
  w.finish();
  return [
    '<?xml version="1.0" encoding="UTF-8" standalone="no" ?>',
    '<FinalDraft DocumentType="Script" Template="No" Version="5">',
    '  <Content>',
    ...w.out,
    '  </Content>',
    titlePage(screenplay),
    '</FinalDraft>',
    '',
  ].join('\n');
}

/** XML text and attribute escaping; characters XML 1.0 cannot carry are dropped. */
export function escapeXml(text: string): string {
  return (
    text
      // biome-ignore lint/suspicious/noControlCharactersInRegex: removing what XML 1.0 forbids
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
  );
}

function textRuns(text: string): string {
  const runs = toRuns(text);
  if (runs.length === 0) return '<Text></Text>';
  return runs
    .map((r) => {
      const style = [r.bold ? 'Bold' : '', r.italic ? 'Italic' : '', r.underline ? 'Underline' : ''].filter((s) => s !== '').join('+');
      return `<Text${style === '' ? '' : ` Style="${style}"`}>${escapeXml(r.text)}</Text>`;
    })
    .join('');
}

class Writer {
  readonly out: string[] = [];
  #newPage = false;
  #skip = -1;

  /** A paragraph whose text is `text` (emphasis as styled runs) or, when `verbatim`, one plain run. */
  paragraph(type: string, text: string, attrs: Record<string, string> = {}, inner = '', indent = '    ', verbatim = false): string {
    const all: Record<string, string> = { Type: type, ...attrs };
    if (this.#newPage) {
      all.StartsNewPage = 'Yes';
      this.#newPage = false;
    }
    const a = Object.entries(all)
      .map(([k, v]) => ` ${k}="${escapeXml(v)}"`)
      .join('');
    const body = verbatim ? `<Text>${escapeXml(text)}</Text>` : textRuns(text);
    return `${indent}<Paragraph${a}>${inner}${body}</Paragraph>`;
  }

  heading(scene: ScreenplayScene): void {
    const summary =
      scene.summary.trim() === ''
        ? ''
        : `<SceneProperties Length="" Page="" Title=""><Summary><Paragraph Type="General"><Text>${escapeXml(scene.summary)}</Text></Paragraph></Summary></SceneProperties>`;
    this.out.push(
      this.paragraph('Scene Heading', scene.heading, scene.numberLabel === undefined ? {} : { Number: scene.numberLabel }, summary),
    );
  }

  element(el: SceneElement, all: SceneElement[], index: number): void {
    if (index === this.#skip) return;
    switch (el.type) {
      case 'page_break':
        this.#newPage = true;
        return;
      case 'action':
        this.out.push(this.paragraph(el.fdxType ?? 'Action', el.text));
        return;
      case 'centered':
        this.out.push(this.paragraph('Action', el.text, { Alignment: 'Center' }));
        return;
      case 'transition':
        this.out.push(this.paragraph('Transition', el.text));
        return;
      case 'lyric':
        this.out.push(this.paragraph('Lyrics', el.text));
        return;
      case 'note': {
        const marked =
          el.kind === 'section'
            ? `${'#'.repeat(el.depth ?? 1)} ${el.text}`
            : el.kind === 'synopsis'
              ? `= ${el.text}`
              : el.kind === 'boneyard'
                ? `/*${el.text}*/`
                : `[[${el.text}]]`;
        // Mark-up is written as plain text (no emphasis runs) so it reads back verbatim.
        this.out.push(this.paragraph('General', marked, {}, '', '    ', true));
        return;
      }
      case 'dialogue': {
        const next = all[index + 1];
        if (next?.type === 'dialogue' && next.dual === true) {
          const first = this.dialogue(el, '        ');
          const second = this.dialogue(next, '        ');
          this.out.push('    <Paragraph>', '      <DualDialogue>', ...first, ...second, '      </DualDialogue>', '    </Paragraph>');
          this.#skip = index + 1;
          return;
        }
        this.out.push(...this.dialogue(el, '    '));
        return;
      }
    }
  }

  dialogue(el: DialogueElement, indent: string): string[] {
    const out = [this.paragraph('Character', formatCue(el), {}, '', indent)];
    if (el.parenthetical !== undefined) out.push(this.paragraph('Parenthetical', `(${el.parenthetical})`, {}, '', indent));
    let speech: string[] = [];
    const flush = () => {
      if (speech.length > 0) out.push(this.paragraph('Dialogue', speech.join('\n'), {}, '', indent));
      speech = [];
    };
    for (const line of el.text.split('\n')) {
      if (/^\s*\(.*\)\s*$/.test(line)) {
        flush();
        out.push(this.paragraph('Parenthetical', line.trim(), {}, '', indent));
      } else speech.push(line);
    }
    flush();
    return out;
  }

  finish(): void {
    if (this.#newPage) this.out.push(this.paragraph('Action', ''));
  }
}

const CENTERED_KEYS = ['title', 'credit', 'author', 'authors', 'source'];

/**
 * Final Draft title pages are free paragraphs: Title, Credit, Author and Source centered (their
 * values only, as Final Draft lays them out), every other key as a left-aligned "Key: value".
 */
function titlePage(screenplay: Screenplay): string {
  const entries = Object.entries(screenplay.titlePage);
  if (!entries.some(([k]) => k.toLowerCase() === 'title') && screenplay.title !== UNTITLED) entries.unshift(['Title', screenplay.title]);
  const centered = CENTERED_KEYS.flatMap((key) => entries.filter(([k]) => k.toLowerCase() === key));
  const rest = entries.filter(([k]) => !CENTERED_KEYS.includes(k.toLowerCase()));
  const p = (attrs: string, text: string) => `      <Paragraph${attrs}>${textRuns(text)}</Paragraph>`;
  const lines = [
    ...centered.map(([k, v]) => p(` Alignment="Center" Type="General" Key="${escapeXml(k)}"`, v)),
    ...rest.map(([k, v]) => p(` Alignment="Left" Type="General" Key="${escapeXml(k)}"`, `${k}: ${v}`)),
  ];
  return ['  <TitlePage>', '    <Content>', ...lines, '    </Content>', '  </TitlePage>'].join('\n');
}
