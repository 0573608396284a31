import type { SceneElement, Screenplay, ScreenplayScene } from '@automovie/contracts';
import { formatCue, isUpperName, looksLikeHeading, UNTITLED } from '../screenplay-model.ts';

/**
 * A Fountain 1.1 writer whose output `parseFountain` reads back to the same screenplay: every
 * element that would be misread as another is forced (`!` action, `@` character, `.` heading,
 * `>` transition), blank lines inside action and dialogue are written as two spaces, and scene
 * summaries that no synopsis carries are written as `= synopsis` lines.
 */
export function writeFountain(screenplay: Screenplay): string {
  const out: string[] = [];
  const titlePage = { ...screenplay.titlePage };
  if (!Object.keys(titlePage).some((k) => k.toLowerCase() === 'title') && screenplay.title !== UNTITLED)
    out.push(titleLine('Title', screenplay.title));
  for (const [key, value] of Object.entries(titlePage)) out.push(titleLine(key, value));
  const blocks: string[] = [];
  if (out.length > 0) blocks.push(out.join('\n'));
  for (const el of screenplay.preamble ?? []) blocks.push(element(el));
  for (const scene of screenplay.scenes) {
    blocks.push(heading(scene));
    const hasSynopsis = scene.elements.some((e) => e.type === 'note' && e.kind === 'synopsis');
    if (scene.summary.trim() !== '' && !hasSynopsis) blocks.push(`= ${scene.summary.replace(/\s*\n\s*/g, ' ').trim()}`);
    for (const el of scene.elements) blocks.push(element(el));
  }
  return `${blocks.join('\n\n')}\n`;
}

function titleLine(key: string, value: string): string {
  const lines = value.split('\n');
  if (lines.length === 1) return `${key}: ${value}`.trimEnd();
  return [`${key}:`, ...lines.map((l) => `   ${l}`)].join('\n');
}

function heading(scene: ScreenplayScene): string {
  const text = looksLikeHeading(scene.heading) ? scene.heading : `.${scene.heading}`;
  return scene.numberLabel === undefined ? text : `${text} #${scene.numberLabel}#`;
}

/** Lines of a text block; empty lines become two spaces so they do not end the block. */
function body(text: string): string[] {
  return text.split('\n').map((l) => (l.trim() === '' ? '  ' : l.trimEnd()));
}

const SPECIAL_START = /^(?:[!@~>=#]|\[\[|\/\*|\.[\p{L}\p{N}]|={3,})/u;

function actionNeedsForce(lines: string[]): boolean {
  const first = lines[0]!.trim();
  if (first === '' || SPECIAL_START.test(first) || looksLikeHeading(first)) return true;
  if (/^>.*<$/.test(first)) return true;
  if (isUpperName(first) && /TO:$/.test(first)) return true;
  const name = first
    .replace(/\s*\^$/, '')
    .split('(')[0]!
    .trim();
  return lines.length > 1 && name !== '' && isUpperName(name);
}

function element(el: SceneElement): string {
  switch (el.type) {
    case 'action': {
      const lines = el.text.split('\n');
      const written = body(el.text);
      if (actionNeedsForce(lines)) written[0] = `!${lines[0]!.trimEnd()}`;
      return written.join('\n');
    }
    case 'dialogue': {
      const cue = formatCue(el);
      const forced = !isUpperName(el.character) || SPECIAL_START.test(el.character) || looksLikeHeading(cue) || /TO:$/.test(cue);
      const lines = [`${forced ? '@' : ''}${cue}${el.dual ? ' ^' : ''}`];
      if (el.parenthetical !== undefined) lines.push(`(${el.parenthetical})`);
      lines.push(...body(el.text));
      return lines.join('\n');
    }
    case 'transition':
      return isUpperName(el.text) && /TO:$/.test(el.text) ? el.text : `> ${el.text}`;
    case 'note':
      if (el.kind === 'section') return `${'#'.repeat(el.depth ?? 1)} ${el.text.replace(/\s*\n\s*/g, ' ')}`;
      if (el.kind === 'synopsis') return `= ${el.text.replace(/\s*\n\s*/g, ' ')}`;
      if (el.kind === 'boneyard') return `/*${el.text}*/`;
      return `[[${el.text}]]`;
    case 'lyric':
      return el.text
        .split('\n')
        .map((l) => `~${l}`)
        .join('\n');
    case 'centered':
      return el.text
        .split('\n')
        .map((l) => `> ${l.trim()} <`)
        .join('\n');
    case 'page_break':
      return '===';
  }
}
