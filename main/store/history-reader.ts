/**
 * readings.history off the main thread, on a read worker (read-worker.ts). Rows are bounded by
 * history.ts (points x sensors); time and the number of reads waiting by the read worker.
 */
import type { History } from '../../common/contract';
import type { HistoryRequest } from './history';
import { unpackHistory, type PackedHistory } from './history-pack';
import { historyWorkerUrl } from './history-worker-url';
import { ReadWorker, type ReaderOptions } from './read-worker';

export class HistoryReader {
  private constructor(private readonly reads: ReadWorker<HistoryRequest, History>) {}

  /** Resolves once the worker has opened the database, so a bad path fails the start, not the first read. */
  static async start(options: ReaderOptions): Promise<HistoryReader> {
    return new HistoryReader(
      await ReadWorker.start<HistoryRequest, History>({
        ...options,
        url: historyWorkerUrl(),
        what: 'history reader',
        reads: 'history reads',
        narrower: 'ask for a shorter range, fewer sensors or fewer points',
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
