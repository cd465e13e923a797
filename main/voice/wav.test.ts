import { describe, expect, it } from 'vitest';
import { readWav, rmsWindows, sealWav } from './wav';
import { wav } from './wav.test-helper';

describe('wav', () => {
  it('reads the duration from the bytes present and seals the header to match', () => {
    const streamed = wav(new Array(8000).fill(1000));
    expect(readWav(streamed).durationMs).toBe(1000);
    const { bytes, info } = sealWav(streamed);
    const v = new DataView(bytes.buffer, bytes.byteOffset);
    expect(v.getUint32(40, true)).toBe(16000);
    expect(v.getUint32(4, true)).toBe(bytes.length - 8);
    expect(info).toMatchObject({ sampleRate: 8000, channels: 1, bitsPerSample: 16, dataOffset: 44 });
  });

  it('measures loudness per window', () => {
    const rms = rmsWindows(wav([...new Array(800).fill(16384), ...new Array(800).fill(0)]), 100);
    expect(rms).toEqual([0.5, 0]);
  });

  it('rejects what is not PCM WAV', () => {
    expect(() => readWav(new TextEncoder().encode('ID3 not a wav file'))).toThrow(/RIFF/);
    const noData = wav([]).slice(0, 36);
    expect(() => readWav(noData)).toThrow(/no data/);
  });
});
