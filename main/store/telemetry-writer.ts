import type { Worker } from 'node:worker_threads';
import type { Reading } from '../../common/telemetry';
import type { RetentionDays } from './retention';
import { PendingRows, type RowColumns } from './pending-rows';
import { startWriterWorker } from './start-writer-worker';
import { writerWorkerUrl } from './writer-worker-url';
import type { FromWorker, ToWorker, WriterInit } from './writer-protocol';
import type { MonoMs, WallMs } from '../../common/time';

export interface TelemetryWriterOptions {
  dbPath: string;
  /**
   * At light load a batch is committed at least this often: at most this much telemetry is lost on
   * power loss. Under load (busyRowsPerSecond or more) batches go every busyFlushMs instead.
   */
  flushMs: number;
  busyFlushMs?: number;
  busyRowsPerSecond?: number;
  retention: RetentionDays;
  nativeBinding?: string;
  busyTimeoutMs?: number;
  /** Queued rows that trigger a commit before the next tick. */
  batchRows?: number;
  /** Beyond this many pending rows (the worker failing or too slow) the oldest are dropped and counted. */
  maxPendingRows?: number;
  allowedLatenessMs?: number;
  pruneEveryMs?: number;
  workerUrl?: URL;
}

export interface CommitInfo {
  rows: number;
  rejected: number;
  /** Latest receivedAt in the batch: committedAt - maxReceivedAt is the publish-to-stored latency. */
  maxReceivedAt: WallMs;
  committedAt: WallMs;
}

/** A batch that follows a backlog is bigger, since bigger transactions write faster, but stays bounded. */
const MAX_BATCH_FACTOR = 4;
const BUSY_FLUSH_MS = 100;
/**
 * Below this rate commits wait for flushMs: a commit costs something beyond its rows (the message to
 * the worker, the transaction, a pass over the open rollup minutes, a retention step). Figures:
 * bench/README.md, 2026-11-27.
 */
const BUSY_ROWS_PER_SECOND = 1000;
const RESPAWN_AFTER_MS = 1000;
const CLOSE_TIMEOUT_MS = 10_000;

/**
 * Main-thread side of the telemetry store. Readings are queued here and handed to a worker thread
 * every flushMs at light load, every busy tick under load, or when batchRows are waiting; one batch
 * is in flight at a time, and the worker commits each batch in one transaction. Failures never throw into the pipeline: a failed batch returns to
 * the head of the queue and is retried on the next tick, and the error is reported.
 */
export class TelemetryWriter {
  lastError: string | null = null;
  private readonly queue = new PendingRows();
  private inFlight: (RowColumns & { id: number }) | null = null;
  private appended = 0;
  /**
   * Every row appended before this position is committed, refused by the store, or dropped: rows
   * leave in append order (batches from the head, drops right behind the batch in flight).
   */
  private storedPos = 0;
  private storedWaiters: { mark: number; cb: () => void }[] = [];
  private nextId = 1;
  private dropped = 0;
  private rejected = 0;
  private readonly committedListeners = new Set<(info: CommitInfo) => void>();
  private readonly errorListeners = new Set<(error: string) => void>();
  private flushWaiters: { resolve: () => void; reject: (err: Error) => void }[] = [];
  private readonly timer: NodeJS.Timeout;
  private worker: Worker | null = null;
  private respawning = false;
  private lastExitAt: WallMs = 0;
  private closing = false;
  private readonly batchRows: number;
  private readonly maxPending: number;
  private readonly flushMs: number;
  private readonly busyRowsPerTick: number;
  /** When the oldest queued row was queued. */
  private queuedSince: MonoMs = 0;
  private appendedAtLastTick = 0;
  private busyLastTick = false;

  private constructor(
    private readonly url: URL,
    private readonly init: WriterInit,
    options: TelemetryWriterOptions,
    worker: Worker,
  ) {
    this.batchRows = options.batchRows ?? 5000;
    this.maxPending = options.maxPendingRows ?? 200_000;
    this.attach(worker);
    this.flushMs = options.flushMs;
    const tickMs = Math.min(options.flushMs, options.busyFlushMs ?? BUSY_FLUSH_MS);
    this.busyRowsPerTick = ((options.busyRowsPerSecond ?? BUSY_ROWS_PER_SECOND) * tickMs) / 1000;
    this.timer = setInterval(() => this.tick(), tickMs);
    this.timer.unref();
  }

