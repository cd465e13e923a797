/**
 * Heavy reads off the main thread: one worker thread with its own read-only connection (WAL lets it
 * read beside the writer) answers reads one at a time, so the largest one allowed never stalls
 * ingest, the timers or the transports. Each read is bounded in time: one that runs past maxMs is
 * stopped by ending its worker (better-sqlite3 cannot be interrupted from outside) and refused with
 * a clear error, and the next read starts a fresh worker. Reads beyond maxQueued are refused, so a
 * burst of screens cannot pile up answers in memory. Bounding rows is each query's own work.
 * The worker side is serve-reads.ts.
 */
import type { Worker } from 'node:worker_threads';
import { CallFailure } from '../../common/errors';
import type { FromReadWorker, ReadWorkerInit, ToReadWorker } from './read-worker-protocol';
import { startStoreWorker } from './start-writer-worker';

/** What the host of a reader built on a read worker sets: the database, the bounds, the figures. */
export interface ReaderOptions extends ReadWorkerInit {
  /** A read still running after this long is stopped and refused; READ_MAX_MS by default. */
  maxMs?: number;
  /** Reads running or waiting at once, one more is refused; READS_QUEUED by default. */
  maxQueued?: number;
  /** How long each answered read took inside the worker (the diagnostics screen's slow statements). */
  observe?(ms: number): void;
  log?(message: string): void;
}

/** The largest history read allowed takes one to two seconds on a busy two-core PC; ten leave room for a slow disk. */
export const READ_MAX_MS = 10_000;
export const READS_QUEUED = 8;

export interface ReadWorkerOptions<Answer> extends ReaderOptions {
  /** The worker file (a module that calls serveReads). */
  url: URL;
  /** Names the reader in errors and the log: 'history reader'. */
  what: string;
  /** Names its reads in the refusal of one too many: 'history reads'. */
  reads: string;
  /** What a read stopped at its time bound should ask for instead. */
  narrower: string;
  /** The worker's answer as the caller gets it (history unpacks its transferred arrays here). */
  decode?(answer: unknown): Answer | Promise<Answer>;
}

interface Read<Request, Answer> {
  id: number;
  request: Request;
  label: string;
  resolve(answer: Answer): void;
  reject(err: Error): void;
}

export class ReadWorker<Request, Answer> {
  private worker: Promise<Worker> | null = null;
  /** The worker that is up now, so that one which exits is never sent another read. */
  private live: Worker | null = null;
  private readonly queue: Read<Request, Answer>[] = [];
  private running: { read: Read<Request, Answer>; worker: Worker; timer: NodeJS.Timeout } | null = null;
  /** A read has left the queue (its worker may still be starting): the next waits. */
  private busy = false;
  private nextId = 1;
  /** Reads accepted and not yet answered: waiting, waiting for a worker to start, or running. */
  private pending = 0;
  private closed = false;
  private readonly maxMs: number;
  private readonly maxQueued: number;

  private constructor(
    private readonly options: ReadWorkerOptions<Answer>,
    first: Worker,
  ) {
    this.maxMs = options.maxMs ?? READ_MAX_MS;
    this.maxQueued = options.maxQueued ?? READS_QUEUED;
    this.worker = Promise.resolve(this.watch(first));
  }

  /** Resolves once the worker has opened the database, so a bad path fails the start, not the first read. */
  static async start<Request, Answer>(options: ReadWorkerOptions<Answer>): Promise<ReadWorker<Request, Answer>> {
    return new ReadWorker<Request, Answer>(options, await startStoreWorker(options.url, ReadWorker.init(options), options.what));
  }

  private static init(options: ReadWorkerInit): ReadWorkerInit {
    return { dbPath: options.dbPath, ...(options.nativeBinding !== undefined && { nativeBinding: options.nativeBinding }) };
  }

