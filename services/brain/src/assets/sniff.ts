/**
 * Upload type checking: the declared MIME type of an upload must be one the brain can recognise,
 * and the bytes must be of it. Binary formats are told by their magic numbers; text formats must
 * be valid UTF-8 without control characters (and start the way their format starts).
 */

type Binary = { kind: 'binary'; family: string; test: (h: Uint8Array) => boolean };
type Text = { kind: 'text'; family: string; start?: (firstText: string) => boolean };
type Format = Binary | Text;

const at = (h: Uint8Array, offset: number, bytes: readonly number[]) => bytes.every((b, i) => h[offset + i] === b);
const ascii = (s: string) => Array.from(s, (c) => c.charCodeAt(0));

const PNG: Binary = { kind: 'binary', family: 'png', test: (h) => at(h, 0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) };
const JPEG: Binary = { kind: 'binary', family: 'jpeg', test: (h) => at(h, 0, [0xff, 0xd8, 0xff]) };
const GIF: Binary = { kind: 'binary', family: 'gif', test: (h) => at(h, 0, ascii('GIF87a')) || at(h, 0, ascii('GIF89a')) };
const WEBP: Binary = { kind: 'binary', family: 'webp', test: (h) => at(h, 0, ascii('RIFF')) && at(h, 8, ascii('WEBP')) };
const WAV: Binary = {
  kind: 'binary',
  family: 'wav',
  test: (h) => (at(h, 0, ascii('RIFF')) || at(h, 0, ascii('RF64'))) && at(h, 8, ascii('WAVE')),
};
const MP3: Binary = {
  kind: 'binary',
  family: 'mp3',
  // An ID3v2 tag, or an MPEG audio frame header (11 sync bits, a layer that is not "reserved").
  test: (h) => at(h, 0, ascii('ID3')) || (h[0] === 0xff && ((h[1] ?? 0) & 0xe0) === 0xe0 && ((h[1] ?? 0) & 0x06) !== 0),
};
const OGG: Binary = { kind: 'binary', family: 'ogg', test: (h) => at(h, 0, ascii('OggS')) };
const FLAC: Binary = { kind: 'binary', family: 'flac', test: (h) => at(h, 0, ascii('fLaC')) };
/** ISO base media (mp4, m4a, mov): the first box is `ftyp`. */
const MP4: Binary = { kind: 'binary', family: 'mp4', test: (h) => at(h, 4, ascii('ftyp')) };
/** Matroska/WebM: an EBML header. */
const WEBM: Binary = { kind: 'binary', family: 'webm', test: (h) => at(h, 0, [0x1a, 0x45, 0xdf, 0xa3]) };
const PDF: Binary = { kind: 'binary', family: 'pdf', test: (h) => at(h, 0, ascii('%PDF-')) };
/** A local file header, or the end record of an empty archive. */
const ZIP: Binary = {
  kind: 'binary',
  family: 'zip',
  test: (h) => at(h, 0, [0x50, 0x4b, 0x03, 0x04]) || at(h, 0, [0x50, 0x4b, 0x05, 0x06]),
};
const GLB: Binary = { kind: 'binary', family: 'glb', test: (h) => at(h, 0, ascii('glTF')) };

