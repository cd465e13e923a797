import type { Worker } from 'node:worker_threads';
import { spawnWorker } from './spawn-worker';
import type { WriterInit } from './writer-protocol';

/** What every store worker says first: it opened its connection, or why it could not. */
type StartMessage = { type: 'ready' } | { type: 'fatal'; error: string } | { type: string };

/** Starts one of the store's worker threads; resolves once it has opened the database and said it is ready. */
export function startStoreWorker(url: URL, workerData: unknown, what: string): Promise<Worker> {
  return new Promise((resolve, reject) => {
    const worker = spawnWorker(url, { workerData });
    const onMessage = (msg: StartMessage) => {
      if (msg.type === 'ready') settle(() => resolve(worker));
      else if (msg.type === 'fatal') settle(() => reject(new Error((msg as { error: string }).error)));
    };
    const onError = (err: Error) => settle(() => reject(err));
    const onExit = (code: number) => settle(() => reject(new Error(`${what} worker exited with code ${code} while starting`)));
    const settle = (fn: () => void) => {
      worker.off('message', onMessage).off('error', onError).off('exit', onExit);
      fn();
    };
    worker.on('message', onMessage).on('error', onError).on('exit', onExit);
  });
}

/** Starts the writer's worker thread; resolves once it has opened the database and said it is ready. */
export function startWriterWorker(url: URL, init: WriterInit): Promise<Worker> {
  return startStoreWorker(url, init, 'telemetry writer');
}
