/**
 * readings.history off the main thread, on a read worker (read-worker.ts). Rows are bounded by
 * history.ts (points x sensors); time and the number of reads waiting by the read worker.
 */
import type { History } from '../../common/contract';
import type { HistoryRequest } from './history';
import { unpackHistory, type PackedHistory } from './history-pack';
import { historyWorkerUrl } from './history-worker-url';
import { ReadWorker } from './read-worker';
import type { ReadWorkerInit } from './read-worker-protocol';

export interface HistoryReaderOptions extends ReadWorkerInit {
  /** A read still running after this long is stopped and refused. */
  maxMs?: number;
  /** Reads running or waiting at once; one more is refused. */
  maxQueued?: number;
  observe?(ms: number): void;
  log?(message: string): void;
}

/** The largest read allowed takes one to two seconds on a busy two-core PC; ten leave room for a slow disk. */
export const HISTORY_READ_MAX_MS = 10_000;
export const HISTORY_READS_QUEUED = 8;

export class HistoryReader {
  private constructor(private readonly reads: ReadWorker<HistoryRequest, History>) {}

  /** Resolves once the worker has opened the database, so a bad path fails the start, not the first read. */
  static async start(options: HistoryReaderOptions): Promise<HistoryReader> {
    const { maxMs, maxQueued, ...rest } = options;
    return new HistoryReader(
      await ReadWorker.start<HistoryRequest, History>({
        ...rest,
        url: historyWorkerUrl(),
        what: 'history reader',
        reads: 'history reads',
        narrower: 'ask for a shorter range, fewer sensors or fewer points',
        maxMs: maxMs ?? HISTORY_READ_MAX_MS,
        maxQueued: maxQueued ?? HISTORY_READS_QUEUED,
        decode: (answer) => unpackHistory(answer as PackedHistory),
      }),
    );
  }

  read(request: HistoryRequest): Promise<History> {
    return this.reads.read(request, `history read of ${request.machineId}`);
  }

  close(): Promise<void> {
    return this.reads.close();
  }
}
