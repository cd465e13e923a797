/**
 * Just enough RIFF/WAVE for 16-bit PCM speech: espeak-ng writes its header before it knows the
 * length, and the renderer and the tests need the true one.
 */
export interface WavInfo {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  dataOffset: number;
  dataBytes: number;
  durationMs: number;
}

const ascii = (b: Uint8Array, at: number) => String.fromCharCode(b[at]!, b[at + 1]!, b[at + 2]!, b[at + 3]!);

export function readWav(bytes: Uint8Array): WavInfo {
  if (bytes.length < 12 || ascii(bytes, 0) !== 'RIFF' || ascii(bytes, 8) !== 'WAVE') throw new Error('not a RIFF/WAVE file');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 12;
  let format: { channels: number; sampleRate: number; bitsPerSample: number } | null = null;
  while (at + 8 <= bytes.length) {
    const id = ascii(bytes, at);
    const size = view.getUint32(at + 4, true);
    if (id === 'fmt ') {
      if (view.getUint16(at + 8, true) !== 1) throw new Error('only PCM WAV is supported');
      format = { channels: view.getUint16(at + 10, true), sampleRate: view.getUint32(at + 12, true), bitsPerSample: view.getUint16(at + 22, true) };
    } else if (id === 'data') {
      if (!format) throw new Error('WAV data before its format');
      const dataOffset = at + 8;
      // A streamed header claims more than was written: the bytes present are the truth.
      const dataBytes = Math.min(size, bytes.length - dataOffset);
      const bytesPerSecond = format.sampleRate * format.channels * (format.bitsPerSample / 8);
      return { ...format, dataOffset, dataBytes, durationMs: (dataBytes / bytesPerSecond) * 1000 };
    }
    at += 8 + size + (size % 2);
  }
  throw new Error('WAV has no data chunk');
}

/** The same audio with RIFF and data sizes that match the bytes, as players and soxi expect. */
export function sealWav(bytes: Uint8Array): { bytes: Uint8Array; info: WavInfo } {
  const info = readWav(bytes);
  const end = info.dataOffset + info.dataBytes;
  const out = bytes.slice(0, end);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  view.setUint32(4, end - 8, true);
  view.setUint32(info.dataOffset - 4, info.dataBytes, true);
  return { bytes: out, info };
}

/** Root-mean-square level of 16-bit PCM in 0..1, over windows of windowMs; silence is near 0. */
export function rmsWindows(bytes: Uint8Array, windowMs: number): number[] {
  const info = readWav(bytes);
  if (info.bitsPerSample !== 16) throw new Error('only 16-bit PCM is measured');
  const view = new DataView(bytes.buffer, bytes.byteOffset + info.dataOffset, info.dataBytes);
  const perWindow = Math.max(1, Math.round((info.sampleRate * info.channels * windowMs) / 1000));
  const samples = Math.floor(info.dataBytes / 2);
  const out: number[] = [];
  for (let start = 0; start < samples; start += perWindow) {
    let sum = 0;
    const end = Math.min(samples, start + perWindow);
    for (let i = start; i < end; i++) {
      const s = view.getInt16(i * 2, true) / 32768;
      sum += s * s;
    }
    out.push(Math.sqrt(sum / (end - start)));
  }
  return out;
}
