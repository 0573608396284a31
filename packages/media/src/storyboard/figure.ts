import type { VisualIdentity } from '@automovie/contracts';
import { darken, hashString, lighten, mix, num, pts } from '../svg.ts';

/**
 * A character drawn only from its VisualIdentity, in local "figure units": an average figure is
 * 100 units tall, feet at y = 0, centred on x = 0, y growing downwards (SVG). The markup depends
 * on nothing but the identity, the view and the speaking flag, so the same character looks the
 * same in every frame; framing is an outer transform.
 *
 * Palette roles, in the order the contract lists them: [0] outfit, [1] accent (hat, scarf, bag,
 * collar, belt), [2] hair, [3] skin, [4] trousers. Missing roles are derived deterministically.
 */

export const INK = '#2b2622';
const NATURAL_HAIR = ['#2a1f1a', '#4a3222', '#6b4a2b', '#a0744a', '#c9a86a', '#7a7a7a', '#1c1c22', '#8b3a1e'];

export interface FigureColors {
  skin: string;
  outfit: string;
  accent: string;
  hair: string;
  trousers: string;
  shoes: string;
}

export function figureColors(identity: VisualIdentity): FigureColors {
  const p = identity.palette;
  const outfit = p[0] ?? '#5b6b7c';
  const accent = p[1] ?? darken(outfit, 0.35);
  const hair = p[2] ?? (NATURAL_HAIR[hashString(p.join('')) % NATURAL_HAIR.length] as string);
  const skin = p[3] ?? '#d9a982';
  const trousers = p[4] ?? mix(darken(outfit, 0.45), '#3a3f4a', 0.5);
  return { skin, outfit, accent, hair, trousers, shoes: '#3a302b' };
}

/** Shadowed colours for a foreground silhouette (over-the-shoulder): identity hues, nearly black. */
export function shadeColors(c: FigureColors): FigureColors {
  const s = (x: string) => mix(x, '#191b22', 0.68);
  return { skin: s(c.skin), outfit: s(c.outfit), accent: s(c.accent), hair: s(c.hair), trousers: s(c.trousers), shoes: s(c.shoes) };
}

export interface FigureMetrics {
  height: number;
  widthFactor: number;
  headRx: number;
  headRy: number;
  headCy: number;
  eyeY: number;
  chinY: number;
  shoulderY: number;
  chestY: number;
  waistY: number;
  hipY: number;
  kneeY: number;
  handY: number;
  shoulderHalf: number;
  hipHalf: number;
}

const SILHOUETTE: Record<VisualIdentity['silhouette'], { h: number; w: number; head: number }> = {
  tall: { h: 1.1, w: 0.95, head: 1 },
  short: { h: 0.86, w: 1.0, head: 1.03 },
  broad: { h: 1.0, w: 1.32, head: 1.07 },
  slim: { h: 1.03, w: 0.8, head: 0.96 },
  average: { h: 1, w: 1, head: 1 },
};

export function figureMetrics(identity: VisualIdentity): FigureMetrics {
  const { h, w, head } = SILHOUETTE[identity.silhouette];
  const H = 100 * h;
  const headRy = 9 * head;
  const headRx = 7.3 * head;
  const headCy = -H + headRy;
  const chinY = headCy + headRy;
  const shoulderY = chinY + 3;
  return {
    height: H,
    widthFactor: w,
    headRx,
    headRy,
    headCy,
    eyeY: headCy + 0.8,
    chinY,
    shoulderY,
    chestY: shoulderY + 0.13 * H,
    waistY: -0.56 * H,
    hipY: -0.47 * H,
    kneeY: -0.25 * H,
    handY: -0.45 * H,
    shoulderHalf: 12.5 * w,
    hipHalf: 10 * w,
  };
}

export type FigureView = 'front' | 'back' | 'left' | 'right';

export interface FigureDrawOptions {
  view: FigureView;
  speaking?: boolean;
  /** Draw as a dark foreground silhouette. Default: false. */
  shade?: boolean;
}

/** A rounded limb from (x1,y1) to (x2,y2) with end radii r1, r2. */
function limb(x1: number, y1: number, x2: number, y2: number, r1: number, r2: number, fill: string): string {
  const len = Math.hypot(x2 - x1, y2 - y1) || 1;
  const nx = -(y2 - y1) / len;
  const ny = (x2 - x1) / len;
  const a1: [number, number] = [x1 + nx * r1, y1 + ny * r1];
  const b1: [number, number] = [x2 + nx * r2, y2 + ny * r2];
  const b2: [number, number] = [x2 - nx * r2, y2 - ny * r2];
  const a2: [number, number] = [x1 - nx * r1, y1 - ny * r1];
  return `<path d="M${pts([a1])} L${pts([b1])} A${num(r2)} ${num(r2)} 0 0 0 ${pts([b2])} L${pts([a2])} A${num(r1)} ${num(r1)} 0 0 0 ${pts([a1])}Z" fill="${fill}"/>`;
}

