import { darken, lighten, mix, num, pts } from '../svg.ts';
import { INK } from './figure.ts';

/**
 * Shapes for the set dressing the drafting engine's locations name most (curtains, candles,
 * stairs, boats, bells, machines…), in the backdrop's style: flat fills, ink outlines, sizes in
 * figure units (100 = a person) times `u`, standing on (or hung above) `baseY`.
 */

export interface PieceContext {
  interior: boolean;
  night: boolean;
  /** Dusk, dawn or night: practical lights glow. */
  dim: boolean;
  palette: readonly string[];
  rng: () => number;
}

const tint = (base: string, ctx: PieceContext, i: number, t = 0.35) => (ctx.palette[i] ? mix(base, ctx.palette[i] as string, t) : base);

const rect = (x: number, y: number, w: number, h: number, fill: string, extra = '') =>
  `<rect x="${num(x)}" y="${num(y)}" width="${num(w)}" height="${num(h)}" fill="${fill}"${extra}/>`;
const poly = (points: Array<[number, number]>, fill: string, extra = '') => `<polygon points="${pts(points)}" fill="${fill}"${extra}/>`;
const circle = (cx: number, cy: number, r: number, fill: string, extra = '') =>
  `<circle cx="${num(cx)}" cy="${num(cy)}" r="${num(r)}" fill="${fill}"${extra}/>`;
const glow = (cx: number, cy: number, r: number) => circle(cx, cy, r, 'url(#glow)', ' stroke="none"');
const flame = (cx: number, cy: number, h: number) =>
  `<path d="M${num(cx)},${num(cy)} q${num(-h * 0.35)},${num(-h * 0.45)} 0,${num(-h)} q${num(h * 0.35)},${num(h * 0.55)} 0,${num(h)}z" fill="#f6c04a" stroke="#c0602a" stroke-width="${num(Math.max(0.5, h * 0.06))}"/>`;

/** A small table that holds a prop or a set on it; returns the markup and the y of its top. */
export function sideTable(x: number, baseY: number, u: number, wood: string): { svg: string; top: number } {
  const top = baseY - 40 * u;
  return {
    svg:
      rect(x - 22 * u, top, 44 * u, 5 * u, wood) +
      rect(x - 18 * u, top + 5 * u, 4 * u, 35 * u, darken(wood, 0.2)) +
      rect(x + 14 * u, top + 5 * u, 4 * u, 35 * u, darken(wood, 0.2)),
    top,
  };
}

/** The canonical elements this file draws. */
export const PIECES = new Set([
  'curtain',
  'candle',
  'stairs',
  'boat',
  'crate',
  'barrel',
  'bell',
  'machine',
  'radio',
  'rug',
  'mirror',
  'piano',
  'stove',
  'sink',
  'cabinet',
  'flag',
  'fountain',
  'tent',
  'rock',
  'statue',
  'column',
  'ladder',
  'torch',
  'chandelier',
  'bus',
  'truck',
  'train',
  'bicycle',
  'lighthouse',
  'gravestone',
  'telescope',
  'radiator',
  'cart',
  'blackboard',
  'vent',
]);

