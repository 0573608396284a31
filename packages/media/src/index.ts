// Storyboard frames (SVG → PNG), PNG helpers and procedural glTF blockouts.
export { type BlockoutInput, buildBlockoutGlb, deriveBlockoutElements } from './blockout.ts';
export { asciiJson, pngSize, readPngText, renderSvgToPng, renderSvgToPngAsync, type SvgToPngOptions, writePngText } from './png.ts';
export { deriveComposition, identityForName } from './storyboard/derive.ts';
export {
  COMPOSITION_TEXT_KEY,
  renderStoryboardFrame,
  resolveComposition,
  type StoryboardInput,
  storyboardSvg,
} from './storyboard/frame.ts';
export { escapeXml } from './svg.ts';