const ellipse = (cx: number, cy: number, rx: number, ry: number, fill: string, extra = '') =>
  `<ellipse cx="${num(cx)}" cy="${num(cy)}" rx="${num(rx)}" ry="${num(ry)}" fill="${fill}"${extra}/>`;
const path = (d: string, fill: string, extra = '') => `<path d="${d}" fill="${fill}"${extra}/>`;
const NOSTROKE = ' stroke="none"';

/** Upper cap of a (slightly larger) head ellipse from angle a0 to a1 (degrees, 180 = left, 270 = top). */
function capArc(m: FigureMetrics, grow: number): { left: [number, number]; right: [number, number]; rx: number; ry: number } {
  const rx = m.headRx + grow;
  const ry = m.headRy + grow * 1.3;
  const cy = m.headCy + 0.6;
  return { left: [-rx, cy], right: [rx, cy], rx, ry };
}

function hairFront(identity: VisualIdentity, m: FigureMetrics, c: FigureColors): { back: string; front: string } {
  const { headRx: rx, headRy: ry, headCy: cy } = m;
  const cap = capArc(m, 0.9);
  const capPath = (sideDrop: number, lineY: number) =>
    `M${pts([[cap.left[0], cap.left[1] + sideDrop]])} L${pts([cap.left])} A${num(cap.rx)} ${num(cap.ry)} 0 0 1 ${pts([cap.right])} L${pts([[cap.right[0], cap.right[1] + sideDrop]])} L${pts([[rx - 0.6, cy + sideDrop - 0.5]])} Q${pts(
      [
        [rx * 0.75, cy - ry * 0.72],
        [0, lineY],
      ],
    )} Q${pts([
      [-rx * 0.75, cy - ry * 0.72],
      [-(rx - 0.6), cy + sideDrop - 0.5],
    ])}Z`;
  const hair = c.hair;
  switch (identity.hair) {
    case 'none':
      return { back: '', front: ellipse(-rx * 0.3, cy - ry * 0.6, rx * 0.28, ry * 0.14, lighten(c.skin, 0.35), NOSTROKE) };
    case 'short':
      return { back: '', front: path(capPath(1.2, cy - ry * 0.55), hair) };
    case 'long': {
      const back = path(
        `M${pts([[-(rx + 1.6), cy]])} A${num(rx + 1.6)} ${num(ry + 1.8)} 0 0 1 ${pts([[rx + 1.6, cy]])} L${pts([[rx + 3.2, m.chinY + 9]])} Q${pts(
          [
            [0, m.chinY + 12],
            [-(rx + 3.2), m.chinY + 9],
          ],
        )}Z`,
        hair,
      );
      // Side curtains framing the face from the crown down past the jaw.
      const curtains = [-1, 1]
        .map((s) =>
          path(
            `M${pts([[s * (rx + 1.1), cy - 1]])} Q${pts([
              [s * (rx + 1.8), m.chinY + 2],
              [s * (rx + 3), m.chinY + 9],
            ])} L${pts([[s * (rx - 0.2), m.chinY + 7]])} Q${pts([
              [s * (rx - 1.2), cy + 3],
              [s * (rx - 2.2), cy - ry * 0.45],
            ])}Z`,
            hair,
          ),
        )
        .join('');
      return { back, front: curtains + path(capPath(1.5, cy - ry * 0.5), hair) };
    }
    case 'curly': {
      const bumps: string[] = [];
      for (let i = 0; i <= 9; i++) {
        const a = Math.PI * (0.95 + (i / 9) * 1.1);
        bumps.push(
          `<circle cx="${num(Math.cos(a) * (rx + 0.6))}" cy="${num(cy + 0.5 + Math.sin(a) * (ry + 0.8))}" r="2.9" fill="${hair}"/>`,
        );
      }
      return { back: '', front: bumps.join('') + path(capPath(1.5, cy - ry * 0.5), hair, NOSTROKE) };
    }
    case 'bun':
      return {
        back: `<circle cx="0" cy="${num(cy - ry - 2.2)}" r="4.6" fill="${hair}"/>`,
        front: path(capPath(0.6, cy - ry * 0.62), hair),
      };
    case 'ponytail':
      return {
        back: path(
          `M${pts([[rx - 1, cy - ry * 0.4]])} Q${pts([
            [rx + 6, cy - 2],
            [rx + 3.8, m.chinY + 9],
          ])} Q${pts([
            [rx + 1.2, m.chinY + 2],
            [rx - 2, cy],
          ])}Z`,
          hair,
        ),
        front: path(capPath(0.8, cy - ry * 0.58), hair),
      };
    case 'hat': {
      const brimY = cy - ry * 0.5;
      const crownTop = cy - ry - 5.5;
      const crown = path(
        `M${pts([[-(rx - 0.3), brimY]])} L${pts([[-(rx - 0.9), crownTop + 1.5]])} Q${pts([
          [0, crownTop - 0.8],
          [rx - 0.9, crownTop + 1.5],
        ])} L${pts([[rx - 0.3, brimY]])}Z`,
        c.accent,
      );
      const band = path(
        `M${pts([
          [-(rx - 0.4), brimY - 0.2],
          [-(rx - 0.55), brimY - 2.2],
          [rx - 0.55, brimY - 2.2],
          [rx - 0.4, brimY - 0.2],
        ])}Z`,
        darken(c.accent, 0.45),
      );
      const brim = ellipse(0, brimY, rx + 5, 1.7, c.accent);
      return { back: '', front: path(capPath(1.4, cy - ry * 0.3), hair) + crown + band + brim };
    }
  }
}

