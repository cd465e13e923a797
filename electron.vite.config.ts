import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'electron-vite';
// One renderer config: `vite build --config renderer/vite.config.ts` (headless host, browser tests) and
// this Electron build make the same static site.
import rendererConfig from './renderer/vite.config';

// electron-vite bundles this file before loading it and rewrites import.meta.url (not import.meta.dirname)
// to the source file's URL, so the root is taken from the URL.
const root = fileURLToPath(new URL('.', import.meta.url));

// The models' hashes go into the main bundle, inside app.asar, so ASAR integrity covers them too
// (main/inference/manifest.ts: BUILT_IN_MODEL_HASHES).
const manifest = JSON.parse(readFileSync(resolve(root, 'models/manifest.json'), 'utf8')) as { models: Record<string, { file: string; sha256: string }> };
const modelHashes = Object.fromEntries(Object.values(manifest.models).map((m) => [m.file, m.sha256]));

export default defineConfig({
  main: {
    define: { __FB_MODEL_HASHES__: JSON.stringify(modelHashes) },
    build: {
      outDir: resolve(root, 'out/main'),
      rolldownOptions: {
        input: {
          electron: resolve(root, 'main/electron/main.ts'),
          // The telemetry writer runs in a worker thread; it must be its own file beside electron.js
          // (main/store/writer-worker-url.ts resolves ./telemetry-writer.worker.js from the bundle).
          'telemetry-writer.worker': resolve(root, 'main/store/telemetry-writer.worker.ts'),
          // So does the history reader (main/store/history-worker-url.ts).
          'history-reader.worker': resolve(root, 'main/store/history-reader.worker.ts'),
          // And the alarm KPI reader (main/alarms/kpi-reader.ts: kpiWorkerUrl).
          'kpi-reader.worker': resolve(root, 'main/alarms/kpi-reader.worker.ts'),
        },
        output: { format: 'es', entryFileNames: '[name].js' },
      },
    },
  },
  preload: {
    build: {
      outDir: resolve(root, 'out/preload'),
      // A sandboxed preload must be CommonJS with its imports bundled in; only `electron` stays external.
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve(root, 'preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    ...rendererConfig,
    build: {
      ...rendererConfig.build,
      // electron-vite resolves a relative outDir against the project root, not the renderer root.
      outDir: resolve(root, 'out/renderer'),
      rolldownOptions: { input: resolve(root, 'renderer/index.html') },
    },
  },
});
