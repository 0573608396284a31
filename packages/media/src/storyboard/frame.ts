import { type Composition, CompositionSchema, type Figure, type VisualIdentity } from '@automovie/contracts';
import { invalidMediaInput, parseMediaInput } from '../errors.ts';
import { asciiJson, renderSvgToPngAsync, writePngText } from '../png.ts';
import { escapeXml, fitText, hashString, num, pts, seededRandom, textWidth, wrapText } from '../svg.ts';
import { drawBackdrop, drawOverheadBackdrop, lightOf, type SetContext, skyGradientDefs } from './backdrop.ts';
import { deriveComposition } from './derive.ts';
import { type FigureView, figureBody, figureColors, figureMetrics, figureTop, INK } from './figure.ts';
import { drawProp, findProp } from './props.ts';

/** The PNG tEXt keyword carrying `{ prompt, seed, composition }` as JSON. */
export const COMPOSITION_TEXT_KEY = 'automovie:composition';

export interface StoryboardInput {
  prompt: string;
  /** Staging to draw; derived from `prompt` when absent. */
  composition?: Composition;
  width: number;
  height: number;
  seed: number;
}

const PAPER = '#f3efe6';
const ARROW = '#d2392c';

const SHOT_LABEL: Record<Composition['shotType'], string> = {
  extreme_wide: 'EWS',
  wide: 'WS',
  full: 'FS',
  medium: 'MS',
  medium_close: 'MCU',
  close_up: 'CU',
  extreme_close_up: 'ECU',
  over_the_shoulder: 'OTS',
  two_shot: '2-SHOT',
  insert: 'INSERT',
  pov: 'POV',
};
const ANGLE_LABEL: Record<Composition['angle'], string> = {
  eye_level: 'EYE LEVEL',
  high: 'HIGH ANGLE',
  low: 'LOW ANGLE',
  overhead: 'OVERHEAD',
  dutch: 'DUTCH',
};
const MOVE_LABEL: Record<NonNullable<Composition['movement']>, string> = {
  static: 'STATIC',
  push_in: 'PUSH IN',
  pull_out: 'PULL OUT',
  pan_left: 'PAN L',
  pan_right: 'PAN R',
  tilt_up: 'TILT UP',
  tilt_down: 'TILT DOWN',
  tracking: 'TRACKING',
};

interface Panel {
  x0: number;
  y0: number;
  pw: number;
  ph: number;
}

interface Placed {
  figure: Figure;
  x: number;
  feetY: number;
  s: number;
  sy: number;
  view: FigureView;
  shade: boolean;
  label: boolean;
}

// An anonymous stand-in for the foreground shoulder of a one-person over-the-shoulder shot.
const ANONYMOUS: VisualIdentity = { palette: ['#8a8580', '#4a4d55'], silhouette: 'average', hair: 'short', accessory: 'none' };

function viewOf(facing: Figure['facing']): FigureView {
  switch (facing) {
    case 'left':
      return 'left';
    case 'right':
      return 'right';
    case 'away':
      return 'back';
    default:
      return 'front';
  }
}

/** Horizontal positions 0–1: the figure's own `x`, else spread evenly around the centre. */
function spread(figures: readonly Figure[], gapMax: number): number[] {
  const n = figures.length;
  const gap = Math.min(gapMax, 0.8 / Math.max(1, n));
  return figures.map((f, i) => f.x ?? 0.5 + (i - (n - 1) / 2) * gap);
}

function subjectIndex(figures: readonly Figure[]): number {
  const i = figures.findIndex((f) => f.speaking);
  return Math.max(i, 0);
}

interface Framing {
  placed: Placed[];
  horizonY: number;
  bs: number;
}

