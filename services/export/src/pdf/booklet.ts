import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import type { ProjectBundle, SceneElement } from '@automovie/contracts';
import PDFDocument from 'pdfkit';
import {
  fitText,
  formatDuration,
  gridCells,
  humanize,
  type Measure,
  PAGE_SIZES,
  type PageSizeName,
  paginateRows,
  paginateScenes,
  type Rect,
  splitCell,
} from './layout.ts';

/** A shot's storyboard frame as the booklet gets it: a local PNG/JPEG, or why there is none. */
export type BookletFrame = { path: string } | { missing: string };

export interface BookletInput {
  bundle: ProjectBundle;
  /** Frames by shot id; a shot without an entry is drawn as "frame not rendered". */
  frames: ReadonlyMap<string, BookletFrame>;
  framesPerPage: number;
  pageSize: PageSizeName;
  /** TrueType fonts embedded in the PDF (DejaVu Sans covers Latin, Greek, Cyrillic and the typographic marks scripts use). */
  fonts: { regular: string; bold: string };
}

type Bundle = ProjectBundle;
type Shot = Bundle['shots'][number];
type Scene = Bundle['scenes'][number];

const MARGIN = 36;
const FOOTER_H = 22;
const GAP = 12;
const INK = '#1d1d1f';
const MUTED = '#6e6e73';
const RULE = '#c7c7cc';

/** One line of dialogue a shot covers, as printed under its frame. */
export function dialogueOf(shot: Pick<Shot, 'elementIndexes'>, scene: Pick<Scene, 'elements'> | undefined): string[] {
  if (scene === undefined) return [];
  const out: string[] = [];
  for (const i of shot.elementIndexes) {
    const el: SceneElement | undefined = scene.elements[i];
    if (el?.type !== 'dialogue') continue;
    const paren = el.parenthetical ? ` (${el.parenthetical.replace(/^\(|\)$/g, '')})` : '';
    out.push(`${el.character.toUpperCase()}${paren}: ${el.text}`);
  }
  return out;
}

/** `MEDIUM CLOSE · eye level · push in · 35 mm · 3.0 s` */
export function shotSpec(shot: Pick<Shot, 'type' | 'angle' | 'movement' | 'lensMm' | 'durationS'>): string {
  return [
    humanize(shot.type).toUpperCase(),
    humanize(shot.angle),
    humanize(shot.movement),
    `${shot.lensMm} mm`,
    `${shot.durationS.toFixed(1)} s`,
  ].join(' · ');
}

/** The film's running time: the timeline's when there is one, else the shots' planned durations. */
export function runningTimeS(bundle: Bundle): number {
  if (bundle.timeline && bundle.timeline.durationS > 0) return bundle.timeline.durationS;
  return bundle.shots.reduce((sum, s) => sum + s.durationS, 0);
}

/** How many pages the booklet has: the cover, the storyboard pages, the shot list pages. */
export interface BookletPlan {
  scenePages: ReturnType<typeof paginateScenes>;
  shotListPages: number[][];
  total: number;
}

/**
 * Renders the storyboard booklet to `outPath`: a cover (title, logline, synopsis, cast with colour
 * swatches, running time and counts), per scene pages of frames with shot data and dialogue, and a
 * shot list; every page has the project name and its number. Resolves with the page plan.
 */