function hairBack(identity: VisualIdentity, m: FigureMetrics, c: FigureColors): string {
  const { headRx: rx, headRy: ry, headCy: cy } = m;
  const hair = c.hair;
  const full = (grow: number, bottom: number) =>
    path(
      `M${pts([[-(rx + grow), cy]])} A${num(rx + grow)} ${num(ry + grow)} 0 0 1 ${pts([[rx + grow, cy]])} L${pts([[rx + grow * 0.8, bottom]])} Q${pts(
        [
          [0, bottom + 2],
          [-(rx + grow * 0.8), bottom],
        ],
      )}Z`,
      hair,
    );
  switch (identity.hair) {
    case 'none':
      return '';
    case 'short':
      return full(0.8, cy + ry * 0.55);
    case 'long':
      return full(1.8, m.chinY + 11);
    case 'curly': {
      const bumps: string[] = [];
      for (let i = 0; i <= 11; i++) {
        const a = Math.PI * (0.85 + (i / 11) * 1.3);
        bumps.push(`<circle cx="${num(Math.cos(a) * (rx + 0.5))}" cy="${num(cy + 1 + Math.sin(a) * (ry + 0.6))}" r="3" fill="${hair}"/>`);
      }
      return bumps.join('') + full(1.2, cy + ry * 0.6).replace('/>', ' stroke="none"/>');
    }
    case 'bun':
      return `${full(0.6, cy + ry * 0.5)}<circle cx="0" cy="${num(cy - ry * 0.2)}" r="4.6" fill="${hair}"/>`;
    case 'ponytail':
      return (
        full(0.6, cy + ry * 0.5) +
        path(
          `M${pts([[-2, cy]])} Q${pts([
            [0, m.chinY + 2],
            [0.4, m.chinY + 12],
          ])} Q${pts([
            [2.8, m.chinY + 3],
            [2, cy],
          ])}Z`,
          hair,
        )
      );
    case 'hat': {
      const brimY = cy - ry * 0.5;
      const crownTop = cy - ry - 5.5;
      return (
        full(0.8, cy + ry * 0.5) +
        path(
          `M${pts([[-(rx - 0.3), brimY]])} L${pts([[-(rx - 0.9), crownTop + 1.5]])} Q${pts([
            [0, crownTop - 0.8],
            [rx - 0.9, crownTop + 1.5],
          ])} L${pts([[rx - 0.3, brimY]])}Z`,
          c.accent,
        ) +
        ellipse(0, brimY, rx + 5, 1.7, c.accent)
      );
    }
  }
}

function faceFront(m: FigureMetrics, c: FigureColors, speaking: boolean, shade: boolean): string {
  if (shade) return '';
  const { eyeY, headCy, headRy } = m;
  const iris = darken(mix(c.hair, '#3b5566', 0.4), 0.25);
  const eye = (x: number) =>
    ellipse(x, eyeY, 1.45, 0.95, '#f7f3ee', NOSTROKE) +
    `<circle cx="${num(x)}" cy="${num(eyeY)}" r="0.72" fill="${iris}" stroke="none"/>` +
    `<circle cx="${num(x)}" cy="${num(eyeY)}" r="0.36" fill="#14110f" stroke="none"/>` +
    `<circle cx="${num(x + 0.25)}" cy="${num(eyeY - 0.28)}" r="0.16" fill="#ffffff" stroke="none"/>` +
    path(
      `M${pts([[x - 1.6, eyeY + 0.05]])} Q${pts([
        [x, eyeY - 1.5],
        [x + 1.6, eyeY + 0.05],
      ])} Q${pts([
        [x, eyeY - 1.05],
        [x - 1.6, eyeY + 0.05],
      ])}Z`,
      INK,
      NOSTROKE,
    );
  const brow = (x: number, s: number) =>
    path(
      `M${pts([[x - 1.8 * s, eyeY - 1.9]])} Q${pts([
        [x, eyeY - 3.1],
        [x + 1.8 * s, eyeY - 2.2],
      ])} L${pts([[x + 1.7 * s, eyeY - 1.75]])} Q${pts([
        [x, eyeY - 2.55],
        [x - 1.8 * s, eyeY - 1.5],
      ])}Z`,
      darken(c.hair, 0.3),
      NOSTROKE,
    );
  const nose = path(
    `M${pts([[0.2, eyeY + 1.2]])} Q${pts([
      [1.3, eyeY + 3.6],
      [0.9, eyeY + 4.1],
    ])} Q${pts([
      [0.2, eyeY + 4.5],
      [-0.6, eyeY + 4.1],
    ])} Q${pts([
      [0.5, eyeY + 3.9],
      [0.7, eyeY + 3.6],
    ])}Z`,
    darken(c.skin, 0.35),
    NOSTROKE,
  );
  const mouthY = headCy + headRy * 0.62;
  const mouth = speaking
    ? ellipse(0, mouthY, 1.5, 0.95, '#5a2024', NOSTROKE) + ellipse(0, mouthY + 0.45, 0.9, 0.35, '#b55a5a', NOSTROKE)
    : path(
        `M${pts([[-1.7, mouthY - 0.1]])} Q${pts([
          [0, mouthY + 0.9],
          [1.7, mouthY - 0.1],
        ])} Q${pts([
          [0, mouthY + 0.35],
          [-1.7, mouthY - 0.1],
        ])}Z`,
        '#6e2f2f',
        NOSTROKE,
      );
  const blush =
    ellipse(-3.8, eyeY + 2.6, 1.3, 0.7, mix(c.skin, '#d0605a', 0.25), NOSTROKE) +
    ellipse(3.8, eyeY + 2.6, 1.3, 0.7, mix(c.skin, '#d0605a', 0.25), NOSTROKE);
  return eye(-2.7) + eye(2.7) + brow(-2.7, -1) + brow(2.7, 1) + blush + nose + mouth;
}

