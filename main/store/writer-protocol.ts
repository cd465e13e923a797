import type { RetentionDays } from './retention';
import type { RowBatch } from './telemetry-sink';
import type { WallMs } from '../../common/time';

/** Passed as workerData; everything the worker needs to open its own connection. */
export interface WriterInit {
  dbPath: string;
  nativeBinding?: string;
  busyTimeoutMs: number;
  retention: RetentionDays;
  allowedLatenessMs?: number;
  /** Retention keeps going between batches so an idle store still gets pruned. */
  pruneEveryMs: number;
  /** A commit this long after the last synced one syncs the WAL (TelemetrySink's syncEveryMs). */
  syncEveryMs?: number;
}

export type ToWorker = ({ type: 'batch'; id: number } & RowBatch) | { type: 'close' };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'fatal'; error: string }
  | { type: 'committed'; id: number; written: number; rejected: number; committedAt: WallMs }
  | { type: 'failed'; id: number; error: string }
  | { type: 'error'; error: string }
  | { type: 'closed' };
