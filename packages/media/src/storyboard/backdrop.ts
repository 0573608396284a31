import { canonicalSetDressing, setDressingKind } from '@automovie/contracts';
import { darken, escapeXml, fitText, lighten, mix, num, pts } from '../svg.ts';
import { INK } from './figure.ts';
import { drawProp, PROP_SHAPES } from './props.ts';
import { drawPiece, PIECES, sideTable } from './set-pieces.ts';

/**
 * The location behind the figures: sky or walls by interior/exterior and time of day, and the
 * location's `elements` drawn by their canonical set-dressing element (contracts' vocabulary) as
 * recognisable shapes (names without a shape become a labelled crate). Sizes are in figure units (100 = a person) times the backdrop scale `bs`.
 */

export type Light = 'day' | 'morning' | 'dawn' | 'dusk' | 'night';

export function lightOf(timeOfDay: string): Light {
  switch (timeOfDay) {
    case 'NIGHT':
      return 'night';
    case 'DAWN':
      return 'dawn';
    case 'DUSK':
    case 'EVENING':
      return 'dusk';
    case 'MORNING':
      return 'morning';
    default:
      return 'day';
  }
}

const SKY: Record<Light, [string, string]> = {
  day: ['#86abc9', '#e2eaec'],
  morning: ['#9ebbd3', '#f2e3c8'],
  dawn: ['#56638f', '#f1b48c'],
  dusk: ['#3a3c66', '#e3956a'],
  night: ['#0d1430', '#2d3a5e'],
};
const GROUND: Record<Light, string> = { day: '#a3a986', morning: '#a8a885', dawn: '#7d7768', dusk: '#6a6052', night: '#262b2f' };
const WALL: Record<Light, string> = { day: '#d9d1c1', morning: '#ded3bd', dawn: '#c9b6a6', dusk: '#bfa58f', night: '#4f556b' };
const FLOOR: Record<Light, string> = { day: '#a88d6d', morning: '#ab8f6c', dawn: '#8e7560', dusk: '#85694f', night: '#3b3530' };

export interface SetContext {
  x0: number;
  y0: number;
  pw: number;
  ph: number;
  /** Screen y of the horizon (eye level of the camera). */
  horizonY: number;
  /** Pixels per figure unit for things at the back of the set. */
  bs: number;
  interior: boolean;
  light: Light;
  rng: () => number;
  /** Screen y where outdoor set pieces stand. Default: just below the horizon. */
  standY?: number;
  /** Style preset colours (composition.palette), tinting walls, ground and props. */
  palette: readonly string[];
}

interface Slot {
  key: string;
  label: string;
  x: number;
}

/** Vocabulary elements drawn with another element's shape: the same thing to a storyboard. */
const DRAWN_AS: Record<string, string> = {
  computer: 'desk',
  photo: 'painting',
  poster: 'painting',
  gate: 'fence',
  tower: 'building',
};

/**
 * The shape an element name is drawn with: its canonical set-dressing element (contracts'
 * vocabulary: `Curtains` → `curtain`, `couch` → `sofa`), or `unknown` for a name outside it (a
 * caller's own element, drawn as a labelled box so user input is never dropped).
 */
export function elementShape(name: string, interior: boolean): string {
  const element = canonicalSetDressing(name);
  if (element === undefined) return 'unknown';
  if (element === 'fire') return interior ? 'fireplace' : 'campfire';
  return DRAWN_AS[element] ?? element;
}

/** Shapes drawn without falling back to a labelled box (the rest of the vocabulary is blocked in as one). */
export const DRAWN_SHAPES: ReadonlySet<string> = new Set([
  ...'window door table chair bed lamp desk shelf counter sofa painting clock plant tv fridge fireplace tree building car street mountain sea bench fence sign campfire'.split(
    ' ',
  ),
  ...PIECES,
  ...PROP_SHAPES,
]);

// Elements drawn as layers across the whole frame rather than in a slot.
const GLOBAL = new Set(['mountain', 'sea', 'street']);
const WALL_MOUNTED = new Set(['window', 'painting', 'clock', 'mirror', 'curtain', 'blackboard', 'vent', 'torch', 'bell', 'chandelier']);
// Flat on the floor: drawn before anything standing on it.
const ON_FLOOR = new Set(['rug']);

function slots(ctx: SetContext, elements: readonly string[]): Slot[] {
  const keyed = elements.map((label) => ({ key: elementShape(label, ctx.interior), label }));
  const placed = keyed.filter((e) => !GLOBAL.has(e.key));
  return placed.map((e, i) => ({
    ...e,
    x: ctx.x0 + ctx.pw * (0.1 + (0.8 * (i + 0.5)) / placed.length + (ctx.rng() - 0.5) * 0.04),
  }));
}

export function skyGradientDefs(light: Light): string {
  const [top, bottom] = SKY[light];
  return `<linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${top}"/><stop offset="1" stop-color="${bottom}"/></linearGradient><radialGradient id="glow"><stop offset="0" stop-color="#ffe7a8" stop-opacity="0.85"/><stop offset="0.45" stop-color="#ffd27a" stop-opacity="0.35"/><stop offset="1" stop-color="#ffd27a" stop-opacity="0"/></radialGradient>`;
}

const tint = (base: string, ctx: SetContext, i: number, t = 0.35) => (ctx.palette[i] ? mix(base, ctx.palette[i] as string, t) : base);