function faceSide(m: FigureMetrics, c: FigureColors, speaking: boolean, shade: boolean): string {
  const { headRx: rx, eyeY, headCy, headRy } = m;
  const nose = path(
    `M${pts([[rx - 0.9, eyeY + 0.4]])} L${pts([[rx + 1.7, eyeY + 3.6]])} Q${pts([
      [rx + 1.2, eyeY + 4.4],
      [rx - 0.5, eyeY + 4.3],
    ])}Z`,
    c.skin,
  );
  if (shade) return nose;
  const ex = rx - 3;
  const eye =
    path(
      `M${pts([[ex - 1, eyeY]])} Q${pts([
        [ex + 0.3, eyeY - 1.2],
        [ex + 1.3, eyeY - 0.1],
      ])} Q${pts([
        [ex + 0.2, eyeY + 0.8],
        [ex - 1, eyeY],
      ])}Z`,
      '#f7f3ee',
      NOSTROKE,
    ) +
    `<circle cx="${num(ex + 0.5)}" cy="${num(eyeY - 0.05)}" r="0.55" fill="#14110f" stroke="none"/>` +
    path(
      `M${pts([[ex - 1.3, eyeY - 2]])} Q${pts([
        [ex, eyeY - 3],
        [ex + 1.6, eyeY - 2.1],
      ])} L${pts([[ex + 1.5, eyeY - 1.7]])} Q${pts([
        [ex, eyeY - 2.5],
        [ex - 1.3, eyeY - 1.6],
      ])}Z`,
      darken(c.hair, 0.3),
      NOSTROKE,
    );
  const mouthY = headCy + headRy * 0.62;
  const mouth = speaking
    ? ellipse(rx - 1.3, mouthY, 1, 0.8, '#5a2024', NOSTROKE)
    : path(`M${pts([[rx - 2.6, mouthY]])} L${pts([[rx - 0.5, mouthY - 0.2]])} L${pts([[rx - 0.6, mouthY + 0.35]])} Z`, '#6e2f2f', NOSTROKE);
  const ear = ellipse(-1.2, eyeY + 1.5, 1.4, 2.3, darken(c.skin, 0.06));
  return nose + eye + mouth + ear;
}

