import { setDressingIn, setDressingKind } from '@automovie/contracts';
import { darken, escapeXml, fitText, lighten, num, pts } from '../svg.ts';
import { INK } from './figure.ts';

/**
 * Insert shots: one object large on a surface, no faces. The object is the first prop of the
 * set-dressing vocabulary in the prompt, caption or location elements (letter, phone, key…);
 * props without a shape of their own are a labelled box. The backdrop draws the same shapes small,
 * on a side table, for props dressing a set.
 */

/** Props of the set-dressing vocabulary with a shape of their own (the rest are a labelled box). */
export const PROP_SHAPES: ReadonlySet<string> = new Set([
  'letter',
  'map',
  'phone',
  'key',
  'cup',
  'book',
  'photo',
  'watch',
  'bottle',
  'gun',
  'knife',
  'ring',
]);
// Held in the hand and shot close, a clock reads as a watch and a painting as a photo.
const INSERT_AS: Record<string, string> = { clock: 'watch', painting: 'photo' };

/**
 * The first prop named in `texts` (in order): its canonical set-dressing element as `key` (the
 * shape drawn) and `word` (the label of a blocked-in prop without a shape of its own).
 */
export function findProp(texts: readonly string[]): { key: string; word: string } | undefined {
  for (const t of texts) {
    for (const element of setDressingIn(t, { limit: 100 })) {
      const key = INSERT_AS[element] ?? element;
      if (PROP_SHAPES.has(key) || setDressingKind(element) === 'prop') return { key, word: element };
    }
  }
  return undefined;
}