/** Sky, sun/moon and stars over the region above `bottom`. */
function sky(ctx: SetContext, top: number, bottom: number): string {
  const out = [
    `<rect x="${num(ctx.x0)}" y="${num(top)}" width="${num(ctx.pw)}" height="${num(Math.max(0, bottom - top))}" fill="url(#sky)" stroke="none"/>`,
  ];
  const h = ctx.ph;
  const sx = ctx.x0 + ctx.pw * (0.62 + ctx.rng() * 0.25);
  if (ctx.light === 'night') {
    for (let i = 0; i < 40; i++) {
      const x = ctx.x0 + ctx.rng() * ctx.pw;
      const y = top + ctx.rng() * (ctx.horizonY - top) * 0.9;
      const r = h * (0.0015 + ctx.rng() * 0.0025);
      if (y < bottom) out.push(`<circle cx="${num(x)}" cy="${num(y)}" r="${num(r)}" fill="#f4f1dc" stroke="none"/>`);
    }
    const my = Math.max(top + h * 0.1, ctx.horizonY - h * 0.32);
    const mr = h * 0.045;
    if (my < bottom)
      out.push(
        `<circle cx="${num(sx)}" cy="${num(my)}" r="${num(mr)}" fill="#f2eed2" stroke="none"/><circle cx="${num(sx + mr * 0.45)}" cy="${num(my - mr * 0.2)}" r="${num(mr * 0.85)}" fill="#1a2243" stroke="none"/>`,
      );
  } else if (ctx.light === 'dawn' || ctx.light === 'dusk') {
    const r = h * 0.07;
    out.push(`<circle cx="${num(sx)}" cy="${num(ctx.horizonY - r * 0.3)}" r="${num(r)}" fill="#f7d38c" stroke="none"/>`);
  } else {
    const sy = Math.max(top + h * 0.1, ctx.horizonY - h * 0.3);
    if (sy < bottom) out.push(`<circle cx="${num(sx)}" cy="${num(sy)}" r="${num(h * 0.035)}" fill="#fbf6df" stroke="none"/>`);
    for (let i = 0; i < 3; i++) {
      const cx = ctx.x0 + ctx.pw * (0.1 + ctx.rng() * 0.8);
      const cy = top + (ctx.horizonY - top) * (0.15 + ctx.rng() * 0.45);
      const cw = h * (0.08 + ctx.rng() * 0.06);
      if (cy < bottom - cw * 0.3)
        out.push(
          `<g fill="#f8f8f4" fill-opacity="0.85" stroke="none"><ellipse cx="${num(cx)}" cy="${num(cy)}" rx="${num(cw)}" ry="${num(cw * 0.28)}"/><ellipse cx="${num(cx - cw * 0.3)}" cy="${num(cy - cw * 0.18)}" rx="${num(cw * 0.45)}" ry="${num(cw * 0.3)}"/><ellipse cx="${num(cx + cw * 0.25)}" cy="${num(cy - cw * 0.22)}" rx="${num(cw * 0.35)}" ry="${num(cw * 0.28)}"/></g>`,
        );
    }
  }
  return out.join('');
}

/** The set seen from the camera: walls and floor, or sky and ground, then the elements. */
export function drawBackdrop(ctx: SetContext, elements: readonly string[]): string {
  return ctx.interior ? interior(ctx, elements) : exterior(ctx, elements);
}

function interior(ctx: SetContext, elements: readonly string[]): string {
  const { x0, y0, pw, ph, bs, horizonY } = ctx;
  const floorY = horizonY + 80 * bs;
  // Tall enough to read as a room even when the set is small in frame (extreme wide).
  const ceilingY = Math.min(horizonY - 75 * bs, y0 + (horizonY - y0) * 0.2);
  const wall = tint(WALL[ctx.light], ctx, 0);
  const floor = tint(FLOOR[ctx.light], ctx, 1, 0.25);
  const bottom = y0 + ph;
  const vx = x0 + pw / 2;
  const out: string[] = [];
  out.push(`<rect x="${num(x0)}" y="${num(y0)}" width="${num(pw)}" height="${num(ph)}" fill="${wall}" stroke="none"/>`);
  // wallpaper stripes keep big plain walls from reading as empty paper
  const stripe = Math.max(6, 26 * bs);
  for (let x = x0 + stripe / 2; x < x0 + pw; x += stripe * 2)
    out.push(`<rect x="${num(x)}" y="${num(y0)}" width="${num(stripe)}" height="${num(ph)}" fill="${darken(wall, 0.035)}" stroke="none"/>`);
  if (ceilingY > y0) {
    out.push(
      `<rect x="${num(x0)}" y="${num(y0)}" width="${num(pw)}" height="${num(ceilingY - y0)}" fill="${lighten(wall, 0.25)}" stroke="none"/>`,
    );
    out.push(`<line x1="${num(x0)}" y1="${num(ceilingY)}" x2="${num(x0 + pw)}" y2="${num(ceilingY)}" stroke="${darken(wall, 0.3)}"/>`);
  }
  const list = slots(ctx, elements);
  const wallItems = list.filter((s) => WALL_MOUNTED.has(s.key) || s.key === 'door' || s.key === 'flag');
  const floorItems = list
    .filter((s) => !WALL_MOUNTED.has(s.key) && s.key !== 'door' && s.key !== 'flag')
    .sort((a, b) => Number(ON_FLOOR.has(b.key)) - Number(ON_FLOOR.has(a.key)));
  for (const s of wallItems) out.push(drawElement(ctx, s, floorY));
  if (floorY < bottom) {
    out.push(`<rect x="${num(x0)}" y="${num(floorY)}" width="${num(pw)}" height="${num(bottom - floorY)}" fill="${floor}" stroke="none"/>`);
    out.push(
      `<rect x="${num(x0)}" y="${num(floorY - 6 * bs)}" width="${num(pw)}" height="${num(6 * bs)}" fill="${darken(wall, 0.25)}" stroke="${INK}"/>`,
    );
    // floorboards converge on the vanishing point at the horizon
    for (let i = -12; i <= 12; i++) {
      const bx = vx + i * 60 * bs * 2.4;
      if (bx < x0 - pw || bx > x0 + pw * 2) continue;
      const topX = vx + (bx - vx) * ((floorY - horizonY) / (bottom - horizonY + 1e-6));
      out.push(
        `<line x1="${num(topX)}" y1="${num(floorY)}" x2="${num(bx)}" y2="${num(bottom)}" stroke="${darken(floor, 0.18)}" stroke-width="1"/>`,
      );
    }
  }
  for (const s of floorItems) out.push(drawElement(ctx, s, floorY));
  if (ctx.light === 'night' && !list.some((s) => s.key === 'lamp')) {
    // Night interiors are lit by something: a soft pool of practical light.
    out.push(
      `<ellipse cx="${num(x0 + pw * 0.78)}" cy="${num(y0 + ph * 0.35)}" rx="${num(pw * 0.35)}" ry="${num(ph * 0.55)}" fill="url(#glow)" fill-opacity="0.6" stroke="none"/>`,
    );
  }
  return out.join('');
}

