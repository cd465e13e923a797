import type { Worker } from 'node:worker_threads';
import { spawnWorker } from './spawn-worker';
import type { FromWorker, WriterInit } from './writer-protocol';

/** Starts the writer's worker thread; resolves once it has opened the database and said it is ready. */
export function startWriterWorker(url: URL, init: WriterInit): Promise<Worker> {
  return new Promise((resolve, reject) => {
    const worker = spawnWorker(url, { workerData: init });
    const onMessage = (msg: FromWorker) => {
      if (msg.type === 'ready') settle(() => resolve(worker));
      else if (msg.type === 'fatal') settle(() => reject(new Error(msg.error)));
    };
    const onError = (err: Error) => settle(() => reject(err));
    const onExit = (code: number) => settle(() => reject(new Error(`telemetry writer worker exited with code ${code} while starting`)));
    const settle = (fn: () => void) => {
      worker.off('message', onMessage).off('error', onError).off('exit', onExit);
      fn();
    };
    worker.on('message', onMessage).on('error', onError).on('exit', onExit);
  });
}
