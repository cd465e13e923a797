/**
 * Where the writer's worker file lives: beside this module as .ts under tsx and vitest, and as the
 * .js entry electron-vite emits next to the bundled main process.
 */
export function writerWorkerUrl(): URL {
  return import.meta.url.endsWith('.ts')
    ? new URL('./telemetry-writer.worker.ts', import.meta.url)
    : new URL('./telemetry-writer.worker.js', import.meta.url);
}
