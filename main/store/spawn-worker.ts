import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts a worker from a module URL. A .ts worker (tsx dev runs, vitest) has to register tsx inside
 * the new thread itself: Node 20 ignores `--import` in a worker's execArgv, so it is loaded by a
 * small eval bootstrap instead. Built .js workers start directly.
 */
export function spawnWorker(url: URL, options: WorkerOptions = {}): Worker {
  if (!url.pathname.endsWith('.ts')) return new Worker(url, options);
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}