export async function renderBooklet(input: BookletInput, outPath: string): Promise<BookletPlan> {
  const { bundle } = input;
  const page = PAGE_SIZES[input.pageSize];
  const title = bundle.story?.outline?.title ?? bundle.project.name;
  const doc = new PDFDocument({
    size: [page.w, page.h],
    margin: 0,
    autoFirstPage: false,
    bufferPages: true,
    info: { Title: `${title} — storyboard`, Author: bundle.project.name, Creator: 'Automovie export', Producer: 'Automovie export' },
  });
  doc.registerFont('body', input.fonts.regular);
  doc.registerFont('bold', input.fonts.bold);
  const out = createWriteStream(outPath);
  doc.pipe(out);

  const measure =
    (font: 'body' | 'bold', size: number): Measure =>
    (s) =>
      doc.font(font).fontSize(size).widthOfString(s);
  const write = (text: string, x: number, y: number, font: 'body' | 'bold', size: number, color = INK) => {
    doc.font(font).fontSize(size).fillColor(color).text(text, x, y, { lineBreak: false });
  };
  const lines = (ls: string[], x: number, y: number, font: 'body' | 'bold', size: number, leading: number, color = INK): number => {
    ls.forEach((l, i) => {
      write(l, x, y + i * leading, font, size, color);
    });
    return y + ls.length * leading;
  };
  const content: Rect = { x: MARGIN, y: MARGIN, w: page.w - 2 * MARGIN, h: page.h - 2 * MARGIN - FOOTER_H };

  // ── cover ──
  doc.addPage();
  drawCover(bundle, title, content, { write, lines, measure, doc });

  // ── scenes ──
  const scenesByNumber = new Map(bundle.scenes.map((s) => [s.number, s]));
  const shotsOf = bundle.scenes.map((s) => bundle.shots.filter((sh) => sh.sceneNumber === s.number));
  // Shots of a scene that no longer exists still belong in the booklet: they get a scene of their own.
  const orphanScenes = [...new Set(bundle.shots.map((s) => s.sceneNumber))].filter((n) => !scenesByNumber.has(n));
  const sceneHeads: { number: number; heading: string; summary: string }[] = [
    ...bundle.scenes.map((s) => ({ number: s.number, heading: s.heading, summary: s.summary })),
    ...orphanScenes.map((n) => ({ number: n, heading: `Scene ${n}`, summary: 'This scene is no longer in the screenplay.' })),
  ];
  for (const n of orphanScenes) shotsOf.push(bundle.shots.filter((sh) => sh.sceneNumber === n));
  const scenePages = paginateScenes(
    shotsOf.map((s) => s.length),
    input.framesPerPage,
  );
  for (const sp of scenePages) {
    doc.addPage();
    const head = sceneHeads[sp.sceneIndex] as (typeof sceneHeads)[number];
    let y = content.y;
    const label = `SCENE ${head.number}`;
    write(label, content.x, y, 'bold', 15);
    const labelW = measure('bold', 15)(label) + 12;
    const headMax = content.w - labelW;
    const [heading = ''] = fitText(`${head.heading}${sp.continued ? ' (continued)' : ''}`, headMax, 1, measure('bold', 12));
    write(heading, content.x + labelW, y + 2.5, 'bold', 12, MUTED);
    y += 21;
    if (!sp.continued && head.summary.trim() !== '') {
      y = lines(fitText(head.summary, content.w, 2, measure('body', 9.5)), content.x, y, 'body', 9.5, 12, MUTED);
    }
    doc
      .moveTo(content.x, y + 3)
      .lineTo(content.x + content.w, y + 3)
      .lineWidth(0.6)
      .strokeColor(RULE)
      .stroke();
    y += 10;
    const shots = (shotsOf[sp.sceneIndex] ?? []).slice(sp.from, sp.to);
    if (shots.length === 0) {
      write('No shots are planned for this scene yet.', content.x, y + 8, 'body', 11, MUTED);
      continue;
    }
    const cells = gridCells({ x: content.x, y, w: content.w, h: content.y + content.h - y }, input.framesPerPage, GAP);
    shots.forEach((shot, i) => {
      const cell = cells[i] as Rect;
      drawFrameCell(doc, cell, shot, scenesByNumber.get(shot.sceneNumber), input.frames.get(shot.id), { write, lines, measure });
    });
  }

  // ── shot list ──
  const shotListPages = drawShotList(doc, bundle, content, { write, lines, measure });

  // ── footers, once the page count is known ──
  const range = doc.bufferedPageRange();
  const total = range.count;
  for (let i = 0; i < total; i++) {
    doc.switchToPage(range.start + i);
    const fy = page.h - MARGIN + 6;
    doc
      .moveTo(MARGIN, fy - 6)
      .lineTo(page.w - MARGIN, fy - 6)
      .lineWidth(0.4)
      .strokeColor(RULE)
      .stroke();
    const [name = ''] = fitText(bundle.project.name, content.w * 0.6, 1, measure('body', 8));
    write(name, MARGIN, fy, 'body', 8, MUTED);
    const num = `${i + 1} / ${total}`;
    write(num, page.w - MARGIN - measure('body', 8)(num), fy, 'body', 8, MUTED);
  }
  doc.end();
  await finished(out);
  return { scenePages, shotListPages, total };
}

interface Pen {
  write: (text: string, x: number, y: number, font: 'body' | 'bold', size: number, color?: string) => void;
  lines: (ls: string[], x: number, y: number, font: 'body' | 'bold', size: number, leading: number, color?: string) => number;
  measure: (font: 'body' | 'bold', size: number) => Measure;
}