function exterior(ctx: SetContext, elements: readonly string[]): string {
  const { x0, y0, pw, ph, horizonY, bs } = ctx;
  const bottom = y0 + ph;
  const keys = new Set(elements.map((e) => elementShape(e, false)));
  const ground = tint(GROUND[ctx.light], ctx, 0, 0.3);
  const out: string[] = [sky(ctx, y0, Math.min(bottom, horizonY + 1))];
  if (keys.has('mountain')) {
    const peaks: Array<[number, number]> = [[x0, horizonY]];
    const n = 5;
    for (let i = 0; i <= n; i++) {
      const px = x0 + (pw * (i + 0.2 + ctx.rng() * 0.6)) / n;
      peaks.push([px - pw * 0.08, horizonY - ph * (0.04 + ctx.rng() * 0.04)], [px, horizonY - ph * (0.14 + ctx.rng() * 0.14)]);
    }
    peaks.push([x0 + pw, horizonY]);
    const col = ctx.light === 'night' ? '#313a55' : mix(SKY[ctx.light][0], '#55606e', 0.55);
    out.push(`<polygon points="${pts(peaks)}" fill="${col}" stroke="${darken(col, 0.3)}"/>`);
  }
  if (horizonY < bottom)
    out.push(
      `<rect x="${num(x0)}" y="${num(horizonY)}" width="${num(pw)}" height="${num(bottom - horizonY)}" fill="${ground}" stroke="none"/>`,
    );
  if (keys.has('sea')) {
    const seaBottom = Math.min(bottom, horizonY + Math.max(ph * 0.12, 40 * bs));
    const sea = ctx.light === 'night' ? '#1d2a44' : mix(SKY[ctx.light][0], '#2f5f78', 0.5);
    out.push(
      `<rect x="${num(x0)}" y="${num(horizonY)}" width="${num(pw)}" height="${num(seaBottom - horizonY)}" fill="${sea}" stroke="none"/>`,
    );
    for (let i = 0; i < 14; i++) {
      const wx = x0 + ctx.rng() * pw;
      const wy = horizonY + (seaBottom - horizonY) * (0.15 + ctx.rng() * 0.8);
      const ww = ph * 0.03 * (0.5 + (wy - horizonY) / (seaBottom - horizonY + 1));
      out.push(
        `<path d="M${num(wx)},${num(wy)} q${num(ww / 2)},${num(-ww / 4)} ${num(ww)},0" fill="none" stroke="${lighten(sea, 0.35)}" stroke-width="1.5"/>`,
      );
    }
    out.push(
      `<rect x="${num(x0)}" y="${num(seaBottom)}" width="${num(pw)}" height="${num(Math.max(0, bottom - seaBottom))}" fill="${ctx.light === 'night' ? '#3a382f' : '#d6c7a1'}" stroke="none"/>`,
    );
  }
  out.push(`<line x1="${num(x0)}" y1="${num(horizonY)}" x2="${num(x0 + pw)}" y2="${num(horizonY)}" stroke="${darken(ground, 0.35)}"/>`);
  if (keys.has('street')) {
    const vx = x0 + pw * 0.5;
    const road = ctx.light === 'night' ? '#2d2f35' : '#77787a';
    out.push(
      `<polygon points="${pts([
        [vx - pw * 0.02, horizonY],
        [vx + pw * 0.02, horizonY],
        [x0 + pw * 1.1, bottom],
        [x0 - pw * 0.1, bottom],
      ])}" fill="${road}" stroke="${darken(road, 0.3)}"/>`,
    );
    for (let i = 0; i < 8; i++) {
      const t0 = (i / 8) ** 2;
      const t1 = ((i + 0.5) / 8) ** 2;
      const ya = horizonY + (bottom - horizonY) * t0;
      const yb = horizonY + (bottom - horizonY) * t1;
      const wa = 1 + 8 * t0;
      const wb = 1 + 8 * t1;
      out.push(
        `<polygon points="${pts([
          [vx - wa / 2, ya],
          [vx + wa / 2, ya],
          [vx + wb / 2, yb],
          [vx - wb / 2, yb],
        ])}" fill="#e8dca0" stroke="none"/>`,
      );
    }
  }
  const groundY = Math.max(horizonY + 10 * bs, ctx.standY ?? 0);
  const list = slots(ctx, elements);
  // Back to front: tall things behind, vehicles in front.
  const order = [
    'lighthouse',
    'building',
    'tree',
    'column',
    'tent',
    'statue',
    'fountain',
    'fence',
    'flag',
    'lamp',
    'sign',
    'rock',
    'bench',
    'cart',
    'bicycle',
    'car',
    'bus',
    'truck',
    'train',
    'boat',
  ];
  const rank = (k: string) => (order.includes(k) ? order.indexOf(k) : order.indexOf('sign'));
  for (const s of [...list].sort((a, b) => rank(a.key) - rank(b.key))) out.push(drawElement(ctx, s, groundY));
  return out.join('');
}

/** One element standing on (or hung above) `baseY`, centred on its slot, marked with its shape. */
function drawElement(ctx: SetContext, s: Slot, baseY: number): string {
  return `<g class="element" data-element="${escapeXml(s.key)}">${elementMarkup(ctx, s, baseY)}</g>`;
}