function hairSide(identity: VisualIdentity, m: FigureMetrics, c: FigureColors): { back: string; front: string } {
  const { headRx: rx, headRy: ry, headCy: cy } = m;
  const hair = c.hair;
  // A cap over the top and back of the head, the face side open.
  const cap = (grow: number, backBottom: number, frontY: number) =>
    path(
      `M${pts([[rx * 0.62, cy - ry * 0.78]])} A${num(rx + grow)} ${num(ry + grow)} 0 0 0 ${pts([[-(rx + grow) * 0.98, cy + 1]])} L${pts([[-(rx + grow) * 0.9, backBottom]])} Q${pts(
        [
          [-rx * 0.4, backBottom + 1],
          [-rx * 0.25, cy + 0.5],
        ],
      )} Q${pts([
        [rx * 0.1, frontY],
        [rx * 0.62, cy - ry * 0.78],
      ])}Z`,
      hair,
    );
  switch (identity.hair) {
    case 'none':
      return { back: '', front: '' };
    case 'short':
      return { back: '', front: cap(0.9, cy + ry * 0.45, cy - ry * 0.3) };
    case 'long':
      return {
        back: path(
          `M${pts([[rx * 0.3, cy - ry]])} A${num(rx + 1.8)} ${num(ry + 1.8)} 0 0 0 ${pts([[-(rx + 1.8), cy + 1]])} L${pts([[-(rx + 2.5), m.chinY + 12]])} Q${pts(
            [
              [-rx * 0.5, m.chinY + 13],
              [-1, m.chinY + 9],
            ],
          )}Z`,
          hair,
        ),
        front: cap(1.4, cy + ry * 0.9, cy - ry * 0.2),
      };
    case 'curly': {
      const bumps: string[] = [];
      for (let i = 0; i <= 8; i++) {
        const a = Math.PI * (1.4 - (i / 8) * 0.95);
        bumps.push(`<circle cx="${num(Math.cos(a) * (rx + 0.5))}" cy="${num(cy + Math.sin(a) * -(ry + 0.6))}" r="2.9" fill="${hair}"/>`);
      }
      return { back: '', front: bumps.join('') + cap(1.2, cy + ry * 0.6, cy - ry * 0.3).replace('/>', ' stroke="none"/>') };
    }
    case 'bun':
      return {
        back: `<circle cx="${num(-rx - 1.5)}" cy="${num(cy - ry * 0.7)}" r="4.4" fill="${hair}"/>`,
        front: cap(0.6, cy + ry * 0.4, cy - ry * 0.35),
      };
    case 'ponytail':
      return {
        back: path(
          `M${pts([[-rx + 1, cy - ry * 0.5]])} Q${pts([
            [-rx - 7, cy - 1],
            [-rx - 4.5, m.chinY + 8],
          ])} Q${pts([
            [-rx - 2, cy + 2],
            [-rx + 1.5, cy - ry * 0.1],
          ])}Z`,
          hair,
        ),
        front: cap(0.6, cy + ry * 0.4, cy - ry * 0.35),
      };
    case 'hat': {
      const brimY = cy - ry * 0.5;
      const crownTop = cy - ry - 5.5;
      return {
        back: '',
        front:
          cap(1, cy + ry * 0.5, cy - ry * 0.2) +
          path(
            `M${pts([[-(rx - 0.2), brimY]])} L${pts([[-(rx - 0.8), crownTop + 1.5]])} Q${pts([
              [0, crownTop - 0.8],
              [rx - 0.8, crownTop + 1.5],
            ])} L${pts([[rx - 0.2, brimY]])}Z`,
            c.accent,
          ) +
          path(
            `M${pts([
              [-(rx - 0.3), brimY - 0.2],
              [-(rx - 0.45), brimY - 2.2],
              [rx - 0.45, brimY - 2.2],
              [rx - 0.3, brimY - 0.2],
            ])}Z`,
            darken(c.accent, 0.45),
          ) +
          ellipse(1.5, brimY, rx + 4.5, 1.5, c.accent),
      };
    }
  }
}

function star(cx: number, cy: number, r: number, fill: string): string {
  const p: Array<[number, number]> = [];
  for (let i = 0; i < 10; i++) {
    const a = -Math.PI / 2 + (i * Math.PI) / 5;
    const rr = i % 2 === 0 ? r : r * 0.45;
    p.push([cx + Math.cos(a) * rr, cy + Math.sin(a) * rr]);
  }
  return `<polygon points="${pts(p)}" fill="${fill}"/>`;
}

function speechMarks(x: number, y: number, dir: number, color: string): string {
  return [0, 1, 2]
    .map((i) => {
      const r = 1.6 + i * 1.3;
      return `<path d="M${pts([[x + dir * r * 0.5, y - r]])} Q${pts([
        [x + dir * r * 1.15, y],
        [x + dir * r * 0.5, y + r],
      ])}" fill="none" stroke="${color}" stroke-linecap="round" stroke-width="0.55" stroke-opacity="${num(0.9 - i * 0.2)}"/>`;
    })
    .join('');
}

/** The figure's markup in figure units (see the module comment). */
export function figureBody(identity: VisualIdentity, opts: FigureDrawOptions): string {
  const m = figureMetrics(identity);
  const base = figureColors(identity);
  const c = opts.shade ? shadeColors(base) : base;
  const shade = opts.shade === true;
  const speaking = opts.speaking === true;
  if (opts.view === 'left' || opts.view === 'right') {
    const body = sideBody(identity, m, c, speaking, shade);
    return opts.view === 'left' ? `<g transform="scale(-1,1)">${body}</g>` : body;
  }
  return frontBody(identity, m, c, speaking, shade, opts.view === 'back');
}