  /** `label` names the read in the log line of one that ran too long. */
  read(request: Request, label: string): Promise<Answer> {
    const what = this.options.what;
    if (this.closed) return Promise.reject(new CallFailure('internal', `the ${what} is closed`));
    if (this.pending >= this.maxQueued) {
      return Promise.reject(new CallFailure('rate_limited', `${this.maxQueued} ${this.options.reads} are already running or waiting; try again in a moment`));
    }
    this.pending++;
    const settled = () => this.pending--;
    return new Promise<Answer>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, request, label, resolve: (a) => (settled(), resolve(a)), reject: (e) => (settled(), reject(e)) });
      this.pump();
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const read of this.queue.splice(0)) read.reject(new CallFailure('internal', `the ${this.options.what} closed before this read`));
    if (this.running) this.finish(this.running.read.id)?.reject(new CallFailure('internal', `the ${this.options.what} closed during this read`));
    const worker = await this.worker?.catch(() => null);
    this.worker = null;
    if (!worker) return;
    await new Promise<void>((resolve) => {
      worker.once('exit', () => resolve());
      worker.postMessage({ type: 'close' } satisfies ToReadWorker<Request>);
      // A worker stuck in a statement never reads the close message.
      setTimeout(() => void worker.terminate(), 1_000).unref();
    });
  }

  private pump(): void {
    if (this.busy || this.closed) return;
    const read = this.queue.shift();
    if (!read) return;
    this.busy = true;
    this.worker ??= startStoreWorker(this.options.url, ReadWorker.init(this.options), this.options.what).then((w) => this.watch(w));
    const current = this.worker;
    current.then(
      (worker) => {
        if (this.closed) {
          this.busy = false;
          return read.reject(new CallFailure('internal', `the ${this.options.what} closed before this read`));
        }
        const timer = setTimeout(() => this.timedOut(read.id), this.maxMs);
        this.running = { read, worker, timer };
        worker.postMessage({ type: 'read', id: read.id, request: read.request } satisfies ToReadWorker<Request>);
      },
      (err: Error) => {
        if (this.worker === current) this.worker = null;
        this.busy = false;
        read.reject(new Error(`${this.options.what} could not start: ${err.message}`));
        this.pump();
      },
    );
  }

  private watch(worker: Worker): Worker {
    this.live = worker;
    worker.on('message', (msg: FromReadWorker) => {
      if (msg.type === 'answer') {
        this.options.observe?.(msg.ms);
        const read = this.finish(msg.id);
        if (read) Promise.resolve(this.options.decode ? this.options.decode(msg.answer) : (msg.answer as Answer)).then(read.resolve, read.reject);
      } else if (msg.type === 'failed') {
        this.finish(msg.id)?.reject(msg.code ? new CallFailure(msg.code, msg.error) : new Error(`${this.options.what} failed: ${msg.error}`));
      }
    });
    worker.on('error', (err) => this.options.log?.(`store: ${this.options.what}: ${err.message}`));
    worker.on('exit', (code) => {
      if (this.live === worker) {
        this.live = null;
        this.worker = null;
      }
      if (this.running?.worker !== worker) return;
      this.finish(this.running.read.id)?.reject(new Error(`${this.options.what} stopped (exit code ${code}) during a read`));
    });
    return worker;
  }

  private timedOut(id: number): void {
    const running = this.running;
    const read = this.finish(id);
    if (!running || !read) return;
    read.reject(
      new CallFailure('bad_request', `the ${read.label} ran past ${this.maxMs / 1000} s and was stopped; ${this.options.narrower}`),
    );
    // The statement cannot be interrupted: the worker goes, and the next read starts a fresh one.
    this.worker = null;
    this.live = null;
    void running.worker.terminate();
    this.options.log?.(`store: the ${read.label} ran past ${this.maxMs} ms; its worker was ended`);
  }

  /** Ends the running read if it is `id`, and starts the next. */
  private finish(id: number): Read<Request, Answer> | null {
    const running = this.running;
    if (!running || running.read.id !== id) return null;
    clearTimeout(running.timer);
    this.running = null;
    this.busy = false;
    queueMicrotask(() => this.pump());
    return running.read;
  }
}