/** One set piece centred on `x`, or undefined when `key` is not one of {@link PIECES}. */
export function drawPiece(key: string, x: number, baseY: number, u: number, ctx: PieceContext): string | undefined {
  const wood = tint('#8a6a4a', ctx, 1, 0.25);
  const metal = '#5b6066';
  switch (key) {
    case 'curtain': {
      const top = baseY - 134 * u;
      const bottom = baseY - 12 * u;
      const col = tint('#9a5b4a', ctx, 2, 0.5);
      const drape = (s: number) =>
        `<path d="M${num(x + s * 46 * u)},${num(top)} L${num(x + s * 10 * u)},${num(top)} Q${num(x + s * 22 * u)},${num(top + 62 * u)} ${num(x + s * 30 * u)},${num(bottom - 34 * u)} L${num(x + s * 48 * u)},${num(bottom)} Z" fill="${col}"/>` +
        `<path d="M${num(x + s * 38 * u)},${num(top + 4 * u)} L${num(x + s * 40 * u)},${num(bottom - 4 * u)} M${num(x + s * 28 * u)},${num(top + 4 * u)} Q${num(x + s * 30 * u)},${num(top + 50 * u)} ${num(x + s * 34 * u)},${num(bottom - 30 * u)}" fill="none" stroke="${darken(col, 0.3)}" stroke-width="${num(Math.max(0.6, 1.2 * u))}"/>`;
      return (
        rect(x - 34 * u, top + 4 * u, 68 * u, 86 * u, 'url(#sky)') +
        drape(-1) +
        drape(1) +
        rect(x - 54 * u, top - 5 * u, 108 * u, 5 * u, '#5a4636', ' rx="2"')
      );
    }
    case 'candle': {
      const top = baseY - 74 * u;
      const candles = [-14, 0, 14]
        .map((dx, i) => {
          const h = (16 + (i === 1 ? 6 : 0)) * u;
          return rect(x + dx * u - 2.5 * u, top - h, 5 * u, h, '#f3ecd8') + flame(x + dx * u, top - h - 1 * u, 9 * u);
        })
        .join('');
      return (
        (ctx.dim || ctx.interior ? glow(x, top - 22 * u, 60 * u) : '') +
        rect(x - 2 * u, top, 4 * u, 74 * u, '#8a7240') +
        rect(x - 12 * u, baseY - 4 * u, 24 * u, 4 * u, '#8a7240') +
        rect(x - 20 * u, top - 2 * u, 40 * u, 4 * u, '#a88a4a', ' rx="1.5"') +
        candles
      );
    }
    case 'stairs': {
      const n = 8;
      const w = 120 * u;
      const h = 112 * u;
      const steps: Array<[number, number]> = [[x - w / 2, baseY]];
      for (let i = 0; i < n; i++) {
        const sx = x - w / 2 + (w * i) / n;
        const sy = baseY - (h * (i + 1)) / n;
        steps.push([sx, sy], [sx + w / n, sy]);
      }
      steps.push([x + w / 2, baseY]);
      const rail = `<path d="M${num(x - w / 2)},${num(baseY - h / n - 34 * u)} L${num(x + w / 2)},${num(baseY - h - 34 * u)}" fill="none" stroke="${darken(wood, 0.35)}" stroke-width="${num(3 * u)}"/>`;
      const posts = Array.from({ length: n }, (_, i) => {
        const px = x - w / 2 + (w * (i + 0.5)) / n;
        const py = baseY - (h * (i + 1)) / n;
        return `<path d="M${num(px)},${num(py)} v${num(-34 * u)}" stroke="${darken(wood, 0.3)}" stroke-width="${num(Math.max(0.8, 1.6 * u))}"/>`;
      }).join('');
      return poly(steps, darken(wood, 0.05)) + posts + rail;
    }
    case 'boat': {
      const hull = tint('#7a4b3a', ctx, 2, 0.3);
      const by = baseY + 6 * u;
      return (
        rect(x - 2 * u, by - 176 * u, 4 * u, 150 * u, '#5a4636') +
        poly(
          [
            [x + 4 * u, by - 170 * u],
            [x + 78 * u, by - 40 * u],
            [x + 4 * u, by - 40 * u],
          ],
          '#f1ece0',
        ) +
        poly(
          [
            [x - 4 * u, by - 140 * u],
            [x - 4 * u, by - 44 * u],
            [x - 56 * u, by - 44 * u],
          ],
          '#e6dfcf',
        ) +
        `<path d="M${num(x - 110 * u)},${num(by - 34 * u)} H${num(x + 110 * u)} Q${num(x + 96 * u)},${num(by)} ${num(x + 70 * u)},${num(by)} H${num(x - 76 * u)} Q${num(x - 100 * u)},${num(by - 6 * u)} ${num(x - 110 * u)},${num(by - 34 * u)}Z" fill="${hull}"/>` +
        rect(x - 106 * u, by - 34 * u, 212 * u, 6 * u, lighten(hull, 0.35))
      );
    }
    case 'crate':
    case 'barrel': {
      if (key === 'barrel') {
        const col = tint('#8a6040', ctx, 1, 0.25);
        return (
          `<path d="M${num(x - 18 * u)},${num(baseY)} q${num(-6 * u)},${num(-24 * u)} 0,${num(-48 * u)} h${num(36 * u)} q${num(6 * u)},${num(24 * u)} 0,${num(48 * u)}z" fill="${col}"/>` +
          [-40, -8].map((dy) => rect(x - 21 * u, baseY + dy * u, 42 * u, 3 * u, metal)).join('')
        );
      }
      const w = 54 * u;
      const h = 44 * u;
      const col = tint('#b89766', ctx, 1, 0.2);
      return (
        poly(
          [
            [x - w / 2, baseY - h],
            [x - w / 2 + 9 * u, baseY - h - 8 * u],
            [x + w / 2 + 9 * u, baseY - h - 8 * u],
            [x + w / 2, baseY - h],
          ],
          lighten(col, 0.12),
        ) +
        poly(
          [
            [x + w / 2, baseY - h],
            [x + w / 2 + 9 * u, baseY - h - 8 * u],
            [x + w / 2 + 9 * u, baseY - 8 * u],
            [x + w / 2, baseY],
          ],
          darken(col, 0.15),
        ) +
        rect(x - w / 2, baseY - h, w, h, col) +
        `<path d="M${num(x - w / 2)},${num(baseY - h)} L${num(x + w / 2)},${num(baseY)} M${num(x - w / 2)},${num(baseY)} L${num(x + w / 2)},${num(baseY - h)}" fill="none" stroke="${darken(col, 0.3)}"/>`
      );
    }
    case 'bell': {
      const y = baseY - 136 * u;
      const gold = '#c9a24a';
      return (
        `<path d="M${num(x - 22 * u)},${num(y - 16 * u)} h${num(22 * u)} v${num(6 * u)}" fill="none" stroke="${INK}" stroke-width="${num(Math.max(1, 2 * u))}"/>` +
        `<path d="M${num(x - 12 * u)},${num(y + 14 * u)} q${num(0)},${num(-22 * u)} ${num(12 * u)},${num(-24 * u)} q${num(12 * u)},${num(2 * u)} ${num(12 * u)},${num(24 * u)} l${num(4 * u)},${num(4 * u)} h${num(-32 * u)}z" fill="${gold}"/>` +
        circle(x, y + 20 * u, 3 * u, darken(gold, 0.3))
      );
    }
    case 'machine': {
      const col = tint('#8d969c', ctx, 2, 0.2);
      const lights = ['#d9534f', '#f0ad4e', '#5cb85c', '#5bc0de'];
      return (
        rect(x - 28 * u, baseY - 96 * u, 56 * u, 96 * u, col, ' rx="2"') +
        rect(x - 22 * u, baseY - 88 * u, 44 * u, 26 * u, ctx.night ? '#9fc4e8' : '#2f3a44') +
        [0, 1].map((i) => circle(x - 10 * u + i * 20 * u, baseY - 48 * u, 7 * u, lighten(col, 0.3))).join('') +
        lights.map((c, i) => rect(x - 20 * u + i * 11 * u, baseY - 32 * u, 6 * u, 4 * u, c, ' stroke="none"')).join('') +
        [0, 1, 2]
          .map((i) => `<path d="M${num(x - 20 * u)},${num(baseY - 20 * u + i * 5 * u)} h${num(40 * u)}" stroke="${darken(col, 0.3)}"/>`)
          .join('')
      );
    }
    case 'radio': {
      const t = sideTable(x, baseY, u, wood);
      return (
        t.svg +
        `<path d="M${num(x + 10 * u)},${num(t.top - 20 * u)} l${num(10 * u)},${num(-16 * u)}" stroke="${INK}"/>` +
        rect(x - 18 * u, t.top - 22 * u, 36 * u, 22 * u, tint('#a0603a', ctx, 2, 0.3), ' rx="3"') +
        circle(x - 6 * u, t.top - 11 * u, 7 * u, '#d8cdb4') +
        rect(x + 5 * u, t.top - 16 * u, 9 * u, 5 * u, '#f0e2b0')
      );
    }
    case 'rug': {
      const col = tint('#9c4a3c', ctx, 2, 0.4);
      return (
        `<ellipse cx="${num(x)}" cy="${num(baseY + 14 * u)}" rx="${num(72 * u)}" ry="${num(12 * u)}" fill="${col}"/>` +
        `<ellipse cx="${num(x)}" cy="${num(baseY + 14 * u)}" rx="${num(56 * u)}" ry="${num(8 * u)}" fill="none" stroke="${lighten(col, 0.4)}" stroke-width="${num(Math.max(1, 2 * u))}"/>`
      );
    }
    case 'mirror':
      return (
        `<ellipse cx="${num(x)}" cy="${num(baseY - 104 * u)}" rx="${num(18 * u)}" ry="${num(26 * u)}" fill="#c9a24a"/>` +
        `<ellipse cx="${num(x)}" cy="${num(baseY - 104 * u)}" rx="${num(14 * u)}" ry="${num(22 * u)}" fill="${ctx.night ? '#5d6a80' : '#c8d6de'}"/>` +
        `<path d="M${num(x - 6 * u)},${num(baseY - 116 * u)} l${num(10 * u)},${num(-6 * u)} M${num(x - 8 * u)},${num(baseY - 108 * u)} l${num(14 * u)},${num(-9 * u)}" stroke="#ffffff" stroke-width="${num(Math.max(1, 1.6 * u))}"/>`
      );
    case 'piano': {
      const col = tint('#2f2724', ctx, 1, 0.15);
      const keys = Array.from({ length: 9 }, (_, i) =>
        rect(x - 32 * u + i * 7.5 * u, baseY - 44 * u, 3 * u, 4 * u, INK, ' stroke="none"'),
      ).join('');
      return (
        rect(x - 40 * u, baseY - 86 * u, 80 * u, 42 * u, col) +
        rect(x - 42 * u, baseY - 90 * u, 84 * u, 5 * u, darken(col, 0.3)) +
        rect(x - 38 * u, baseY - 46 * u, 76 * u, 8 * u, '#f4f1e8') +
        keys +
        rect(x - 40 * u, baseY - 38 * u, 80 * u, 8 * u, col) +
        rect(x - 36 * u, baseY - 30 * u, 5 * u, 30 * u, col) +
        rect(x + 31 * u, baseY - 30 * u, 5 * u, 30 * u, col) +
        rect(x - 8 * u, baseY - 80 * u, 16 * u, 12 * u, '#f1ece0')
      );
    }
    case 'stove': {
      const col = tint('#e4e1da', ctx, 2, 0.15);
      return (
        rect(x - 28 * u, baseY - 54 * u, 56 * u, 54 * u, col, ' rx="2"') +
        rect(x - 28 * u, baseY - 60 * u, 56 * u, 6 * u, '#4a4e55') +
        rect(x - 20 * u, baseY - 40 * u, 40 * u, 28 * u, '#3a3f46', ' rx="2"') +
        rect(x - 14 * u, baseY - 34 * u, 28 * u, 14 * u, ctx.dim ? '#d9843a' : '#6b5a4e') +
        [-16, -5, 6, 17].map((dx) => circle(x + dx * u, baseY - 48 * u, 2.4 * u, '#4a4e55')).join('') +
        `<path d="M${num(x - 20 * u)},${num(baseY - 60 * u)} q0,${num(-16 * u)} ${num(14 * u)},${num(-16 * u)} q${num(14 * u)},0 ${num(14 * u)},${num(16 * u)}z" fill="${tint('#b8483c', ctx, 2, 0.4)}"/>`
      );
    }
    case 'sink':
      return (
        rect(x - 32 * u, baseY - 46 * u, 64 * u, 46 * u, darken(wood, 0.05)) +
        rect(x - 26 * u, baseY - 40 * u, 24 * u, 34 * u, darken(wood, 0.12)) +
        rect(x + 2 * u, baseY - 40 * u, 24 * u, 34 * u, darken(wood, 0.12)) +
        rect(x - 36 * u, baseY - 52 * u, 72 * u, 6 * u, '#d4d6d8') +
        `<path d="M${num(x + 4 * u)},${num(baseY - 52 * u)} v${num(-16 * u)} h${num(-12 * u)} v${num(5 * u)}" fill="none" stroke="#8c9096" stroke-width="${num(Math.max(1, 3 * u))}"/>`
      );
    case 'cabinet': {
      const col = darken(wood, 0.08);
      return (
        rect(x - 30 * u, baseY - 112 * u, 60 * u, 112 * u, col) +
        rect(x - 33 * u, baseY - 118 * u, 66 * u, 7 * u, darken(col, 0.25)) +
        rect(x - 26 * u, baseY - 106 * u, 24 * u, 98 * u, lighten(col, 0.06)) +
        rect(x + 2 * u, baseY - 106 * u, 24 * u, 98 * u, lighten(col, 0.06)) +
        circle(x - 5 * u, baseY - 58 * u, 2 * u, '#d9b45a') +
        circle(x + 5 * u, baseY - 58 * u, 2 * u, '#d9b45a')
      );
    }
    case 'flag': {
      const col = tint('#b8483c', ctx, 2, 0.5);
      if (ctx.interior)
        return (
          rect(x - 24 * u, baseY - 154 * u, 48 * u, 3 * u, '#5a4636') +
          poly(
            [
              [x - 18 * u, baseY - 151 * u],
              [x + 18 * u, baseY - 151 * u],
              [x + 18 * u, baseY - 84 * u],
              [x, baseY - 96 * u],
              [x - 18 * u, baseY - 84 * u],
            ],
            col,
          ) +
          circle(x, baseY - 126 * u, 8 * u, '#e0c060')
        );
      return (
        rect(x - 2 * u, baseY - 170 * u, 4 * u, 170 * u, '#8c9096') +
        `<path d="M${num(x + 2 * u)},${num(baseY - 168 * u)} q${num(22 * u)},${num(-8 * u)} ${num(48 * u)},0 v${num(34 * u)} q${num(-26 * u)},${num(-8 * u)} ${num(-48 * u)},0z" fill="${col}"/>`
      );
    }
    case 'fountain': {
      const stone = ctx.night ? '#6a6e78' : '#c9c2b4';
      const water = ctx.night ? '#7f9fc0' : '#9fc8dc';
      return (
        `<path d="M${num(x)},${num(baseY - 64 * u)} q${num(-24 * u)},${num(-14 * u)} ${num(-34 * u)},${num(42 * u)} M${num(x)},${num(baseY - 64 * u)} q${num(24 * u)},${num(-14 * u)} ${num(34 * u)},${num(42 * u)}" fill="none" stroke="${water}" stroke-width="${num(Math.max(1, 3 * u))}"/>` +
        rect(x - 4 * u, baseY - 60 * u, 8 * u, 44 * u, stone) +
        `<ellipse cx="${num(x)}" cy="${num(baseY - 58 * u)}" rx="${num(18 * u)}" ry="${num(5 * u)}" fill="${stone}"/>` +
        rect(x - 60 * u, baseY - 24 * u, 120 * u, 24 * u, stone) +
        rect(x - 56 * u, baseY - 24 * u, 112 * u, 6 * u, water, ' stroke="none"')
      );
    }
    case 'tent': {
      const col = tint('#c98a3a', ctx, 2, 0.4);
      return (
        poly(
          [
            [x - 64 * u, baseY],
            [x, baseY - 80 * u],
            [x + 64 * u, baseY],
          ],
          col,
        ) +
        poly(
          [
            [x - 18 * u, baseY],
            [x, baseY - 52 * u],
            [x + 18 * u, baseY],
          ],
          ctx.dim ? '#f3c872' : darken(col, 0.35),
        ) +
        `<path d="M${num(x)},${num(baseY - 80 * u)} L${num(x + 90 * u)},${num(baseY)} M${num(x)},${num(baseY - 80 * u)} L${num(x - 90 * u)},${num(baseY)}" fill="none" stroke="${INK}" stroke-width="0.8"/>`
      );
    }
    case 'rock': {
      const col = ctx.night ? '#4e525a' : '#8f8c86';
      return (
        `<path d="M${num(x - 40 * u)},${num(baseY)} q${num(-4 * u)},${num(-24 * u)} ${num(14 * u)},${num(-36 * u)} q${num(20 * u)},${num(-12 * u)} ${num(38 * u)},${num(-2 * u)} q${num(18 * u)},${num(12 * u)} ${num(16 * u)},${num(38 * u)}z" fill="${col}"/>` +
        `<path d="M${num(x - 10 * u)},${num(baseY - 30 * u)} q${num(8 * u)},${num(10 * u)} ${num(4 * u)},${num(24 * u)}" fill="none" stroke="${darken(col, 0.3)}"/>`
      );
    }
    case 'statue': {
      const stone = ctx.night ? '#767a84' : '#cfcabe';
      return (
        rect(x - 22 * u, baseY - 34 * u, 44 * u, 34 * u, darken(stone, 0.12)) +
        rect(x - 26 * u, baseY - 38 * u, 52 * u, 5 * u, darken(stone, 0.2)) +
        `<path d="M${num(x - 13 * u)},${num(baseY - 38 * u)} l${num(3 * u)},${num(-56 * u)} q${num(10 * u)},${num(-8 * u)} ${num(20 * u)},0 l${num(3 * u)},${num(56 * u)}z" fill="${stone}"/>` +
        circle(x, baseY - 104 * u, 10 * u, stone) +
        `<path d="M${num(x + 10 * u)},${num(baseY - 86 * u)} l${num(14 * u)},${num(-22 * u)}" stroke="${INK}" stroke-width="${num(5 * u)}" stroke-linecap="round"/>`
      );
    }
    case 'column': {
      const stone = ctx.night ? '#7a7e88' : '#ddd6c8';
      return (
        rect(x - 18 * u, baseY - 10 * u, 36 * u, 10 * u, darken(stone, 0.15)) +
        rect(x - 13 * u, baseY - 146 * u, 26 * u, 136 * u, stone) +
        [-6, 0, 6]
          .map(
            (dx) =>
              `<path d="M${num(x + dx * u)},${num(baseY - 142 * u)} v${num(128 * u)}" stroke="${darken(stone, 0.2)}" stroke-width="0.8"/>`,
          )
          .join('') +
        rect(x - 20 * u, baseY - 156 * u, 40 * u, 10 * u, darken(stone, 0.1))
      );
    }
    case 'ladder': {
      const h = 130 * u;
      const rungs = Array.from({ length: 7 }, (_, i) => {
        const t = (i + 0.5) / 7;
        const y = baseY - h * t;
        return `<path d="M${num(x - 16 * u + t * 8 * u)},${num(y)} h${num(32 * u - t * 16 * u)}" stroke="${darken(wood, 0.1)}" stroke-width="${num(Math.max(1, 3 * u))}"/>`;
      }).join('');
      return (
        `<path d="M${num(x - 18 * u)},${num(baseY)} L${num(x - 8 * u)},${num(baseY - h)} M${num(x + 18 * u)},${num(baseY)} L${num(x + 8 * u)},${num(baseY - h)}" stroke="${darken(wood, 0.25)}" stroke-width="${num(Math.max(1.5, 4 * u))}"/>` +
        rungs
      );
    }
    case 'torch':
      return (
        (ctx.dim || ctx.interior ? glow(x, baseY - 126 * u, 60 * u) : '') +
        rect(x - 10 * u, baseY - 100 * u, 20 * u, 4 * u, metal) +
        `<path d="M${num(x - 4 * u)},${num(baseY - 114 * u)} l${num(2 * u)},${num(18 * u)} h${num(4 * u)} l${num(2 * u)},${num(-18 * u)}z" fill="#6b4a2a"/>` +
        flame(x, baseY - 114 * u, 20 * u)
      );
    case 'chandelier': {
      const y = baseY - 140 * u;
      const arms = [-30, -10, 10, 30]
        .map(
          (dx) =>
            `<path d="M${num(x)},${num(y)} q${num(dx * u * 0.5)},${num(12 * u)} ${num(dx * u)},0" fill="none" stroke="#b8963e" stroke-width="${num(Math.max(1, 2.5 * u))}"/>` +
            rect(x + dx * u - 2 * u, y - 8 * u, 4 * u, 8 * u, '#f3ecd8') +
            flame(x + dx * u, y - 9 * u, 6 * u),
        )
        .join('');
      return (
        (ctx.dim ? glow(x, y, 80 * u) : '') +
        `<path d="M${num(x)},${num(y - 90 * u)} V${num(y + 6 * u)}" stroke="#b8963e" stroke-width="${num(Math.max(1, 2 * u))}"/>` +
        arms +
        circle(x, y + 6 * u, 5 * u, '#c9a24a')
      );
    }
    case 'bus':
    case 'truck':
    case 'train': {
      const col = tint(key === 'bus' ? '#c9862e' : key === 'train' ? '#3b5f86' : '#6b6e70', ctx, 2, 0.2);
      const by = baseY + 24 * u;
      const L = (key === 'train' ? 320 : key === 'bus' ? 250 : 220) * u;
      const H = (key === 'truck' ? 96 : 92) * u;
      const glass = ctx.night ? '#f3d98a' : '#b7c7d3';
      const wheel = (wx: number) => circle(wx, by - 8 * u, 15 * u, '#24262a') + circle(wx, by - 8 * u, 6 * u, '#9a9ca0');
      let body: string;
      if (key === 'truck') {
        body =
          rect(x - L / 2, by - H - 16 * u, L * 0.68, H, lighten(col, 0.25)) +
          `<path d="M${num(x - L / 2 + L * 0.7)},${num(by - 16 * u)} v${num(-64 * u)} h${num(36 * u)} l${num(24 * u)},${num(30 * u)} v${num(34 * u)}z" fill="${col}"/>` +
          rect(x - L / 2 + L * 0.7 + 6 * u, by - 74 * u, 28 * u, 22 * u, glass);
      } else {
        const wins = Math.floor((L - 40 * u) / (34 * u));
        body =
          rect(x - L / 2, by - H - 16 * u, L, H, col, ' rx="8"') +
          Array.from({ length: wins }, (_, i) =>
            rect(x - L / 2 + 20 * u + i * 34 * u, by - H - 6 * u, 26 * u, 26 * u, glass, ' rx="2"'),
          ).join('') +
          rect(x - L / 2, by - 40 * u, L, 6 * u, darken(col, 0.25), ' stroke="none"') +
          (key === 'train'
            ? rect(x - L / 2 + 14 * u, by - H - 24 * u, L - 28 * u, 8 * u, darken(col, 0.3), ' rx="3"') +
              rect(x - L / 2 - 10 * u, by - 30 * u, 10 * u, 6 * u, '#3b3e44') +
              rect(x + L / 2, by - 30 * u, 10 * u, 6 * u, '#3b3e44')
            : rect(x + L / 2 - 14 * u, by - H - 6 * u, 10 * u, 40 * u, glass, ' rx="2"'));
      }
      const wheels = key === 'train' ? [-0.4, -0.3, 0.3, 0.4] : [-0.32, 0.32];
      return body + wheels.map((t) => wheel(x + L * t)).join('');
    }
    case 'bicycle': {
      const r = 16 * u;
      const y = baseY - r;
      return (
        circle(x - 26 * u, y, r, 'none', ` stroke-width="${num(Math.max(1, 2 * u))}"`) +
        circle(x + 26 * u, y, r, 'none', ` stroke-width="${num(Math.max(1, 2 * u))}"`) +
        `<path d="M${num(x - 26 * u)},${num(y)} L${num(x - 6 * u)},${num(y - 22 * u)} H${num(x + 18 * u)} L${num(x + 26 * u)},${num(y)} M${num(x - 6 * u)},${num(y - 22 * u)} L${num(x)},${num(y)} L${num(x + 18 * u)},${num(y - 22 * u)} M${num(x - 10 * u)},${num(y - 28 * u)} h${num(10 * u)} M${num(x + 18 * u)},${num(y - 22 * u)} l${num(-2 * u)},${num(-10 * u)} h${num(8 * u)}" fill="none" stroke="${tint('#8e3b36', ctx, 2, 0.4)}" stroke-width="${num(Math.max(1, 2.5 * u))}"/>`
      );
    }
    case 'lighthouse': {
      const h = 280 * u;
      const bands = [0.2, 0.5]
        .map((t) =>
          poly(
            [
              [x - 24 * u + t * 8 * u, baseY - h * t],
              [x + 24 * u - t * 8 * u, baseY - h * t],
              [x + 24 * u - (t + 0.14) * 8 * u, baseY - h * (t + 0.14)],
              [x - 24 * u + (t + 0.14) * 8 * u, baseY - h * (t + 0.14)],
            ],
            '#b8483c',
            ' stroke="none"',
          ),
        )
        .join('');
      const top = baseY - h * 0.8;
      return (
        (ctx.dim ? glow(x, top - 18 * u, 120 * u) : '') +
        poly(
          [
            [x - 24 * u, baseY],
            [x + 24 * u, baseY],
            [x + 16 * u, top],
            [x - 16 * u, top],
          ],
          '#f1ece2',
        ) +
        bands +
        rect(x - 22 * u, top - 4 * u, 44 * u, 4 * u, '#3b3e44') +
        rect(x - 12 * u, top - 30 * u, 24 * u, 26 * u, ctx.dim ? '#ffe9a6' : '#cfe0ea') +
        poly(
          [
            [x - 16 * u, top - 30 * u],
            [x, top - 46 * u],
            [x + 16 * u, top - 30 * u],
          ],
          '#b8483c',
        )
      );
    }
    case 'gravestone': {
      const stone = ctx.night ? '#6a6e78' : '#b9b5ad';
      return (
        `<path d="M${num(x - 16 * u)},${num(baseY)} v${num(-38 * u)} q0,${num(-14 * u)} ${num(16 * u)},${num(-14 * u)} q${num(16 * u)},0 ${num(16 * u)},${num(14 * u)} v${num(38 * u)}z" fill="${stone}"/>` +
        `<path d="M${num(x)},${num(baseY - 42 * u)} v${num(20 * u)} M${num(x - 7 * u)},${num(baseY - 35 * u)} h${num(14 * u)}" stroke="${darken(stone, 0.35)}" stroke-width="${num(Math.max(1, 2 * u))}"/>`
      );
    }
    case 'telescope':
      return (
        `<path d="M${num(x)},${num(baseY - 56 * u)} L${num(x - 20 * u)},${num(baseY)} M${num(x)},${num(baseY - 56 * u)} L${num(x + 20 * u)},${num(baseY)} M${num(x)},${num(baseY - 56 * u)} V${num(baseY)}" stroke="${metal}" stroke-width="${num(Math.max(1, 2.5 * u))}"/>` +
        `<g transform="rotate(-32 ${num(x)} ${num(baseY - 60 * u)})">${rect(x - 40 * u, baseY - 68 * u, 80 * u, 14 * u, '#c9b07a', ' rx="3"')}${rect(x + 34 * u, baseY - 71 * u, 12 * u, 20 * u, '#8c7a4a', ' rx="2"')}</g>`
      );
    case 'radiator': {
      const col = '#e6e3dc';
      return (
        rect(x - 30 * u, baseY - 46 * u, 60 * u, 38 * u, col, ' rx="3"') +
        Array.from(
          { length: 7 },
          (_, i) => `<path d="M${num(x - 24 * u + i * 8 * u)},${num(baseY - 42 * u)} v${num(30 * u)}" stroke="${darken(col, 0.25)}"/>`,
        ).join('') +
        rect(x - 26 * u, baseY - 8 * u, 4 * u, 8 * u, darken(col, 0.2)) +
        rect(x + 22 * u, baseY - 8 * u, 4 * u, 8 * u, darken(col, 0.2))
      );
    }
    case 'cart':
      return (
        poly(
          [
            [x - 30 * u, baseY - 54 * u],
            [x + 30 * u, baseY - 54 * u],
            [x + 24 * u, baseY - 20 * u],
            [x - 24 * u, baseY - 20 * u],
          ],
          '#aeb4ba',
        ) +
        `<path d="M${num(x + 30 * u)},${num(baseY - 54 * u)} l${num(12 * u)},${num(-14 * u)}" stroke="${metal}" stroke-width="${num(Math.max(1, 3 * u))}"/>` +
        circle(x - 18 * u, baseY - 6 * u, 6 * u, '#24262a') +
        circle(x + 18 * u, baseY - 6 * u, 6 * u, '#24262a')
      );
    case 'blackboard':
      return (
        rect(x - 50 * u, baseY - 130 * u, 100 * u, 58 * u, '#8a6a4a') +
        rect(x - 46 * u, baseY - 126 * u, 92 * u, 50 * u, '#2f4a3c') +
        `<path d="M${num(x - 36 * u)},${num(baseY - 112 * u)} h${num(40 * u)} M${num(x - 36 * u)},${num(baseY - 100 * u)} h${num(56 * u)} M${num(x - 36 * u)},${num(baseY - 88 * u)} h${num(30 * u)}" stroke="#e8e6dc" stroke-width="${num(Math.max(1, 1.5 * u))}"/>`
      );
    case 'vent':
      return (
        rect(x - 18 * u, baseY - 132 * u, 36 * u, 22 * u, '#7d8288', ' rx="1.5"') +
        [0, 1, 2, 3].map((i) => rect(x - 14 * u, baseY - 128 * u + i * 4.5 * u, 28 * u, 2.2 * u, '#2f3236', ' stroke="none"')).join('')
      );
    case 'campfire':
      return (
        (ctx.dim ? glow(x, baseY - 14 * u, 90 * u) : '') +
        `<path d="M${num(x - 26 * u)},${num(baseY)} L${num(x + 22 * u)},${num(baseY - 12 * u)} M${num(x - 22 * u)},${num(baseY - 12 * u)} L${num(x + 26 * u)},${num(baseY)}" stroke="#5e4632" stroke-width="${num(Math.max(2, 7 * u))}" stroke-linecap="round"/>` +
        flame(x - 6 * u, baseY - 4 * u, 26 * u) +
        flame(x + 6 * u, baseY - 4 * u, 34 * u)
      );
    default:
      return undefined;
  }
}
