import { invalidMediaInput } from './errors.ts';

/** A decoded PCM WAV: samples interleaved, scaled to [-1, 1]. */
export interface DecodedWav {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  samples: Float32Array;
}

interface WavLayout {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  format: number;
  dataOffset: number;
  dataBytes: number;
}

function layout(wav: Uint8Array): WavLayout {
  const view = new DataView(wav.buffer, wav.byteOffset, wav.byteLength);
  const tag = (at: number) => String.fromCharCode(wav[at]!, wav[at + 1]!, wav[at + 2]!, wav[at + 3]!);
  if (wav.byteLength < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') throw invalidMediaInput('wav', 'not a RIFF/WAVE file');
  let at = 12;
  let fmt: Omit<WavLayout, 'dataOffset' | 'dataBytes'> | undefined;
  while (at + 8 <= wav.byteLength) {
    const id = tag(at);
    const size = view.getUint32(at + 4, true);
    const body = at + 8;
    if (id === 'fmt ') {
      if (size < 16) throw invalidMediaInput('wav', 'fmt chunk is shorter than 16 bytes');
      let format = view.getUint16(body, true);
      // WAVE_FORMAT_EXTENSIBLE carries the real format in the first two bytes of its sub-format GUID.
      if (format === 0xfffe && size >= 26) format = view.getUint16(body + 24, true);
      fmt = {
        format,
        channels: view.getUint16(body + 2, true),
        sampleRate: view.getUint32(body + 4, true),
        bitsPerSample: view.getUint16(body + 14, true),
      };
    } else if (id === 'data') {
      if (!fmt) throw invalidMediaInput('wav', 'data chunk before fmt chunk');
      // Streamed writers (espeak-ng to a pipe, ffmpeg to a pipe) leave the size at 0 or 0xffffffff.
      const dataBytes = size === 0 || size === 0xffffffff || body + size > wav.byteLength ? wav.byteLength - body : size;
      return { ...fmt, dataOffset: body, dataBytes };
    }
    at = body + size + (size % 2);
  }
  throw invalidMediaInput('wav', 'no fmt and data chunks');
}

/** Sample rate, channels, bit depth and duration of a PCM WAV (read from its header and data size). */
export function wavInfo(wav: Uint8Array): { sampleRate: number; channels: number; bitsPerSample: number; durationS: number } {
  const l = layout(wav);
  if (l.channels < 1 || l.sampleRate < 1 || l.bitsPerSample < 8)
    throw invalidMediaInput('wav', 'fmt chunk has zero channels, rate or depth');
  const frameBytes = (l.channels * l.bitsPerSample) / 8;
  return {
    sampleRate: l.sampleRate,
    channels: l.channels,
    bitsPerSample: l.bitsPerSample,
    durationS: Math.floor(l.dataBytes / frameBytes) / l.sampleRate,
  };
}

/** Decodes 8/16/24/32-bit integer PCM or 32-bit float WAV into interleaved float samples. */
export function decodeWav(wav: Uint8Array): DecodedWav {
  const l = layout(wav);
  const bytes = l.bitsPerSample / 8;
  const n = Math.floor(l.dataBytes / bytes);
  const view = new DataView(wav.buffer, wav.byteOffset + l.dataOffset, n * bytes);
  const samples = new Float32Array(n);
  if (l.format === 3 && l.bitsPerSample === 32) {
    for (let i = 0; i < n; i++) samples[i] = view.getFloat32(i * 4, true);
  } else if (l.format === 1 && l.bitsPerSample === 16) {
    for (let i = 0; i < n; i++) samples[i] = view.getInt16(i * 2, true) / 32768;
  } else if (l.format === 1 && l.bitsPerSample === 8) {
    for (let i = 0; i < n; i++) samples[i] = (view.getUint8(i) - 128) / 128;
  } else if (l.format === 1 && l.bitsPerSample === 24) {
    for (let i = 0; i < n; i++) {
      const v = view.getUint8(i * 3) | (view.getUint8(i * 3 + 1) << 8) | (view.getInt8(i * 3 + 2) << 16);
      samples[i] = v / 8388608;
    }
  } else if (l.format === 1 && l.bitsPerSample === 32) {
    for (let i = 0; i < n; i++) samples[i] = view.getInt32(i * 4, true) / 2147483648;
  } else {
    throw invalidMediaInput('wav', `unsupported sample format ${l.format} at ${l.bitsPerSample} bits`);
  }
  return { sampleRate: l.sampleRate, channels: l.channels, bitsPerSample: l.bitsPerSample, samples };
}

/** Encodes interleaved float samples as 16-bit PCM WAV. */
export function encodeWav16(samples: Float32Array, sampleRate: number, channels: number): Uint8Array {
  const dataBytes = samples.length * 2;
  const out = new Uint8Array(44 + dataBytes);
  const view = new DataView(out.buffer);
  const ascii = (at: number, s: string) => {
    for (let i = 0; i < s.length; i++) out[at + i] = s.charCodeAt(i);
  };
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + dataBytes, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, channels, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * channels * 2, true);
  view.setUint16(32, channels * 2, true);
  view.setUint16(34, 16, true);
  ascii(36, 'data');
  view.setUint32(40, dataBytes, true);
  for (let i = 0; i < samples.length; i++) {
    const v = Math.max(-1, Math.min(1, samples[i]!));
    view.setInt16(44 + i * 2, Math.round(v < 0 ? v * 32768 : v * 32767), true);
  }
  return out;
}

/** Root-mean-square of interleaved samples between two times (all channels together). */
export function rmsBetween(wav: DecodedWav, startS: number, endS: number): number {
  const from = Math.max(0, Math.floor(startS * wav.sampleRate) * wav.channels);
  const to = Math.min(wav.samples.length, Math.floor(endS * wav.sampleRate) * wav.channels);
  if (to <= from) return 0;
  let sum = 0;
  for (let i = from; i < to; i++) sum += wav.samples[i]! ** 2;
  return Math.sqrt(sum / (to - from));
}
