// Storyboard frames (SVG → PNG), PNG helpers and procedural glTF blockouts.
export { type BlockoutInput, buildBlockoutGlb, deriveBlockoutElements } from './blockout.ts';
// Audio and video: ffmpeg (through fluent-ffmpeg) and espeak-ng.
export { cameraMoveVideo, stillMoveChain } from './camera.ts';
export { concatMedia, thumbnail, transcode, trimMedia } from './convert.ts';
export { undecodableReason } from './decode-check.ts';
export { MediaError, type MediaErrorCode, MediaErrorCodes } from './errors.ts';
export { type Biquad, gatedLoudness, kWeighting } from './loudness.ts';
export { type MixSpec, MixSpecSchema, mixAudio } from './mix.ts';
export { type Composition, composeMusic, MUSIC_MOODS, type MusicMood, type MusicSection, resolveMood, synthesizeMusic } from './music.ts';
export { asciiJson, pngSize, readPngText, renderSvgToPng, renderSvgToPngAsync, type SvgToPngOptions, writePngText } from './png.ts';
export { type MediaProbe, type MediaStreamInfo, probeMedia } from './probe.ts';
export { soundEffectLayers, synthesizeSoundEffect } from './sound-effects.ts';
export { espeakVoiceName, synthesizeSpeech } from './speech.ts';
export { deriveComposition, identityForName } from './storyboard/derive.ts';
export {
  COMPOSITION_TEXT_KEY,
  renderStoryboardFrame,
  resolveComposition,
  type StoryboardInput,
  storyboardSvg,
} from './storyboard/frame.ts';
export { type Cue, formatSrt, formatVtt, parseSrt } from './subtitles.ts';
export { escapeXml } from './svg.ts';
export { planTimeline, renderTimeline, type TimelineSpec, TimelineSpecSchema } from './timeline.ts';
export { decodeWav, encodeWav16, rmsBetween, wavInfo } from './wav.ts';
export { alignWords, detectSpeechSegments, estimateSyllables } from './word-timings.ts';