function drawCover(bundle: Bundle, title: string, area: Rect, pen: Pen & { doc: PDFKit.PDFDocument }): void {
  const { write, lines, measure, doc } = pen;
  const outline = bundle.story?.outline;
  const leftW = area.w * 0.58;
  let y = area.y + 10;
  y = lines(fitText(title, leftW, 2, measure('bold', 28)), area.x, y, 'bold', 28, 33);
  write('Storyboard', area.x, y + 2, 'body', 12, MUTED);
  y += 26;
  const logline = outline?.logline ?? bundle.project.logline;
  if (logline) y = lines(fitText(logline, leftW, 4, measure('body', 13)), area.x, y, 'body', 13, 17) + 12;
  const meta = [outline?.genre ?? bundle.project.genre, outline?.tone, outline ? humanize(outline.structure) : undefined].filter(
    (v): v is string => typeof v === 'string' && v !== '',
  );
  if (meta.length > 0) {
    write(meta.join(' · '), area.x, y, 'body', 10, MUTED);
    y += 20;
  }
  if (outline?.synopsis) {
    write('Synopsis', area.x, y, 'bold', 11);
    y += 15;
    const room = Math.max(1, Math.floor((area.y + area.h - 60 - y) / 12.5));
    lines(fitText(outline.synopsis, leftW, room, measure('body', 9.5)), area.x, y, 'body', 9.5, 12.5);
  }

  // Cast, right column: colour swatches then name and role.
  const cx = area.x + leftW + 30;
  const cw = area.x + area.w - cx;
  let cy = area.y + 14;
  write('Cast', cx, cy, 'bold', 13);
  cy += 22;
  const rowH = 30;
  const maxRows = Math.max(1, Math.floor((area.y + area.h - 60 - cy) / rowH));
  const shown = bundle.characters.length > maxRows ? bundle.characters.slice(0, maxRows - 1) : bundle.characters;
  if (bundle.characters.length === 0) write('No characters cast yet.', cx, cy, 'body', 10, MUTED);
  for (const c of shown) {
    c.identity.palette.forEach((color, i) => {
      doc
        .lineWidth(0.4)
        .rect(cx + i * 11, cy + 1, 10, 10)
        .fillAndStroke(color, RULE);
    });
    const tx = cx + 5 * 11 + 8;
    const [name = ''] = fitText(c.name, cw - (tx - cx), 1, measure('bold', 10.5));
    write(name, tx, cy, 'bold', 10.5);
    const [role = ''] = fitText(`${humanize(c.role)} — ${c.visualDescription}`, cw - (tx - cx), 1, measure('body', 8.5));
    write(role, tx, cy + 13, 'body', 8.5, MUTED);
    cy += rowH;
  }
  if (shown.length < bundle.characters.length) write(`+ ${bundle.characters.length - shown.length} more`, cx, cy, 'body', 9.5, MUTED);

  // Figures along the bottom.
  const stats: [string, string][] = [
    ['running time', formatDuration(runningTimeS(bundle))],
    ['scenes', String(bundle.scenes.length)],
    ['shots', String(bundle.shots.length)],
    ['lines', String(bundle.lines.length)],
    ['characters', String(bundle.characters.length)],
    ['locations', String(bundle.locations.length)],
  ];
  const sy = area.y + area.h - 40;
  doc
    .moveTo(area.x, sy - 10)
    .lineTo(area.x + area.w, sy - 10)
    .lineWidth(0.6)
    .strokeColor(RULE)
    .stroke();
  const colW = area.w / stats.length;
  stats.forEach(([label, value], i) => {
    write(value, area.x + i * colW, sy, 'bold', 16);
    write(label, area.x + i * colW, sy + 20, 'body', 8.5, MUTED);
  });
}

