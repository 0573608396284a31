import { describe, expect, it } from 'vitest';
import {
  clampLines,
  fitText,
  formatDuration,
  gridCells,
  gridFor,
  paginateRows,
  paginateScenes,
  splitCell,
  wrapText,
} from '../src/pdf/layout.ts';

// Every character 5 pt wide: widths are easy to reason about.
const mono = (s: string) => [...s].length * 5;

describe('grid placement', () => {
  it('lays frames out wider than tall', () => {
    expect([1, 2, 3, 4, 6, 8, 12].map(gridFor)).toEqual([
      { cols: 1, rows: 1 },
      { cols: 2, rows: 1 },
      { cols: 3, rows: 1 },
      { cols: 2, rows: 2 },
      { cols: 3, rows: 2 },
      { cols: 4, rows: 2 },
      { cols: 4, rows: 3 },
    ]);
    for (let n = 1; n <= 12; n++) {
      const { cols, rows } = gridFor(n);
      expect(cols * rows).toBeGreaterThanOrEqual(n);
      expect(cols).toBeGreaterThanOrEqual(rows);
    }
    expect(() => gridFor(0)).toThrow(/positive integer/);
  });

  it('fills the area in reading order with gaps, never overlapping or overflowing', () => {
    const area = { x: 36, y: 80, w: 770, h: 450 };
    const cells = gridCells(area, 6, 12);
    expect(cells).toHaveLength(6);
    expect(cells[0]).toMatchObject({ x: 36, y: 80 });
    expect(cells[1]?.x).toBeCloseTo(36 + (770 - 24) / 3 + 12);
    expect(cells[3]).toMatchObject({ x: 36 });
    expect(cells[3]?.y).toBeCloseTo(80 + (450 - 12) / 2 + 12);
    for (const c of cells) {
      expect(c.x + c.w).toBeLessThanOrEqual(area.x + area.w + 1e-6);
      expect(c.y + c.h).toBeLessThanOrEqual(area.y + area.h + 1e-6);
    }
    for (let i = 0; i < cells.length; i++)
      for (let j = i + 1; j < cells.length; j++) {
        const a = cells[i] as (typeof cells)[0];
        const b = cells[j] as (typeof cells)[0];
        const apart = a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y;
        expect(apart).toBe(true);
      }
  });

  it('keeps a 16:9 frame and leaves room for text', () => {
    const wide = splitCell({ x: 0, y: 0, w: 160, h: 200 }, 50);
    expect(wide.image).toEqual({ x: 0, y: 0, w: 160, h: 90 });
    expect(wide.text.y).toBe(94);
    const tight = splitCell({ x: 0, y: 0, w: 320, h: 150 }, 60);
    expect(tight.image.h).toBe(90);
    expect(tight.image.w).toBeCloseTo(160);
    expect(tight.image.x).toBeCloseTo(80);
    expect(tight.text.h).toBeGreaterThanOrEqual(55);
  });
});

describe('text wrapping', () => {
  it('wraps on words within the width', () => {
    const lines = wrapText('the lamp stays lit tonight and every night', 60, mono);
    expect(lines).toEqual(['the lamp', 'stays lit', 'tonight and', 'every night']);
    for (const l of lines) expect(mono(l)).toBeLessThanOrEqual(60);
  });

  it('breaks a word wider than the line and keeps newlines', () => {
    expect(wrapText('abcdefghijklmno', 25, mono)).toEqual(['abcde', 'fghij', 'klmno']);
    expect(wrapText('one\n\ntwo', 100, mono)).toEqual(['one', '', 'two']);
    expect(wrapText('', 100, mono)).toEqual(['']);
  });

  it('clamps to a number of lines with an ellipsis that fits', () => {
    const lines = fitText('one two three four five six seven eight', 50, 2, mono);
    expect(lines).toHaveLength(2);
    expect(lines[1]?.endsWith('…')).toBe(true);
    expect(mono(lines[1] as string)).toBeLessThanOrEqual(50);
    expect(clampLines(['a', 'b'], 3, 50, mono)).toEqual(['a', 'b']);
    expect(clampLines(['a', 'b'], 0, 50, mono)).toEqual([]);
  });
});

describe('pagination', () => {
  it('gives each scene its own pages, a scene without shots one page', () => {
    expect(paginateScenes([7, 0, 6], 6)).toEqual([
      { sceneIndex: 0, from: 0, to: 6, continued: false },
      { sceneIndex: 0, from: 6, to: 7, continued: true },
      { sceneIndex: 1, from: 0, to: 0, continued: false },
      { sceneIndex: 2, from: 0, to: 6, continued: false },
    ]);
    expect(paginateScenes([], 6)).toEqual([]);
    expect(() => paginateScenes([1], 0)).toThrow(/framesPerPage/);
  });

  it('splits table rows by height', () => {
    expect(paginateRows([10, 10, 10, 25, 5], 30)).toEqual([
      [0, 1, 2],
      [3, 4],
    ]);
    expect(paginateRows([50, 10], 30)).toEqual([[0], [1]]);
    expect(paginateRows([], 30)).toEqual([[]]);
  });

  it('formats running times', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(3.5)).toBe('0:04');
    expect(formatDuration(75)).toBe('1:15');
    expect(formatDuration(3725)).toBe('1:02:05');
  });
});
