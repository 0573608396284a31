/**
 * Fountain emphasis (`*italic*`, `**bold**`, `***both***`, `_underline_`) as Final Draft styled
 * text runs and back. Only balanced markers on one line become styles, and runs turn back into
 * the same markers, so text survives Fountain → FDX → Fountain unchanged.
 */

export interface Run {
  text: string;
  bold: boolean;
  italic: boolean;
  underline: boolean;
}

type Style = Pick<Run, 'bold' | 'italic' | 'underline'>;

const MARKERS = ['***', '**', '*', '_'] as const;

function withMarker(style: Style, m: (typeof MARKERS)[number]): Style {
  if (m === '_') return { ...style, underline: true };
  if (m === '***') return { ...style, bold: true, italic: true };
  if (m === '**') return { ...style, bold: true };
  return { ...style, italic: true };
}

/** Splits text into styled runs at balanced emphasis markers. */
export function toRuns(text: string, style: Style = { bold: false, italic: false, underline: false }): Run[] {
  const out: Run[] = [];
  let plain = '';
  const flush = () => {
    if (plain !== '') out.push({ text: plain, ...style });
    plain = '';
  };
  let i = 0;
  while (i < text.length) {
    if (text[i] === '\\' && (text[i + 1] === '*' || text[i + 1] === '_')) {
      plain += text.slice(i, i + 2);
      i += 2;
      continue;
    }
    const m = MARKERS.find((mk) => text.startsWith(mk, i));
    if (m !== undefined) {
      const end = closing(text, i + m.length, m);
      if (end !== undefined) {
        flush();
        out.push(...toRuns(text.slice(i + m.length, end), withMarker(style, m)));
        i = end + m.length;
        continue;
      }
      plain += m;
      i += m.length;
      continue;
    }
    plain += text[i];
    i++;
  }
  flush();
  return merge(out);
}

/** The index of the marker closing one opened before `from`, on the same line, around non-blank text. */
function closing(text: string, from: number, m: string): number | undefined {
  if (from >= text.length || /\s/.test(text[from]!)) return undefined;
  for (let j = from + 1; j <= text.length - m.length; j++) {
    if (text[j] === '\n') return undefined;
    if (text[j - 1] === '\\') continue;
    if (text.startsWith(m, j) && !/\s/.test(text[j - 1]!)) {
      // `**` must not close on the first half of a longer `***`, nor `*` inside a `**`.
      if (m.length < 3 && text.startsWith(`${m}*`, j) && m[0] === '*') continue;
      return j;
    }
  }
  return undefined;
}

function merge(runs: Run[]): Run[] {
  const out: Run[] = [];
  for (const r of runs) {
    const last = out[out.length - 1];
    if (last && last.bold === r.bold && last.italic === r.italic && last.underline === r.underline) last.text += r.text;
    else out.push({ ...r });
  }
  return out;
}

/** Runs back to Fountain text: markers opened and closed only where the style changes. */
export function fromRuns(runs: Run[]): string {
  let out = '';
  const open: ('_' | '**' | '*')[] = [];
  const has = (m: '_' | '**' | '*', r: Style) => (m === '_' ? r.underline : m === '**' ? r.bold : r.italic);
  for (const r of merge(runs)) {
    // Close, innermost first, every marker this run does not carry (and those opened inside it).
    let keep = 0;
    while (keep < open.length && has(open[keep]!, r)) keep++;
    for (let k = open.length - 1; k >= keep; k--) out += open[k];
    open.length = keep;
    for (const m of ['_', '**', '*'] as const) {
      if (has(m, r) && !open.includes(m)) {
        open.push(m);
        out += m;
      }
    }
    out += r.text;
  }
  for (let k = open.length - 1; k >= 0; k--) out += open[k];
  return out;
}
