import { describe, expect, it } from 'vitest';
import { parseRange } from '../src/assets/routes.ts';
import { ContentCheck, isUploadableMime, SNIFF_HEAD_BYTES, sniffBinary } from '../src/assets/sniff.ts';

const bytes = (...parts: Array<string | number[]>) =>
  new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? Array.from(Buffer.from(p, 'utf8')) : p)));

const SAMPLES: Record<string, Uint8Array> = {
  png: bytes([0x89], 'PNG\r\n\x1a\n', [0, 0, 0, 13]),
  jpeg: bytes([0xff, 0xd8, 0xff, 0xe0, 0, 16], 'JFIF'),
  gif: bytes('GIF89a', [1, 0, 1, 0]),
  webp: bytes('RIFF', [0, 0, 0, 0], 'WEBPVP8 '),
  wav: bytes('RIFF', [36, 0, 0, 0], 'WAVEfmt '),
  mp3: bytes('ID3', [4, 0, 0, 0, 0, 0, 0]),
  ogg: bytes('OggS', [0, 2]),
  flac: bytes('fLaC', [0, 0, 0, 34]),
  mp4: bytes([0, 0, 0, 0x20], 'ftypisom', [0, 0, 2, 0]),
  webm: bytes([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86]),
  pdf: bytes('%PDF-1.7\n%', [0xe2, 0xe3, 0xcf, 0xd3]),
  zip: bytes('PK', [3, 4, 20, 0]),
  glb: bytes('glTF', [2, 0, 0, 0]),
};

function verdict(mime: string, ...chunks: Uint8Array[]): string | undefined {
  const c = new ContentCheck(mime);
  for (const chunk of chunks) c.update(chunk);
  return c.verdict();
}

describe('upload sniffing', () => {
  it('recognises each binary format by its magic number', () => {
    for (const [family, sample] of Object.entries(SAMPLES)) expect(sniffBinary(sample), family).toBe(family);
    expect(sniffBinary(bytes([0xff, 0xfb, 0x90, 0x64]))).toBe('mp3'); // a bare MPEG frame
    expect(sniffBinary(bytes('hello world'))).toBeUndefined();
    expect(sniffBinary(new Uint8Array(0))).toBeUndefined();
  });

  it('accepts bytes of the declared type, and names what they are when they are not', () => {
    expect(verdict('image/png', SAMPLES.png as Uint8Array)).toBeUndefined();
    expect(verdict('video/mp4', SAMPLES.mp4 as Uint8Array)).toBeUndefined();
    expect(verdict('audio/mp4', SAMPLES.mp4 as Uint8Array)).toBeUndefined();
    expect(verdict('audio/x-wav', SAMPLES.wav as Uint8Array)).toBeUndefined();
    expect(verdict('model/gltf-binary', SAMPLES.glb as Uint8Array)).toBeUndefined();
    expect(verdict('image/png', SAMPLES.jpeg as Uint8Array)).toBe('the bytes are jpeg data, not png');
    expect(verdict('video/mp4', SAMPLES.webm as Uint8Array)).toBe('the bytes are webm data, not mp4');
    expect(verdict('image/webp', SAMPLES.wav as Uint8Array)).toBe('the bytes are wav data, not webp');
    expect(verdict('application/pdf', bytes('<html><script>'))).toBe('the bytes are not pdf data');
    expect(verdict('image/png', new Uint8Array(0))).toBe('the bytes are not png data');
  });

  it('finds a magic number split across chunks', () => {
    const png = SAMPLES.png as Uint8Array;
    expect(verdict('image/png', png.subarray(0, 3), png.subarray(3, 5), png.subarray(5))).toBeUndefined();
  });

  it('takes text as valid UTF-8 without control characters, starting as its format does', () => {
    expect(verdict('text/plain', bytes('Ünïcödé text\r\n\twith tabs'))).toBeUndefined();
    expect(verdict('text/plain', new Uint8Array(0))).toBeUndefined();
    expect(verdict('text/x-fountain', bytes('ID3 is where the note starts, not an mp3'))).toBeUndefined();
    expect(verdict('application/json', bytes('\uFEFF  {"a": 1}'))).toBeUndefined();
    expect(verdict('application/json', bytes('hello'))).toBe('the bytes do not start as json does');
    expect(verdict('text/xml', bytes('<?xml version="1.0"?><FinalDraft/>'))).toBeUndefined();
    expect(verdict('application/xml', bytes('INT. HOUSE'))).toBe('the bytes do not start as xml does');
    expect(verdict('text/vtt', bytes('WEBVTT\n\n00:00.000 --> 00:01.000\nHi'))).toBeUndefined();
    expect(verdict('text/vtt', bytes('1\n00:00:00,000 --> 00:00:01,000\nHi'))).toBe('the bytes do not start as vtt does');
    expect(verdict('text/plain', SAMPLES.png as Uint8Array)).toBe('the bytes are png data, not plain text');
    expect(verdict('text/plain', bytes('nul \u0000 inside'))).toMatch(/control characters/);
    expect(verdict('text/plain', bytes([0x61, 0xc3]))).toMatch(/not valid UTF-8/);
    // A multi-byte character split between chunks is still valid.
    const e = Buffer.from('é');
    expect(verdict('text/plain', bytes('caf', [e[0] as number]), bytes([e[1] as number]))).toBeUndefined();
    // Invalid UTF-8 far past the sniffed head is still found.
    const long = new Uint8Array(SNIFF_HEAD_BYTES * 3).fill(0x61);
    long[long.length - 1] = 0xff;
    expect(verdict('text/plain', long.subarray(0, 5000), long.subarray(5000))).toMatch(/not valid UTF-8/);
  });

  it('refuses types it cannot check, such as HTML and SVG', () => {
    expect(isUploadableMime('text/html')).toBe(false);
    expect(isUploadableMime('image/svg+xml')).toBe(false);
    expect(isUploadableMime('application/octet-stream')).toBe(false);
    expect(isUploadableMime('constructor')).toBe(false);
    expect(verdict('text/html', bytes('<p>'))).toMatch(/not a type uploads may declare/);
  });
});

describe('Range parsing', () => {
  it('serves one bytes range, clamped to the size', () => {
    expect(parseRange('bytes=0-9', 100)).toEqual({ start: 0, end: 9 });
    expect(parseRange('bytes=90-', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=90-500', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=-10', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=-500', 100)).toEqual({ start: 0, end: 99 });
  });
  it('is unsatisfiable past the end, and ignored when malformed or multiple', () => {
    expect(parseRange('bytes=100-', 100)).toBe('unsatisfiable');
    expect(parseRange('bytes=-0', 100)).toBe('unsatisfiable');
    expect(parseRange('bytes=0-', 0)).toBe('unsatisfiable');
    expect(parseRange(undefined, 100)).toBeUndefined();
    expect(parseRange('bytes=5-2', 100)).toBeUndefined();
    expect(parseRange('bytes=0-1,5-6', 100)).toBeUndefined();
    expect(parseRange('items=0-1', 100)).toBeUndefined();
    expect(parseRange('bytes=-', 100)).toBeUndefined();
  });
});
