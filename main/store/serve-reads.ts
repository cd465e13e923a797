/**
 * The worker side of read-worker.ts: opens the read-only connection, answers each read with
 * `answer`, and never throws across the port; every failure is a message, and a CallFailure (a
 * query's own refusal, such as a range too long) reaches the caller as one. A worker file is this
 * call and its query.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { CallFailure } from '../../common/errors';
import { openDatabase, type Db } from './open-database';
import type { FromReadWorker, ReadWorkerInit, ToReadWorker } from './read-worker-protocol';

/** One answer, and the buffers to transfer with it rather than clone. */
export interface ReadAnswer {
  value: unknown;
  transfer?: ArrayBuffer[];
}

export function serveReads<Request>(answer: (db: Db, request: Request) => ReadAnswer): void {
  const port = parentPort;
  if (!port) throw new Error('a read worker must run in a worker thread');
  const post = (msg: FromReadWorker, transfer: ArrayBuffer[] = []) => port.postMessage(msg, transfer);
  const message = (err: unknown) => (err instanceof Error ? `${(err as { code?: string }).code ?? err.name}: ${err.message}` : String(err));

  const init = workerData as ReadWorkerInit;
  let db: Db;
  try {
    db = openDatabase(init.dbPath, { readonly: true, nativeBinding: init.nativeBinding });
  } catch (err) {
    post({ type: 'fatal', error: message(err) });
    port.close();
    return;
  }
  port.on('message', (msg: ToReadWorker<Request>) => {
    if (msg.type === 'close') {
      db.close();
      post({ type: 'closed' });
      port.close();
      return;
    }
    const t0 = performance.now();
    try {
      const { value, transfer } = answer(db, msg.request);
      post({ type: 'answer', id: msg.id, answer: value, ms: performance.now() - t0 }, transfer);
    } catch (err) {
      if (err instanceof CallFailure) post({ type: 'failed', id: msg.id, error: err.message, code: err.code });
      else post({ type: 'failed', id: msg.id, error: message(err) });
    }
  });
  post({ type: 'ready' });
}
