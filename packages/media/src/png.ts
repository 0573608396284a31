import { crc32 } from 'node:zlib';
import { Resvg, type ResvgRenderOptions, renderAsync } from '@resvg/resvg-js';
import { MediaError } from './errors.ts';

/** The one font the SVG renderer loads, so output never depends on what else is installed. */
export const DEJAVU_SANS = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';
const DEJAVU_SANS_BOLD = '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf';

function resvgOptions(width: number | undefined): ResvgRenderOptions {
  const opts: ResvgRenderOptions = {
    font: {
      loadSystemFonts: false,
      fontFiles: [DEJAVU_SANS, DEJAVU_SANS_BOLD],
      defaultFontFamily: 'DejaVu Sans',
      sansSerifFamily: 'DejaVu Sans',
    },
    logLevel: 'off',
  };
  if (width !== undefined) {
    if (!Number.isInteger(width) || width < 1 || width > 8192)
      throw new MediaError('MEDIA_INVALID_INPUT', `width must be an integer from 1 to 8192 (got ${width})`);
    opts.fitTo = { mode: 'width', value: width };
  }
  return opts;
}

export interface SvgToPngOptions {
  /** Output width in pixels; the height follows the SVG's aspect ratio. Default: the SVG's own width. */
  width?: number;
}

/** Renders an SVG document to PNG bytes with resvg (DejaVu Sans as the only font). */
export function renderSvgToPng(svg: string, opts: SvgToPngOptions = {}): Uint8Array {
  try {
    return new Uint8Array(new Resvg(svg, resvgOptions(opts.width)).render().asPng());
  } catch (err) {
    if (err instanceof MediaError) throw err;
    throw new MediaError('MEDIA_SVG_INVALID', `SVG could not be rendered: ${(err as Error).message}`, { cause: err });
  }
}

/** Like renderSvgToPng, on libuv's thread pool so the event loop stays free. */
export async function renderSvgToPngAsync(svg: string, opts: SvgToPngOptions = {}): Promise<Uint8Array> {
  const options = resvgOptions(opts.width);
  try {
    return new Uint8Array((await renderAsync(svg, options)).asPng());
  } catch (err) {
    throw new MediaError('MEDIA_SVG_INVALID', `SVG could not be rendered: ${(err as Error).message}`, { cause: err });
  }
}

// ── chunks ─────────────────────────────────────────────────────────────────────────────────
const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

interface Chunk {
  type: string;
  /** Offset of the chunk's length field. */
  start: number;
  /** Offset just past the chunk's CRC. */
  end: number;
  data: Uint8Array;
}

function assertPng(png: Uint8Array): void {
  if (png.length < 33 || SIGNATURE.some((b, i) => png[i] !== b)) throw new MediaError('MEDIA_PNG_INVALID', 'not a PNG: bad signature');
}

function* chunks(png: Uint8Array): Generator<Chunk> {
  assertPng(png);
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  let p = 8;
  while (p + 12 <= png.length) {
    const len = view.getUint32(p);
    const end = p + 12 + len;
    if (end > png.length) throw new MediaError('MEDIA_PNG_INVALID', `PNG chunk at byte ${p} runs past the end of the file`);
    const type = String.fromCharCode(...png.subarray(p + 4, p + 8));
    yield { type, start: p, end, data: png.subarray(p + 8, p + 8 + len) };
    if (type === 'IEND') return;
    p = end;
  }
  throw new MediaError('MEDIA_PNG_INVALID', 'PNG ends before its IEND chunk (truncated file)');
}

/** Width and height from the PNG's IHDR chunk. */
export function pngSize(png: Uint8Array): { width: number; height: number } {
  for (const c of chunks(png)) {
    if (c.type !== 'IHDR' || c.data.length < 8) break;
    const view = new DataView(c.data.buffer, c.data.byteOffset, c.data.byteLength);
    return { width: view.getUint32(0), height: view.getUint32(4) };
  }
  throw new MediaError('MEDIA_PNG_INVALID', 'not a PNG: IHDR is not the first chunk');
}

/** Every tEXt chunk of a PNG as keyword → text (Latin-1, as the PNG specification defines it). */
export function readPngText(png: Uint8Array): Record<string, string> {
  const out: Record<string, string> = {};
  const latin1 = new TextDecoder('latin1');
  for (const c of chunks(png)) {
    if (c.type !== 'tEXt') continue;
    const sep = c.data.indexOf(0);
    if (sep < 1) continue;
    out[latin1.decode(c.data.subarray(0, sep))] = latin1.decode(c.data.subarray(sep + 1));
  }
  return out;
}

function latin1Bytes(text: string, what: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 255) throw new MediaError('MEDIA_INVALID_INPUT', `${what} must be Latin-1 (character ${i} is U+${code.toString(16)})`);
    bytes[i] = code;
  }
  return bytes;
}

/**
 * Returns a copy of `png` with tEXt chunks added right after IHDR. Keywords are 1–79 Latin-1
 * characters; text must be Latin-1 (escape anything else, e.g. JSON with `\u00e9` escapes).
 */
export function writePngText(png: Uint8Array, entries: Record<string, string>): Uint8Array {
  const first = chunks(png).next();
  if (first.done || first.value.type !== 'IHDR') throw new MediaError('MEDIA_PNG_INVALID', 'not a PNG: IHDR is not the first chunk');
  const insertAt = first.value.end;
  const extra: Uint8Array[] = [];
  for (const [keyword, text] of Object.entries(entries)) {
    if (!/^[\x20-\x7e\xa1-\xff]{1,79}$/.test(keyword) || /^ | $| {2}/.test(keyword))
      throw new MediaError('MEDIA_INVALID_INPUT', `PNG text keyword "${keyword}" must be 1–79 printable Latin-1 characters`);
    const body = new Uint8Array(keyword.length + 1 + text.length);
    body.set(latin1Bytes(keyword, 'keyword'), 0);
    body.set(latin1Bytes(text, `text of "${keyword}"`), keyword.length + 1);
    const chunk = new Uint8Array(12 + body.length);
    const view = new DataView(chunk.buffer);
    view.setUint32(0, body.length);
    chunk.set([0x74, 0x45, 0x58, 0x74], 4); // "tEXt"
    chunk.set(body, 8);
    view.setUint32(8 + body.length, crc32(chunk.subarray(4, 8 + body.length)));
    extra.push(chunk);
  }
  const total = png.length + extra.reduce((n, c) => n + c.length, 0);
  const out = new Uint8Array(total);
  out.set(png.subarray(0, insertAt), 0);
  let p = insertAt;
  for (const c of extra) {
    out.set(c, p);
    p += c.length;
  }
  out.set(png.subarray(insertAt), p);
  return out;
}

/** JSON with every non-ASCII character escaped, so it fits a Latin-1 tEXt chunk losslessly. */
export function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