function frontBody(identity: VisualIdentity, m: FigureMetrics, c: FigureColors, speaking: boolean, shade: boolean, back: boolean): string {
  const w = m.widthFactor;
  const out: string[] = [];
  const hair = back ? { back: '', front: hairBack(identity, m, c) } : hairFront(identity, m, c);
  out.push(hair.back);
  // legs and shoes
  for (const s of [-1, 1]) {
    out.push(
      path(
        `M${pts([
          [s * 0.6, m.hipY - 2],
          [s * m.hipHalf, m.hipY - 2],
          [s * (m.hipHalf - 1.2 * w), m.kneeY],
          [s * (m.hipHalf - 2.6 * w), -3],
          [s * 1.6, -3],
          [s * 0.9, m.kneeY],
        ])}Z`,
        c.trousers,
      ),
    );
    out.push(ellipse(s * (m.hipHalf * 0.55 + 0.6), -1.8, 3.6 * Math.sqrt(w), 2, c.shoes));
  }
  // cane behind the hand
  if (identity.accessory === 'cane') out.push(limb(m.shoulderHalf + 4.5, m.handY + 2, m.shoulderHalf + 6.5, -0.8, 0.7, 0.7, '#5b3f27'));
  // neck
  out.push(
    path(
      `M${pts([[-2.6, m.chinY - 2]])} L${pts([[2.6, m.chinY - 2]])} L${pts([[3, m.shoulderY + 1]])} L${pts([[-3, m.shoulderY + 1]])}Z`,
      darken(c.skin, 0.08),
    ),
  );
  // torso
  const sh = m.shoulderHalf;
  const hh = m.hipHalf;
  out.push(
    path(
      `M${pts([[-sh, m.shoulderY + 4]])} Q${pts([
        [-sh, m.shoulderY],
        [-sh + 4, m.shoulderY - 0.3],
      ])} L${pts([[sh - 4, m.shoulderY - 0.3]])} Q${pts([
        [sh, m.shoulderY],
        [sh, m.shoulderY + 4],
      ])} L${pts([
        [hh * 0.98, m.waistY],
        [hh + 0.4, m.hipY],
        [-(hh + 0.4), m.hipY],
        [-hh * 0.98, m.waistY],
      ])}Z`,
      c.outfit,
    ),
  );
  // collar (front) or back seam, and belt
  if (!back) {
    out.push(
      path(
        `M${pts([
          [-3.6, m.shoulderY - 0.2],
          [0, m.shoulderY + 4.2],
          [3.6, m.shoulderY - 0.2],
          [2.2, m.shoulderY - 0.2],
          [0, m.shoulderY + 2.2],
          [-2.2, m.shoulderY - 0.2],
        ])}Z`,
        c.accent,
      ),
    );
  }
  out.push(
    path(
      `M${pts([
        [-hh * 0.99, m.waistY + 3.2],
        [hh * 0.99, m.waistY + 3.2],
        [hh * 1.01, m.waistY + 5.2],
        [-hh * 1.01, m.waistY + 5.2],
      ])}Z`,
      darken(c.trousers, 0.25),
    ),
  );
  // arms and hands
  for (const s of [-1, 1]) {
    out.push(limb(s * (sh - 1.8), m.shoulderY + 2.5, s * (sh + 1.6), m.handY - 3, 3.1 * Math.sqrt(w), 2.5 * Math.sqrt(w), c.outfit));
    out.push(`<circle cx="${num(s * (sh + 1.7))}" cy="${num(m.handY - 0.6)}" r="${num(2.5 * Math.sqrt(w))}" fill="${c.skin}"/>`);
  }
  // ears and head
  for (const s of [-1, 1]) out.push(ellipse(s * m.headRx, m.eyeY + 1.4, 1.3, 2.2, darken(c.skin, 0.06)));
  out.push(ellipse(0, m.headCy, m.headRx, m.headRy, c.skin));
  if (!back) out.push(faceFront(m, c, speaking, shade));
  // Seen from behind, a scarf or strap sits under the hair; from the front, over it.
  if (back) out.push(accessoryFront(identity, m, c, back, shade));
  out.push(hair.front);
  if (!back) out.push(accessoryFront(identity, m, c, back, shade));
  if (speaking && !shade && !back) out.push(speechMarks(m.headRx + 2.2, m.eyeY + 4, 1, c.accent));
  return out.join('');
}