function elementMarkup(ctx: SetContext, s: Slot, baseY: number): string {
  const u = ctx.bs;
  const x = s.x;
  const night = ctx.light === 'night';
  const wood = tint('#8a6a4a', ctx, 1, 0.25);
  const rect = (rx: number, ry: number, w: number, h: number, fill: string, extra = '') =>
    `<rect x="${num(rx)}" y="${num(ry)}" width="${num(w)}" height="${num(h)}" fill="${fill}"${extra}/>`;
  switch (s.key) {
    case 'window': {
      const w = 62 * u;
      const h = 72 * u;
      const top = baseY - 128 * u;
      const frame = night ? '#3c3f4c' : '#f1ece2';
      return (
        rect(x - w / 2 - 4 * u, top - 4 * u, w + 8 * u, h + 8 * u, frame) +
        rect(x - w / 2, top, w, h, 'url(#sky)') +
        (night ? `<circle cx="${num(x + w * 0.2)}" cy="${num(top + h * 0.3)}" r="${num(5 * u)}" fill="#f2eed2" stroke="none"/>` : '') +
        `<path d="M${num(x)},${num(top)} v${num(h)} M${num(x - w / 2)},${num(top + h / 2)} h${num(w)}" stroke="${frame}" stroke-width="${num(3 * u)}"/>` +
        rect(x - w / 2 - 7 * u, top + h + 3 * u, w + 14 * u, 4 * u, frame) +
        `<path d="M${num(x - w / 2 - 10 * u)},${num(top - 8 * u)} h${num(w + 20 * u)}" stroke="${INK}"/>` +
        rect(x - w / 2 - 14 * u, top - 8 * u, 12 * u, h + 30 * u, tint('#9a5b4a', ctx, 2, 0.5)) +
        rect(x + w / 2 + 2 * u, top - 8 * u, 12 * u, h + 30 * u, tint('#9a5b4a', ctx, 2, 0.5))
      );
    }
    case 'door': {
      const w = 52 * u;
      const h = 122 * u;
      const col = tint('#7b5a3e', ctx, 1, 0.3);
      return (
        rect(x - w / 2 - 4 * u, baseY - h - 4 * u, w + 8 * u, h + 4 * u, darken(col, 0.25)) +
        rect(x - w / 2, baseY - h, w, h, col) +
        rect(x - w / 2 + 6 * u, baseY - h + 8 * u, w - 12 * u, h * 0.38, darken(col, 0.1)) +
        rect(x - w / 2 + 6 * u, baseY - h * 0.5, w - 12 * u, h * 0.42, darken(col, 0.1)) +
        `<circle cx="${num(x + w / 2 - 7 * u)}" cy="${num(baseY - h * 0.5)}" r="${num(2.4 * u)}" fill="#d9b45a"/>`
      );
    }
    case 'table':
      return (
        rect(x - 45 * u, baseY - 44 * u, 90 * u, 6 * u, wood) +
        rect(x - 40 * u, baseY - 38 * u, 5 * u, 38 * u, darken(wood, 0.2)) +
        rect(x + 35 * u, baseY - 38 * u, 5 * u, 38 * u, darken(wood, 0.2)) +
        rect(x - 12 * u, baseY - 50 * u, 7 * u, 6 * u, '#e9e4da') +
        `<path d="M${num(x + 8 * u)},${num(baseY - 44 * u)} l${num(3 * u)},${num(-11 * u)} h${num(4 * u)} l${num(3 * u)},${num(11 * u)}z" fill="${lighten(tint('#6f8fa6', ctx, 2), 0.2)}"/>`
      );
    case 'chair':
      return (
        rect(x - 15 * u, baseY - 58 * u, 5 * u, 58 * u, darken(wood, 0.15)) +
        rect(x - 15 * u, baseY - 58 * u, 26 * u, 6 * u, darken(wood, 0.05)) +
        rect(x - 15 * u, baseY - 30 * u, 30 * u, 5 * u, wood) +
        rect(x + 10 * u, baseY - 25 * u, 4 * u, 25 * u, darken(wood, 0.2))
      );
    case 'bed': {
      const sheet = tint('#d8d4cc', ctx, 2, 0.25);
      return (
        rect(x - 62 * u, baseY - 60 * u, 8 * u, 60 * u, darken(wood, 0.1)) +
        rect(x - 58 * u, baseY - 32 * u, 118 * u, 24 * u, sheet) +
        rect(x - 54 * u, baseY - 42 * u, 28 * u, 11 * u, '#f3f1ec', ' rx="4"') +
        rect(x - 20 * u, baseY - 36 * u, 82 * u, 20 * u, tint('#7d8fa8', ctx, 2, 0.5), ' rx="3"') +
        rect(x - 58 * u, baseY - 8 * u, 5 * u, 8 * u, darken(wood, 0.2)) +
        rect(x + 55 * u, baseY - 8 * u, 5 * u, 8 * u, darken(wood, 0.2))
      );
    }
    case 'lamp': {
      if (!ctx.interior) {
        const h = 240 * u;
        return (
          (night || ctx.light === 'dusk'
            ? `<circle cx="${num(x + 12 * u)}" cy="${num(baseY - h + 8 * u)}" r="${num(70 * u)}" fill="url(#glow)" stroke="none"/>`
            : '') +
          rect(x - 2.5 * u, baseY - h, 5 * u, h, '#3b3e44') +
          `<path d="M${num(x)},${num(baseY - h)} q${num(10 * u)},${num(-8 * u)} ${num(16 * u)},${num(2 * u)}" fill="none" stroke="#3b3e44" stroke-width="${num(3 * u)}"/>` +
          `<path d="M${num(x + 8 * u)},${num(baseY - h + 2 * u)} h${num(16 * u)} l${num(-3 * u)},${num(6 * u)} h${num(-10 * u)}z" fill="${night ? '#ffe9a6' : '#c9c3b0'}"/>`
        );
      }
      const lit = night || ctx.light === 'dusk' || ctx.light === 'dawn';
      return (
        (lit ? `<circle cx="${num(x)}" cy="${num(baseY - 88 * u)}" r="${num(90 * u)}" fill="url(#glow)" stroke="none"/>` : '') +
        rect(x - 1.5 * u, baseY - 84 * u, 3 * u, 84 * u, '#4a4540') +
        rect(x - 12 * u, baseY - 3 * u, 24 * u, 3 * u, '#4a4540') +
        `<path d="M${num(x - 9 * u)},${num(baseY - 100 * u)} h${num(18 * u)} l${num(6 * u)},${num(16 * u)} h${num(-30 * u)}z" fill="${lit ? '#ffe4a0' : tint('#e8dcc0', ctx, 2, 0.3)}"/>`
      );
    }
    case 'desk': {
      const screen = night ? '#9fc4e8' : '#38424e';
      return (
        rect(x - 40 * u, baseY - 44 * u, 80 * u, 5 * u, wood) +
        rect(x - 38 * u, baseY - 39 * u, 24 * u, 39 * u, darken(wood, 0.15)) +
        rect(x + 34 * u, baseY - 39 * u, 4 * u, 39 * u, darken(wood, 0.2)) +
        rect(x - 4 * u, baseY - 72 * u, 34 * u, 22 * u, screen, ' rx="1.5"') +
        rect(x + 11 * u, baseY - 50 * u, 4 * u, 6 * u, '#38424e')
      );
    }
    case 'shelf': {
      const w = 56 * u;
      const h = 118 * u;
      const books: string[] = [];
      const colors = ['#8e4a3c', '#3f5f7a', '#c9a45c', '#4f6b4a', '#7a5a8a', '#b8794f'];
      for (let r = 0; r < 4; r++) {
        let bx = x - w / 2 + 4 * u;
        const by = baseY - h + 4 * u + r * (h / 4);
        while (bx < x + w / 2 - 9 * u) {
          const bw = (4 + ctx.rng() * 4) * u;
          const bh = (h / 4) * (0.6 + ctx.rng() * 0.3);
          books.push(
            rect(bx, by + h / 4 - 6 * u - bh, bw, bh, colors[Math.floor(ctx.rng() * colors.length)] as string, ' stroke-width="0.6"'),
          );
          bx += bw + 0.6 * u;
        }
      }
      return (
        rect(x - w / 2, baseY - h, w, h, darken(wood, 0.1)) +
        books.join('') +
        [1, 2, 3, 4].map((r) => rect(x - w / 2, baseY - h + r * (h / 4) - 3 * u, w, 3 * u, darken(wood, 0.3))).join('')
      );
    }
    case 'counter': {
      const top = tint('#cfc8bb', ctx, 2, 0.3);
      return (
        rect(x - 80 * u, baseY - 52 * u, 160 * u, 52 * u, darken(wood, 0.05)) +
        [0, 1, 2, 3].map((i) => rect(x - 76 * u + i * 39 * u, baseY - 44 * u, 35 * u, 40 * u, darken(wood, 0.12))).join('') +
        rect(x - 84 * u, baseY - 57 * u, 168 * u, 6 * u, top) +
        `<circle cx="${num(x + 40 * u)}" cy="${num(baseY - 62 * u)}" r="${num(5 * u)}" fill="#e6e1d6"/>` +
        rect(x - 50 * u, baseY - 70 * u, 7 * u, 13 * u, '#6d8f6f')
      );
    }
    case 'sofa': {
      const col = tint('#6e7f8f', ctx, 2, 0.4);
      return (
        rect(x - 55 * u, baseY - 50 * u, 110 * u, 28 * u, darken(col, 0.1), ' rx="6"') +
        rect(x - 50 * u, baseY - 28 * u, 100 * u, 20 * u, col, ' rx="4"') +
        rect(x - 60 * u, baseY - 36 * u, 12 * u, 30 * u, darken(col, 0.18), ' rx="5"') +
        rect(x + 48 * u, baseY - 36 * u, 12 * u, 30 * u, darken(col, 0.18), ' rx="5"') +
        rect(x - 50 * u, baseY - 8 * u, 4 * u, 8 * u, INK) +
        rect(x + 46 * u, baseY - 8 * u, 4 * u, 8 * u, INK)
      );
    }
    case 'painting':
      return (
        rect(x - 24 * u, baseY - 122 * u, 48 * u, 36 * u, '#6b5036') +
        rect(x - 20 * u, baseY - 118 * u, 40 * u, 28 * u, tint('#9fb0a0', ctx, 1, 0.5)) +
        `<polygon points="${pts([
          [x - 20 * u, baseY - 90 * u],
          [x - 6 * u, baseY - 108 * u],
          [x + 4 * u, baseY - 98 * u],
          [x + 10 * u, baseY - 104 * u],
          [x + 20 * u, baseY - 90 * u],
        ])}" fill="${darken(tint('#9fb0a0', ctx, 1, 0.5), 0.3)}" stroke="none"/>`
      );
    case 'clock':
      return (
        `<circle cx="${num(x)}" cy="${num(baseY - 118 * u)}" r="${num(11 * u)}" fill="#f4efe4"/>` +
        `<path d="M${num(x)},${num(baseY - 118 * u)} v${num(-8 * u)} M${num(x)},${num(baseY - 118 * u)} h${num(5 * u)}" stroke="${INK}" stroke-width="${num(Math.max(1, 1.4 * u))}"/>`
      );
    case 'plant': {
      const leaf = '#5d7d55';
      const leaves = [-1, -0.5, 0, 0.5, 1]
        .map(
          (t) =>
            `<path d="M${num(x)},${num(baseY - 22 * u)} q${num(t * 22 * u)},${num(-20 * u)} ${num(t * 16 * u)},${num(-42 * u + Math.abs(t) * 14 * u)} q${num(-t * 4 * u)},${num(18 * u)} ${num(-t * 16 * u)},${num(42 * u - Math.abs(t) * 14 * u)}z" fill="${leaf}"/>`,
        )
        .join('');
      return (
        leaves +
        `<path d="M${num(x - 11 * u)},${num(baseY - 24 * u)} h${num(22 * u)} l${num(-3 * u)},${num(24 * u)} h${num(-16 * u)}z" fill="#b2714f"/>`
      );
    }
    case 'tv':
      return (
        rect(x - 34 * u, baseY - 26 * u, 68 * u, 26 * u, darken(wood, 0.1)) +
        rect(x - 30 * u, baseY - 66 * u, 60 * u, 36 * u, '#20252c', ' rx="1.5"') +
        rect(x - 27 * u, baseY - 63 * u, 54 * u, 30 * u, night ? '#7fa6c9' : '#3a4652') +
        rect(x - 3 * u, baseY - 30 * u, 6 * u, 4 * u, '#20252c')
      );
    case 'fridge':
      return (
        rect(x - 20 * u, baseY - 104 * u, 40 * u, 104 * u, '#e7e6e0', ' rx="3"') +
        `<path d="M${num(x - 20 * u)},${num(baseY - 70 * u)} h${num(40 * u)}" stroke="${INK}"/>` +
        rect(x + 13 * u, baseY - 96 * u, 2.5 * u, 18 * u, '#9a9a94') +
        rect(x + 13 * u, baseY - 62 * u, 2.5 * u, 22 * u, '#9a9a94')
      );
    case 'fireplace':
      return (
        rect(x - 38 * u, baseY - 66 * u, 76 * u, 66 * u, '#9c6a55') +
        rect(x - 44 * u, baseY - 72 * u, 88 * u, 7 * u, '#d8cfc0') +
        rect(x - 22 * u, baseY - 42 * u, 44 * u, 42 * u, '#241c18') +
        `<path d="M${num(x - 14 * u)},${num(baseY - 4 * u)} q${num(4 * u)},${num(-26 * u)} ${num(12 * u)},${num(-30 * u)} q${num(-2 * u)},${num(14 * u)} ${num(6 * u)},${num(18 * u)} q${num(4 * u)},${num(-10 * u)} ${num(2 * u)},${num(-14 * u)} q${num(10 * u)},${num(14 * u)} ${num(8 * u)},${num(26 * u)}z" fill="#f0a040" stroke="#c0602a"/>`
      );
    case 'tree': {
      const h = (170 + ctx.rng() * 60) * u;
      const leaf = night ? '#2f4236' : tint(ctx.light === 'dusk' ? '#6b6f45' : '#6f8a5a', ctx, 1, 0.2);
      const blobs: string[] = [];
      for (let i = 0; i < 5; i++) {
        const bx = x + (ctx.rng() - 0.5) * 60 * u;
        const by = baseY - h + (ctx.rng() * 0.5 + 0.1) * 70 * u;
        blobs.push(
          `<circle cx="${num(bx)}" cy="${num(by)}" r="${num((34 + ctx.rng() * 14) * u)}" fill="${i % 2 ? leaf : darken(leaf, 0.1)}"/>`,
        );
      }
      return `<path d="M${num(x - 6 * u)},${num(baseY)} l${num(2 * u)},${num(-h * 0.7)} h${num(8 * u)} l${num(2 * u)},${num(h * 0.7)}z" fill="#5e4632"/>${blobs.join('')}`;
    }
    case 'building': {
      const w = (130 + ctx.rng() * 60) * u;
      const h = (240 + ctx.rng() * 160) * u;
      const wallC = night ? '#3a3d4a' : tint(['#b9a894', '#a7a9ad', '#c2a48a'][Math.floor(ctx.rng() * 3)] as string, ctx, 1, 0.3);
      const win: string[] = [];
      const cols = Math.max(2, Math.floor(w / (26 * u)));
      const rows = Math.max(2, Math.floor((h - 40 * u) / (36 * u)));
      for (let r = 0; r < rows; r++)
        for (let c = 0; c < cols; c++) {
          const lit = night ? ctx.rng() < 0.45 : false;
          win.push(
            `<rect x="${num(x - w / 2 + (c + 0.25) * (w / cols))}" y="${num(baseY - h + 14 * u + r * 36 * u)}" width="${num((w / cols) * 0.5)}" height="${num(20 * u)}" fill="${lit ? '#f3d98a' : night ? '#22263a' : '#7c8d9c'}" stroke="none"/>`,
          );
        }
      return (
        rect(x - w / 2, baseY - h, w, h, wallC) +
        win.join('') +
        rect(x - 12 * u, baseY - 50 * u, 24 * u, 50 * u, darken(wallC, 0.35)) +
        rect(x - w / 2 - 3 * u, baseY - h - 6 * u, w + 6 * u, 6 * u, darken(wallC, 0.3))
      );
    }
    case 'car': {
      const col = tint(['#8e3b36', '#3b5f86', '#6b6e70', '#c9b26a'][Math.floor(ctx.rng() * 4)] as string, ctx, 2, 0.2);
      const L = 230 * u;
      const by = baseY + 30 * u;
      return (
        `<path d="M${num(x - L / 2)},${num(by - 18 * u)} q0,${num(-26 * u)} ${num(24 * u)},${num(-28 * u)} l${num(36 * u)},${num(-2 * u)} l${num(30 * u)},${num(-30 * u)} h${num(70 * u)} l${num(34 * u)},${num(30 * u)} l${num(28 * u)},${num(4 * u)} q${num(8 * u)},${num(6 * u)} ${num(8 * u)},${num(26 * u)} z" fill="${col}"/>` +
        `<path d="M${num(x - L / 2 + 66 * u)},${num(by - 52 * u)} l${num(24 * u)},${num(-24 * u)} h${num(30 * u)} v${num(24 * u)}z M${num(x - L / 2 + 126 * u)},${num(by - 52 * u)} v${num(-24 * u)} h${num(34 * u)} l${num(26 * u)},${num(24 * u)}z" fill="${night ? '#1f2a3a' : '#b7c7d3'}"/>` +
        `<circle cx="${num(x - L / 2 + 50 * u)}" cy="${num(by - 14 * u)}" r="${num(17 * u)}" fill="#24262a"/><circle cx="${num(x + L / 2 - 50 * u)}" cy="${num(by - 14 * u)}" r="${num(17 * u)}" fill="#24262a"/>` +
        `<circle cx="${num(x - L / 2 + 50 * u)}" cy="${num(by - 14 * u)}" r="${num(7 * u)}" fill="#9a9ca0"/><circle cx="${num(x + L / 2 - 50 * u)}" cy="${num(by - 14 * u)}" r="${num(7 * u)}" fill="#9a9ca0"/>` +
        (night
          ? `<circle cx="${num(x + L / 2 - 6 * u)}" cy="${num(by - 30 * u)}" r="${num(40 * u)}" fill="url(#glow)" stroke="none"/>`
          : '')
      );
    }
    case 'bench':
      return (
        rect(x - 50 * u, baseY - 26 * u, 100 * u, 5 * u, wood) +
        rect(x - 50 * u, baseY - 46 * u, 100 * u, 5 * u, wood) +
        rect(x - 50 * u, baseY - 38 * u, 100 * u, 5 * u, wood) +
        rect(x - 44 * u, baseY - 26 * u, 4 * u, 26 * u, '#3b3e44') +
        rect(x + 40 * u, baseY - 26 * u, 4 * u, 26 * u, '#3b3e44')
      );
    case 'fence': {
      const posts: string[] = [];
      for (let i = -5; i <= 5; i++) posts.push(rect(x + i * 16 * u - 3 * u, baseY - 50 * u, 6 * u, 50 * u, '#e6e0d2'));
      return (
        rect(x - 90 * u, baseY - 40 * u, 180 * u, 5 * u, '#d8d0c0') +
        rect(x - 90 * u, baseY - 18 * u, 180 * u, 5 * u, '#d8d0c0') +
        posts.join('')
      );
    }
    case 'sign': {
      const fs = Math.max(9, 11 * u);
      const label = fitText(s.label.toUpperCase(), fs, 70 * u, true);
      return (
        rect(x - 2 * u, baseY - 120 * u, 4 * u, 120 * u, '#3b3e44') +
        rect(x - 40 * u, baseY - 140 * u, 80 * u, 28 * u, '#2f5f4f', ' rx="3"') +
        `<text x="${num(x)}" y="${num(baseY - 121 * u)}" font-size="${num(fs)}" font-weight="bold" fill="#f2efe6" stroke="none" text-anchor="middle">${escapeXml(label)}</text>`
      );
    }
    default: {
      const dim = night || ctx.light === 'dusk' || ctx.light === 'dawn';
      const piece = drawPiece(s.key, x, baseY, u, { interior: ctx.interior, night, dim, palette: ctx.palette, rng: ctx.rng });
      if (piece !== undefined) return piece;
      if (setDressingKind(s.key) === 'prop') {
        // A hand prop is dressed on a small table, drawn with the insert shot's prop shapes.
        const table = sideTable(x, baseY, u, wood);
        const pu = u * 0.22;
        return table.svg + drawProp(s.key, s.label, x, table.top - 44 * pu, pu, tint('#b8483c', ctx, 2, 0.5));
      }
      return crate(x, baseY, u, s.label);
    }
  }
}