  /** Resolves once the worker has opened (and migrated) the database; rejects if it cannot. */
  static async start(options: TelemetryWriterOptions): Promise<TelemetryWriter> {
    const url = options.workerUrl ?? writerWorkerUrl();
    const init: WriterInit = {
      dbPath: options.dbPath,
      nativeBinding: options.nativeBinding,
      busyTimeoutMs: options.busyTimeoutMs ?? 5000,
      retention: options.retention,
      allowedLatenessMs: options.allowedLatenessMs,
      pruneEveryMs: options.pruneEveryMs ?? 1000,
      // half, so that commits a flush interval apart each sync whatever the timer's jitter
      syncEveryMs: options.flushMs / 2,
    };
    return new TelemetryWriter(url, init, options, await startWriterWorker(url, init));
  }

  append(readings: readonly Reading[]): void {
    const q = this.queue;
    if (q.length === 0) this.queuedSince = performance.now();
    for (const r of readings) q.push(r, this.appended++);
    this.enforceBound();
    if (!this.inFlight && q.length >= this.batchRows) this.send();
  }

  /** Rows appended so far: the mark to pass to whenStored() for everything appended until now. */
  get appendedRows(): number {
    return this.appended;
  }

  /**
   * Calls back, in mark order, once every row appended before `mark` is committed, so a caller can
   * hold the broker's acknowledgement until then and lose nothing to a crash. While the store is
   * failing it calls back at once: holding acknowledgements then would stop live data as well,
   * and the rows still wait in the bounded queue for the store to return.
   */
  whenStored(mark: number, cb: () => void): void {
    if (mark <= this.storedPos || this.lastError !== null) {
      cb();
      return;
    }
    this.storedWaiters.push({ mark, cb });
    // Acknowledgements are waiting: commit now rather than at the next tick.
    if (!this.inFlight) this.send();
  }

  get pendingRows(): number {
    return this.queue.length + (this.inFlight?.ts.length ?? 0);
  }

  /** Rows dropped because the pending queue was full. */
  get droppedRows(): number {
    return this.dropped;
  }

  /** Rows the store refused (bad id, timestamp or metrics); they are not retried. */
  get rejectedRows(): number {
    return this.rejected;
  }

  /** Returns the unsubscribe function. */
  onCommitted(cb: (info: CommitInfo) => void): () => void {
    this.committedListeners.add(cb);
    return () => this.committedListeners.delete(cb);
  }

  /** Returns the unsubscribe function. */
  onError(cb: (error: string) => void): () => void {
    this.errorListeners.add(cb);
    return () => this.errorListeners.delete(cb);
  }

  /** Resolves when everything queued so far is committed; rejects if a batch fails (its rows stay queued). */
  flush(): Promise<void> {
    if (this.pendingRows === 0) return Promise.resolve();
    if (!this.worker) return Promise.reject(new Error(this.lastError ?? 'telemetry writer worker is not running'));
    return new Promise((resolve, reject) => {
      this.flushWaiters.push({ resolve, reject });
      if (!this.inFlight) this.send();
    });
  }

