import type { LineRecord, SceneRecord, ShotRecord, Timeline } from '@automovie/contracts';
import type { Stored } from '@automovie/film-graph';
import { sceneMood } from './mood.ts';

/** Silence before a shot's first line and after its last (together the 0.3 s of padding). */
export const LEAD_S = 0.15;
export const TAIL_S = 0.15;
/** Pause between two lines spoken in the same shot. */
export const LINE_GAP_S = 0.2;

/** What a timeline is built from. */
export interface TimelineInput {
  scenes: ReadonlyArray<Stored<SceneRecord>>;
  shots: ReadonlyArray<Stored<ShotRecord>>;
  lines: ReadonlyArray<Stored<LineRecord>>;
  /** One transition for every shot change; default cut within a scene, fade between scenes. */
  transition?: 'cut' | 'fade' | 'dissolve' | undefined;
  fps: number;
}

export interface BuiltTimeline {
  timeline: Timeline;
  /** Shots with no storyboard frame. */
  shotsWithoutFrames: string[];
  /** Lines of scenes that have no shots. */
  unplacedLines: string[];
  /** Lines that would be placed but have no measured duration. */
  unvoicedLines: string[];
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

/**
 * The timeline as a pure function of the records. Shots play in scene, then shot order; a shot
 * lasts its planned duration or, when longer, the dialogue it covers (measured durations, back to
 * back with {@link LINE_GAP_S} between them) plus {@link LEAD_S} + {@link TAIL_S}. Durations are
 * whole frames, so every start is on a frame and the rendered video is exactly as long as the
 * timeline. A line belongs to the first shot listing its element index; a line no shot lists goes
 * to the shot covering the nearest element before it (else the scene's first shot).
 */
export function buildTimeline(input: TimelineInput): BuiltTimeline {
  const { fps } = input;
  const frames = (s: number) => Math.max(1, Math.ceil(s * fps - 1e-9));
  const sceneByNumber = new Map(input.scenes.map((s) => [s.record.number, s.record]));
  const shotsByScene = new Map<number, Array<Stored<ShotRecord>>>();
  for (const s of input.shots) {
    const list = shotsByScene.get(s.record.sceneNumber) ?? [];
    list.push(s);
    shotsByScene.set(s.record.sceneNumber, list);
  }
  const sceneNumbers = [...shotsByScene.keys()].sort((a, b) => a - b);
  for (const list of shotsByScene.values()) list.sort((a, b) => a.record.order - b.record.order);

  // Lines per shot.
  const linesOfShot = new Map<string, Array<Stored<LineRecord>>>();
  const unplacedLines: string[] = [];
  for (const line of [...input.lines].sort((a, b) => a.record.order - b.record.order)) {
    const shots = shotsByScene.get(line.record.sceneNumber);
    if (!shots || shots.length === 0) {
      unplacedLines.push(line.id);
      continue;
    }
    const ei = line.record.elementIndex;
    let home = shots.find((s) => s.record.elementIndexes.includes(ei));
    if (!home) {
      let bestIndex = -1;
      for (const s of shots) {
        const before = s.record.elementIndexes.filter((i) => i < ei);
        const nearest = before.length > 0 ? Math.max(...before) : -1;
        if (nearest > bestIndex) {
          bestIndex = nearest;
          home = s;
        }
      }
      home ??= shots[0]!;
    }
    const list = linesOfShot.get(home.id) ?? [];
    list.push(line);
    linesOfShot.set(home.id, list);
  }

  const timeline: Timeline = { durationS: 0, fps, shots: [], lines: [], scenes: [] };
  const shotsWithoutFrames: string[] = [];
  const unvoicedLines: string[] = [];
  let frame = 0;
  let first = true;
  for (const n of sceneNumbers) {
    const sceneStart = frame;
    for (const [i, shot] of shotsByScene.get(n)!.entries()) {
      const lines = linesOfShot.get(shot.id) ?? [];
      const speech = lines.reduce((a, l) => a + (l.record.durationS ?? 0), 0) + LINE_GAP_S * Math.max(0, lines.length - 1);
      const need = lines.length > 0 ? LEAD_S + speech + TAIL_S : 0;
      const length = Math.max(frames(shot.record.durationS), frames(need));
      const transition = first ? 'cut' : (input.transition ?? (i === 0 ? 'fade' : 'cut'));
      first = false;
      const startS = round6(frame / fps);
      if (shot.record.frameAssetId === undefined) shotsWithoutFrames.push(shot.id);
      timeline.shots.push({
        shotId: shot.id,
        sceneNumber: n,
        startS,
        durationS: round6(length / fps),
        ...(shot.record.frameAssetId === undefined ? {} : { frameAssetId: shot.record.frameAssetId }),
        movement: shot.record.movement,
        transition,
      });
      let at = startS + LEAD_S;
      for (const l of lines) {
        if (l.record.durationS === undefined) unvoicedLines.push(l.id);
        const d = l.record.durationS ?? 0;
        timeline.lines.push({
          lineId: l.id,
          character: l.record.character,
          text: l.record.text,
          startS: round6(at),
          durationS: round6(d),
          ...(l.record.audioAssetId === undefined ? {} : { audioAssetId: l.record.audioAssetId }),
        });
        at += d + LINE_GAP_S;
      }
      frame += length;
    }
    const scene = sceneByNumber.get(n);
    timeline.scenes.push({
      sceneNumber: n,
      startS: round6(sceneStart / fps),
      durationS: round6((frame - sceneStart) / fps),
      mood: scene ? sceneMood(scene) : 'neutral',
    });
  }
  timeline.durationS = round6(frame / fps);
  return { timeline, shotsWithoutFrames, unplacedLines, unvoicedLines };
}
