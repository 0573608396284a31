import type { LineRecord, SceneRecord, ShotRecord } from '@automovie/contracts';
import type { Stored } from '@automovie/film-graph';
import { describe, expect, it } from 'vitest';
import { buildTimeline, LEAD_S, LINE_GAP_S, TAIL_S } from '../src/timeline.ts';

const scene = (number: number, summary: string, action = 'They talk.'): Stored<SceneRecord> => ({
  id: `scene-${number}`,
  record: {
    number,
    heading: `INT. ROOM ${number} - DAY`,
    intExt: 'INT',
    location: `ROOM ${number}`,
    timeOfDay: 'DAY',
    summary,
    elements: [
      { type: 'action', text: action },
      { type: 'dialogue', character: 'A', text: 'x' },
      { type: 'dialogue', character: 'B', text: 'y' },
      { type: 'dialogue', character: 'A', text: 'z' },
    ],
  },
});
const shot = (sceneNumber: number, order: number, durationS: number, elementIndexes: number[], frame = true): Stored<ShotRecord> => ({
  id: `shot-${sceneNumber}-${order}`,
  record: {
    sceneNumber,
    order,
    type: 'medium',
    angle: 'eye_level',
    movement: 'push_in',
    lensMm: 35,
    durationS,
    description: 'd',
    characters: [],
    elementIndexes,
    ...(frame ? { frameAssetId: `frame-${sceneNumber}-${order}` } : {}),
  },
});
let order = 0;
const line = (sceneNumber: number, elementIndex: number, durationS?: number): Stored<LineRecord> => ({
  id: `line-${sceneNumber}-${elementIndex}`,
  record: {
    sceneNumber,
    elementIndex,
    order: ++order,
    character: 'A',
    text: `line ${sceneNumber}.${elementIndex}`,
    ...(durationS === undefined ? {} : { durationS, audioAssetId: `audio-${sceneNumber}-${elementIndex}` }),
  },
});

describe('buildTimeline', () => {
  it('lengthens a shot to its measured dialogue + padding, keeps the planned length otherwise, whole frames', () => {
    const { timeline } = buildTimeline({
      scenes: [scene(1, 'A quiet talk.')],
      shots: [shot(1, 1, 2, [1, 2]), shot(1, 2, 3, [3])],
      lines: [line(1, 1, 1.5), line(1, 2, 1.2), line(1, 3, 0.5)],
      fps: 24,
    });
    const need = LEAD_S + 1.5 + LINE_GAP_S + 1.2 + TAIL_S; // 3.2 s > 2 s planned
    expect(timeline.shots[0]!.durationS).toBeCloseTo(Math.ceil(need * 24) / 24, 6);
    expect(timeline.shots[1]!.startS).toBeCloseTo(timeline.shots[0]!.durationS, 6);
    expect(timeline.shots[1]!.durationS).toBe(3);
    expect(timeline.durationS).toBeCloseTo(timeline.shots[0]!.durationS + 3, 6);
    for (const s of timeline.shots) expect(Math.abs(s.startS * 24 - Math.round(s.startS * 24))).toBeLessThan(1e-4);
    // Lines back to back within their shot, in order.
    const [a, b, c] = timeline.lines;
    expect(a!.startS).toBeCloseTo(LEAD_S, 6);
    expect(b!.startS).toBeCloseTo(LEAD_S + 1.5 + LINE_GAP_S, 6);
    expect(b!.startS + b!.durationS).toBeLessThanOrEqual(timeline.shots[0]!.durationS);
    expect(c!.startS).toBeCloseTo(timeline.shots[1]!.startS + LEAD_S, 6);
    expect(a!.audioAssetId).toBe('audio-1-1');
  });

  it('cuts within a scene and fades between scenes unless told one transition; scenes carry start, length and mood', () => {
    const input = {
      scenes: [scene(1, 'A tense standoff in the dark.'), scene(2, 'A tender goodbye.')],
      shots: [shot(2, 1, 2, []), shot(1, 2, 1, []), shot(1, 1, 1.5, [])],
      lines: [],
      fps: 24,
    };
    const { timeline } = buildTimeline(input);
    expect(timeline.shots.map((s) => [s.shotId, s.transition])).toEqual([
      ['shot-1-1', 'cut'],
      ['shot-1-2', 'cut'],
      ['shot-2-1', 'fade'],
    ]);
    expect(timeline.scenes).toEqual([
      { sceneNumber: 1, startS: 0, durationS: 2.5, mood: 'tense' },
      { sceneNumber: 2, startS: 2.5, durationS: 2, mood: 'tender' },
    ]);
    expect(buildTimeline({ ...input, transition: 'dissolve' }).timeline.shots.map((s) => s.transition)).toEqual([
      'cut',
      'dissolve',
      'dissolve',
    ]);
  });

  it('homes a line no shot lists with the shot covering the nearest element before it', () => {
    const { timeline } = buildTimeline({
      scenes: [scene(1, '')],
      shots: [shot(1, 1, 1, [0]), shot(1, 2, 1, [2])],
      lines: [line(1, 1, 0.4), line(1, 3, 0.4)],
      fps: 24,
    });
    const inShot = (id: string) =>
      timeline.shots.find(
        (s) =>
          timeline.lines.find((l) => l.lineId === id)!.startS >= s.startS &&
          timeline.lines.find((l) => l.lineId === id)!.startS < s.startS + s.durationS,
      )!.shotId;
    expect(inShot('line-1-1')).toBe('shot-1-1');
    expect(inShot('line-1-3')).toBe('shot-1-2');
  });

  it('reports lines without audio, lines of scenes without shots and shots without frames', () => {
    const built = buildTimeline({
      scenes: [scene(1, ''), scene(2, '')],
      shots: [shot(1, 1, 1, [1], false)],
      lines: [line(1, 1), line(2, 1, 1)],
      fps: 24,
    });
    expect(built.unvoicedLines).toEqual(['line-1-1']);
    expect(built.unplacedLines).toEqual(['line-2-1']);
    expect(built.shotsWithoutFrames).toEqual(['shot-1-1']);
    expect(built.timeline.scenes.map((s) => s.sceneNumber)).toEqual([1]);
  });

  it('is a pure function of the records: the same records give the same timeline', () => {
    const input = { scenes: [scene(1, 'x')], shots: [shot(1, 1, 2.01, [1])], lines: [line(1, 1, 0.77)], fps: 25 };
    expect(buildTimeline(input)).toEqual(buildTimeline(structuredClone(input)));
  });
});