/** The fallback for names without a shape: a labelled box (a blocked-in prop), so the element is still on set. */
function crate(x: number, baseY: number, u: number, label: string): string {
  const w = 64 * u;
  const h = 46 * u;
  const fs = Math.max(9, Math.min(10 * u, 28));
  const text = fitText(label, fs, w - 6 * u);
  return (
    `<polygon points="${pts([
      [x - w / 2, baseY - h],
      [x - w / 2 + 10 * u, baseY - h - 9 * u],
      [x + w / 2 + 10 * u, baseY - h - 9 * u],
      [x + w / 2, baseY - h],
    ])}" fill="#cdb894"/>` +
    `<polygon points="${pts([
      [x + w / 2, baseY - h],
      [x + w / 2 + 10 * u, baseY - h - 9 * u],
      [x + w / 2 + 10 * u, baseY - 9 * u],
      [x + w / 2, baseY],
    ])}" fill="#a8916c"/>` +
    `<rect x="${num(x - w / 2)}" y="${num(baseY - h)}" width="${num(w)}" height="${num(h)}" fill="#bfa67d"/>` +
    `<text class="crate-label" x="${num(x)}" y="${num(baseY - h / 2 + fs * 0.35)}" font-size="${num(fs)}" fill="${INK}" stroke="none" text-anchor="middle">${escapeXml(text)}</text>`
  );
}