  /** Commits what is pending (best effort), then closes the worker's connection. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    clearInterval(this.timer);
    try {
      await this.flush();
    } catch {
      // Already reported through lastError/onError; closing must not hang on a broken disk.
    }
    const worker = this.worker;
    if (!worker) return;
    await new Promise<void>((resolve) => {
      const kill = setTimeout(() => void worker.terminate(), CLOSE_TIMEOUT_MS);
      worker.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      this.post({ type: 'close' });
    });
  }

  private tick(): void {
    const arrived = this.appended - this.appendedAtLastTick;
    this.appendedAtLastTick = this.appended;
    const busyNow = arrived >= this.busyRowsPerTick;
    // A burst's last rows, which arrive after its last busy tick, still go at the next one.
    const busy = busyNow || this.busyLastTick;
    this.busyLastTick = busyNow;
    if (!this.worker) this.respawn();
    else if (!this.inFlight && this.queue.length > 0 && (busy || performance.now() - this.queuedSince >= this.flushMs)) this.send();
  }

  private send(): void {
    const n = Math.min(this.queue.length, this.batchRows * MAX_BATCH_FACTOR);
    if (n === 0 || !this.worker) return;
    const batch = { id: this.nextId++, ...this.queue.take(n) };
    this.queuedSince = performance.now();
    this.inFlight = batch;
    const ts = Float64Array.from(batch.ts);
    this.post({ type: 'batch', id: batch.id, machineIds: batch.machineIds, ts, metrics: batch.metrics }, [ts.buffer]);
  }

  private post(msg: ToWorker, transfer: ArrayBuffer[] = []): void {
    this.worker?.postMessage(msg, transfer);
  }

  private attach(worker: Worker): void {
    this.worker = worker;
    worker.on('message', (msg: FromWorker) => this.onWorkerMessage(msg));
    worker.on('error', (err) => this.report(`telemetry writer worker crashed: ${err.message}`));
    worker.on('exit', (code) => {
      if (this.worker !== worker) return;
      this.worker = null;
      this.lastExitAt = Date.now();
      this.requeueInFlight();
      if (!this.closing) this.report(`telemetry writer worker exited with code ${code}`);
      this.rejectWaiters(this.lastError ?? 'telemetry writer worker exited');
    });
  }

  private onWorkerMessage(msg: FromWorker): void {
    switch (msg.type) {
      case 'committed': {
        const batch = this.inFlight;
        if (!batch || batch.id !== msg.id) return;
        this.inFlight = null;
        this.lastError = null;
        this.rejected += msg.rejected;
        this.storedPos = batch.pos[batch.pos.length - 1]! + 1;
        this.releaseStored((w) => w.mark <= this.storedPos);
        let maxReceivedAt = -Infinity;
        for (const r of batch.received) if (r > maxReceivedAt) maxReceivedAt = r;
        const info: CommitInfo = { rows: msg.written, rejected: msg.rejected, maxReceivedAt, committedAt: msg.committedAt };
        for (const cb of this.committedListeners) {
          try {
            cb(info);
          } catch (err) {
            this.report(`onCommitted listener threw: ${(err as Error).message}`);
          }
        }
        if (this.queue.length === 0) this.resolveWaiters();
        else if (this.flushWaiters.length > 0 || this.storedWaiters.length > 0 || this.queue.length >= this.batchRows) this.send();
        return;
      }
      case 'failed':
        if (this.inFlight?.id !== msg.id) return;
        this.requeueInFlight();
        this.report(msg.error);
        this.rejectWaiters(msg.error);
        return;
      case 'error':
        this.report(msg.error);
        return;
      default:
        return;
    }
  }

  private requeueInFlight(): void {
    const batch = this.inFlight;
    if (!batch) return;
    this.inFlight = null;
    this.queue.putBack(batch);
    // retried at the next tick, whatever the load
    this.queuedSince = Number.NEGATIVE_INFINITY;
    this.enforceBound();
  }

  private enforceBound(): void {
    const excess = Math.min(this.pendingRows - this.maxPending, this.queue.length);
    if (excess <= 0) return;
    this.queue.take(excess);
    this.dropped += excess;
  }

  private respawn(): void {
    if (this.respawning || this.closing || Date.now() - this.lastExitAt < RESPAWN_AFTER_MS) return;
    this.respawning = true;
    startWriterWorker(this.url, this.init).then(
      (worker) => {
        this.respawning = false;
        if (this.closing) void worker.terminate();
        else this.attach(worker);
      },
      (err: Error) => {
        this.respawning = false;
        this.lastExitAt = Date.now();
        this.report(`telemetry writer worker could not restart: ${err.message}`);
      },
    );
  }

  private report(error: string): void {
    this.lastError = error;
    this.releaseStored(() => true);
    this.notify(error);
  }

  private notify(error: string): void {
    for (const cb of this.errorListeners) {
      try {
        cb(error);
      } catch {
        // A broken error listener must not take the writer down with it.
      }
    }
  }

  private releaseStored(due: (w: { mark: number }) => boolean): void {
    const waiters = this.storedWaiters;
    let k = 0;
    while (k < waiters.length && due(waiters[k]!)) k++;
    if (k === 0) return;
    this.storedWaiters = waiters.slice(k);
    for (let i = 0; i < k; i++) {
      try {
        waiters[i]!.cb();
      } catch (err) {
        // One caller's failure must not keep the others' acknowledgements back; it is not a store error.
        this.notify(`whenStored callback threw: ${(err as Error).message}`);
      }
    }
  }

  private resolveWaiters(): void {
    const waiters = this.flushWaiters;
    this.flushWaiters = [];
    for (const w of waiters) w.resolve();
  }

  private rejectWaiters(error: string): void {
    const waiters = this.flushWaiters;
    this.flushWaiters = [];
    for (const w of waiters) w.reject(new Error(error));
  }
}
