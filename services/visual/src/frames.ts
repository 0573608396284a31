import type { CharacterRecord, Composition, Figure, LocationRecord, SceneRecord, ShotRecord, StylePreset } from '@automovie/contracts';
import { hashOf, resolveName, seedOf } from '@automovie/film-graph';

/**
 * A storyboard frame's request — prompt, staging, reference images, size, seed — built from the
 * shot, its scene and location, the characters in frame and the style; and its frameKey, the hash
 * of all of that. A frame whose key matches the one it was drawn with is not drawn again.
 */

interface Stored<T> {
  id: string;
  record: T;
}

/** One frame as gpu-tasks render_frames takes it. */
export interface FrameRequest {
  key: string;
  prompt: string;
  composition: Composition;
  referenceAssetIds: string[];
  width: number;
  height: number;
  seed: number;
}

export interface FrameInput {
  shot: Stored<ShotRecord>;
  scene?: SceneRecord;
  location?: LocationRecord;
  characters: readonly Stored<CharacterRecord>[];
  style: StylePreset;
  width: number;
  height: number;
  seed: number;
}

const MAX_REFERENCES = 8;
const MAX_FIGURES = 8;

function clip(text: string, max: number): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length <= max ? t : `${t.slice(0, max - 1)}…`;
}

/** The seed a shot's frame is drawn with: its own (set by regenerate_frame), else derived from the base seed and the shot. */
export function frameSeed(shotId: string, base: number, own?: number): number {
  return own ?? seedOf(`${base}:${shotId}`);
}

/** The characters a shot shows, in its order, resolved against the bible; names that mean no one are left out. */
export function inFrame(shot: ShotRecord, characters: readonly Stored<CharacterRecord>[]): Stored<CharacterRecord>[] {
  const cast = characters.map((c) => ({ id: c.id, name: c.record.name }));
  const out: Stored<CharacterRecord>[] = [];
  for (const name of shot.characters) {
    const hit = resolveName(name, cast);
    const c = hit && characters.find((x) => x.id === hit.id);
    if (c && !out.includes(c)) out.push(c);
  }
  return out;
}

/** Who speaks in the dialogue a shot covers. */
function speakersOf(shot: ShotRecord, scene: SceneRecord | undefined, characters: readonly Stored<CharacterRecord>[]): Set<string> {
  const cast = characters.map((c) => ({ id: c.id, name: c.record.name }));
  const ids = new Set<string>();
  for (const i of shot.elementIndexes) {
    const el = scene?.elements[i];
    if (el?.type !== 'dialogue') continue;
    const who = resolveName(el.character, cast);
    if (who) ids.add(who.id);
  }
  return ids;
}

/** Where the frame is set: the Location node's name and props, the scene's own INT/EXT and time of day. */
function locationOf(shot: ShotRecord, scene: SceneRecord | undefined, location: LocationRecord | undefined): Composition['location'] {
  // A location is shot at different times in different scenes: the scene's time wins, unless it is
  // CONTINUOUS or LATER, which say nothing about the light.
  const sceneTime = scene && scene.timeOfDay !== 'CONTINUOUS' && scene.timeOfDay !== 'LATER' ? scene.timeOfDay : undefined;
  return {
    name: clip(location?.name ?? scene?.location ?? `Scene ${shot.sceneNumber}`, 120),
    intExt: scene?.intExt ?? location?.intExt ?? 'INT',
    timeOfDay: sceneTime ?? location?.timeOfDay ?? scene?.timeOfDay ?? 'DAY',
    elements: (location?.elements ?? []).slice(0, 12),
  };
}

/** The staging the offline renderer draws and every renderer gets: framing, figures with their identities, set, caption, palette. */
export function buildComposition(input: Omit<FrameInput, 'width' | 'height' | 'seed'>): Composition {
  const { shot, scene, location, characters, style } = input;
  const speaking = speakersOf(shot.record, scene, characters);
  const figures: Figure[] = inFrame(shot.record, characters)
    .slice(0, MAX_FIGURES)
    .map((c) => ({
      characterId: c.id,
      name: c.record.name,
      identity: c.record.identity,
      ...(speaking.has(c.id) ? { speaking: true } : {}),
    }));
  return {
    shotType: shot.record.type,
    angle: shot.record.angle,
    movement: shot.record.movement,
    figures,
    location: locationOf(shot.record, scene, location),
    caption: clip(`${shot.record.sceneNumber}.${shot.record.order} — ${shot.record.description}`, 300),
    palette: [...style.palette],
  };
}

/** The text prompt: the shot's image prompt (its description until one is written) in the style. */
export function framePrompt(shot: ShotRecord, style: StylePreset): string {
  const base = (shot.imagePrompt ?? shot.description).trim().replace(/[.\s]+$/, '');
  const styled = base.toLowerCase().includes(style.promptSuffix.toLowerCase()) ? base : `${base}. ${style.promptSuffix}`;
  return clip(styled, 20_000);
}

/** The frame's request and its key. */
export function buildFrame(input: FrameInput): { request: FrameRequest; frameKey: string } {
  const composition = buildComposition(input);
  const referenceAssetIds = inFrame(input.shot.record, input.characters)
    .map((c) => c.record.referenceAssetId)
    .filter((id): id is string => id !== undefined)
    .slice(0, MAX_REFERENCES);
  const request: FrameRequest = {
    key: input.shot.id,
    prompt: framePrompt(input.shot.record, input.style),
    composition,
    referenceAssetIds,
    width: input.width,
    height: input.height,
    seed: input.seed,
  };
  const { key: _shot, ...drawn } = request;
  return { request, frameKey: hashOf({ v: 1, style: input.style.name, ...drawn }) };
}
