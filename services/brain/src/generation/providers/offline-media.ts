import type { CameraMovement } from '@automovie/contracts';
import {
  buildBlockoutGlb,
  cameraMoveVideo,
  pngSize,
  renderStoryboardFrame,
  synthesizeMusic,
  synthesizeSoundEffect,
  synthesizeSpeech,
} from '@automovie/media';
import type { MediaResult, Provider, ProviderCallContext, ProviderKind, ProviderRequests } from '../provider.ts';

/**
 * The offline media providers: honest draft quality made on this machine from packages/media
 * (SVG storyboard frames, camera moves with ffmpeg, espeak-ng speech, synthesized beds and
 * effects, procedural glTF blockouts). They cost nothing and are deterministic for a seed, so the
 * gateway's cache and the pipeline's idempotent steps work the same as with paid providers.
 */

function free<K extends ProviderKind>(
  kind: K,
  name: string,
  model: string,
  run: (req: ProviderRequests[K], ctx: ProviderCallContext) => Promise<MediaResult>,
): Provider<K> {
  return {
    kind,
    name,
    offline: true,
    models: [model],
    defaultModel: model,
    estimateCostUsd: () => 0,
    costUsd: () => 0,
    run,
  } as unknown as Provider<K>;
}

/** Storyboard frames drawn from the composition (or one derived from the prompt). */
export function createOfflineStoryboardProvider(): Provider<'image'> {
  return free('image', 'offline-storyboard', 'storyboard-svg-1', async (req, ctx) => {
    const png = await renderStoryboardFrame({
      prompt: req.prompt,
      ...(req.composition ? { composition: req.composition } : {}),
      width: req.width,
      height: req.height,
      seed: ctx.seed,
    });
    const { width, height } = pngSize(png);
    return { bytes: png, mime: 'image/png', width, height };
  });
}

/** A camera move over the start image; without one, over a storyboard frame drawn from the prompt. */
export function createOfflineCameraProvider(): Provider<'video'> {
  return free('video', 'offline-camera', 'camera-move-1', async (req, ctx) => {
    const image =
      req.image?.bytes ?? (await renderStoryboardFrame({ prompt: req.prompt, width: req.width, height: req.height, seed: ctx.seed }));
    const mp4 = await cameraMoveVideo(
      { image, durationS: req.durationS, movement: req.movement as CameraMovement, width: req.width, height: req.height, fps: req.fps },
      { signal: ctx.signal },
    );
    return {
      bytes: mp4,
      mime: 'video/mp4',
      width: req.width,
      height: req.height,
      durationS: Math.max(1, Math.round(req.durationS * req.fps)) / req.fps,
    };
  });
}

/** espeak-ng, one voice per VoiceSpec, with word timings measured from the audio. */
export function createEspeakSpeechProvider(): Provider<'speech'> {
  return free('speech', 'espeak-ng', 'espeak-ng', async (req, ctx) => {
    const r = await synthesizeSpeech({ text: req.text, voice: req.voice }, { signal: ctx.signal });
    return { bytes: r.wav, mime: 'audio/wav', durationS: r.durationS, timings: r.timings };
  });
}

/** A synthesized music bed for a mood. */
export function createOfflineMusicProvider(): Provider<'music'> {
  // The model names the composer: a new one must not be served beds cached from the old (cache keys include it).
  return free('music', 'offline-synth', 'synth-bed-2', async (req, ctx) => {
    const wav = await synthesizeMusic(
      { mood: req.mood, durationS: req.durationS, seed: ctx.seed, ...(req.tempoBpm === undefined ? {} : { tempoBpm: req.tempoBpm }) },
      { signal: ctx.signal },
    );
    return { bytes: wav, mime: 'audio/wav', durationS: req.durationS };
  });
}

/** A synthesized sound effect or ambience from its description. */
export function createOfflineSfxProvider(): Provider<'sfx'> {
  return free('sfx', 'offline-synth', 'synth-sfx-1', async (req, ctx) => {
    const wav = await synthesizeSoundEffect(
      { description: req.description, durationS: req.durationS, seed: ctx.seed },
      { signal: ctx.signal },
    );
    return { bytes: wav, mime: 'audio/wav', durationS: req.durationS };
  });
}

/** A procedural glTF blockout of the described elements. */
export function createOfflineBlockoutProvider(): Provider<'model3d'> {
  return free('model3d', 'offline-blockout', 'blockout-1', async (req, ctx) => {
    const glb = await buildBlockoutGlb({ description: req.description, elements: req.elements, seed: ctx.seed });
    return { bytes: glb, mime: 'model/gltf-binary' };
  });
}

/** Every offline media provider, one per kind. */
export function createOfflineMediaProviders(): Provider[] {
  return [
    createOfflineStoryboardProvider(),
    createOfflineCameraProvider(),
    createEspeakSpeechProvider(),
    createOfflineMusicProvider(),
    createOfflineSfxProvider(),
    createOfflineBlockoutProvider(),
  ] as Provider[];
}
