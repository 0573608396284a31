import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mix } from '@automovie/contracts';
import { hashOf, MixRecordSchema, readRecord, timelineAudioKey, writeRecord } from '@automovie/film-graph';
import { implementTool } from '@automovie/mcp-ws';
import { concatMedia, decodeWav, mixAudio } from '@automovie/media';
import { fetchAsset, storeAsset } from '../assets.ts';
import { type AudioContext, callClients } from '../context.ts';
import { AudioError } from '../errors.ts';
import { integratedLoudness } from '../loudness.ts';
import { audioRecordIds, type ScoreRecord, ScoreRecordSchema } from '../records.ts';

/** A score whose bed is this much shorter or longer than its scene was made for another cut. */
const SCORE_TOLERANCE_S = 0.05;

export const mixTool = (ctx: AudioContext) =>
  implementTool(mix, async ({ projectId, targetLufs }, call) => {
    const { brain, graph } = callClients(ctx, call.principal, projectId);
    const timeline = await graph.timeline();
    if (!timeline) {
      throw new AudioError('AUDIO_NO_TIMELINE', `Project ${projectId} has no timeline yet: run the video service's build_timeline first`, {
        tool: 'video.build_timeline',
      });
    }
    const unvoiced = timeline.lines.filter((l) => l.audioAssetId === undefined).map((l) => l.lineId);
    if (unvoiced.length > 0) {
      throw new AudioError(
        'AUDIO_LINE_NOT_VOICED',
        `Lines ${unvoiced.join(', ')} have no audio on the timeline: run voice_dialogue, then build_timeline`,
        {
          lineIds: unvoiced,
          tool: 'audio.voice_dialogue',
        },
      );
    }
    const scores: ScoreRecord[] = [];
    for (const s of timeline.scenes) {
      const score = await readRecord(brain, projectId, audioRecordIds.score(s.sceneNumber), ScoreRecordSchema);
      if (!score || Math.abs(score.durationS - s.durationS) > SCORE_TOLERANCE_S) {
        throw new AudioError(
          'AUDIO_NO_SCORE',
          `Scene ${s.sceneNumber} has ${score ? `a score made for ${score.durationS} s, the timeline now gives it ${s.durationS} s` : 'no score'}: run score_scene`,
          { sceneNumber: s.sceneNumber, tool: 'audio.score_scene' },
        );
      }
      scores.push(score);
    }
    const audioKey = timelineAudioKey(timeline);
    const key = hashOf({ audioKey, scores: scores.map((s) => [s.sceneNumber, s.musicAssetId, s.ambienceAssetId]), targetLufs });
    const stored = await readRecord(brain, projectId, audioRecordIds.mix(), MixRecordSchema);
    if (stored?.key === key)
      return { assetId: stored.assetId, durationS: stored.durationS, loudnessLufs: stored.loudnessLufs, reused: true };

    const dir = await mkdtemp(join(tmpdir(), 'automovie-mix-'));
    try {
      const total = timeline.scenes.length + 2;
      let step = 0;
      const progress = (message: string) => call.progress({ progress: ++step, total, message });
      // Every file once, however many lines share an audio asset.
      const paths = new Map<string, string>();
      const ids = new Set([...timeline.lines.map((l) => l.audioAssetId!), ...scores.flatMap((s) => [s.musicAssetId, s.ambienceAssetId])]);
      for (const id of ids) paths.set(id, await fetchAsset(brain, projectId, id, dir, call.signal));
      await progress(`downloaded ${ids.size} files`);

      // One mix per scene (its bed, its ambience, its lines), then the scenes end to end: each
      // scene's beds start with it and end with it, and ducking follows its own dialogue.
      const sceneFiles: string[] = [];
      for (const [i, s] of timeline.scenes.entries()) {
        const score = scores[i]!;
        const end = s.startS + s.durationS;
        const lines = timeline.lines.filter((l) => l.startS >= s.startS - 1e-6 && l.startS < end - 1e-6);
        const out = join(dir, `scene-${s.sceneNumber}.wav`);
        await mixAudio(
          {
            durationS: s.durationS,
            dialogue: lines.map((l) => ({ path: paths.get(l.audioAssetId!)!, startS: Math.max(0, l.startS - s.startS) })),
            music: { path: paths.get(score.musicAssetId)! },
            ambience: { path: paths.get(score.ambienceAssetId)! },
            ducking: true,
            loudnessLufs: targetLufs,
            outPath: out,
          },
          { signal: call.signal },
        );
        sceneFiles.push(out);
        await progress(`mixed scene ${s.sceneNumber}`);
      }
      const outPath = sceneFiles.length === 1 ? sceneFiles[0]! : join(dir, 'mix.wav');
      if (sceneFiles.length > 1) await concatMedia({ inputs: sceneFiles, output: outPath });
      const wav = decodeWav(new Uint8Array(await readFile(outPath)));
      const durationS = Math.round((wav.samples.length / wav.channels / wav.sampleRate) * 1000) / 1000;
      const loudnessLufs = Math.round(integratedLoudness(wav.samples, wav.sampleRate, wav.channels) * 10) / 10;
      const asset = await storeAsset(brain, projectId, outPath, {
        kind: 'audio',
        mime: 'audio/wav',
        filename: 'mix.wav',
        signal: call.signal,
      });
      await writeRecord(brain, projectId, {
        id: audioRecordIds.mix(),
        kind: 'mix',
        description: `Mix of ${timeline.lines.length} lines over ${timeline.scenes.length} scenes, ${durationS} s at ${loudnessLufs} LUFS`,
        data: {
          key,
          timelineAudioKey: audioKey,
          assetId: asset.id,
          durationS,
          loudnessLufs: Number.isFinite(loudnessLufs) ? loudnessLufs : -70,
        },
      });
      await progress('stored the mix');
      call.log.info({ projectId, assetId: asset.id, durationS, loudnessLufs }, 'mixed the soundtrack');
      return { assetId: asset.id, durationS, loudnessLufs: Number.isFinite(loudnessLufs) ? loudnessLufs : -70, reused: false };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
