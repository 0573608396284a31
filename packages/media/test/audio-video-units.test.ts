import { describe, expect, it } from 'vitest';
import { MediaError } from '../src/errors.ts';
import { formatSrt, formatVtt, parseSrt } from '../src/subtitles.ts';
import { planTimeline } from '../src/timeline.ts';
import { decodeWav, encodeWav16, wavInfo } from '../src/wav.ts';
import { alignWords, detectSpeechSegments, estimateSyllables } from '../src/word-timings.ts';

describe('subtitles', () => {
  const cues = [
    { startS: 0.5, endS: 2.25, text: 'Hello there.' },
    { startS: 61.001, endS: 3725.999, text: 'Two\nlines & <tags> --> arrows' },
  ];

  it('formats SRT and parses it back', () => {
    const srt = formatSrt(cues);
    expect(srt).toContain('1\n00:00:00,500 --> 00:00:02,250\nHello there.\n');
    expect(srt).toContain('2\n00:01:01,001 --> 01:02:05,999\nTwo\nlines & <tags> --> arrows\n');
    const back = parseSrt(srt);
    expect(back).toEqual(cues.map((c, i) => ({ index: i + 1, ...c })));
  });

  it('parses CRLF, BOM and dot separators', () => {
    const parsed = parseSrt('\uFEFF1\r\n00:00:01.000 --> 00:00:02.5\r\nA\r\n\r\n2\r\n00:00:03,000 --> 00:00:04,000\r\nB\r\n');
    expect(parsed).toEqual([
      { index: 1, startS: 1, endS: 2.5, text: 'A' },
      { index: 2, startS: 3, endS: 4, text: 'B' },
    ]);
  });

  it('formats WebVTT with escaped text', () => {
    const vtt = formatVtt(cues);
    expect(vtt.startsWith('WEBVTT\n\n00:00:00.500 --> 00:00:02.250\nHello there.\n')).toBe(true);
    expect(vtt).toContain('lines &amp; &lt;tags> --&gt; arrows');
  });

  it('rejects bad cues and bad time lines, naming them', () => {
    expect(() => formatSrt([{ startS: 2, endS: 1, text: 'x' }])).toThrow(/cues\[0\]\.endS/);
    expect(() => parseSrt('1\nsoon --> later\nx\n')).toThrow(MediaError);
  });
});

describe('wav', () => {
  it('encodes and decodes 16-bit PCM', () => {
    const samples = Float32Array.from({ length: 2205 * 2 }, (_, i) => Math.sin(i / 10) * 0.5);
    const wav = encodeWav16(samples, 22050, 2);
    expect(wavInfo(wav)).toEqual({ sampleRate: 22050, channels: 2, bitsPerSample: 16, durationS: 0.1 });
    const back = decodeWav(wav);
    expect(back.samples.length).toBe(samples.length);
    expect(Math.abs(back.samples[100]! - samples[100]!)).toBeLessThan(1e-4);
  });

  it('rejects what is not a WAV', () => {
    expect(() => wavInfo(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]))).toThrow(/not a RIFF/);
  });
});

describe('word timings', () => {
  const rate = 8000;
  /** Bursts of tone at the given spans, silence elsewhere. */
  function signal(spans: Array<[number, number]>, totalS: number): Float32Array {
    const out = new Float32Array(Math.round(totalS * rate));
    for (const [a, b] of spans) for (let i = Math.round(a * rate); i < Math.round(b * rate); i++) out[i] = 0.5 * Math.sin(i * 0.3);
    return out;
  }

  it('finds audible runs', () => {
    const segs = detectSpeechSegments(
      signal(
        [
          [0.1, 0.4],
          [0.55, 0.9],
        ],
        1,
      ),
      rate,
    );
    expect(segs).toHaveLength(2);
    expect(segs[0]!.startS).toBeCloseTo(0.1, 1);
    expect(segs[1]!.endS).toBeCloseTo(0.9, 1);
  });

  it('merges a word split by a closure and keeps words at the real pauses', () => {
    // "jumps" split in two by a short closure, then a real pause before "over".
    const segs = [
      { startS: 0.1, endS: 0.3 },
      { startS: 0.33, endS: 0.45 },
      { startS: 0.6, endS: 0.9 },
    ];
    const t = alignWords(['jumps', 'over'], segs, 1, { wordGapS: 0.12 });
    expect(t).toEqual([
      { text: 'jumps', startS: 0.1, endS: 0.45 },
      { text: 'over', startS: 0.6, endS: 0.9 },
    ]);
  });

  it('shares a run among words by syllables where no pause separates them, monotonic and inside the audio', () => {
    const segs = [
      { startS: 0.1, endS: 1.0 },
      { startS: 1.2, endS: 1.5 },
    ];
    const t = alignWords(['nineteen', 'eighty', '—', 'four.'], segs, 1.6);
    expect(t.map((x) => x.text)).toEqual(['nineteen', 'eighty', '—', 'four.']);
    for (let i = 0; i < t.length; i++) {
      expect(t[i]!.endS).toBeGreaterThanOrEqual(t[i]!.startS);
      if (i > 0) expect(t[i]!.startS).toBeGreaterThanOrEqual(t[i - 1]!.endS);
      expect(t[i]!.endS).toBeLessThanOrEqual(1.6);
    }
    expect(t[0]!.startS).toBe(0.1);
    expect(t[2]!.startS).toBe(t[2]!.endS);
    expect(t[3]!.endS).toBe(1.5);
  });

  it('counts syllables roughly', () => {
    expect(estimateSyllables('cat')).toBe(1);
    expect(estimateSyllables('believe')).toBe(2);
    expect(estimateSyllables('—')).toBe(0);
    expect(estimateSyllables('1984')).toBeGreaterThan(3);
  });
});

describe('timeline plan', () => {
  it('keeps the total at the sum of the clips, lengthening the clip before each blend', () => {
    const plan = planTimeline(
      [
        { durationS: 1.5, transition: 'fade', transitionS: 0.5 },
        { durationS: 1.2, transition: 'dissolve', transitionS: 0.5 },
        { durationS: 1.0, transition: 'cut', transitionS: 0.3 },
      ],
      24,
    );
    expect(plan.map((p) => p.frames)).toEqual([36, 29, 24]);
    expect(plan.map((p) => p.startFrame)).toEqual([0, 36, 65]);
    expect(plan.map((p) => p.inFrames)).toEqual([12, 12, 0]);
    expect(plan.map((p) => p.renderFrames)).toEqual([48, 29, 24]);
  });
});
