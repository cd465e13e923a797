/**
 * Reads the broker connection in bursts when traffic is light. At plant rates (hundreds of small
 * messages a second, spread evenly) each message otherwise arrives on its own wake-up: a poll, a
 * read syscall and the whole pipeline running on cold caches, which cost several times what the
 * same work costs in a batch. After a burst the socket is paused for `windowMs`; the kernel holds
 * what arrives meanwhile, and the next read takes it all at once. It pauses only while the link is
 * light: a heavy burst (a backlog) or a busy link (a recent rate of busyBytesPerSecond or more)
 * keeps reading, so neither throughput nor latency under load changes.
 */
import type { MonoMs } from '../../common/time';

/** What the coalescer needs of a stream: net.Socket and tls.TLSSocket both fit. */
export interface PausableStream {
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  off(event: 'data', listener: (chunk: Buffer) => void): unknown;
  pause(): unknown;
  resume(): unknown;
  /**
   * Node's socket handle. A paused net.Socket keeps reading into its buffer until that holds a
   * high-water mark (16 KB), a wake-up per arrival as before; stopping the handle's reads leaves the
   * data in the kernel, as Node's own `onread` sockets do on pause; they are started again the
   * same way on resume.
   */
  _handle?: { reading?: boolean; readStop?(): number; readStart?(): number } | null;
  destroy(error?: Error): unknown;
}

export interface CoalescerEffects {
  now(): MonoMs;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  /** Runs fn once the reads of this poll are handled (setImmediate). */
  afterReads(fn: () => void): void;
}

export interface ReadCoalescerOptions {
  windowMs: number;
  /** A burst of at least this many bytes is a backlog: read on without pausing. */
  busyBytes?: number;
  /** At this recent rate or above the link is busy: read on without pausing. */
  busyBytesPerSecond?: number;
}

const DEFAULT_BUSY_BYTES = 64 * 1024;
/** About 1,500 messages of 170 bytes a second. */
const DEFAULT_BUSY_BYTES_PER_SECOND = 256 * 1024;
/** Time constant of the recent rate: a second. */
const RATE_TAU_MS = 1000;

const systemEffects: CoalescerEffects = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
  afterReads: (fn) => setImmediate(fn),
};

export class ReadCoalescer {
  private burstBytes = 0;
  private deciding = false;
  private timer: unknown = null;
  private stopped = false;
  /** Bytes per second, smoothed over about RATE_TAU_MS. */
  private rate = 0;
  private lastDecideAt: MonoMs;
  private readonly busyBytes: number;
  private readonly busyRate: number;
  private readonly onData = (chunk: Buffer) => {
    this.burstBytes += chunk.length;
    if (this.deciding || this.timer !== null || this.stopped) return;
    this.deciding = true;
    this.effects.afterReads(() => this.decide());
  };

  constructor(
    private readonly stream: PausableStream,
    private readonly options: ReadCoalescerOptions,
    private readonly effects: CoalescerEffects = systemEffects,
  ) {
    this.busyBytes = options.busyBytes ?? DEFAULT_BUSY_BYTES;
    this.busyRate = options.busyBytesPerSecond ?? DEFAULT_BUSY_BYTES_PER_SECOND;
    this.lastDecideAt = effects.now();
    if (options.windowMs > 0) stream.on('data', this.onData);
  }

  /** Stops pausing and leaves the stream flowing; for a connection that is being closed or replaced. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.stream.off('data', this.onData);
    if (this.timer !== null) {
      this.effects.clearTimeout(this.timer);
      this.timer = null;
      this.resume();
    }
  }

  private decide(): void {
    this.deciding = false;
    if (this.stopped) return;
    const bytes = this.burstBytes;
    this.burstBytes = 0;
    const now = this.effects.now();
    const dt = now - this.lastDecideAt;
    this.lastDecideAt = now;
    if (dt > 0) this.rate += (1 - Math.exp(-dt / RATE_TAU_MS)) * ((bytes * 1000) / dt - this.rate);
    if (bytes >= this.busyBytes || this.rate >= this.busyRate) return;
    this.stream.pause();
    const handle = this.stream._handle;
    if (handle?.reading && handle.readStop && handle.readStart) {
      handle.reading = false;
      handle.readStop();
    }
    this.timer = this.effects.setTimeout(() => {
      this.timer = null;
      if (!this.stopped) this.resume();
    }, this.options.windowMs);
  }

  private resume(): void {
    const handle = this.stream._handle;
    if (handle && handle.reading === false && handle.readStart) {
      handle.reading = true;
      const err = handle.readStart();
      if (err < 0) this.stream.destroy(new Error(`socket read failed to restart (libuv error ${err})`));
    }
    this.stream.resume();
  }
}
