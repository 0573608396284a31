import { describe, expect, it } from 'vitest';
import { buildCues, lineCues, speechSpan, type TimedLine, wrapWords } from '../src/cues.ts';

/** Timings as espeak-based measurement gives them: one per whitespace token, with pauses between. */
function timed(lineId: string, text: string, startS: number, wordS = 0.3, gapS = 0.08, leadS = 0.05): TimedLine {
  const tokens = text.split(/\s+/);
  let at = leadS;
  const timings = tokens.map((t) => {
    const w = { text: t, startS: at, endS: at + wordS };
    at += wordS + gapS;
    return w;
  });
  return { lineId, text, startS, durationS: at + 0.12, timings };
}

describe('wrapWords', () => {
  it('wraps greedily at word boundaries within the width', () => {
    expect(wrapWords(['one', 'two', 'three'], 7)).toEqual(['one two', 'three']);
    expect(wrapWords(['supercalifragilistic', 'a'], 5)).toEqual(['supercalifragilistic', 'a']);
    expect(wrapWords([], 42)).toEqual([]);
  });
});

describe('lineCues', () => {
  it('keeps a short line as one cue spanning its measured speech', () => {
    const line = timed('line-1-2', 'Where were you last night?', 10);
    const cues = lineCues(line);
    expect(cues).toHaveLength(1);
    expect(cues[0]).toEqual({
      lineId: 'line-1-2',
      startS: 10.05,
      endS: expect.closeTo(10 + 0.05 + 5 * 0.3 + 4 * 0.08, 3),
      text: 'Where were you last night?',
    });
  });

  it('splits a long line into cues of at most 2 × 42 characters, in order, inside the speech span', () => {
    const text =
      'I told you already that I was at the harbour until the last ferry left, and then I walked home along the river because the buses had stopped running and my phone was dead.';
    const line = timed('line-2-4', text, 3.5);
    const cues = lineCues(line);
    expect(cues.length).toBeGreaterThan(1);
    const span = speechSpan(line)!;
    for (const c of cues) {
      const rows = c.text.split('\n');
      expect(rows.length).toBeLessThanOrEqual(2);
      for (const r of rows) expect(r.length).toBeLessThanOrEqual(42);
      expect(c.startS).toBeGreaterThanOrEqual(span.startS);
      expect(c.endS).toBeLessThanOrEqual(span.endS);
      expect(c.endS).toBeGreaterThan(c.startS);
    }
    // Every word once, in order, none split.
    expect(cues.map((c) => c.text.replace(/\n/g, ' ')).join(' ')).toBe(text);
    for (let i = 1; i < cues.length; i++) expect(cues[i]!.startS).toBeGreaterThanOrEqual(cues[i - 1]!.endS);
    // A cue starts when its first word is said.
    const second = cues[1]!.text.split(/\s/)[0]!;
    const idx = cues[0]!.text.split(/\s/).length;
    expect(line.timings![idx]!.text).toBe(second);
    expect(cues[1]!.startS).toBeCloseTo(3.5 + line.timings![idx]!.startS, 3);
  });

  it("shows the script's words (punctuation kept) when the timings' words differ only in form", () => {
    const line: TimedLine = {
      lineId: 'l',
      text: 'Well — fine.',
      startS: 0,
      durationS: 1,
      timings: [
        { text: 'well', startS: 0.05, endS: 0.3 },
        { text: '—', startS: 0.3, endS: 0.3 },
        { text: 'fine', startS: 0.4, endS: 0.8 },
      ],
    };
    expect(lineCues(line)).toEqual([{ lineId: 'l', startS: 0.05, endS: 0.8, text: 'Well — fine.' }]);
  });

  it('spreads words over the duration when a provider gave no timings', () => {
    const cues = lineCues({ lineId: 'x', text: 'No timings here', startS: 2, durationS: 1.5 });
    expect(cues).toEqual([{ lineId: 'x', startS: 2, endS: 3.5, text: 'No timings here' }]);
  });

  it('rounds inward to the millisecond so a cue never leaves its span', () => {
    const line: TimedLine = {
      lineId: 'r',
      text: 'Hi',
      startS: 1.0004,
      durationS: 0.5,
      timings: [{ text: 'Hi', startS: 0.0503, endS: 0.4497 }],
    };
    const [c] = lineCues(line);
    expect(c!.startS).toBeGreaterThanOrEqual(1.0004 + 0.0503);
    expect(c!.endS).toBeLessThanOrEqual(1.0004 + 0.4497);
  });
});

describe('buildCues', () => {
  it('orders the cues of every line by time and skips empty lines', () => {
    const cues = buildCues([
      timed('b', 'Second line.', 5),
      timed('a', 'First line.', 1),
      { lineId: 'e', text: ' ', startS: 3, durationS: 0 },
    ]);
    expect(cues.map((c) => c.lineId)).toEqual(['a', 'b']);
  });
});

describe('phrase breaks', () => {
  it('ends a full cue after a comma in its second half rather than mid-clause', () => {
    const text = 'I waited at the harbour until the last ferry left, and then I walked home along the river in the rain.';
    const cues = lineCues(timed('l', text, 0));
    expect(cues.map((c) => c.text.replace(/\n/g, ' '))).toEqual([
      'I waited at the harbour until the last ferry left,',
      'and then I walked home along the river in the rain.',
    ]);
    for (const c of cues) for (const row of c.text.split('\n')) expect(row.length).toBeLessThanOrEqual(42);
  });
});
