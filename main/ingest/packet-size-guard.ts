/**
 * Reads MQTT fixed headers off a byte stream and reports the first packet whose announced size
 * exceeds a limit, before its body arrives: an MQTT parser buffers a whole packet (up to 256 MB)
 * before anyone can look at it, so the limit has to act on the header.
 */
export class PacketSizeGuard {
  private state: 'type' | 'length' | 'body' = 'type';
  private length = 0;
  private multiplier = 1;
  private lengthBytes = 0;
  private remaining = 0;

  constructor(private readonly maxBytes: number) {}

  /** Returns why the stream must be cut, or null while every packet is within the limit. */
  push(chunk: Uint8Array): string | null {
    let i = 0;
    while (i < chunk.length) {
      if (this.state === 'body') {
        const take = Math.min(this.remaining, chunk.length - i);
        this.remaining -= take;
        i += take;
        if (this.remaining === 0) this.state = 'type';
        continue;
      }
      const byte = chunk[i++]!;
      if (this.state === 'type') {
        this.state = 'length';
        this.length = 0;
        this.multiplier = 1;
        this.lengthBytes = 0;
        continue;
      }
      this.length += (byte & 0x7f) * this.multiplier;
      this.multiplier *= 128;
      if (++this.lengthBytes > 4) return 'malformed remaining length';
      if (this.length > this.maxBytes) return `packet of at least ${this.length} bytes exceeds ${this.maxBytes}`;
      if ((byte & 0x80) === 0) {
        this.remaining = this.length;
        this.state = this.remaining === 0 ? 'type' : 'body';
      }
    }
    return null;
  }
}

/** Cuts a socket as soon as it announces a packet beyond the limit; returns a function that stops watching. */
export function guardPacketSize(stream: { on(event: 'data', l: (chunk: Buffer) => void): unknown; off(event: 'data', l: (chunk: Buffer) => void): unknown; destroy(error?: Error): unknown }, maxBytes: number, onCut: (reason: string) => void): () => void {
  const guard = new PacketSizeGuard(maxBytes);
  const listener = (chunk: Buffer) => {
    const reason = guard.push(chunk);
    if (reason === null) return;
    stream.off('data', listener);
    onCut(reason);
    stream.destroy(new Error(reason));
  };
  stream.on('data', listener);
  return () => stream.off('data', listener);
}