// Feet-visible shots: figure height as a share of the panel, where the feet land, horizon (eye level), backdrop scale factor.
const FEET_SHOTS: Partial<Record<Composition['shotType'], { size: number; feet: number; horizon: number; bsk: number; gap: number }>> = {
  extreme_wide: { size: 0.11, feet: 0.8, horizon: 0.6, bsk: 1, gap: 0.12 },
  wide: { size: 0.36, feet: 0.88, horizon: 0.5, bsk: 0.75, gap: 0.22 },
  full: { size: 0.8, feet: 0.955, horizon: 0.42, bsk: 0.5, gap: 0.3 },
};
// Cut shots: headroom and the share of the figure's height that shows (head top to the cut line).
const CUT_SHOTS: Partial<Record<Composition['shotType'], { top: number; visible: number; gap: number }>> = {
  medium: { top: 0.1, visible: 0.52, gap: 0.34 },
  medium_close: { top: 0.08, visible: 0.36, gap: 0.38 },
  close_up: { top: 0.05, visible: 0.26, gap: 0.5 },
  two_shot: { top: 0.1, visible: 0.7, gap: 0.36 },
  pov: { top: 0.12, visible: 0.55, gap: 0.34 },
};

function angleSquash(angle: Composition['angle']): number {
  return angle === 'high' ? 0.86 : angle === 'low' ? 1.06 : 1;
}

function frameFigures(c: Composition, p: Panel): Framing {
  const figs = c.figures;
  const sy = angleSquash(c.angle);
  const sFull = (p.ph * 0.8) / 100;
  const horizonFor = (eye: number, base: number) => {
    if (c.angle === 'high') return Math.min(base, eye) - p.ph * 0.34;
    if (c.angle === 'low') return Math.max(base, eye) + p.ph * 0.3;
    return base;
  };
  const defaultFacing = (i: number, xs: number[]): Figure['facing'] => {
    if (c.shotType === 'two_shot' && figs.length === 2) return (xs[i] ?? 0.5) <= (xs[1 - i] ?? 0.5) ? 'right' : 'left';
    return 'camera';
  };
  const feet = FEET_SHOTS[c.shotType];
  if (feet) {
    const s = (p.ph * feet.size) / 100;
    const xs = spread(figs, feet.gap);
    const feetY = p.y0 + p.ph * feet.feet;
    const placed = figs.map((f, i) => ({
      figure: f,
      x: p.x0 + p.pw * (xs[i] ?? 0.5),
      feetY,
      s,
      sy,
      view: viewOf(f.facing ?? defaultFacing(i, xs)),
      shade: false,
      label: true,
    }));
    const horizon = horizonFor(feetY - 93 * s * sy, p.y0 + p.ph * feet.horizon);
    return { placed, horizonY: clamp(horizon, p.y0 + p.ph * 0.06, p.y0 + p.ph * 0.94), bs: s * feet.bsk };
  }
  if (c.shotType === 'extreme_close_up') {
    const i = subjectIndex(figs);
    const f = figs[i];
    const s = p.ph / 15;
    const eyeLine = p.y0 + p.ph * 0.45;
    const placed: Placed[] = f
      ? [
          {
            figure: f,
            x: p.x0 + p.pw * (f.x ?? 0.5),
            feetY: eyeLine - figureMetrics(f.identity).eyeY * s,
            s,
            sy: 1,
            view: viewOf(f.facing ?? 'camera'),
            shade: false,
            label: false,
          },
        ]
      : [];
    return { placed, horizonY: horizonFor(eyeLine, eyeLine), bs: sFull * 0.55 * Math.sqrt(s / sFull) };
  }
  if (c.shotType === 'over_the_shoulder') return overTheShoulder(c, p, sFull, horizonFor);
  const cut = CUT_SHOTS[c.shotType] ?? CUT_SHOTS.medium!;
  let inFrame = figs.map((f, i) => ({ f, i }));
  if (c.shotType === 'close_up' && figs.length > 2) inFrame = [{ f: figs[subjectIndex(figs)] as Figure, i: subjectIndex(figs) }];
  const maxH = Math.max(100, ...inFrame.map(({ f }) => figureMetrics(f.identity).height));
  const s = (p.ph * (1 - cut.top)) / (cut.visible * 100);
  const xs = spread(
    inFrame.map(({ f }) => f),
    cut.gap,
  );
  const top = p.y0 + p.ph * cut.top;
  const placed = inFrame.map(({ f }, k) => {
    const h = figureMetrics(f.identity).height;
    // Feet are out of frame, so shorter figures are lifted part of the way: heads stay near the same line.
    const feetY = top + (maxH - (maxH - h) * 0.35) * s * sy;
    return {
      figure: f,
      x: p.x0 + p.pw * (xs[k] ?? 0.5),
      feetY,
      s,
      sy,
      view: viewOf(f.facing ?? defaultFacing(k, xs)),
      shade: false,
      label: true,
    };
  });
  const subj =
    placed[
      Math.min(
        placed.length - 1,
        Math.max(
          0,
          inFrame.findIndex(({ i }) => i === subjectIndex(figs)),
        ),
      )
    ];
  const eye = subj ? subj.feetY + figureMetrics(subj.figure.identity).eyeY * s * sy : p.y0 + p.ph * 0.4;
  const horizon = horizonFor(eye, clamp(eye, p.y0 + p.ph * 0.3, p.y0 + p.ph * 0.6));
  return { placed, horizonY: horizon, bs: sFull * 0.55 * Math.sqrt(s / sFull) };
}

