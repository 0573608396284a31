/**
 * The booklet's geometry and text fitting, as pure functions of sizes and a text measure, so the
 * page plan (and so the page count) is decided before pdfkit draws anything and can be tested
 * without a PDF.
 */

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Landscape page sizes in PDF points. */
export const PAGE_SIZES = {
  A4: { w: 841.89, h: 595.28 },
  LETTER: { w: 792, h: 612 },
} as const;
export type PageSizeName = keyof typeof PAGE_SIZES;

/** Width of a string in points at the current font and size. */
export type Measure = (text: string) => number;

/** Columns and rows for `n` frames on a landscape page: wider than tall, as few empty cells as possible. */
export function gridFor(n: number): { cols: number; rows: number } {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`frames per page must be a positive integer, got ${n}`);
  if (n <= 3) return { cols: n, rows: 1 };
  const rows = Math.max(1, Math.round(Math.sqrt(n / 1.6)));
  const cols = Math.ceil(n / rows);
  return { cols, rows: Math.ceil(n / cols) };
}

/** The cells of a `cols × rows` grid filling `area` with `gap` between cells, in reading order, `n` of them. */
export function gridCells(area: Rect, n: number, gap: number): Rect[] {
  const { cols, rows } = gridFor(n);
  const w = (area.w - gap * (cols - 1)) / cols;
  const h = (area.h - gap * (rows - 1)) / rows;
  const cells: Rect[] = [];
  for (let i = 0; i < n; i++) {
    const col = i % cols;
    const row = Math.floor(i / cols);
    cells.push({ x: area.x + col * (w + gap), y: area.y + row * (h + gap), w, h });
  }
  return cells;
}

/**
 * Splits a cell into the frame box (16:9, as wide as the cell unless that leaves less than
 * `minTextH` for text, then narrower and centred) and the text box under it.
 */
export function splitCell(cell: Rect, minTextH: number, aspect = 16 / 9): { image: Rect; text: Rect } {
  let imgW = cell.w;
  let imgH = imgW / aspect;
  const maxImgH = Math.max(0, cell.h - minTextH);
  if (imgH > maxImgH) {
    imgH = maxImgH;
    imgW = imgH * aspect;
  }
  const image = { x: cell.x + (cell.w - imgW) / 2, y: cell.y, w: imgW, h: imgH };
  const top = cell.y + imgH + 4;
  return { image, text: { x: cell.x, y: top, w: cell.w, h: Math.max(0, cell.y + cell.h - top) } };
}

/**
 * Greedy word wrap to `maxWidth`; explicit newlines are kept, words wider than a line are broken
 * between characters. Never returns an empty array for non-empty text.
 */
export function wrapText(text: string, maxWidth: number, measure: Measure): string[] {
  const out: string[] = [];
  for (const paragraph of text.replace(/\r\n?/g, '\n').split('\n')) {
    const words = paragraph.split(/\s+/).filter((w) => w !== '');
    if (words.length === 0) {
      out.push('');
      continue;
    }
    let line = '';
    for (const word of words) {
      const candidate = line === '' ? word : `${line} ${word}`;
      if (measure(candidate) <= maxWidth) {
        line = candidate;
        continue;
      }
      if (line !== '') out.push(line);
      line = '';
      if (measure(word) <= maxWidth) {
        line = word;
        continue;
      }
      // A word wider than the line (a URL, a long name): break it where it overflows.
      let piece = '';
      for (const ch of word) {
        if (piece !== '' && measure(piece + ch) > maxWidth) {
          out.push(piece);
          piece = '';
        }
        piece += ch;
      }
      line = piece;
    }
    out.push(line);
  }
  while (out.length > 1 && out[out.length - 1] === '') out.pop();
  return out;
}

/** At most `maxLines` lines; when some are cut, the last kept one ends with an ellipsis that fits `maxWidth`. */
export function clampLines(lines: string[], maxLines: number, maxWidth: number, measure: Measure): string[] {
  if (maxLines <= 0) return [];
  if (lines.length <= maxLines) return lines;
  const kept = lines.slice(0, maxLines);
  let last = kept[maxLines - 1] ?? '';
  while (last !== '' && measure(`${last}…`) > maxWidth) last = last.slice(0, -1);
  kept[maxLines - 1] = `${last.trimEnd()}…`;
  return kept;
}

/** Wraps then clamps: the text as it fits in `maxLines` lines of `maxWidth`. */
export function fitText(text: string, maxWidth: number, maxLines: number, measure: Measure): string[] {
  return clampLines(wrapText(text, maxWidth, measure), maxLines, maxWidth, measure);
}

/** One storyboard page: a scene and the range of its shots on that page. */
export interface ScenePage {
  sceneIndex: number;
  /** First shot (index into the scene's shots) on the page. */
  from: number;
  /** One past the last shot on the page. */
  to: number;
  /** Page of the scene after its first. */
  continued: boolean;
}

/** Storyboard pages: each scene starts a page and fills `framesPerPage` frames per page; a scene without shots still gets one. */
export function paginateScenes(shotCounts: readonly number[], framesPerPage: number): ScenePage[] {
  if (!Number.isInteger(framesPerPage) || framesPerPage < 1)
    throw new RangeError(`framesPerPage must be a positive integer, got ${framesPerPage}`);
  const pages: ScenePage[] = [];
  shotCounts.forEach((count, sceneIndex) => {
    const n = Math.max(1, Math.ceil(count / framesPerPage));
    for (let p = 0; p < n; p++) {
      pages.push({ sceneIndex, from: p * framesPerPage, to: Math.min(count, (p + 1) * framesPerPage), continued: p > 0 });
    }
  });
  return pages;
}

/** Splits table rows of the given heights into pages holding at most `available` points each (a taller row gets a page of its own). */
export function paginateRows(heights: readonly number[], available: number): number[][] {
  const pages: number[][] = [];
  let page: number[] = [];
  let used = 0;
  heights.forEach((h, i) => {
    if (page.length > 0 && used + h > available) {
      pages.push(page);
      page = [];
      used = 0;
    }
    page.push(i);
    used += h;
  });
  if (page.length > 0 || pages.length === 0) pages.push(page);
  return pages;
}

/** `75` → `1:15`; `3.5` → `0:04` (rounded to whole seconds). */
export function formatDuration(seconds: number): string {
  const total = Math.max(0, Math.round(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(s).padStart(2, '0')}`;
}

/** `over_the_shoulder` → `over the shoulder`. */
export function humanize(word: string): string {
  return word.replace(/_/g, ' ');
}