function drawFrameCell(
  doc: PDFKit.PDFDocument,
  cell: Rect,
  shot: Shot,
  scene: Scene | undefined,
  frame: BookletFrame | undefined,
  pen: Pen,
): void {
  const { write, lines, measure } = pen;
  const { image, text } = splitCell(cell, 54);
  if (frame !== undefined && 'path' in frame) {
    doc.image(frame.path, image.x, image.y, { fit: [image.w, image.h], align: 'center', valign: 'center' });
    doc.rect(image.x, image.y, image.w, image.h).lineWidth(0.5).strokeColor(RULE).stroke();
  } else {
    doc.rect(image.x, image.y, image.w, image.h).fillAndStroke('#f2f2f4', RULE);
    const why = frame?.missing ?? 'frame not rendered';
    const [msg = ''] = fitText(why, image.w - 12, 1, measure('body', 9));
    write(msg, image.x + (image.w - measure('body', 9)(msg)) / 2, image.y + image.h / 2 - 5, 'body', 9, MUTED);
  }
  const size = 7.5;
  const leading = 9.2;
  let y = text.y;
  const num = `${shot.sceneNumber}.${shot.order}`;
  write(num, text.x, y, 'bold', 8.5);
  const numW = measure('bold', 8.5)(num) + 6;
  const [spec = ''] = fitText(shotSpec(shot), text.w - numW, 1, measure('body', size));
  write(spec, text.x + numW, y + 0.8, 'body', size, MUTED);
  y += leading + 2;
  const room = Math.max(0, Math.floor((text.y + text.h - y) / leading));
  const dialogue = dialogueOf(shot, scene);
  const descLines = fitText(
    shot.description,
    text.w,
    dialogue.length > 0 ? Math.max(1, Math.min(3, room - 1)) : room,
    measure('body', size),
  );
  y = lines(descLines, text.x, y, 'body', size, leading);
  let left = room - descLines.length;
  for (const d of dialogue) {
    if (left <= 0) break;
    const ls = fitText(d, text.w - 6, left, measure('bold', size));
    doc
      .moveTo(text.x + 1, y)
      .lineTo(text.x + 1, y + ls.length * leading - 2)
      .lineWidth(1)
      .strokeColor('#8e8e93')
      .stroke();
    y = lines(ls, text.x + 6, y, 'bold', size, leading, '#3a3a3c');
    left -= ls.length;
  }
}

const SHOT_COLUMNS = [
  { title: 'Shot', w: 0.05 },
  { title: 'Type', w: 0.11 },
  { title: 'Angle', w: 0.07 },
  { title: 'Movement', w: 0.08 },
  { title: 'Lens', w: 0.05 },
  { title: 'Dur.', w: 0.05 },
  { title: 'In frame', w: 0.14 },
  { title: 'Description', w: 0.45 },
] as const;

function drawShotList(doc: PDFKit.PDFDocument, bundle: Bundle, area: Rect, pen: Pen): number[][] {
  const { write, lines, measure } = pen;
  const size = 8;
  const leading = 10;
  const pad = 4;
  const widths = SHOT_COLUMNS.map((c) => c.w * area.w);
  const cellsOf = (s: Shot) => [
    `${s.sceneNumber}.${s.order}`,
    humanize(s.type),
    humanize(s.angle),
    humanize(s.movement),
    `${s.lensMm} mm`,
    `${s.durationS.toFixed(1)} s`,
    s.characters.join(', ') || '—',
    s.description,
  ];
  const rows = bundle.shots.map((s) =>
    cellsOf(s).map((c, i) => fitText(c, (widths[i] as number) - pad, i === 7 ? 3 : 2, measure('body', size))),
  );
  const heights = rows.map((r) => Math.max(...r.map((c) => c.length)) * leading + 2 * pad);
  const titleH = 26;
  const headerH = leading + 2 * pad;
  const pages = paginateRows(heights, area.h - titleH - headerH);
  pages.forEach((rowIdx, p) => {
    doc.addPage();
    let y = area.y;
    write(p === 0 ? 'Shot list' : 'Shot list (continued)', area.x, y, 'bold', 15);
    const total = bundle.shots.reduce((sum, s) => sum + s.durationS, 0);
    const sub = `${bundle.shots.length} shots · ${formatDuration(total)} planned`;
    write(sub, area.x + area.w - measure('body', 9)(sub), y + 4, 'body', 9, MUTED);
    y += titleH;
    let x = area.x;
    doc.rect(area.x, y, area.w, headerH).fill('#ececf0');
    SHOT_COLUMNS.forEach((c, i) => {
      write(c.title, x + pad / 2, y + pad, 'bold', size);
      x += widths[i] as number;
    });
    y += headerH;
    if (rowIdx.length === 0) write('No shots are planned yet.', area.x + pad, y + pad, 'body', 9, MUTED);
    for (const r of rowIdx) {
      const row = rows[r] as string[][];
      x = area.x;
      row.forEach((cell, i) => {
        lines(cell, x + pad / 2, y + pad, i === 0 ? 'bold' : 'body', size, leading);
        x += widths[i] as number;
      });
      y += heights[r] as number;
      doc
        .moveTo(area.x, y)
        .lineTo(area.x + area.w, y)
        .lineWidth(0.4)
        .strokeColor(RULE)
        .stroke();
    }
  });
  return pages;
}
