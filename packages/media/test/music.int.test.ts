import { execFileSync, spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type TempDir, tempDir } from '@automovie/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeMusic, MUSIC_MOODS, synthesizeMusic } from '../src/music.ts';

let tmp: TempDir;
beforeAll(async () => {
  tmp = await tempDir('automovie-music-');
});
afterAll(async () => {
  await tmp?.remove();
});

/** Integrated loudness, true peak and sample peak as ffmpeg's EBU R128 meter reads them. */
function ebur128(path: string): { lufs: number; truePeakDb: number; samplePeakDb: number } {
  const r = spawnSync('ffmpeg', ['-hide_banner', '-nostats', '-i', path, '-af', 'ebur128=peak=true+sample', '-f', 'null', '-'], {
    encoding: 'utf8',
  });
  const summary = r.stderr.slice(r.stderr.lastIndexOf('Summary:'));
  const lufs = /I:\s+(-?[\d.]+) LUFS/.exec(summary);
  const samplePeak = /Sample peak:\s+Peak:\s+(-?[\d.]+|-inf) dBFS/.exec(summary);
  const truePeak = /True peak:\s+Peak:\s+(-?[\d.]+|-inf) dBFS/.exec(summary);
  if (!lufs || !samplePeak || !truePeak) throw new Error(`no ebur128 summary in: ${r.stderr.slice(-500)}`);
  const db = (x: string) => (x === '-inf' ? Number.NEGATIVE_INFINITY : Number(x));
  return { lufs: Number(lufs[1]), truePeakDb: db(truePeak[1]!), samplePeakDb: db(samplePeak[1]!) };
}

describe('music beds as ffmpeg reads them', () => {
  it.each(MUSIC_MOODS)(
    '%s: at its loudness target (or peak-limited at -1 dBFS), true peak under 0 dBTP, 16-bit stereo of the exact sample count',
    async (mood) => {
      const input = { mood, durationS: 20.5, seed: 3 };
      const path = join(tmp.path, `${mood}.wav`);
      await writeFile(path, await synthesizeMusic(input));
      const { lufs, truePeakDb, samplePeakDb } = ebur128(path);
      const target = composeMusic(input).sound.lufs;
      expect(lufs).toBeLessThanOrEqual(target + 0.5);
      // At the target, unless the -1 dBFS peak ceiling is what held the gain back.
      if (lufs < target - 0.5) expect(samplePeakDb).toBeGreaterThanOrEqual(-1.1);
      expect(lufs).toBeGreaterThanOrEqual(-19);
      expect(samplePeakDb).toBeLessThanOrEqual(-0.95);
      expect(truePeakDb).toBeLessThan(0);
      const probe = JSON.parse(
        execFileSync('ffprobe', ['-v', 'error', '-show_streams', '-count_packets', '-of', 'json', path], { encoding: 'utf8' }),
      ) as { streams: Array<{ codec_name: string; sample_rate: string; channels: number; duration_ts: number }> };
      expect(probe.streams[0]).toMatchObject({
        codec_name: 'pcm_s16le',
        sample_rate: '44100',
        channels: 2,
        duration_ts: Math.round(20.5 * 44_100),
      });
    },
  );
});
