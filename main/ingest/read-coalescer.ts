/**
 * Reads the broker connection in bursts when traffic is light. At plant rates (hundreds of small
 * messages a second, spread evenly) each message otherwise arrives on its own wake-up: a poll, a
 * read syscall and the whole pipeline running on cold caches, which cost several times what the
 * same work costs in a batch. After a light burst the socket is paused for `windowMs`; the kernel
 * holds what arrives meanwhile, and the next read takes it all at once. A heavy burst (a backlog,
 * or a busy link) resumes reading at once, so throughput is never capped: the pause only spreads
 * wake-ups, it never makes data wait behind more data.
 */

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
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  /** Runs fn once the reads of this poll are handled (setImmediate). */
  afterReads(fn: () => void): void;
}

export interface ReadCoalescerOptions {
  windowMs: number;
  /** A burst of at least this many bytes means the link is busy: read on without pausing. */
  busyBytes?: number;
}

const DEFAULT_BUSY_BYTES = 64 * 1024;

const systemEffects: CoalescerEffects = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
  afterReads: (fn) => setImmediate(fn),
};

export class ReadCoalescer {
  private burstBytes = 0;
  private deciding = false;
  private timer: unknown = null;
  private stopped = false;
  private readonly busyBytes: number;
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
    if (bytes >= this.busyBytes) return;
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
