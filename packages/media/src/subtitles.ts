import { invalidMediaInput } from './errors.ts';

/** A subtitle cue: times in seconds, text possibly over several lines. */
export interface Cue {
  startS: number;
  endS: number;
  text: string;
}

function checkCues(cues: Cue[]): void {
  cues.forEach((c, i) => {
    if (!Number.isFinite(c.startS) || c.startS < 0) throw invalidMediaInput(`cues[${i}].startS`, 'must be a finite number ≥ 0');
    if (!Number.isFinite(c.endS) || c.endS <= c.startS) throw invalidMediaInput(`cues[${i}].endS`, 'must be greater than startS');
  });
}

function stamp(s: number, sep: ',' | '.'): string {
  const ms = Math.round(s * 1000);
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const sec = Math.floor((ms % 60_000) / 1000);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(h)}:${pad(m)}:${pad(sec)}${sep}${pad(ms % 1000, 3)}`;
}

/** Blank lines would end a cue early in both formats; line breaks are kept, empty lines dropped. */
function cueText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .join('\n');
}

/** SubRip text: numbered cues, `HH:MM:SS,mmm --> HH:MM:SS,mmm`, blank line between cues. */
export function formatSrt(cues: Array<{ startS: number; endS: number; text: string }>): string {
  checkCues(cues);
  return cues.map((c, i) => `${i + 1}\n${stamp(c.startS, ',')} --> ${stamp(c.endS, ',')}\n${cueText(c.text) || ' '}\n`).join('\n');
}

/** WebVTT text: the `WEBVTT` header, then cues with `HH:MM:SS.mmm` stamps; `-->` in text is escaped. */
export function formatVtt(cues: Array<{ startS: number; endS: number; text: string }>): string {
  checkCues(cues);
  const body = cues.map((c) => {
    const text = (cueText(c.text) || ' ').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/-->/g, '--&gt;');
    return `${stamp(c.startS, '.')} --> ${stamp(c.endS, '.')}\n${text}\n`;
  });
  return `WEBVTT\n\n${body.join('\n')}`;
}

function parseStamp(s: string): number | undefined {
  const m = /^(?:(\d+):)?(\d{1,2}):(\d{1,2})[,.](\d{1,3})$/.exec(s.trim());
  if (!m) return undefined;
  return Number(m[1] ?? 0) * 3600 + Number(m[2]) * 60 + Number(m[3]) + Number(m[4]!.padEnd(3, '0')) / 1000;
}

/** Parses SubRip text (BOM, CRLF, `.` or `,` before milliseconds tolerated). A malformed time line is MEDIA_INVALID_INPUT. */
export function parseSrt(text: string): Array<{ index: number; startS: number; endS: number; text: string }> {
  const blocks = text
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .split(/\n\s*\n/)
    .map((b) => b.split('\n').filter((l, i) => i > 0 || l.trim() !== ''))
    .filter((b) => b.length > 0 && b.some((l) => l.trim() !== ''));
  return blocks.map((lines, n) => {
    let at = 0;
    let index = n + 1;
    if (/^\d+$/.test(lines[0]!.trim()) && lines.length > 1) {
      index = Number(lines[0]!.trim());
      at = 1;
    }
    const m = /^(\S+)\s*-->\s*(\S+)/.exec(lines[at] ?? '');
    const startS = m ? parseStamp(m[1]!) : undefined;
    const endS = m ? parseStamp(m[2]!) : undefined;
    if (startS === undefined || endS === undefined)
      throw invalidMediaInput(`srt cue ${n + 1}`, `expected "HH:MM:SS,mmm --> HH:MM:SS,mmm", got "${lines[at] ?? ''}"`);
    return {
      index,
      startS,
      endS,
      text: lines
        .slice(at + 1)
        .join('\n')
        .trim(),
    };
  });
}
