import { inflateSync } from 'node:zlib';
import { type Composition, CompositionSchema } from '@automovie/contracts';
import { type Provider, type ProviderCallContext, ProviderError, type TextResult, type VisionRequest } from '../provider.ts';

/**
 * The vision provider that needs no model: it reads what a file says about itself. Storyboard
 * frames from the offline renderer carry their composition in a PNG text chunk
 * (`automovie:composition`), so those are described exactly; other PNGs get their size and
 * dominant colours, JPEG and GIF their size. It never claims to see more than that.
 */

const NAME = 'offline';
const MODEL = 'file-reader-1';
/** The PNG text chunk keyword the offline storyboard renderer writes the composition under. */
export const COMPOSITION_KEYWORD = 'automovie:composition';
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** Decoding stops above this many pixels: dominant colours of a sample are enough. */
const MAX_DECODE_PIXELS = 16_000_000;

interface PngInfo {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  interlace: number;
  text: Map<string, string>;
  idat: Uint8Array[];
}

function readPng(bytes: Uint8Array): PngInfo | undefined {
  if (bytes.length < 33 || !PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const info: PngInfo = { width: 0, height: 0, bitDepth: 0, colorType: 0, interlace: 0, text: new Map(), idat: [] };
  const latin1 = new TextDecoder('latin1');
  const utf8 = new TextDecoder('utf-8');
  // tEXt is Latin-1 by the PNG spec, but writers often put UTF-8 there: take UTF-8 when it decodes cleanly.
  const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
  const text8 = (b: Uint8Array) => {
    try {
      return strictUtf8.decode(b);
    } catch {
      return latin1.decode(b);
    }
  };
  let at = 8;
  while (at + 12 <= bytes.length) {
    const len = view.getUint32(at);
    const type = latin1.decode(bytes.subarray(at + 4, at + 8));
    const data = bytes.subarray(at + 8, at + 8 + len);
    if (at + 12 + len > bytes.length) break;
    if (type === 'IHDR' && len >= 13) {
      info.width = view.getUint32(at + 8);
      info.height = view.getUint32(at + 12);
      info.bitDepth = data[8]!;
      info.colorType = data[9]!;
      info.interlace = data[12]!;
    } else if (type === 'IDAT') info.idat.push(data);
    else if (type === 'tEXt' || type === 'zTXt' || type === 'iTXt') {
      const nul = data.indexOf(0);
      if (nul > 0) {
        const key = latin1.decode(data.subarray(0, nul));
        try {
          if (type === 'tEXt') info.text.set(key, text8(data.subarray(nul + 1)));
          else if (type === 'zTXt') info.text.set(key, text8(inflateSync(data.subarray(nul + 2))));
          else {
            const compressed = data[nul + 1] === 1;
            let p = nul + 3;
            p = data.indexOf(0, p) + 1; // language tag
            p = data.indexOf(0, p) + 1; // translated keyword
            const body = data.subarray(p);
            info.text.set(key, utf8.decode(compressed ? inflateSync(body) : body));
          }
        } catch {
          // A corrupt text chunk is skipped; the image itself may still be readable.
        }
      }
    } else if (type === 'IEND') break;
    at += 12 + len;
  }
  return info.width > 0 ? info : undefined;
}

const NAMED: Array<[string, number, number, number]> = [
  ['black', 0, 0, 0],
  ['charcoal', 64, 64, 64],
  ['grey', 128, 128, 128],
  ['silver', 192, 192, 192],
  ['white', 255, 255, 255],
  ['red', 200, 30, 30],
  ['maroon', 120, 20, 30],
  ['orange', 240, 140, 30],
  ['brown', 120, 80, 40],
  ['beige', 225, 205, 170],
  ['yellow', 240, 220, 40],
  ['olive', 120, 120, 30],
  ['green', 40, 160, 60],
  ['dark green', 20, 80, 40],
  ['teal', 20, 130, 130],
  ['cyan', 60, 210, 220],
  ['sky blue', 130, 190, 240],
  ['blue', 40, 80, 200],
  ['navy', 20, 30, 90],
  ['purple', 120, 50, 160],
  ['pink', 240, 150, 190],
  ['magenta', 200, 40, 150],
];

function colourName(r: number, g: number, b: number): string {
  let best = NAMED[0]!;
  let bestD = Number.POSITIVE_INFINITY;
  for (const c of NAMED) {
    const d = (c[1] - r) ** 2 * 0.3 + (c[2] - g) ** 2 * 0.59 + (c[3] - b) ** 2 * 0.11;
    if (d < bestD) [best, bestD] = [c, d];
  }
  return best[0];
}

/** Dominant colours of an 8-bit, non-interlaced PNG (grey, RGB, grey+alpha or RGBA). */
function dominantColours(png: PngInfo): { colours: string[]; luma: number } | undefined {
  const channels = ({ 0: 1, 2: 3, 4: 2, 6: 4 } as Record<number, number>)[png.colorType];
  if (!channels || png.bitDepth !== 8 || png.interlace !== 0 || png.width * png.height > MAX_DECODE_PIXELS) return undefined;
  let raw: Uint8Array;
  try {
    raw = inflateSync(Buffer.concat(png.idat));
  } catch {
    return undefined;
  }
  const stride = png.width * channels;
  if (raw.length < (stride + 1) * png.height) return undefined;
  const prev = new Uint8Array(stride);
  const cur = new Uint8Array(stride);
  const counts = new Map<number, { n: number; r: number; g: number; b: number }>();
  let lumaSum = 0;
  let samples = 0;
  const step = Math.max(1, Math.floor(Math.sqrt((png.width * png.height) / 40_000)));
  for (let y = 0; y < png.height; y++) {
    const off = y * (stride + 1);
    const filter = raw[off]!;
    for (let x = 0; x < stride; x++) {
      const v = raw[off + 1 + x]!;
      const a = x >= channels ? cur[x - channels]! : 0;
      const up = prev[x]!;
      const c = x >= channels ? prev[x - channels]! : 0;
      let out: number;
      switch (filter) {
        case 1:
          out = v + a;
          break;
        case 2:
          out = v + up;
          break;
        case 3:
          out = v + ((a + up) >> 1);
          break;
        case 4: {
          const p = a + up - c;
          const pa = Math.abs(p - a);
          const pb = Math.abs(p - up);
          const pc = Math.abs(p - c);
          out = v + (pa <= pb && pa <= pc ? a : pb <= pc ? up : c);
          break;
        }
        default:
          out = v;
      }
      cur[x] = out & 0xff;
    }
    if (y % step === 0) {
      for (let x = 0; x < png.width; x += step) {
        const i = x * channels;
        const [r, g, b] = channels >= 3 ? [cur[i]!, cur[i + 1]!, cur[i + 2]!] : [cur[i]!, cur[i]!, cur[i]!];
        const alpha = channels === 4 ? cur[i + 3]! : channels === 2 ? cur[i + 1]! : 255;
        if (alpha < 16) continue;
        const key = ((r >> 5) << 6) | ((g >> 5) << 3) | (b >> 5);
        const e = counts.get(key) ?? { n: 0, r: 0, g: 0, b: 0 };
        e.n++;
        e.r += r;
        e.g += g;
        e.b += b;
        counts.set(key, e);
        lumaSum += 0.2126 * r + 0.7152 * g + 0.0722 * b;
        samples++;
      }
    }
    prev.set(cur);
  }
  if (samples === 0) return { colours: ['transparent'], luma: 0 };
  const top = [...counts.values()].sort((x, y) => y.n - x.n);
  const names: string[] = [];
  for (const e of top) {
    const name = colourName(e.r / e.n, e.g / e.n, e.b / e.n);
    const share = Math.round((e.n / samples) * 100);
    if (!names.some((n) => n.startsWith(`${name} `)) && share >= 3) names.push(`${name} (${share}%)`);
    if (names.length === 3) break;
  }
  return { colours: names, luma: lumaSum / samples };
}

function describeComposition(c: Composition): string {
  const shot = c.shotType.replace(/_/g, ' ');
  const angle = c.angle === 'eye_level' ? 'at eye level' : `from a ${c.angle.replace('_', ' ')} angle`;
  const move = c.movement && c.movement !== 'static' ? `, camera ${c.movement.replace('_', ' ')}` : '';
  const where = `${c.location.intExt === 'EXT' ? 'exterior' : c.location.intExt === 'INT' ? 'interior' : 'interior/exterior'} ${c.location.name}, ${c.location.timeOfDay.toLowerCase()}`;
  const figures = c.figures.map((f, i) => {
    const x = f.x ?? (c.figures.length === 1 ? 0.5 : i / Math.max(1, c.figures.length - 1));
    const pos = x < 0.34 ? 'left' : x > 0.66 ? 'right' : 'centre';
    return `${f.name} (${pos}${f.speaking ? ', speaking' : ''}${f.facing ? `, facing ${f.facing}` : ''})`;
  });
  const parts = [
    `Storyboard frame: ${/^[aeiou]/.test(shot) ? 'an' : 'a'} ${shot} ${angle}${move} of ${where}.`,
    figures.length > 0 ? `In frame: ${figures.join(', ')}.` : 'No one is in frame.',
    c.location.elements.length > 0 ? `Set elements: ${c.location.elements.join(', ')}.` : '',
    c.caption ? `Caption: ${c.caption}` : '',
  ];
  return parts.filter(Boolean).join(' ');
}

function jpegSize(b: Uint8Array): { width: number; height: number } | undefined {
  if (b[0] !== 0xff || b[1] !== 0xd8) return undefined;
  let at = 2;
  while (at + 9 < b.length) {
    if (b[at] !== 0xff) return undefined;
    const marker = b[at + 1]!;
    const len = (b[at + 2]! << 8) | b[at + 3]!;
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: (b[at + 5]! << 8) | b[at + 6]!, width: (b[at + 7]! << 8) | b[at + 8]! };
    }
    at += 2 + len;
  }
  return undefined;
}