// ── overhead ───────────────────────────────────────────────────────────────────────────────
/** The set seen from straight above: floor or ground filling the frame, elements as plan shapes. */
export function drawOverheadBackdrop(ctx: SetContext, elements: readonly string[]): string {
  const { x0, y0, pw, ph, bs: u } = ctx;
  const out: string[] = [];
  const floor = ctx.interior ? tint(FLOOR[ctx.light], ctx, 1, 0.25) : tint(GROUND[ctx.light], ctx, 0, 0.3);
  out.push(`<rect x="${num(x0)}" y="${num(y0)}" width="${num(pw)}" height="${num(ph)}" fill="${floor}" stroke="none"/>`);
  if (ctx.interior) {
    for (let y = y0 + 20 * u; y < y0 + ph; y += 20 * u)
      out.push(
        `<line x1="${num(x0)}" y1="${num(y)}" x2="${num(x0 + pw)}" y2="${num(y)}" stroke="${darken(floor, 0.12)}" stroke-width="1"/>`,
      );
    out.push(
      `<rect x="${num(x0)}" y="${num(y0)}" width="${num(pw)}" height="${num(14 * u)}" fill="${darken(tint(WALL[ctx.light], ctx, 0), 0.25)}"/>`,
    );
  } else {
    for (let i = 0; i < 60; i++)
      out.push(
        `<circle cx="${num(x0 + ctx.rng() * pw)}" cy="${num(y0 + ctx.rng() * ph)}" r="${num((1 + ctx.rng() * 2) * u)}" fill="${darken(floor, 0.12)}" stroke="none"/>`,
      );
  }
  const keyed = elements.map((label) => ({ key: elementShape(label, ctx.interior), label }));
  if (keyed.some((e) => e.key === 'sea'))
    out.push(
      `<rect x="${num(x0)}" y="${num(y0)}" width="${num(pw * 0.3)}" height="${num(ph)}" fill="${ctx.light === 'night' ? '#1d2a44' : '#5d8aa0'}" stroke="none"/>`,
    );
  if (keyed.some((e) => e.key === 'street')) {
    out.push(`<rect x="${num(x0)}" y="${num(y0 + ph * 0.62)}" width="${num(pw)}" height="${num(ph * 0.3)}" fill="#6f7072" stroke="none"/>`);
    for (let x = x0; x < x0 + pw; x += 60 * u)
      out.push(
        `<rect x="${num(x)}" y="${num(y0 + ph * 0.765)}" width="${num(30 * u)}" height="${num(3 * u)}" fill="#e8dca0" stroke="none"/>`,
      );
  }
  const placed = keyed.filter((e) => e.key !== 'sea' && e.key !== 'street');
  placed.forEach((e, i) => {
    const ang = (i / Math.max(1, placed.length)) * Math.PI * 2 + ctx.rng() * 0.4;
    const x = x0 + pw / 2 + Math.cos(ang) * pw * 0.32;
    const y = y0 + ph / 2 + Math.sin(ang) * ph * 0.32;
    out.push(planElement(e.key, e.label, x, y, u, ctx));
  });
  return out.join('');
}