function accessoryFront(identity: VisualIdentity, m: FigureMetrics, c: FigureColors, back: boolean, shade: boolean): string {
  const sh = m.shoulderHalf;
  switch (identity.accessory) {
    case 'none':
    case 'cane':
      return '';
    case 'glasses':
      if (back || shade) return '';
      return (
        `<g fill="none" stroke="${INK}">` +
        `<circle cx="-2.7" cy="${num(m.eyeY)}" r="2" fill="#dfe8ee" fill-opacity="0.35"/><circle cx="2.7" cy="${num(m.eyeY)}" r="2" fill="#dfe8ee" fill-opacity="0.35"/>` +
        `<path d="M-0.8,${num(m.eyeY - 0.2)} Q0,${num(m.eyeY - 0.9)} 0.8,${num(m.eyeY - 0.2)} M-4.7,${num(m.eyeY - 0.3)} L${num(-m.headRx)},${num(m.eyeY - 0.6)} M4.7,${num(m.eyeY - 0.3)} L${num(m.headRx)},${num(m.eyeY - 0.6)}"/></g>`
      );
    case 'scarf':
      return (
        path(
          `M${pts([[-5.5, m.chinY - 0.5]])} Q${pts([
            [0, m.chinY + 2.5],
            [5.5, m.chinY - 0.5],
          ])} L${pts([[6.2, m.shoulderY + 1.8]])} Q${pts([
            [0, m.shoulderY + 5],
            [-6.2, m.shoulderY + 1.8],
          ])}Z`,
          c.accent,
        ) +
        (back
          ? ''
          : path(
              `M${pts([
                [1.5, m.shoulderY + 1.5],
                [4.8, m.shoulderY + 1.2],
                [5.6, m.shoulderY + 15],
                [2.4, m.shoulderY + 15.5],
              ])}Z`,
              darken(c.accent, 0.12),
            ))
      );
    case 'bag': {
      const s = back ? -1 : 1;
      return (
        path(
          `M${pts([
            [-s * (sh - 3.5), m.shoulderY - 0.4],
            [-s * (sh - 6.2), m.shoulderY - 0.4],
            [s * (m.hipHalf + 1.5), m.hipY - 2.5],
            [s * (m.hipHalf - 0.9), m.hipY - 0.5],
          ])}Z`,
          darken(c.accent, 0.3),
        ) +
        `<rect x="${num(s > 0 ? m.hipHalf - 1 : -m.hipHalf - 7.5)}" y="${num(m.hipY - 4)}" width="8.5" height="8" rx="1.4" fill="${c.accent}"/>` +
        `<path d="M${pts([[s > 0 ? m.hipHalf - 1 : -m.hipHalf - 7.5, m.hipY - 1]])} h8.5" fill="none"/>`
      );
    }
    case 'badge':
      if (back) return '';
      return star(-5.2, m.chestY - 2, 2.2, shade ? c.accent : '#d9ab2f');
  }
}

function sideBody(identity: VisualIdentity, m: FigureMetrics, c: FigureColors, speaking: boolean, shade: boolean): string {
  const w = m.widthFactor;
  const out: string[] = [];
  const hair = hairSide(identity, m, c);
  const depth = 7.2 * w;
  out.push(hair.back);
  // far leg, then near leg (a slight stance)
  out.push(limb(-1.6, m.hipY, -2.6, -3.2, 4.2 * w, 2.6, darken(c.trousers, 0.15)));
  out.push(ellipse(-1.2, -1.8, 4, 1.9, darken(c.shoes, 0.15)));
  if (identity.accessory === 'bag')
    out.push(`<rect x="${num(-depth - 5.5)}" y="${num(m.hipY - 5)}" width="6" height="8.5" rx="1.3" fill="${darken(c.accent, 0.1)}"/>`);
  out.push(limb(1.4, m.hipY, 2.4, -3.2, 4.2 * w, 2.6, c.trousers));
  out.push(ellipse(3.6, -1.8, 4.2, 2, c.shoes));
  // neck and torso
  out.push(
    path(
      `M${pts([[-2.4, m.chinY - 3]])} L${pts([[2.4, m.chinY - 3]])} L${pts([[2.8, m.shoulderY + 1]])} L${pts([[-2.8, m.shoulderY + 1]])}Z`,
      darken(c.skin, 0.08),
    ),
  );
  out.push(
    path(
      `M${pts([[-depth * 0.9, m.shoulderY + 3]])} Q${pts([
        [-depth, m.shoulderY - 0.5],
        [-depth * 0.3, m.shoulderY - 0.5],
      ])} L${pts([[depth * 0.5, m.shoulderY - 0.5]])} Q${pts([
        [depth * 1.1, m.shoulderY + 1],
        [depth * 1.05, m.chestY],
      ])} L${pts([
        [depth * 0.95, m.waistY],
        [depth * 1.05, m.hipY],
        [-depth * 1.05, m.hipY],
        [-depth * 0.95, m.waistY],
      ])}Z`,
      c.outfit,
    ),
  );
  out.push(
    path(
      `M${pts([
        [-depth * 0.96, m.waistY + 3.2],
        [depth * 0.96, m.waistY + 3.2],
        [depth, m.waistY + 5.2],
        [-depth, m.waistY + 5.2],
      ])}Z`,
      darken(c.trousers, 0.25),
    ),
  );
  if (identity.accessory === 'scarf')
    out.push(
      path(
        `M${pts([[-3.8, m.chinY - 1]])} L${pts([[3.4, m.chinY - 1]])} L${pts([[4.4, m.shoulderY + 2.5]])} L${pts([[-4.4, m.shoulderY + 2.5]])}Z`,
        c.accent,
      ) +
        path(
          `M${pts([
            [-4, m.shoulderY],
            [-2, m.shoulderY],
            [-5, m.shoulderY + 13],
            [-7.2, m.shoulderY + 12.5],
          ])}Z`,
          darken(c.accent, 0.12),
        ),
    );
  if (identity.accessory === 'badge' && !shade) out.push(star(depth * 0.55, m.chestY - 2, 2, '#d9ab2f'));
  if (identity.accessory === 'bag')
    out.push(
      path(
        `M${pts([
          [-1, m.shoulderY - 0.6],
          [1.4, m.shoulderY - 0.6],
          [-depth - 1.2, m.hipY - 4.2],
          [-depth - 2.8, m.hipY - 4.6],
        ])}Z`,
        darken(c.accent, 0.3),
      ),
    );
  // near arm, slightly forward, and hand
  out.push(limb(0, m.shoulderY + 2.5, 2.4, m.handY - 3, 3.1 * Math.sqrt(w), 2.5 * Math.sqrt(w), c.outfit));
  out.push(`<circle cx="${num(2.6)}" cy="${num(m.handY - 0.6)}" r="${num(2.5 * Math.sqrt(w))}" fill="${c.skin}"/>`);
  if (identity.accessory === 'cane') out.push(limb(4.2, m.handY - 0.5, 7.5, -0.8, 0.7, 0.7, '#5b3f27'));
  // head
  out.push(ellipse(0.4, m.headCy, m.headRx, m.headRy, c.skin));
  out.push(faceSide(m, c, speaking, shade));
  out.push(hair.front);
  if (identity.accessory === 'glasses' && !shade) {
    const ex = m.headRx - 3;
    out.push(
      `<g fill="none" stroke="${INK}"><ellipse cx="${num(ex + 0.8)}" cy="${num(m.eyeY)}" rx="1.4" ry="2" fill="#dfe8ee" fill-opacity="0.35"/><path d="M${num(ex - 0.6)},${num(m.eyeY - 0.5)} L-1,${num(m.eyeY)}"/></g>`,
    );
  }
  if (speaking && !shade) out.push(speechMarks(m.headRx + 3, m.headCy + m.headRy * 0.55, 1, c.accent));
  return out.join('');
}

