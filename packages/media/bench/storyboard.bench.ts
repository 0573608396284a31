// Frames per second of the offline storyboard renderer at 1280×720, one at a time and two at a
// time (renderStoryboardFrame renders on libuv's pool). Run: node packages/media/bench/storyboard.bench.ts
import { loadavg } from 'node:os';
import type { Composition } from '@automovie/contracts';
import { renderStoryboardFrame } from '../src/index.ts';

const shots: Composition['shotType'][] = [
  'extreme_wide',
  'wide',
  'full',
  'medium',
  'medium_close',
  'close_up',
  'extreme_close_up',
  'over_the_shoulder',
  'two_shot',
  'insert',
  'pov',
];
const frames = Array.from({ length: 22 }, (_, i): Parameters<typeof renderStoryboardFrame>[0] => ({
  prompt: `frame ${i}`,
  seed: i,
  width: 1280,
  height: 720,
  composition: {
    shotType: shots[i % shots.length] as Composition['shotType'],
    angle: i % 5 === 4 ? 'high' : 'eye_level',
    movement: i % 3 === 0 ? 'push_in' : undefined,
    figures: [
      {
        name: 'Mara',
        identity: { palette: ['#e0ac82', '#3f6e8c', '#d9a43a', '#6b3a22'], silhouette: 'slim', hair: 'long', accessory: 'scarf' },
      },
      {
        name: 'Jon',
        identity: { palette: ['#a86f4c', '#7a4b45', '#e0c060', '#1c1c22'], silhouette: 'broad', hair: 'short', accessory: 'glasses' },
      },
    ],
    location:
      i % 2
        ? { name: 'Harbour road', intExt: 'EXT', timeOfDay: 'NIGHT', elements: ['street', 'lamp', 'building', 'tree', 'car'] }
        : { name: 'Kitchen', intExt: 'INT', timeOfDay: 'DAY', elements: ['window', 'table', 'shelf', 'door'] },
    caption: `${i + 1}.1 — Mara opens the letter while Jon watches`,
  },
}));

await renderStoryboardFrame(frames[0]!); // warm-up: fonts, JIT
let t = performance.now();
for (const f of frames) await renderStoryboardFrame(f);
const seq = frames.length / ((performance.now() - t) / 1000);
t = performance.now();
for (let i = 0; i < frames.length; i += 2) await Promise.all(frames.slice(i, i + 2).map(renderStoryboardFrame));
const par = frames.length / ((performance.now() - t) / 1000);
process.stdout.write(
  `1280x720: ${seq.toFixed(1)} frames/s sequential, ${par.toFixed(1)} frames/s two at a time (load average ${loadavg()[0]?.toFixed(1)})\n`,
);