const PLAIN: Text = { kind: 'text', family: 'plain' };
const JSON_TEXT: Text = { kind: 'text', family: 'json', start: (t) => /^\s*[[{"\-0-9tfn]/.test(t) };
const XML: Text = { kind: 'text', family: 'xml', start: (t) => /^\s*</.test(t) };
const VTT: Text = { kind: 'text', family: 'vtt', start: (t) => /^WEBVTT(?:[ \t\r\n]|$)/.test(t) };

/** Every MIME type an upload may declare, and the format its bytes must be. */
const FORMATS: Record<string, Format> = {
  'image/png': PNG,
  'image/jpeg': JPEG,
  'image/gif': GIF,
  'image/webp': WEBP,
  'audio/wav': WAV,
  'audio/wave': WAV,
  'audio/x-wav': WAV,
  'audio/vnd.wave': WAV,
  'audio/mpeg': MP3,
  'audio/mp3': MP3,
  'audio/ogg': OGG,
  'audio/flac': FLAC,
  'video/mp4': MP4,
  'audio/mp4': MP4,
  'audio/x-m4a': MP4,
  'audio/m4a': MP4,
  'video/quicktime': MP4,
  'video/webm': WEBM,
  'audio/webm': WEBM,
  'video/x-matroska': WEBM,
  'application/pdf': PDF,
  'application/zip': ZIP,
  'model/gltf-binary': GLB,
  'application/json': JSON_TEXT,
  'model/gltf+json': JSON_TEXT,
  'text/plain': PLAIN,
  'text/markdown': PLAIN,
  'text/csv': PLAIN,
  'text/x-fountain': PLAIN,
  'application/x-subrip': PLAIN,
  'text/vtt': VTT,
  'text/xml': XML,
  'application/xml': XML,
  'application/vnd.final-draft+xml': XML,
};

const BINARIES = [PNG, JPEG, GIF, WEBP, WAV, MP3, OGG, FLAC, MP4, WEBM, PDF, ZIP, GLB];

/** Bytes kept from the start of an upload for its magic number and its opening text. */
export const SNIFF_HEAD_BYTES = 4096;

/** The MIME types uploads may declare, sorted. */
export const UPLOADABLE_MIMES: readonly string[] = Object.keys(FORMATS).sort();

/** Whether an upload may declare this MIME type. */
export function isUploadableMime(mime: string): boolean {
  return Object.hasOwn(FORMATS, mime);
}

/** The binary format a file starting with `head` is, by its magic number (`png`, `mp4`…), if any. */
export function sniffBinary(head: Uint8Array): string | undefined {
  return BINARIES.find((f) => f.test(head))?.family;
}

/** Control characters that never appear in text files (tab, LF, FF, CR are fine). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: detecting them is the point
const CONTROL = /[\u0000-\u0008\u000b\u000e-\u001f\u007f]/;

/**
 * Checks an upload's bytes against its declared MIME type as they stream by: `update` each chunk,
 * then `verdict()`. Memory is bounded: only the first SNIFF_HEAD_BYTES are kept.
 */
export class ContentCheck {
  readonly mime: string;
  readonly #format: Format | undefined;
  readonly #head = new Uint8Array(SNIFF_HEAD_BYTES);
  #headLength = 0;
  readonly #decoder = new TextDecoder('utf-8', { fatal: true });
  #text = '';
  #textProblem: string | undefined;

  constructor(mime: string) {
    this.mime = mime;
    this.#format = FORMATS[mime];
  }

  update(chunk: Uint8Array): void {
    if (this.#headLength < SNIFF_HEAD_BYTES) {
      const n = Math.min(chunk.length, SNIFF_HEAD_BYTES - this.#headLength);
      this.#head.set(chunk.subarray(0, n), this.#headLength);
      this.#headLength += n;
    }
    if (this.#format?.kind === 'text' && this.#textProblem === undefined) this.#decode(chunk, true);
  }

  #decode(chunk: Uint8Array, stream: boolean): void {
    let s: string;
    try {
      s = this.#decoder.decode(chunk, { stream });
    } catch {
      this.#textProblem = 'it is not valid UTF-8 text';
      return;
    }
    if (CONTROL.test(s)) this.#textProblem = 'it holds control characters that text files never contain';
    else if (this.#text.length < 256) this.#text += s.slice(0, 256);
  }

  /** Undefined when the bytes are of the declared type; else why not. */
  verdict(): string | undefined {
    const format = this.#format;
    if (format === undefined) return `${this.mime} is not a type uploads may declare (one of: ${UPLOADABLE_MIMES.join(', ')})`;
    const head = this.#head.subarray(0, this.#headLength);
    const found = sniffBinary(head);
    if (format.kind === 'binary') {
      if (format.test(head)) return undefined;
      return found === undefined ? `the bytes are not ${format.family} data` : `the bytes are ${found} data, not ${format.family}`;
    }
    if (this.#textProblem === undefined) this.#decode(new Uint8Array(0), false);
    // Magic numbers alone do not refuse text: a note may well start with "ID3" or "OggS". Invalid UTF-8 or control characters do.
    if (this.#textProblem !== undefined) {
      return found === undefined
        ? `the bytes are not ${format.family} text: ${this.#textProblem}`
        : `the bytes are ${found} data, not ${format.family} text`;
    }
    const text = this.#text.replace(/^\uFEFF/, '');
    if (format.start !== undefined && !format.start(text)) return `the bytes do not start as ${format.family} does`;
    return undefined;
  }
}
