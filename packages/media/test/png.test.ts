import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { asciiJson, pngSize, readPngText, renderSvgToPng, writePngText } from '../src/index.ts';

const svg =
  '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20" fill="#c33"/><text x="2" y="15" font-size="12">Hi</text></svg>';

describe('png helpers', () => {
  it('renders SVG to PNG at its own size or a given width', () => {
    expect(pngSize(renderSvgToPng(svg))).toEqual({ width: 40, height: 20 });
    expect(pngSize(renderSvgToPng(svg, { width: 100 }))).toEqual({ width: 100, height: 50 });
    expect(() => renderSvgToPng('<svg', {})).toThrow(expect.objectContaining({ code: 'MEDIA_SVG_INVALID' }));
  });

  it('writes tEXt chunks right after IHDR with a correct CRC, and reads them back', () => {
    const png = renderSvgToPng(svg);
    const text = asciiJson({ name: 'Zoë', city: '東京', q: '"<&>"' });
    expect(/^[\x20-\x7e]*$/.test(text)).toBe(true);
    const out = writePngText(png, { 'automovie:composition': text, Software: 'automovie' });
    expect(readPngText(out)).toEqual({ 'automovie:composition': text, Software: 'automovie' });
    expect(JSON.parse(readPngText(out)['automovie:composition'] as string)).toEqual({ name: 'Zoë', city: '東京', q: '"<&>"' });
    expect(pngSize(out)).toEqual({ width: 40, height: 20 });
    // IHDR is 8 + 12 + 13 bytes; the first tEXt chunk follows it.
    const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
    const at = 8 + 25;
    const len = view.getUint32(at);
    expect(String.fromCharCode(...out.subarray(at + 4, at + 8))).toBe('tEXt');
    expect(view.getUint32(at + 8 + len)).toBe(crc32(out.subarray(at + 4, at + 8 + len)));
    // Everything after the inserted chunks is the original file.
    expect(Buffer.from(out.subarray(out.length - (png.length - 33))).equals(Buffer.from(png.subarray(33)))).toBe(true);
  });

  it('refuses what is not a PNG and text that is not Latin-1', () => {
    expect(() => pngSize(new Uint8Array(40))).toThrow(expect.objectContaining({ code: 'MEDIA_PNG_INVALID' }));
    expect(() => readPngText(new TextEncoder().encode('GIF89a………………………………………'))).toThrow(
      expect.objectContaining({ code: 'MEDIA_PNG_INVALID' }),
    );
    const png = renderSvgToPng(svg);
    expect(() => writePngText(png, { k: '東京' })).toThrow(expect.objectContaining({ code: 'MEDIA_INVALID_INPUT' }));
    expect(() => writePngText(png, { '': 'x' })).toThrow(/keyword/);
    const truncated = png.subarray(0, 40);
    expect(() => readPngText(truncated)).toThrow(expect.objectContaining({ code: 'MEDIA_PNG_INVALID' }));
  });
});