function planElement(key: string, label: string, x: number, y: number, u: number, ctx: SetContext): string {
  const wood = tint('#8a6a4a', ctx, 1, 0.25);
  const r = (w: number, h: number, fill: string, extra = '') =>
    `<rect x="${num(x - w / 2)}" y="${num(y - h / 2)}" width="${num(w)}" height="${num(h)}" fill="${fill}"${extra}/>`;
  switch (key) {
    case 'table':
    case 'desk':
    case 'counter':
      return r(key === 'counter' ? 150 * u : 90 * u, 50 * u, wood, ' rx="3"') + r(16 * u, 10 * u, '#e9e4da');
    case 'chair':
      return (
        r(28 * u, 28 * u, darken(wood, 0.1), ' rx="3"') +
        `<rect x="${num(x - 14 * u)}" y="${num(y - 14 * u)}" width="${num(28 * u)}" height="${num(6 * u)}" fill="${darken(wood, 0.3)}"/>`
      );
    case 'bed':
      return (
        r(80 * u, 120 * u, '#d8d4cc', ' rx="4"') +
        `<rect x="${num(x - 34 * u)}" y="${num(y - 55 * u)}" width="${num(68 * u)}" height="${num(22 * u)}" fill="#f3f1ec" rx="4"/>` +
        `<rect x="${num(x - 40 * u)}" y="${num(y - 20 * u)}" width="${num(80 * u)}" height="${num(80 * u)}" fill="${tint('#7d8fa8', ctx, 2, 0.5)}"/>`
      );
    case 'sofa':
      return (
        r(110 * u, 45 * u, tint('#6e7f8f', ctx, 2, 0.4), ' rx="8"') +
        r(90 * u, 25 * u, lighten(tint('#6e7f8f', ctx, 2, 0.4), 0.15), ' rx="5"')
      );
    case 'tree':
    case 'plant': {
      const k = key === 'tree' ? 1 : 0.35;
      return `<circle cx="${num(x)}" cy="${num(y)}" r="${num(60 * u * k)}" fill="#5f7d4f"/><circle cx="${num(x - 15 * u * k)}" cy="${num(y - 12 * u * k)}" r="${num(30 * u * k)}" fill="#6f8f5c" stroke="none"/>`;
    }
    case 'car':
      return (
        r(90 * u, 200 * u, '#3b5f86', ' rx="20"') +
        `<rect x="${num(x - 38 * u)}" y="${num(y - 60 * u)}" width="${num(76 * u)}" height="${num(36 * u)}" fill="#b7c7d3" rx="6"/>`
      );
    case 'building':
      return r(200 * u, 160 * u, '#8f8a84') + r(170 * u, 130 * u, '#a39e96', ' stroke="none"');
    case 'lamp':
      return `<circle cx="${num(x)}" cy="${num(y)}" r="${num(60 * u)}" fill="url(#glow)" stroke="none"/><circle cx="${num(x)}" cy="${num(y)}" r="${num(8 * u)}" fill="#e8dcc0"/>`;
    case 'door':
      return `<path d="M${num(x - 26 * u)},${num(y)} h${num(52 * u)} M${num(x - 26 * u)},${num(y)} a${num(52 * u)},${num(52 * u)} 0 0 1 ${num(52 * u)},${num(-52 * u)}" fill="none"/>`;
    case 'window':
      return r(70 * u, 10 * u, '#cfe0ea');
    case 'curtain':
      return r(80 * u, 8 * u, tint('#9a5b4a', ctx, 2, 0.5));
    case 'rug':
      return `<ellipse cx="${num(x)}" cy="${num(y)}" rx="${num(70 * u)}" ry="${num(46 * u)}" fill="${tint('#9c4a3c', ctx, 2, 0.4)}"/>`;
    case 'stairs':
      return (
        r(60 * u, 110 * u, darken(wood, 0.05)) +
        Array.from(
          { length: 8 },
          (_, i) => `<path d="M${num(x - 30 * u)},${num(y - 55 * u + i * 13.75 * u)} h${num(60 * u)}" stroke="${darken(wood, 0.35)}"/>`,
        ).join('')
      );
    case 'piano':
      return r(90 * u, 40 * u, '#2f2724') + r(84 * u, 10 * u, '#f4f1e8');
    case 'crate':
      return (
        r(44 * u, 44 * u, '#b89766') +
        `<path d="M${num(x - 22 * u)},${num(y - 22 * u)} l${num(44 * u)},${num(44 * u)} m0,${num(-44 * u)} l${num(-44 * u)},${num(44 * u)}" stroke="${darken('#b89766', 0.3)}"/>`
      );
    case 'boat':
      return `<path d="M${num(x)},${num(y - 100 * u)} q${num(50 * u)},${num(40 * u)} ${num(40 * u)},${num(200 * u)} h${num(-80 * u)} q${num(-10 * u)},${num(-160 * u)} ${num(40 * u)},${num(-200 * u)}z" fill="${tint('#7a4b3a', ctx, 2, 0.3)}"/>`;
    case 'tent':
      return (
        r(100 * u, 100 * u, tint('#c98a3a', ctx, 2, 0.4)) + `<path d="M${num(x)},${num(y - 50 * u)} v${num(100 * u)}" stroke="${INK}"/>`
      );
    case 'fountain':
    case 'column':
    case 'rock': {
      const rad = key === 'fountain' ? 60 : key === 'column' ? 16 : 30;
      const fill = key === 'fountain' ? '#c9c2b4' : key === 'column' ? '#ddd6c8' : '#8f8c86';
      return (
        `<circle cx="${num(x)}" cy="${num(y)}" r="${num(rad * u)}" fill="${fill}"/>` +
        (key === 'fountain'
          ? `<circle cx="${num(x)}" cy="${num(y)}" r="${num(44 * u)}" fill="#9fc8dc"/><circle cx="${num(x)}" cy="${num(y)}" r="${num(10 * u)}" fill="${fill}"/>`
          : '')
      );
    }
    case 'mountain':
      return [1, 0.7, 0.4]
        .map(
          (k) =>
            `<ellipse cx="${num(x)}" cy="${num(y)}" rx="${num(120 * u * k)}" ry="${num(80 * u * k)}" fill="${mix('#8c8a78', '#e8e4da', 1 - k)}"/>`,
        )
        .join('');
    default: {
      const fs = Math.max(9, Math.min(10 * u, 24));
      return (
        r(60 * u, 40 * u, '#bfa67d') +
        `<text x="${num(x)}" y="${num(y + fs * 0.35)}" font-size="${num(fs)}" fill="${INK}" stroke="none" text-anchor="middle">${escapeXml(fitText(label, fs, 56 * u))}</text>`
      );
    }
  }
}
