import type { LineRecord, SceneRecord, ShotRecord } from '@automovie/contracts';
import { describe, expect, it } from 'vitest';
import { type CastMember, checkConsistency } from '../src/consistency.ts';
import { bibleLook, hexFamilies, lookClaims, lookConflict } from '../src/looks.ts';

const mara: CastMember = {
  id: 'char-mara-quinn',
  record: {
    name: 'Mara Quinn',
    role: 'protagonist',
    age: 38,
    bio: 'A lighthouse keeper.',
    traits: ['stubborn', 'observant', 'brave'],
    visualDescription:
      'A middle-aged woman, slim in build, with cropped auburn hair and fair skin; wears a brick red oilskin coat with deep teal accents and round wire glasses.',
    identity: { palette: ['#b03a2e', '#1f7a72', '#8f3b1f', '#e8bfa3'], silhouette: 'slim', hair: 'short', accessory: 'glasses' },
    voice: { gender: 'female', pitch: 60, rate: 170, variant: 'f3' },
  },
};
const eli: CastMember = {
  id: 'char-eli-navarro',
  record: {
    name: 'Eli Navarro',
    role: 'antagonist',
    age: 52,
    bio: 'A smuggler.',
    traits: ['patient', 'charming', 'calculating'],
    visualDescription:
      'A middle-aged man, broad in build, with a shaved head and brown skin; wears a cobalt blue jacket with ochre accents.',
    identity: { palette: ['#2b4fb0', '#c99a2e', '#8a5a3c'], silhouette: 'broad', hair: 'none', accessory: 'none' },
    voice: { gender: 'male', pitch: 35, rate: 145, variant: 'm2' },
  },
};
const cast = [mara, eli];

function scene(number: number, elements: SceneRecord['elements'], summary = ''): { id: string; record: SceneRecord } {
  return {
    id: `scene-${number}`,
    record: { number, heading: 'INT. LIGHTHOUSE - NIGHT', intExt: 'INT', location: 'LIGHTHOUSE', timeOfDay: 'NIGHT', summary, elements },
  };
}
function shot(sceneNumber: number, order: number, patch: Partial<ShotRecord>): { id: string; record: ShotRecord } {
  return {
    id: `shot-${sceneNumber}-${order}`,
    record: {
      sceneNumber,
      order,
      type: 'medium',
      angle: 'eye_level',
      movement: 'static',
      lensMm: 50,
      durationS: 3,
      description: 'Medium shot.',
      characters: [],
      elementIndexes: [],
      ...patch,
    },
  };
}

describe('looks', () => {
  it('reads hair, eyes and garments from a description', () => {
    const claims = lookClaims('She has long blond hair, green eyes and a navy blue raincoat.');
    expect(claims.map((c) => [c.aspect, c.words])).toEqual([
      ['hair_style', 'long blond hair'],
      ['hair', 'blond hair'],
      ['eyes', 'green eyes'],
      ['garment', 'navy blue raincoat'],
    ]);
  });

  it('does not give a colour to the wrong noun', () => {
    expect(lookClaims('blue eyes and black hair').map((c) => [c.aspect, c.words])).toEqual([
      ['eyes', 'blue eyes'],
      ['hair', 'black hair'],
    ]);
    expect(lookClaims('auburn hair under a brimmed hat').filter((c) => c.aspect === 'garment')).toEqual([]);
  });

  it('compares by colour family', () => {
    const look = bibleLook(mara.record);
    const conflict = (t: string) =>
      lookClaims(t)
        .map((c) => lookConflict(c, look))
        .filter(Boolean);
    expect(conflict('her chestnut hair')).toEqual([]);
    expect(conflict('a crimson coat')).toEqual([]);
    expect(conflict('her blond hair')).toHaveLength(1);
    expect(conflict('a yellow coat')[0]).toMatch(/brick red oilskin coat/);
    expect(conflict('long hair')).toHaveLength(1);
    expect(conflict('a teal scarf')).toEqual([]);
    expect(conflict('a pink scarf')[0]).toMatch(/palette/);
  });

  it('maps hex colours to families', () => {
    expect(hexFamilies('#b03a2e')).toContain('red');
    expect(hexFamilies('#2b4fb0')).toContain('blue');
    expect(hexFamilies('#1c1a1a')).toEqual(['black']);
    expect(hexFamilies('#bfc3c7')).toContain('grey');
  });
});

