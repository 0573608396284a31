// Realtime factors of the offline media path: espeak-ng speech (seconds of speech per wall
// second) and a 60 s animatic (20 stills, 1280×720, 24 fps, transitions, audio, subtitles).
// Run: node packages/media/bench/audio-video.bench.ts
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@automovie/testing';
import { formatSrt, mixAudio, renderTimeline, synthesizeMusic, synthesizeSpeech } from '../src/index.ts';

/** CPU seconds of this process and its waited-for children (ffmpeg, espeak-ng), from /proc. */
function cpuSeconds(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  // After the command name: utime stime cutime cstime are fields 12–15 (0-based from state).
  return fields.slice(11, 15).reduce((a, b) => a + Number(b), 0) / 100;
}

const say = (line: string) => process.stdout.write(`${line}\n`);
const dir = await tempDir('automovie-media-bench-');
try {
  const lines = [
    'Get back to the truck, we do not have much time.',
    'I told you this would happen, and nobody listened to me.',
    'Whatever happens tonight, promise me you will keep the lights on.',
    'It is not about the money; it never was, Detective Okafor.',
    'The harbour smells of diesel and rain at this hour.',
  ];
  const voices = [
    { gender: 'female' as const, pitch: 65, rate: 165, variant: 'f3' },
    { gender: 'male' as const, pitch: 35, rate: 150, variant: 'm3' },
    { gender: 'female' as const, pitch: 55, rate: 180, variant: 'f5' },
    { gender: 'male' as const, pitch: 45, rate: 170, variant: 'klatt4' },
  ];
  let speechS = 0;
  let t0 = performance.now();
  const dialogue: Array<{ path: string; startS: number }> = [];
  let i = 0;
  for (const voice of voices)
    for (const text of lines) {
      const r = await synthesizeSpeech({ text, voice });
      const path = join(dir.path, `line-${i}.wav`);
      writeFileSync(path, r.wav);
      if (dialogue.length < 12) dialogue.push({ path, startS: 1 + dialogue.length * 4.8 });
      speechS += r.durationS;
      i++;
    }
  const speechWall = (performance.now() - t0) / 1000;
  say(`speech: ${speechS.toFixed(1)} s of speech in ${speechWall.toFixed(2)} s wall → ${(speechS / speechWall).toFixed(1)} s/s`);

  t0 = performance.now();
  writeFileSync(join(dir.path, 'music.wav'), await synthesizeMusic({ mood: 'tense', durationS: 60, seed: 1 }));
  say(`music: 60 s bed in ${((performance.now() - t0) / 1000).toFixed(2)} s wall`);
  t0 = performance.now();
  await mixAudio({ durationS: 60, dialogue, music: { path: join(dir.path, 'music.wav') }, outPath: join(dir.path, 'mix.wav') });
  say(`mix: 60 s, ${dialogue.length} lines, ducking + loudnorm in ${((performance.now() - t0) / 1000).toFixed(2)} s wall`);

  const colours = ['0x803020', '0x205080', '0x307040', '0x705090', '0x906030'];
  const stills = colours.map((c, k) => {
    const path = join(dir.path, `still-${k}.png`);
    execFileSync('ffmpeg', [
      '-hide_banner',
      '-loglevel',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      `gradients=s=1280x720:c0=${c}:c1=0xe0d0b0:seed=${k},drawgrid=w=80:h=80:t=3:c=white@0.5`,
      '-frames:v',
      '1',
      path,
    ]);
    return path;
  });
  const moves = ['push_in', 'pan_right', 'static', 'tracking', 'pull_out', 'tilt_up', 'pan_left', 'tilt_down'] as const;
  const transitions = ['cut', 'dissolve', 'fade', 'cut'] as const;
  const clips = Array.from({ length: 20 }, (_, k) => ({
    path: stills[k % stills.length]!,
    kind: 'image' as const,
    durationS: 3,
    movement: moves[k % moves.length]!,
    transition: transitions[k % transitions.length]!,
    transitionS: 0.5,
  }));
  const cues = dialogue.map((d, k) => ({ startS: d.startS, endS: d.startS + 3, text: lines[k % lines.length]! }));
  const before = cpuSeconds();
  t0 = performance.now();
  const r = await renderTimeline({
    width: 1280,
    height: 720,
    fps: 24,
    format: 'mp4',
    clips,
    audioPath: join(dir.path, 'mix.wav'),
    subtitlesSrt: formatSrt(cues),
    outPath: join(dir.path, 'animatic.mp4'),
  });
  const wall = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds() - before;
  say(
    `timeline: ${r.durationS.toFixed(2)} s at 1280×720/24 (20 stills, mixed moves and transitions, audio, subtitles) in ${wall.toFixed(1)} s wall, ${cpu.toFixed(1)} CPU s → ${(r.durationS / wall).toFixed(2)}× realtime; ${(r.bytes / 1e6).toFixed(1)} MB`,
  );
  say(`load average while measuring: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
} finally {
  await dir.remove();
}