/** The figure seen from straight above, front towards +y; `rotation` turns it (degrees). */
export function figureTop(identity: VisualIdentity, rotation: number): string {
  const m = figureMetrics(identity);
  const c = figureColors(identity);
  const w = m.widthFactor;
  const out: string[] = [];
  out.push(ellipse(-3.2 * w, 6.5, 2.2, 3.4, c.shoes), ellipse(3.2 * w, 6.5, 2.2, 3.4, c.shoes));
  out.push(ellipse(0, 0, m.shoulderHalf + 1, 5.8, c.outfit));
  out.push(ellipse(-(m.shoulderHalf + 1.8), 1.5, 2.6, 4, c.outfit), ellipse(m.shoulderHalf + 1.8, 1.5, 2.6, 4, c.outfit));
  if (identity.accessory === 'scarf') out.push(ellipse(0, 1.2, 6.5, 4, c.accent));
  if (identity.accessory === 'bag')
    out.push(`<rect x="${num(m.shoulderHalf - 2)}" y="-7" width="7" height="5" rx="1" fill="${c.accent}"/>`);
  if (identity.hair === 'long' || identity.hair === 'ponytail') out.push(ellipse(0, -5.5, 5, identity.hair === 'long' ? 6 : 7.5, c.hair));
  out.push(`<circle cx="0" cy="0.8" r="6.6" fill="${c.skin}"/>`);
  out.push(ellipse(0, 7.2, 1.2, 1, darken(c.skin, 0.1)));
  switch (identity.hair) {
    case 'none':
      out.push(ellipse(-1.5, -0.8, 2.2, 1.4, lighten(c.skin, 0.35), NOSTROKE));
      break;
    case 'hat':
      out.push(`<circle cx="0" cy="0.5" r="10" fill="${c.accent}"/><circle cx="0" cy="0.5" r="6" fill="${darken(c.accent, 0.2)}"/>`);
      break;
    case 'curly':
      for (let i = 0; i < 9; i++) {
        const a = (i / 9) * Math.PI * 2;
        out.push(`<circle cx="${num(Math.cos(a) * 4.2)}" cy="${num(-0.4 + Math.sin(a) * 4.2)}" r="3.2" fill="${c.hair}"/>`);
      }
      break;
    case 'bun':
      out.push(`<circle cx="0" cy="-0.2" r="6.2" fill="${c.hair}"/><circle cx="0" cy="-2.2" r="3" fill="${darken(c.hair, 0.15)}"/>`);
      break;
    default:
      out.push(`<path d="M-6.3,2.6 A6.6 6.6 0 1 1 6.3,2.6 Q0,-0.8 -6.3,2.6Z" fill="${c.hair}"/>`);
  }
  return `<g transform="rotate(${num(rotation)})">${out.join('')}</g>`;
}
