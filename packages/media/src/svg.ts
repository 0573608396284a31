/**
 * Small, dependency-free helpers for writing SVG by hand: escaping, deterministic number
 * formatting, colour arithmetic, a seeded random source and text measurement for DejaVu Sans.
 */

/** Drops what XML 1.0 forbids (most control characters, lone surrogates, U+FFFE/U+FFFF) so no prompt can break the document. */
function stripInvalidXml(text: string): string {
  let out = '';
  for (const ch of text) {
    const c = ch.codePointAt(0) ?? 0;
    const allowed = c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || c >= 0x10000;
    if (allowed) out += ch;
  }
  return out;
}

/** Escapes text for use as SVG character data or a quoted attribute value. */
export function escapeXml(text: string): string {
  return stripInvalidXml(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** A number as short, locale-free text with at most two decimals (the same value always prints the same). */
export function num(n: number): string {
  if (!Number.isFinite(n)) return '0';
  const r = Math.round(n * 100) / 100;
  return Object.is(r, -0) ? '0' : String(r);
}

/** Joins points as `x,y x,y…` for polygons and paths. */
export function pts(points: ReadonlyArray<readonly [number, number]>): string {
  return points.map(([x, y]) => `${num(x)},${num(y)}`).join(' ');
}

// ── colour ─────────────────────────────────────────────────────────────────────────────────
export type Rgb = readonly [number, number, number];

export function parseHex(hex: string): Rgb {
  const m = /^#?([0-9a-f]{6})$/i.exec(hex.trim());
  if (!m) return [128, 128, 128];
  const v = Number.parseInt(m[1] as string, 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

export function toHex([r, g, b]: Rgb): string {
  const c = (v: number) =>
    Math.max(0, Math.min(255, Math.round(v)))
      .toString(16)
      .padStart(2, '0');
  return `#${c(r)}${c(g)}${c(b)}`;
}

/** Linear mix of two `#rrggbb` colours: t = 0 gives `a`, 1 gives `b`. */
export function mix(a: string, b: string, t: number): string {
  const x = parseHex(a);
  const y = parseHex(b);
  return toHex([x[0] + (y[0] - x[0]) * t, x[1] + (y[1] - x[1]) * t, x[2] + (y[2] - x[2]) * t]);
}

export const darken = (c: string, t: number): string => mix(c, '#000000', t);
export const lighten = (c: string, t: number): string => mix(c, '#ffffff', t);

/** Relative luminance 0–1 (sRGB approximation, enough to pick a readable ink). */
export function luminance(c: string): number {
  const [r, g, b] = parseHex(c);
  return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
}

// ── determinism ────────────────────────────────────────────────────────────────────────────
/** FNV-1a over UTF-16 code units: a stable 32-bit hash of a string. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A seeded generator of floats in [0, 1) (mulberry32): the same seed always yields the same sequence. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ── text ───────────────────────────────────────────────────────────────────────────────────
// Advance widths of DejaVu Sans in ems for printable ASCII (32–126); others use the average.
const DEJAVU_WIDTHS = [
  0.318, 0.401, 0.46, 0.838, 0.636, 0.95, 0.78, 0.275, 0.39, 0.39, 0.5, 0.838, 0.318, 0.361, 0.318, 0.337, 0.636, 0.636, 0.636, 0.636,
  0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.337, 0.337, 0.838, 0.838, 0.838, 0.531, 1.0, 0.684, 0.686, 0.698, 0.77, 0.632, 0.575, 0.775,
  0.752, 0.295, 0.295, 0.656, 0.557, 0.863, 0.748, 0.787, 0.603, 0.787, 0.695, 0.635, 0.611, 0.732, 0.684, 0.989, 0.685, 0.611, 0.685, 0.39,
  0.337, 0.39, 0.838, 0.5, 0.5, 0.613, 0.635, 0.55, 0.635, 0.615, 0.352, 0.635, 0.634, 0.278, 0.278, 0.579, 0.278, 0.974, 0.634, 0.612,
  0.635, 0.635, 0.411, 0.521, 0.392, 0.634, 0.592, 0.818, 0.592, 0.592, 0.525, 0.636, 0.337, 0.636, 0.838,
];

/** Estimated width in pixels of `text` set in DejaVu Sans at `fontSize` (bold is ~10 % wider). */
export function textWidth(text: string, fontSize: number, bold = false): number {
  let w = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 32;
    w += code >= 32 && code <= 126 ? (DEJAVU_WIDTHS[code - 32] ?? 0.6) : 0.7;
  }
  return w * fontSize * (bold ? 1.1 : 1);
}

/** Shortens `text` with an ellipsis so it fits `maxWidth`. */
export function fitText(text: string, fontSize: number, maxWidth: number, bold = false): string {
  if (textWidth(text, fontSize, bold) <= maxWidth) return text;
  const chars = [...text];
  while (chars.length > 0 && textWidth(`${chars.join('')}…`, fontSize, bold) > maxWidth) chars.pop();
  return `${chars.join('').trimEnd()}…`;
}

/** Greedy word wrap into at most `maxLines` lines; the last line ends with an ellipsis when text is cut. */
export function wrapText(text: string, fontSize: number, maxWidth: number, maxLines: number): string[] {
  const words = text.replace(/\s+/g, ' ').trim().split(' ').filter(Boolean);
  const lines: string[] = [];
  let current = '';
  let i = 0;
  for (; i < words.length; i++) {
    const word = words[i] as string;
    const candidate = current ? `${current} ${word}` : word;
    if (textWidth(candidate, fontSize) <= maxWidth || !current) {
      current = candidate;
      continue;
    }
    lines.push(current);
    current = word;
    if (lines.length === maxLines) break;
  }
  if (lines.length < maxLines && current) {
    lines.push(current);
    current = '';
    i = words.length;
  }
  const cut = i < words.length || current !== '';
  const out = lines.map((l) => fitText(l, fontSize, maxWidth));
  if (cut && out.length > 0) {
    const last = out.length - 1;
    out[last] = fitText(`${out[last]} …`, fontSize, maxWidth).replace(/ …$/, '…');
  }
  return out;
}