/** The prop centred at (cx, cy), `u` pixels per prop unit (the prop spans ~100 units). */
export function drawProp(key: string, label: string, cx: number, cy: number, u: number, accent: string): string {
  const r = (x: number, y: number, w: number, h: number, fill: string, extra = '') =>
    `<rect x="${num(cx + x * u)}" y="${num(cy + y * u)}" width="${num(w * u)}" height="${num(h * u)}" fill="${fill}"${extra}/>`;
  const P = (points: Array<[number, number]>) => pts(points.map(([x, y]) => [cx + x * u, cy + y * u] as [number, number]));
  const shape = INSERT_AS[key] ?? key;
  const shadow = `<ellipse cx="${num(cx + 6 * u)}" cy="${num(cy + 40 * u)}" rx="${num(62 * u)}" ry="${num(10 * u)}" fill="#000000" fill-opacity="0.18" stroke="none"/>`;
  switch (shape) {
    case 'letter': {
      const lines: string[] = [];
      for (let i = 0; i < 7; i++)
        lines.push(
          `<path d="M${P([[-34, -28 + i * 9]])} h${num((i === 6 ? 30 : 64) * u)}" stroke="#6d6a78" stroke-width="${num(Math.max(1, 1.6 * u))}"/>`,
        );
      return (
        shadow +
        `<polygon points="${P([
          [-50, -40],
          [48, -46],
          [54, 40],
          [-46, 46],
        ])}" fill="#f5f0e2"/>` +
        `<g transform="rotate(-3 ${num(cx)} ${num(cy)})">${lines.join('')}<text x="${num(cx - 34 * u)}" y="${num(cy - 36 * u)}" font-size="${num(7 * u)}" fill="#4a4656" stroke="none" font-style="italic">Dear…</text></g>` +
        `<polygon points="${P([
          [30, 18],
          [80, 10],
          [86, 48],
          [36, 56],
        ])}" fill="${lighten(accent, 0.55)}"/><polyline points="${P([
          [30, 18],
          [60, 36],
          [80, 10],
        ])}" fill="none"/>`
      );
    }
    case 'map':
      return (
        shadow +
        `<polygon points="${P([
          [-58, -40],
          [-20, -46],
          [20, -40],
          [58, -46],
          [58, 40],
          [20, 46],
          [-20, 40],
          [-58, 46],
        ])}" fill="#e9dcb8"/>` +
        `<path d="M${P([[-20, -46]])} L${P([[-20, 40]])} M${P([[20, -40]])} L${P([[20, 46]])}" stroke="#b8a57a"/>` +
        `<path d="M${P([[-44, 26]])} q${num(20 * u)},${num(-30 * u)} ${num(40 * u)},${num(-14 * u)} t${num(36 * u)},${num(-26 * u)}" fill="none" stroke="#8e3b36" stroke-dasharray="${num(4 * u)} ${num(3 * u)}" stroke-width="${num(Math.max(1, 2 * u))}"/>` +
        `<path d="M${P([[28, -26]])} l${num(10 * u)},${num(10 * u)} M${P([[38, -26]])} l${num(-10 * u)},${num(10 * u)}" stroke="#8e3b36" stroke-width="${num(Math.max(1.5, 3 * u))}"/>`
      );
    case 'phone':
      return (
        shadow +
        r(-26, -50, 52, 96, '#23262b', ' rx="8"') +
        r(-22, -44, 44, 80, '#8fb4d6', ' rx="2"') +
        r(-16, -34, 32, 9, '#f4f4f4', ' rx="3" stroke="none"') +
        r(-16, -20, 26, 9, lighten(accent, 0.4), ' rx="3" stroke="none"') +
        `<circle cx="${num(cx)}" cy="${num(cy + 41 * u)}" r="${num(3 * u)}" fill="#4a4e55"/>`
      );
    case 'key':
      return (
        shadow +
        `<circle cx="${num(cx - 30 * u)}" cy="${num(cy)}" r="${num(20 * u)}" fill="#c9a94a"/><circle cx="${num(cx - 30 * u)}" cy="${num(cy)}" r="${num(7 * u)}" fill="#7a6a56"/>` +
        `<polygon points="${P([
          [-11, -5],
          [55, -5],
          [55, 5],
          [48, 5],
          [48, 14],
          [40, 14],
          [40, 5],
          [33, 5],
          [33, 12],
          [26, 12],
          [26, 5],
          [-11, 5],
        ])}" fill="#c9a94a"/>`
      );
    case 'cup':
      return (
        shadow +
        `<ellipse cx="${num(cx)}" cy="${num(cy + 36 * u)}" rx="${num(52 * u)}" ry="${num(10 * u)}" fill="#ecebe6"/>` +
        `<path d="M${P([[-30, -30]])} L${P([[-24, 34]])} Q${P([
          [0, 42],
          [24, 34],
        ])} L${P([[30, -30]])}Z" fill="${lighten(accent, 0.3)}"/>` +
        `<path d="M${P([[29, -18]])} q${num(24 * u)},${num(2 * u)} ${num(18 * u)},${num(22 * u)} q${num(-3 * u)},${num(10 * u)} ${num(-19 * u)},${num(10 * u)}" fill="none" stroke-width="${num(5 * u)}" stroke="${lighten(accent, 0.3)}"/>` +
        `<ellipse cx="${num(cx)}" cy="${num(cy - 30 * u)}" rx="${num(30 * u)}" ry="${num(7 * u)}" fill="#5a3a26"/>` +
        `<path d="M${P([[-8, -44]])} q${num(6 * u)},${num(-8 * u)} 0,${num(-16 * u)} M${P([[8, -44]])} q${num(6 * u)},${num(-8 * u)} 0,${num(-16 * u)}" fill="none" stroke="#9a9a9a"/>`
      );
    case 'book':
      return (
        shadow +
        `<polygon points="${P([
          [-56, -36],
          [0, -30],
          [56, -36],
          [56, 36],
          [0, 42],
          [-56, 36],
        ])}" fill="${darken(accent, 0.2)}"/>` +
        `<polygon points="${P([
          [-52, -40],
          [0, -32],
          [0, 36],
          [-52, 30],
        ])}" fill="#f3eee0"/><polygon points="${P([
          [0, -32],
          [52, -40],
          [52, 30],
          [0, 36],
        ])}" fill="#f7f2e6"/>` +
        [0, 1, 2, 3, 4]
          .map(
            (i) =>
              `<path d="M${P([[-44, -24 + i * 11]])} l${num(38 * u)},${num(4 * u)} M${P([[8, -22 + i * 11]])} l${num(36 * u)},${num(-4 * u)}" stroke="#8a8578" stroke-width="${num(Math.max(1, 1.4 * u))}"/>`,
          )
          .join('')
      );
    case 'photo':
      return (
        shadow +
        `<g transform="rotate(4 ${num(cx)} ${num(cy)})">` +
        r(-50, -40, 100, 80, '#f7f5ef') +
        r(-42, -32, 84, 58, '#9fb3c0') +
        `<circle cx="${num(cx - 12 * u)}" cy="${num(cy - 8 * u)}" r="${num(9 * u)}" fill="#d9b08c"/><path d="M${P([[-26, 26]])} q${num(14 * u)},${num(-26 * u)} ${num(28 * u)},0z" fill="${accent}"/>` +
        `<circle cx="${num(cx + 14 * u)}" cy="${num(cy - 6 * u)}" r="${num(8 * u)}" fill="#c99a76"/><path d="M${P([[1, 26]])} q${num(13 * u)},${num(-24 * u)} ${num(26 * u)},0z" fill="#5b6b7c"/>` +
        `</g>`
      );
    case 'watch':
      return (
        shadow +
        r(-14, -56, 28, 112, '#5a4030', ' rx="4"') +
        `<circle cx="${num(cx)}" cy="${num(cy)}" r="${num(32 * u)}" fill="#c9b07a"/><circle cx="${num(cx)}" cy="${num(cy)}" r="${num(26 * u)}" fill="#f6f2e6"/>` +
        `<path d="M${num(cx)},${num(cy)} v${num(-20 * u)} M${num(cx)},${num(cy)} l${num(14 * u)},${num(6 * u)}" stroke="${INK}" stroke-width="${num(Math.max(1.5, 2.5 * u))}" stroke-linecap="round"/>`
      );
    case 'bottle':
      return (
        shadow +
        `<path d="M${P([[-8, -62]])} h${num(16 * u)} v${num(24 * u)} q${num(14 * u)},${num(8 * u)} ${num(14 * u)},${num(24 * u)} v${num(52 * u)} q0,${num(6 * u)} ${num(-6 * u)},${num(6 * u)} h${num(-32 * u)} q${num(-6 * u)},0 ${num(-6 * u)},${num(-6 * u)} v${num(-52 * u)} q0,${num(-16 * u)} ${num(14 * u)},${num(-24 * u)}z" fill="#3f6b4f" fill-opacity="0.85"/>` +
        r(-20, -6, 40, 26, '#efe6cf')
      );
    case 'gun':
      return (
        shadow +
        `<path d="M${P([[-60, -14]])} h${num(100 * u)} v${num(16 * u)} h${num(-62 * u)} l${num(-6 * u)},${num(40 * u)} h${num(-22 * u)} l${num(6 * u)},${num(-38 * u)} h${num(-16 * u)}z" fill="#34363b"/>` +
        `<path d="M${P([[-20, 2]])} q${num(4 * u)},${num(14 * u)} ${num(16 * u)},${num(4 * u)}" fill="none"/>`
      );
    case 'knife':
      return (
        shadow +
        `<path d="M${P([[-10, -6]])} L${P([[62, -6]])} Q${P([
          [50, 10],
          [-10, 8],
        ])}Z" fill="#d6d9dd"/>` +
        r(-60, -8, 50, 16, '#4e3526', ' rx="4"')
      );
    case 'ring':
      return (
        shadow +
        `<ellipse cx="${num(cx)}" cy="${num(cy + 8 * u)}" rx="${num(40 * u)}" ry="${num(26 * u)}" fill="none" stroke="#c9a94a" stroke-width="${num(8 * u)}"/>` +
        `<polygon points="${P([
          [-10, -26],
          [10, -26],
          [16, -16],
          [0, -2],
          [-16, -16],
        ])}" fill="#d9eef7"/>`
      );
    default: {
      const fs = 10 * u;
      return (
        shadow +
        `<polygon points="${P([
          [-50, -30],
          [-30, -46],
          [60, -46],
          [40, -30],
        ])}" fill="#cdb894"/>` +
        `<polygon points="${P([
          [40, -30],
          [60, -46],
          [60, 30],
          [40, 46],
        ])}" fill="#a8916c"/>` +
        r(-50, -30, 90, 76, '#bfa67d') +
        `<text class="crate-label" x="${num(cx - 5 * u)}" y="${num(cy + 12 * u)}" font-size="${num(fs)}" fill="${INK}" stroke="none" text-anchor="middle">${escapeXml(fitText(label, fs, 84 * u))}</text>`
      );
    }
  }
}
