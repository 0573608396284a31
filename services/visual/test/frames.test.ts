import {
  type CharacterRecord,
  type LocationRecord,
  type SceneRecord,
  type ShotRecord,
  STYLE_PRESETS,
  type StylePreset,
} from '@automovie/contracts';
import { describe, expect, it } from 'vitest';
import { buildComposition, buildFrame, type FrameInput, framePrompt, frameSeed, inFrame } from '../src/frames.ts';

const pencil = STYLE_PRESETS[0] as StylePreset;
const noir = STYLE_PRESETS[1] as StylePreset;

function character(
  id: string,
  name: string,
  hair: CharacterRecord['identity']['hair'],
  ref?: string,
): { id: string; record: CharacterRecord } {
  return {
    id,
    record: {
      name,
      role: 'supporting',
      bio: `${name}.`,
      traits: ['kind'],
      visualDescription: `${name} in a coat.`,
      identity: { palette: ['#b03a2e', '#1f7a72'], silhouette: 'slim', hair, accessory: 'none' },
      voice: { gender: 'female', pitch: 50, rate: 170, variant: 'f1' },
      ...(ref === undefined ? {} : { referenceAssetId: ref }),
    },
  };
}
const mara = character('char-mara-quinn', 'Mara Quinn', 'long', 'asset-ref-mara');
const eli = character('char-eli', 'Eli', 'none', 'asset-ref-eli');
const scene: SceneRecord = {
  number: 2,
  heading: 'INT. LIGHTHOUSE - NIGHT',
  intExt: 'INT',
  location: 'LIGHTHOUSE',
  timeOfDay: 'NIGHT',
  summary: '',
  elements: [
    { type: 'action', text: 'Mara waits.' },
    { type: 'dialogue', character: 'MARA', text: 'Who is there?' },
    { type: 'dialogue', character: 'ELI (O.S.)', text: 'Only me.' },
  ],
};
const location: LocationRecord = {
  name: 'Lighthouse',
  intExt: 'INT',
  timeOfDay: 'DAY',
  description: 'Lamp room.',
  elements: ['window', 'lamp'],
};
const shot: { id: string; record: ShotRecord } = {
  id: 'shot-2-3',
  record: {
    sceneNumber: 2,
    order: 3,
    type: 'two_shot',
    angle: 'eye_level',
    movement: 'push_in',
    lensMm: 40,
    durationS: 4,
    description: 'Mara and Eli face each other.',
    characters: ['MARA', 'Eli', 'Somebody Else'],
    elementIndexes: [1],
    imagePrompt: 'two-shot, eye-level camera. Mara Quinn and Eli in the lamp room',
  },
};
const input = (patch: Partial<FrameInput> = {}): FrameInput => ({
  shot,
  scene,
  location,
  characters: [mara, eli],
  style: pencil,
  width: 1280,
  height: 720,
  seed: 11,
  ...patch,
});

describe('composition', () => {
  it('stages the shot: framing, figures with their bible identities, the set, the caption, the style palette', () => {
    const c = buildComposition(input());
    expect(c).toEqual({
      shotType: 'two_shot',
      angle: 'eye_level',
      movement: 'push_in',
      figures: [
        { characterId: 'char-mara-quinn', name: 'Mara Quinn', identity: mara.record.identity, speaking: true },
        { characterId: 'char-eli', name: 'Eli', identity: eli.record.identity },
      ],
      location: { name: 'Lighthouse', intExt: 'INT', timeOfDay: 'NIGHT', elements: ['window', 'lamp'] },
      caption: '2.3 — Mara and Eli face each other.',
      palette: [...pencil.palette],
    });
  });

  it('falls back to the scene when there is no Location node, and to the location’s light for CONTINUOUS', () => {
    expect(buildComposition(input({ location: undefined })).location).toEqual({
      name: 'LIGHTHOUSE',
      intExt: 'INT',
      timeOfDay: 'NIGHT',
      elements: [],
    });
    expect(buildComposition(input({ scene: { ...scene, timeOfDay: 'CONTINUOUS' } })).location.timeOfDay).toBe('DAY');
  });

  it('resolves who is in frame by cue, first name or id, once each', () => {
    expect(inFrame({ ...shot.record, characters: ['char-eli', 'ELI', 'Quinn'] }, [mara, eli]).map((c) => c.id)).toEqual([
      'char-eli',
      'char-mara-quinn',
    ]);
  });

  it('clips long captions', () => {
    const long = buildComposition(input({ shot: { ...shot, record: { ...shot.record, description: 'x'.repeat(500) } } }));
    expect(long.caption?.length).toBe(300);
  });
});

describe('frame requests and keys', () => {
  it('sends the references of the characters in frame and the styled prompt', () => {
    const { request } = buildFrame(input());
    expect(request.key).toBe('shot-2-3');
    expect(request.referenceAssetIds).toEqual(['asset-ref-mara', 'asset-ref-eli']);
    expect(request.prompt).toBe(`two-shot, eye-level camera. Mara Quinn and Eli in the lamp room. ${pencil.promptSuffix}`);
    expect(framePrompt({ ...shot.record, imagePrompt: `a frame. ${pencil.promptSuffix}.` }, pencil)).toBe(
      `a frame. ${pencil.promptSuffix}`,
    );
  });

  it('keys a frame by what it is drawn from', () => {
    const key = buildFrame(input()).frameKey;
    expect(buildFrame(input({ characters: [{ ...mara }, { ...eli }] })).frameKey).toBe(key);
    // What the frame does not show leaves the key alone.
    expect(buildFrame(input({ shot: { ...shot, record: { ...shot.record, durationS: 9 } } })).frameKey).toBe(key);
    const changed: Array<Partial<FrameInput>> = [
      { shot: { ...shot, record: { ...shot.record, description: 'Mara turns away.' } } },
      { shot: { ...shot, record: { ...shot.record, imagePrompt: 'another prompt' } } },
      { characters: [character('char-mara-quinn', 'Mara Quinn', 'long', 'asset-ref-mara-2'), eli] },
      { characters: [character('char-mara-quinn', 'Mara Quinn', 'bun', 'asset-ref-mara'), eli] },
      { width: 640 },
      { seed: 12 },
      { style: noir },
      { location: { ...location, elements: ['window'] } },
    ];
    const keys = changed.map((c) => buildFrame(input(c)).frameKey);
    expect(new Set([key, ...keys]).size).toBe(changed.length + 1);
  });

  it('derives a stable seed per shot unless the shot has its own', () => {
    expect(frameSeed('shot-1-1', 0)).toBe(frameSeed('shot-1-1', 0));
    expect(frameSeed('shot-1-1', 0)).not.toBe(frameSeed('shot-1-2', 0));
    expect(frameSeed('shot-1-1', 0)).not.toBe(frameSeed('shot-1-1', 1));
    expect(frameSeed('shot-1-1', 0, 42)).toBe(42);
  });
});