export function describeImageFile(bytes: Uint8Array, mime: string): string {
  const png = readPng(bytes);
  if (png) {
    const comp = png.text.get(COMPOSITION_KEYWORD);
    if (comp) {
      try {
        const parsed = CompositionSchema.safeParse(JSON.parse(comp));
        if (parsed.success) return `${describeComposition(parsed.data)} (${png.width}×${png.height} PNG.)`;
      } catch {
        // Not JSON: fall through to the pixels.
      }
    }
    const dom = dominantColours(png);
    const base = `A ${png.width}×${png.height} PNG image`;
    if (!dom) return `${base}; its pixels use an encoding this offline reader does not decode, so only the size is known.`;
    const light = dom.luma < 60 ? 'dark' : dom.luma > 190 ? 'bright' : 'mid-toned';
    return `${base}, ${light} overall; dominant colours: ${dom.colours.join(', ')}.`;
  }
  const jpeg = jpegSize(bytes);
  if (jpeg) return `A ${jpeg.width}×${jpeg.height} JPEG image; the offline reader does not decode JPEG pixels, so only the size is known.`;
  if (bytes.length >= 10 && String.fromCharCode(...bytes.subarray(0, 3)) === 'GIF') {
    return `A ${bytes[6]! | (bytes[7]! << 8)}×${bytes[8]! | (bytes[9]! << 8)} GIF image; only the size is known offline.`;
  }
  return `A ${bytes.length}-byte ${mime || 'file'}; the offline reader cannot decode this format, so nothing more is known.`;
}

export function createOfflineVisionProvider(): Provider<'vision'> {
  return {
    kind: 'vision',
    name: NAME,
    offline: true,
    models: [MODEL],
    defaultModel: MODEL,
    estimateCostUsd: () => 0,
    costUsd: () => 0,
    async run(req: VisionRequest, ctx: ProviderCallContext): Promise<TextResult> {
      if (ctx.signal.aborted) throw new ProviderError(NAME, 'timeout', 'offline image description was cancelled');
      let text = describeImageFile(req.image.bytes, req.image.mime);
      if (req.question)
        text += ` The offline reader cannot reason about the question "${req.question.slice(0, 300)}"; the description above is all it can tell from the file.`;
      return { text, inputTokens: Math.ceil((req.question?.length ?? 0) / 4) + 85, outputTokens: Math.ceil(text.length / 4) };
    },
  };
}
