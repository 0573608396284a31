import { crc32, deflateSync } from 'node:zlib';
import type { ProjectBundle } from '@automovie/contracts';

/** A solid-colour RGB PNG of w×h, encoded here so unit tests need no image library. */
export function solidPng(w: number, h: number, rgb: [number, number, number]): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  const row = Buffer.alloc(1 + w * 3);
  for (let x = 0; x < w; x++) row.set(rgb, 1 + x * 3);
  const raw = Buffer.concat(Array.from({ length: h }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const now = '2025-01-01T00:00:00.000Z';

/** A small but complete bundle: 2 characters, 2 scenes with dialogue, `shotsPerScene` shots each. */
export function sampleBundle(shotsPerScene = 3): ProjectBundle {
  const scene = (n: number) => ({
    id: `scene-${n}`,
    number: n,
    heading: n === 1 ? 'INT. LIGHTHOUSE - NIGHT' : 'EXT. HARBOUR - DAWN',
    intExt: n === 1 ? ('INT' as const) : ('EXT' as const),
    location: n === 1 ? 'Lighthouse' : 'Harbour',
    timeOfDay: n === 1 ? ('NIGHT' as const) : ('DAWN' as const),
    summary: `Scene ${n} summary: Mara and Ódon argue about the lamp — «it must stay lit».`,
    elements: [
      { type: 'action' as const, text: 'Wind rattles the glass.' },
      { type: 'dialogue' as const, character: 'MARA', text: 'The lamp stays lit tonight.', parenthetical: 'quietly' },
      { type: 'dialogue' as const, character: 'ÓDON', text: 'Then you will keep it lit alone.' },
    ],
  });
  const shots = [1, 2].flatMap((s) =>
    Array.from({ length: shotsPerScene }, (_, i) => ({
      id: `shot-${s}-${i + 1}`,
      sceneNumber: s,
      order: i + 1,
      type: 'medium_close' as const,
      angle: 'eye_level' as const,
      movement: 'push_in' as const,
      lensMm: 35,
      durationS: 3,
      description: `Shot ${i + 1} of scene ${s}: Mara at the window, the beam sweeping over the water behind her.`,
      characters: ['Mara'],
      elementIndexes: i === 0 ? [1, 2] : [],
    })),
  );
  const character = (name: string, palette: string[]) => ({
    id: `char-${name
      .normalize('NFKD')
      .replace(/[^a-z]/gi, '')
      .toLowerCase()}`,
    name,
    role: 'protagonist' as const,
    bio: `${name} keeps the light.`,
    traits: ['stubborn'],
    visualDescription: `${name} in a yellow oilskin`,
    identity: { palette, silhouette: 'slim' as const, hair: 'long' as const, accessory: 'scarf' as const },
    voice: { gender: 'female' as const, pitch: 50, rate: 160, variant: 'f3' },
  });
  return {
    schemaVersion: 1,
    exportedAt: now,
    project: { id: 'p1', name: 'The Last Keeper', status: 'draft', createdAt: now, updatedAt: now },
    story: {
      idea: 'a lighthouse keeper',
      options: [],
      targetDurationS: 60,
      outline: {
        title: 'The Last Keeper',
        logline: 'A keeper refuses to let the light go out.',
        synopsis: 'Mara keeps the lighthouse. '.repeat(40),
        structure: 'three_act',
        tone: 'wry, tender',
        genre: 'drama',
        beats: [
          { act: 1, order: 1, name: 'Setup', summary: 'The light.' },
          { act: 2, order: 2, name: 'Midpoint', summary: 'The storm.' },
          { act: 3, order: 3, name: 'End', summary: 'Dawn.' },
        ],
      },
    },
    characters: [character('Mara', ['#d4a017', '#1f3a5f', '#f2e8cf']), character('Ódon', ['#5b3a29', '#9c9c9c'])],
    locations: [],
    scenes: [scene(1), scene(2)],
    lines: [],
    shots,
    timeline: null,
    relationships: [],
    assets: [],
  };
}
