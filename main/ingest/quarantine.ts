/**
 * Bad input is kept for an engineer to look at, in a bounded ring so a flood of garbage cannot
 * grow memory, with per-reason counts that live as long as the process.
 */
import { QUARANTINE_REASONS, type QuarantineEntry, type QuarantineReason } from '../../common/telemetry';
import type { WallMs } from '../../common/time';

/** Enough of the payload to recognise it, small enough that 100,000 entries stay a few MB. */
const HEAD_BYTES = 64;

export class Quarantine {
  private readonly ring: (QuarantineEntry | undefined)[];
  private next = 0;
  private stored = 0;
  private readonly byReason = new Map<QuarantineReason, number>(QUARANTINE_REASONS.map((r) => [r, 0]));
  private all = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`quarantine capacity must be a positive integer, got ${capacity}`);
    this.ring = new Array<QuarantineEntry | undefined>(capacity);
  }

  add(entry: QuarantineEntry): void {
    this.ring[this.next] = entry;
    this.next = (this.next + 1) % this.capacity;
    if (this.stored < this.capacity) this.stored++;
    this.byReason.set(entry.reason, (this.byReason.get(entry.reason) ?? 0) + 1);
    this.all++;
  }

  /** Records a rejected message, keeping only its head; returns the entry it stored. */
  reject(topic: string, payload: Uint8Array, reason: QuarantineReason, detail: string, at: WallMs): QuarantineEntry {
    const head = Buffer.from(payload.buffer, payload.byteOffset, Math.min(payload.byteLength, HEAD_BYTES));
    const entry = { at, topic: topic.slice(0, 512), reason, detail: detail.slice(0, 512), payloadHead: head.toString('base64'), payloadBytes: payload.byteLength };
    this.add(entry);
    return entry;
  }

  /** Newest first. */
  list(query: { reason?: QuarantineReason; limit: number }): QuarantineEntry[] {
    const out: QuarantineEntry[] = [];
    for (let i = 1; i <= this.stored && out.length < query.limit; i++) {
      const entry = this.ring[(this.next - i + this.capacity) % this.capacity];
      if (entry && (query.reason === undefined || entry.reason === query.reason)) out.push(entry);
    }
    return out;
  }

  /** Every reason, zeros included, counted since start (not just what the ring still holds). */
  counts(): Record<QuarantineReason, number> {
    return Object.fromEntries(this.byReason) as Record<QuarantineReason, number>;
  }

  /** Messages rejected since start. */
  get total(): number {
    return this.all;
  }

  /** Entries the ring holds now (at most capacity). */
  get size(): number {
    return this.stored;
  }
}