function overTheShoulder(c: Composition, p: Panel, sFull: number, horizonFor: (eye: number, base: number) => number): Framing {
  const figs = c.figures;
  const sy = angleSquash(c.angle);
  let fg: Figure;
  let rest: Figure[];
  if (figs.length >= 2) {
    const speaker = figs.findIndex((f) => f.speaking);
    const fgIndex = speaker === 0 ? 1 : 0;
    fg = figs[fgIndex] as Figure;
    rest = figs.filter((_, i) => i !== fgIndex);
  } else {
    fg = { name: '', identity: ANONYMOUS };
    rest = [...figs];
  }
  const main = rest[0];
  const bgX = main?.x ?? 0.64;
  const fgX = fg.x ?? (bgX >= 0.5 ? 0.12 : 0.88);
  const sBg = (p.ph * 0.9) / 42;
  const placed: Placed[] = [];
  rest.forEach((f, i) => {
    const x = i === 0 ? bgX : (f.x ?? clamp(bgX + (i % 2 ? -1 : 1) * 0.2 * Math.ceil(i / 2), 0.2, 0.9));
    const m = figureMetrics(f.identity);
    placed.push({
      figure: f,
      x: p.x0 + p.pw * x,
      feetY: p.y0 + p.ph * 0.12 + (m.height + (100 - m.height) * 0.65) * sBg * sy,
      s: sBg,
      sy,
      view: viewOf(f.facing ?? 'camera'),
      shade: false,
      label: true,
    });
  });
  const sFg = (p.ph * 0.56) / 24;
  const mFg = figureMetrics(fg.identity);
  placed.push({
    figure: fg,
    x: p.x0 + p.pw * fgX,
    feetY: p.y0 + p.ph * 0.3 - (mFg.headCy - mFg.headRy) * sFg,
    s: sFg,
    sy: 1,
    view: 'back',
    shade: true,
    label: fg.name !== '',
  });
  const subj = placed[0];
  const eye = subj ? subj.feetY + figureMetrics(subj.figure.identity).eyeY * sBg * sy : p.y0 + p.ph * 0.4;
  return { placed, horizonY: horizonFor(eye, clamp(eye, p.y0 + p.ph * 0.3, p.y0 + p.ph * 0.6)), bs: sFull * 0.55 * Math.sqrt(sBg / sFull) };
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

function figureMarkup(pl: Placed, H: number, speakingOverride?: boolean): string {
  const body = figureBody(pl.figure.identity, {
    view: pl.view,
    speaking: speakingOverride ?? pl.figure.speaking === true,
    shade: pl.shade,
  });
  const strokeWidth = (H * 0.0024) / pl.s;
  return `<g class="figure" data-name="${escapeXml(pl.figure.name)}" transform="translate(${num(pl.x)},${num(pl.feetY)}) scale(${num(pl.s)},${num(pl.s * pl.sy)})" stroke="${INK}" stroke-width="${strokeWidth.toFixed(4)}" stroke-linejoin="round" stroke-linecap="round"><g class="figure-body">${body}</g><!--/figure-body--></g>`;
}

function nameTag(name: string, cx: number, y: number, H: number, p: Panel): string {
  if (!name) return '';
  const fs = Math.max(9, H * 0.021);
  const text = fitText(name, fs, p.pw * 0.25, true);
  const w = textWidth(text, fs, true) + fs * 0.9;
  const h = fs * 1.45;
  const x = clamp(cx - w / 2, p.x0 + 4, p.x0 + p.pw - w - 4);
  return `<g class="name-tag"><rect x="${num(x)}" y="${num(y - h)}" width="${num(w)}" height="${num(h)}" rx="${num(h / 2)}" fill="#fbf8f1" fill-opacity="0.86" stroke="${INK}" stroke-width="${num(Math.max(0.6, H * 0.0012))}"/><text x="${num(x + w / 2)}" y="${num(y - h * 0.3)}" font-size="${num(fs)}" font-weight="bold" fill="${INK}" text-anchor="middle">${escapeXml(text)}</text></g>`;
}

function arrow(x1: number, y1: number, x2: number, y2: number, H: number): string {
  const w = Math.max(2.5, H * 0.009);
  const head = w * 3.2;
  const len = Math.hypot(x2 - x1, y2 - y1) || 1;
  const ux = (x2 - x1) / len;
  const uy = (y2 - y1) / len;
  const bx = x2 - ux * head;
  const by = y2 - uy * head;
  const tri = pts([
    [x2, y2],
    [bx - uy * head * 0.6, by + ux * head * 0.6],
    [bx + uy * head * 0.6, by - ux * head * 0.6],
  ]);
  const shaft = `M${num(x1)},${num(y1)} L${num(bx)},${num(by)}`;
  return (
    `<path d="${shaft}" stroke="#ffffff" stroke-width="${num(w + H * 0.006)}" stroke-linecap="round" fill="none"/><polygon points="${tri}" fill="#ffffff" stroke="#ffffff" stroke-width="${num(H * 0.006)}" stroke-linejoin="round"/>` +
    `<path d="${shaft}" stroke="${ARROW}" stroke-width="${num(w)}" stroke-linecap="round" fill="none"/><polygon points="${tri}" fill="${ARROW}"/>`
  );
}

function movementOverlay(c: Composition, p: Panel, H: number): string {
  const mv = c.movement;
  if (!mv || mv === 'static') return '';
  const { x0, y0, pw, ph } = p;
  const fs = Math.max(10, H * 0.026);
  const label = (x: number, y: number, anchor = 'middle') =>
    `<text x="${num(x)}" y="${num(y)}" font-size="${num(fs)}" font-weight="bold" fill="${ARROW}" stroke="#ffffff" stroke-width="${num(fs * 0.22)}" paint-order="stroke" text-anchor="${anchor}">${MOVE_LABEL[mv]}</text>`;
  const out: string[] = [];
  if (mv === 'push_in' || mv === 'pull_out') {
    const k = 0.62;
    const ix = x0 + (pw * (1 - k)) / 2;
    const iy = y0 + (ph * (1 - k)) / 2;
    out.push(
      `<rect x="${num(ix)}" y="${num(iy)}" width="${num(pw * k)}" height="${num(ph * k)}" fill="none" stroke="${ARROW}" stroke-width="${num(Math.max(1.5, H * 0.004))}" stroke-dasharray="${num(H * 0.02)},${num(H * 0.012)}"/>`,
    );
    const corners: Array<[number, number, number, number]> = [
      [x0 + pw * 0.04, y0 + ph * 0.06, ix, iy],
      [x0 + pw * 0.96, y0 + ph * 0.06, ix + pw * k, iy],
      [x0 + pw * 0.04, y0 + ph * 0.94, ix, iy + ph * k],
      [x0 + pw * 0.96, y0 + ph * 0.94, ix + pw * k, iy + ph * k],
    ];
    for (const [ox, oy, jx, jy] of corners) {
      const a =
        mv === 'push_in' ? [ox, oy, ox + (jx - ox) * 0.85, oy + (jy - oy) * 0.85] : [jx + (ox - jx) * 0.15, jy + (oy - jy) * 0.15, ox, oy];
      out.push(arrow(a[0] as number, a[1] as number, a[2] as number, a[3] as number, H));
    }
    out.push(label(x0 + pw / 2, iy - fs * 0.5));
  } else if (mv === 'pan_left' || mv === 'pan_right') {
    const y = y0 + ph * 0.16;
    const [a, b] = mv === 'pan_right' ? [0.25, 0.75] : [0.75, 0.25];
    out.push(arrow(x0 + pw * a, y, x0 + pw * b, y, H), label(x0 + pw / 2, y - fs * 0.8));
  } else if (mv === 'tilt_up' || mv === 'tilt_down') {
    const x = x0 + pw * 0.92;
    const [a, b] = mv === 'tilt_up' ? [0.78, 0.22] : [0.22, 0.78];
    out.push(arrow(x, y0 + ph * a, x, y0 + ph * b, H), label(x - fs * 0.8, y0 + ph * 0.5, 'end'));
  } else if (mv === 'tracking') {
    const y = y0 + ph * 0.9;
    const leftward = c.figures.some((f) => f.facing === 'left');
    const [a, b] = leftward ? [0.85, 0.15] : [0.15, 0.85];
    const rail = `stroke="#ffffff" stroke-width="${num(H * 0.008)}"`;
    out.push(
      `<path d="M${num(x0 + pw * 0.12)},${num(y + H * 0.02)} H${num(x0 + pw * 0.88)} M${num(x0 + pw * 0.12)},${num(y + H * 0.032)} H${num(x0 + pw * 0.88)}" ${rail}/>`,
      `<path d="M${num(x0 + pw * 0.12)},${num(y + H * 0.02)} H${num(x0 + pw * 0.88)} M${num(x0 + pw * 0.12)},${num(y + H * 0.032)} H${num(x0 + pw * 0.88)}" stroke="${ARROW}" stroke-width="${num(H * 0.003)}"/>`,
      arrow(x0 + pw * a, y, x0 + pw * b, y, H),
      label(x0 + pw / 2, y - fs * 0.7),
    );
  }
  return `<g class="movement">${out.join('')}</g>`;
}

function cornerLabels(c: Composition, p: Panel, H: number): string {
  const fs = Math.max(9, H * 0.024);
  const pad = fs * 0.45;
  const h = fs * 1.5;
  const left = [
    SHOT_LABEL[c.shotType],
    ANGLE_LABEL[c.angle],
    ...(c.movement && c.movement !== 'static' ? [MOVE_LABEL[c.movement]] : []),
  ].join(' · ');
  const lw = textWidth(left, fs, true) + pad * 2;
  const loc = c.location;
  const slug = fitText(`${loc.intExt}. ${loc.name.toUpperCase()} — ${loc.timeOfDay}`, fs, p.pw - lw - fs * 3, true);
  const rw = textWidth(slug, fs, true) + pad * 2;
  const x = p.x0 + fs * 0.5;
  const y = p.y0 + fs * 0.5;
  const rx = p.x0 + p.pw - fs * 0.5 - rw;
  return (
    `<g class="labels"><rect x="${num(x)}" y="${num(y)}" width="${num(lw)}" height="${num(h)}" rx="${num(fs * 0.3)}" fill="${INK}" fill-opacity="0.85"/>` +
    `<text x="${num(x + pad)}" y="${num(y + h * 0.7)}" font-size="${num(fs)}" font-weight="bold" fill="#ffffff">${escapeXml(left)}</text>` +
    `<rect x="${num(rx)}" y="${num(y)}" width="${num(rw)}" height="${num(h)}" rx="${num(fs * 0.3)}" fill="#fbf8f1" fill-opacity="0.85" stroke="${INK}" stroke-width="${num(Math.max(0.6, H * 0.0012))}"/>` +
    `<text x="${num(rx + pad)}" y="${num(y + h * 0.7)}" font-size="${num(fs)}" font-weight="bold" fill="${INK}">${escapeXml(slug)}</text></g>`
  );
}

function captionStrip(text: string, W: number, H: number, top: number, bottom: number, margin: number): string {
  const fs = Math.max(10, H * 0.033);
  const lines = wrapText(text, fs, W - margin * 2 - fs * 1.2, 2);
  const lh = fs * 1.25;
  const blockH = lines.length * lh;
  const startY = top + (bottom - top - blockH) / 2 + fs * 0.92;
  const tspans = lines.map((l, i) => `<tspan x="${num(margin + fs * 0.6)}" y="${num(startY + i * lh)}">${escapeXml(l)}</tspan>`).join('');
  return `<text class="caption" font-size="${num(fs)}" fill="${INK}">${tspans}</text>`;
}

function insertScene(c: Composition, prompt: string, p: Panel, light: ReturnType<typeof lightOf>): string {
  const { x0, y0, pw, ph } = p;
  const surfaceY = y0 + ph * 0.38;
  const wood = c.palette?.[1] ?? '#8a6a4a';
  const out: string[] = [];
  out.push(
    `<rect x="${num(x0)}" y="${num(y0)}" width="${num(pw)}" height="${num(ph)}" fill="${light === 'night' ? '#3d4256' : '#cfc6b4'}" stroke="none"/>`,
  );
  out.push(
    `<rect x="${num(x0)}" y="${num(surfaceY)}" width="${num(pw)}" height="${num(ph - (surfaceY - y0))}" fill="${wood}" stroke="none"/>`,
  );
  for (let i = 0; i < 9; i++) {
    const y = surfaceY + ((ph - (surfaceY - y0)) * (i + 1) ** 1.6) / 10 ** 1.6;
    out.push(
      `<path d="M${num(x0)},${num(y)} C${num(x0 + pw * 0.3)},${num(y - ph * 0.01)} ${num(x0 + pw * 0.6)},${num(y + ph * 0.012)} ${num(x0 + pw)},${num(y)}" fill="none" stroke="#000000" stroke-opacity="0.12"/>`,
    );
  }
  out.push(`<line x1="${num(x0)}" y1="${num(surfaceY)}" x2="${num(x0 + pw)}" y2="${num(surfaceY)}" stroke="${INK}"/>`);
  const found = findProp([prompt, c.caption ?? '', ...c.location.elements]);
  const label = found?.word ?? c.location.elements[0] ?? 'object';
  const accent = c.figures[0] ? figureColors(c.figures[0].identity).accent : (c.palette?.[2] ?? '#b8483c');
  out.push(drawProp(found?.key ?? 'box', label, x0 + pw * 0.5, y0 + ph * 0.6, ph * 0.0058, accent));
  return out.join('');
}

function vignette(p: Panel): string {
  const { x0, y0, pw, ph } = p;
  const cx = x0 + pw / 2;
  const cy = y0 + ph / 2;
  return (
    `<rect x="${num(x0)}" y="${num(y0)}" width="${num(pw)}" height="${num(ph)}" fill="url(#vignette)" stroke="none"/>` +
    `<path d="M${num(x0)},${num(y0)} h${num(pw)} v${num(ph)} h${num(-pw)}z M${num(cx - pw * 0.52)},${num(cy)} a${num(pw * 0.52)},${num(ph * 0.56)} 0 1 0 ${num(pw * 1.04)},0 a${num(pw * 0.52)},${num(ph * 0.56)} 0 1 0 ${num(-pw * 1.04)},0z" fill="#0c0c10" fill-opacity="0.55" fill-rule="evenodd" stroke="none"/>`
  );
}

function validate(input: StoryboardInput): Composition | undefined {
  const { width, height, seed, prompt } = input;
  if (typeof prompt !== 'string') throw invalidMediaInput('prompt', 'must be a string');
  if (!Number.isInteger(width) || width < 64 || width > 8192) throw invalidMediaInput('width', 'must be an integer from 64 to 8192');
  if (!Number.isInteger(height) || height < 64 || height > 8192) throw invalidMediaInput('height', 'must be an integer from 64 to 8192');
  if (!Number.isInteger(seed)) throw invalidMediaInput('seed', 'must be an integer');
  return input.composition === undefined ? undefined : parseMediaInput(CompositionSchema, input.composition, 'composition');
}

/** The composition actually drawn: the caller's (validated, defaults applied) or one derived from the prompt. */
export function resolveComposition(input: StoryboardInput): Composition {
  return validate(input) ?? deriveComposition(input.prompt);
}

const FRAME_MARGIN_SHARE = 0.022;
const CAPTION_SHARE = 0.118;
/**
 * The share of a frame's height below the picture panel (bottom margin and caption strip) at
 * 360 lines and more: burnt-in subtitles sit above it so they never cover the caption.
 */
export const FRAME_BELOW_PANEL_SHARE = FRAME_MARGIN_SHARE + CAPTION_SHARE;

/** The storyboard frame as an SVG document (deterministic for the same input). */
export function storyboardSvg(input: StoryboardInput): string {
  const c = resolveComposition(input);
  const W = input.width;
  const H = input.height;
  const rng = seededRandom((input.seed ^ hashString(c.location.name)) >>> 0);
  const margin = Math.round(Math.max(6, H * FRAME_MARGIN_SHARE));
  const capH = Math.round(Math.max(34, H * CAPTION_SHARE));
  const panel: Panel = { x0: margin, y0: margin, pw: W - margin * 2, ph: H - margin * 2 - capH };
  const light = lightOf(c.location.timeOfDay);
  const interior = c.location.intExt !== 'EXT';
  const palette = c.palette ?? [];

  const defs = [
    skyGradientDefs(light),
    `<radialGradient id="vignette" cx="0.5" cy="0.5" r="0.75"><stop offset="0.55" stop-color="#000000" stop-opacity="0"/><stop offset="1" stop-color="#000000" stop-opacity="0.6"/></radialGradient>`,
  ];

  const scene: string[] = [];
  const tags: string[] = [];
  if (c.shotType === 'insert') {
    scene.push(
      `<g stroke="${INK}" stroke-width="${num(Math.max(1, H * 0.0024))}" stroke-linejoin="round">${insertScene(c, input.prompt, panel, light)}</g>`,
    );
  } else if (c.angle === 'overhead') {
    const sTop = (panel.ph * (c.shotType === 'extreme_wide' ? 0.12 : c.shotType === 'wide' ? 0.3 : 0.5)) / 100;
    const ctx: SetContext = { ...panel, horizonY: panel.y0, bs: sTop * 0.9, interior, light, rng, palette };
    scene.push(
      `<g stroke="${INK}" stroke-width="${num(Math.max(0.8, H * 0.0018))}" stroke-linejoin="round">${drawOverheadBackdrop(ctx, c.location.elements)}</g>`,
    );
    const xs = spread(c.figures, 0.3);
    c.figures.forEach((f, i) => {
      const x = panel.x0 + panel.pw * (xs[i] ?? 0.5);
      const y = panel.y0 + panel.ph * (0.52 + (i % 2 ? 0.08 : -0.04));
      const rot = f.facing === 'away' ? 180 : f.facing === 'left' ? 90 : f.facing === 'right' ? -90 : 0;
      scene.push(
        `<g class="figure" data-name="${escapeXml(f.name)}" transform="translate(${num(x)},${num(y)}) scale(${num(sTop * 2.8)})" stroke="${INK}" stroke-width="${((H * 0.0024) / (sTop * 2.8)).toFixed(4)}" stroke-linejoin="round">${figureTop(f.identity, rot)}</g>`,
      );
      tags.push(nameTag(f.name, x, y - 16 * sTop * 2.8, H, panel));
    });
  } else {
    const framing = frameFigures(c, panel);
    const lead = framing.placed.find((pl) => !pl.shade);
    // Set pieces outdoors stand part of the way from the horizon towards the figures' feet.
    const standY = lead ? framing.horizonY + Math.max(0, lead.feetY - framing.horizonY) * 0.35 : undefined;
    const ctx: SetContext = {
      ...panel,
      horizonY: framing.horizonY,
      bs: framing.bs,
      interior,
      light,
      rng,
      palette,
      ...(standY === undefined ? {} : { standY }),
    };
    scene.push(
      `<g stroke="${INK}" stroke-width="${num(Math.max(0.8, H * 0.0018))}" stroke-linejoin="round">${drawBackdrop(ctx, c.location.elements)}</g>`,
    );
    // Ground shadows first, then figures back to front (the shaded foreground last).
    for (const pl of framing.placed) {
      if (pl.shade) continue;
      const m = figureMetrics(pl.figure.identity);
      scene.push(
        `<ellipse cx="${num(pl.x)}" cy="${num(pl.feetY - 1 * pl.s)}" rx="${num(m.shoulderHalf * 1.3 * pl.s)}" ry="${num(3 * pl.s * pl.sy)}" fill="#000000" fill-opacity="0.18" stroke="none"/>`,
      );
    }
    for (const pl of framing.placed) scene.push(figureMarkup(pl, H));
    for (const pl of framing.placed) {
      if (!pl.label || c.shotType === 'extreme_close_up') continue;
      const m = figureMetrics(pl.figure.identity);
      const headTop = pl.feetY + (m.headCy - m.headRy) * pl.s * pl.sy;
      const y = clamp(headTop - H * 0.012, panel.y0 + H * 0.1, panel.y0 + panel.ph - H * 0.02);
      tags.push(nameTag(pl.figure.name, pl.x, pl.shade ? panel.y0 + panel.ph - H * 0.02 : y, H, panel));
    }
  }
  if (light === 'night')
    scene.push(
      `<rect x="${num(panel.x0)}" y="${num(panel.y0)}" width="${num(panel.pw)}" height="${num(panel.ph)}" fill="#0a1030" fill-opacity="${interior ? 0.16 : 0.28}" stroke="none"/>`,
    );
  if (light === 'dusk' || light === 'dawn')
    scene.push(
      `<rect x="${num(panel.x0)}" y="${num(panel.y0)}" width="${num(panel.pw)}" height="${num(panel.ph)}" fill="#c0602a" fill-opacity="0.08" stroke="none"/>`,
    );

  let sceneGroup = scene.join('');
  if (c.angle === 'dutch') {
    const tilt = (8 + rng() * 4) * (input.seed % 2 === 0 ? 1 : -1);
    const cx = panel.x0 + panel.pw / 2;
    const cy = panel.y0 + panel.ph / 2;
    // Scaled up so the rotated picture still covers the panel's corners.
    sceneGroup = `<g transform="translate(${num(cx)},${num(cy)}) rotate(${num(tilt)}) scale(1.3) translate(${num(-cx)},${num(-cy)})">${sceneGroup}</g>`;
  }
  if (c.shotType === 'pov') sceneGroup += vignette(panel);
  const overlays: string[] = [];
  overlays.push(...tags, movementOverlay(c, panel, H), cornerLabels(c, panel, H));

  const caption = c.caption ?? input.prompt;
  const ink = INK;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="DejaVu Sans">`,
    `<defs>${defs.join('')}</defs>`,
    `<rect width="${W}" height="${H}" fill="${PAPER}"/>`,
    sceneGroup,
    // Paper over everything outside the panel instead of a clip path: resvg renders clip paths
    // through an extra layer (slower, and the path where its layer bugs live).
    `<path d="M0,0 H${W} V${H} H0Z M${num(panel.x0)},${num(panel.y0)} V${num(panel.y0 + panel.ph)} H${num(panel.x0 + panel.pw)} V${num(panel.y0)}Z" fill="${PAPER}" fill-rule="evenodd"/>`,
    overlays.join(''),
    `<rect x="${num(panel.x0)}" y="${num(panel.y0)}" width="${num(panel.pw)}" height="${num(panel.ph)}" fill="none" stroke="${ink}" stroke-width="${num(Math.max(1.5, H * 0.005))}"/>`,
    captionStrip(caption, W, H, panel.y0 + panel.ph, H - margin * 0.3, margin),
    `<rect x="${num(margin * 0.4)}" y="${num(margin * 0.4)}" width="${num(W - margin * 0.8)}" height="${num(H - margin * 0.8)}" fill="none" stroke="${ink}" stroke-opacity="0.35" stroke-width="1"/>`,
    '</svg>',
  ].join('');
}

/** The storyboard frame as PNG bytes, with `{ prompt, seed, composition }` in the tEXt chunk `automovie:composition`. */
export async function renderStoryboardFrame(input: StoryboardInput): Promise<Uint8Array> {
  const composition = resolveComposition(input);
  const svg = storyboardSvg({ ...input, composition });
  const png = await renderSvgToPngAsync(svg);
  return writePngText(png, { [COMPOSITION_TEXT_KEY]: asciiJson({ prompt: input.prompt, seed: input.seed, composition }) });
}