describe('checkConsistency', () => {
  const clean = () => ({
    characters: cast,
    scenes: [
      scene(1, [
        { type: 'action', text: 'MARA QUINN, in a brick red oilskin coat, climbs the stairs. Eli waits at the top, patient as stone.' },
        { type: 'dialogue', character: 'MARA', text: 'You again.' },
        { type: 'dialogue', character: 'ELI', text: 'Always.' },
      ]),
    ],
    lines: [
      {
        id: 'line-1-1',
        record: { sceneNumber: 1, elementIndex: 1, order: 1, character: 'MARA', characterId: 'char-mara-quinn', text: 'You again.' },
      },
    ] as Array<{ id: string; record: LineRecord }>,
    shots: [
      shot(1, 1, {
        characters: ['Mara Quinn', 'Eli Navarro'],
        description: 'Two-shot of Mara and Eli on the stairs.',
        imagePrompt: `two-shot. Mara Quinn: ${mara.record.visualDescription} Eli Navarro: ${eli.record.visualDescription}`,
      }),
    ],
  });

  it('finds nothing in a consistent film', () => {
    const r = checkConsistency(clean());
    expect(r.contradictions).toEqual([]);
    expect(r.checked).toEqual({ characters: 2, scenes: 1, lines: 1, shots: 1, prompts: 1 });
  });

  it('flags a visual description left behind by an identity edit', () => {
    const edited: CastMember = { id: mara.id, record: { ...mara.record, identity: { ...mara.record.identity, hair: 'bun' } } };
    const r = checkConsistency({ characters: [edited, eli], scenes: [], lines: [], shots: [] });
    expect(r.contradictions).toEqual([
      expect.objectContaining({
        kind: 'look_conflict',
        characterId: mara.id,
        where: { nodeId: mara.id, label: 'Character', field: 'visualDescription', excerpt: 'cropped auburn hair' },
      }),
    ]);
  });

  it('finds each planted contradiction, with where it is', () => {
    const input = clean();
    const s1 = input.scenes[0] as { record: SceneRecord };
    s1.record.elements.push(
      { type: 'dialogue', character: 'MARAH', text: 'Still here.' },
      { type: 'dialogue', character: 'HARBOURMASTER', text: 'Who goes there?' },
      { type: 'action', text: 'Mara shakes out her long blond hair. Eli, impatient, backs away.' },
    );
    input.scenes.push(scene(2, [{ type: 'action', text: 'The lamp turns in an empty room.' }]));
    input.shots.push(
      shot(2, 1, { characters: ['Mara Quinn'], description: 'Mara alone by the lamp.' }),
      shot(1, 2, { characters: ['Eli Navarro'], imagePrompt: 'close-up. Eli Navarro: a man with curly grey hair in a yellow jacket' }),
    );
    input.lines.push({
      id: 'line-1-2',
      record: { sceneNumber: 1, elementIndex: 2, order: 2, character: 'ELI', characterId: 'char-mara-quinn', text: 'Always.' },
    });
    const twin: CastMember = {
      id: 'char-ada',
      record: { ...mara.record, name: 'Ada', visualDescription: 'A woman.', voice: { ...mara.record.voice, pitch: 62 } },
    };
    input.characters = [...cast, twin];

    const r = checkConsistency(input);
    const found = (kind: string, where: Partial<{ nodeId: string; field: string }>) =>
      r.contradictions.filter(
        (c) => c.kind === kind && Object.entries(where).every(([k, v]) => (c.where as Record<string, unknown>)[k] === v),
      );

    expect(found('name_variant', { nodeId: 'scene-1', field: 'elements[3].character' })[0]).toMatchObject({
      characterId: 'char-mara-quinn',
      message: expect.stringMatching(/MARAH.*Mara Quinn/),
    });
    expect(found('unknown_speaker', { nodeId: 'scene-1', field: 'elements[4].character' })).toHaveLength(1);
    const looks = found('look_conflict', { nodeId: 'scene-1', field: 'elements[5].text' });
    expect(looks.map((c) => c.characterId)).toEqual(['char-mara-quinn', 'char-mara-quinn']);
    expect(looks[0]?.where.excerpt).toMatch(/long blond hair/);
    expect(found('trait_conflict', { nodeId: 'scene-1', field: 'elements[5].text' })).toMatchObject([
      { characterId: 'char-eli-navarro', message: expect.stringMatching(/impatient.*patient/) },
    ]);
    expect(found('missing_from_frame', { nodeId: 'shot-2-1', field: 'characters[0]' })).toHaveLength(1);
    const prompt = found('look_conflict', { nodeId: 'shot-1-2', field: 'imagePrompt' });
    expect(prompt.map((c) => c.message)).toEqual([
      expect.stringMatching(/no hair/),
      expect.stringMatching(/no hair/),
      expect.stringMatching(/yellow jacket.*cobalt blue jacket/),
    ]);
    expect(found('voice_conflict', { nodeId: 'char-ada', field: 'voice' })).toHaveLength(1);
    expect(found('voice_conflict', { nodeId: 'line-1-2', field: 'characterId' })).toHaveLength(1);
  });
});
