import { parseSubRip, type SubRipCue } from '@automovie/contracts';
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

/** Parses SubRip text (BOM, CRLF, `.` or `,` before milliseconds tolerated). A malformed time line is MEDIA_INVALID_INPUT. */
export function parseSrt(text: string): SubRipCue[] {
  const parsed = parseSubRip(text);
  if (!parsed.ok) throw invalidMediaInput(`srt cue ${parsed.cue}`, parsed.message);
  return parsed.cues;
}
