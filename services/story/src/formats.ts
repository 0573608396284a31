import type { Screenplay } from '@automovie/contracts';
import { StoryError } from './errors.ts';
import { parseFdx } from './fdx/parse.ts';
import { writeFdx } from './fdx/write.ts';
import { type ParseResult, parseFountain } from './fountain/parse.ts';
import { writeFountain } from './fountain/write.ts';
import { parsePlainText } from './plain-text.ts';

export type ImportFormat = 'fountain' | 'fdx' | 'text';
export type ExportFormat = 'fountain' | 'fdx';

/**
 * Which format `content` is: XML is FDX; text whose layout is indented like a printed screenplay
 * (cues and dialogue pushed right) is plain text; anything else is read as Fountain, which any
 * plain screenplay without indentation also is.
 */
export function detectFormat(content: string): ImportFormat {
  const head = content.replace(/^\uFEFF/, '').trimStart();
  if (head.startsWith('<')) {
    if (/^<(\?xml|FinalDraft\b)/.test(head)) return 'fdx';
    throw new StoryError(
      'STORY_UNKNOWN_FORMAT',
      'the content starts with "<" but is not Final Draft XML (<?xml … <FinalDraft>); name the format explicitly',
      {
        field: 'format',
      },
    );
  }
  const lines = content.split(/\r?\n/).filter((l) => l.trim() !== '');
  const indented = lines.filter((l) => /^ {8,}\S/.test(l)).length;
  return lines.length > 0 && indented / lines.length > 0.25 ? 'text' : 'fountain';
}

/** Reads a screenplay in `format` (`auto` detects it). */
export function parseScreenplay(
  format: ImportFormat | 'auto',
  content: string,
  fallbackTitle = 'Untitled',
): ParseResult & { format: ImportFormat } {
  if (content.trim() === '')
    throw new StoryError('STORY_EMPTY_CONTENT', 'content is empty: give the screenplay text (or an assetId)', { field: 'content' });
  const f = format === 'auto' ? detectFormat(content) : format;
  const opts = { fallbackTitle };
  const result = f === 'fdx' ? parseFdx(content, opts) : f === 'text' ? parsePlainText(content, opts) : parseFountain(content, opts);
  return { ...result, format: f };
}

/** Writes a screenplay as Fountain or FDX. */
export function writeScreenplay(format: ExportFormat, screenplay: Screenplay): string {
  return format === 'fdx' ? writeFdx(screenplay) : writeFountain(screenplay);
}

/** File name and MIME type of an export. */
export function exportFile(format: ExportFormat, title: string): { filename: string; mime: string } {
  const base =
    title
      .normalize('NFKD')
      .replace(/[^A-Za-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 80) || 'screenplay';
  return format === 'fdx'
    ? { filename: `${base}.fdx`, mime: 'application/vnd.final-draft+xml' }
    : { filename: `${base}.fountain`, mime: 'text/x-fountain' };
}
