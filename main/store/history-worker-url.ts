/**
 * Where the history reader's worker file lives: beside this module as .ts under tsx and vitest, and
 * as the .js entry electron-vite emits next to the bundled main process (electron.vite.config.ts).
 */
export function historyWorkerUrl(): URL {
  return import.meta.url.endsWith('.ts')
    ? new URL('./history-reader.worker.ts', import.meta.url)
    : new URL('./history-reader.worker.js', import.meta.url);
}
