import type { ErrorCode } from '../../common/contract';

/** Passed as workerData: what a read worker needs to open its own read-only connection. */
export interface ReadWorkerInit {
  dbPath: string;
  nativeBinding?: string;
}

export type ToReadWorker<Request> = { type: 'read'; id: number; request: Request } | { type: 'close' };

export type FromReadWorker =
  | { type: 'ready' }
  | { type: 'fatal'; error: string }
  | { type: 'answer'; id: number; answer: unknown; ms: number }
  /** `code`: the read refused with a CallFailure, which the caller gets as such. */
  | { type: 'failed'; id: number; error: string; code?: ErrorCode }
  | { type: 'closed' };
