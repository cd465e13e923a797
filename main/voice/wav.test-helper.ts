/** A mono 16-bit WAV whose header claims `claimed` data bytes, as a streaming writer leaves it. */
export function wav(samples: number[], sampleRate = 8000, claimed = 0x7ffff000): Uint8Array {
  const out = new Uint8Array(44 + samples.length * 2);
  const v = new DataView(out.buffer);
  out.set(new TextEncoder().encode('RIFF'), 0);
  v.setUint32(4, claimed + 36, true);
  out.set(new TextEncoder().encode('WAVEfmt '), 8);
  v.setUint32(16, 16, true);
  v.setUint16(20, 1, true);
  v.setUint16(22, 1, true);
  v.setUint32(24, sampleRate, true);
  v.setUint32(28, sampleRate * 2, true);
  v.setUint16(32, 2, true);
  v.setUint16(34, 16, true);
  out.set(new TextEncoder().encode('data'), 36);
  v.setUint32(40, claimed, true);
  samples.forEach((s, i) => v.setInt16(44 + i * 2, s, true));
  return out;
}
