import { filmIds, generate_music, generate_sound_effect, type SceneScore, score_scene } from '@automovie/contracts';
import { hashOf, readRecord, seedOf, writeRecord } from '@automovie/film-graph';
import { implementTool } from '@automovie/mcp-ws';
import { ambienceFor } from '../ambience.ts';
import { type AudioContext, callClients } from '../context.ts';
import { AudioError } from '../errors.ts';
import { audioRecordIds, ScoreRecordSchema } from '../records.ts';

/** Longest ambience the generators make; the mix loops it over a longer scene. */
const MAX_AMBIENCE_S = 60;

export const scoreSceneTool = (ctx: AudioContext) =>
  implementTool(score_scene, async ({ projectId, sceneNumber, seed }, call) => {
    const { brain, graph } = callClients(ctx, call.principal, projectId);
    const timeline = await graph.timeline();
    if (!timeline) {
      throw new AudioError('AUDIO_NO_TIMELINE', `Project ${projectId} has no timeline yet: run the video service's build_timeline first`, {
        tool: 'video.build_timeline',
      });
    }
    const wanted = sceneNumber === undefined ? timeline.scenes : timeline.scenes.filter((s) => s.sceneNumber === sceneNumber);
    if (wanted.length === 0 && sceneNumber !== undefined) {
      throw new AudioError(
        'AUDIO_SCENE_NOT_FOUND',
        `sceneNumber: scene ${sceneNumber} is not on the timeline (scenes: ${timeline.scenes.map((s) => s.sceneNumber).join(', ') || 'none'})`,
        {
          field: 'sceneNumber',
        },
      );
    }
    const [scenes, locations] = await Promise.all([graph.scenes(), graph.locations()]);
    const sceneById = new Map(scenes.map((s) => [s.record.number, s.record]));
    const locById = new Map(locations.map((l) => [l.id, l.record]));

    let done = 0;
    let generated = 0;
    const out: SceneScore[] = new Array(wanted.length);
    const work = wanted.map((ts, i) => async () => {
      const scene = sceneById.get(ts.sceneNumber);
      const ambience = scene
        ? ambienceFor(scene, locById.get(filmIds.location(scene.location)))
        : `Ambience of scene ${ts.sceneNumber}: room tone`;
      const durationS = Math.max(0.1, Math.round(ts.durationS * 100) / 100);
      const sceneSeed = seed ?? seedOf(`score:${ts.sceneNumber}`);
      const key = hashOf({ mood: ts.mood, durationS, ambience, seed: sceneSeed });
      const stored = await readRecord(brain, projectId, audioRecordIds.score(ts.sceneNumber), ScoreRecordSchema);
      if (stored?.key === key) {
        out[i] = {
          sceneNumber: ts.sceneNumber,
          mood: stored.mood,
          durationS,
          musicAssetId: stored.musicAssetId,
          ambience,
          ambienceAssetId: stored.ambienceAssetId,
          reused: true,
        };
      } else {
        const heading = scene?.heading ?? `scene ${ts.sceneNumber}`;
        const [music, amb] = await Promise.all([
          brain.call(
            generate_music,
            {
              projectId,
              mood: ts.mood,
              durationS,
              prompt: `${ts.mood} underscore for ${heading}${scene?.summary ? `: ${scene.summary}` : ''}`.slice(0, 2000),
              seed: sceneSeed,
            },
            { signal: call.signal },
          ),
          brain.call(
            generate_sound_effect,
            { projectId, description: ambience, durationS: Math.min(durationS, MAX_AMBIENCE_S), seed: sceneSeed },
            { signal: call.signal },
          ),
        ]);
        generated++;
        await writeRecord(brain, projectId, {
          id: audioRecordIds.score(ts.sceneNumber),
          kind: 'score',
          description: `Score of scene ${ts.sceneNumber}: ${ts.mood} music, ${ambience}`,
          data: {
            key,
            sceneNumber: ts.sceneNumber,
            mood: ts.mood,
            durationS,
            musicAssetId: music.asset.id,
            ambience,
            ambienceAssetId: amb.asset.id,
          },
        });
        out[i] = {
          sceneNumber: ts.sceneNumber,
          mood: ts.mood,
          durationS,
          musicAssetId: music.asset.id,
          ambience,
          ambienceAssetId: amb.asset.id,
          reused: false,
        };
      }
      done++;
      await call.progress({ progress: done, total: wanted.length, message: `scene ${ts.sceneNumber}` });
    });
    // A few scenes at once: each is two generation calls that mostly wait on a provider or ffmpeg.
    let next = 0;
    const lane = async () => {
      while (next < work.length) {
        call.signal.throwIfAborted();
        await work[next++]!();
      }
    };
    await Promise.all(Array.from({ length: Math.min(ctx.config.AUDIO_SCORE_PARALLELISM, work.length) }, lane));
    call.log.info({ projectId, scenes: out.length, generated }, 'scored scenes');
    return { scenes: out, generated, reused: out.length - generated };
  });
