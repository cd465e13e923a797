import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  // Relative asset URLs load the same build from the Electron custom protocol and from the HTTP host.
  base: './',
  plugins: [react()],
  build: {
    outDir: '../out/renderer',
    emptyOutDir: true,
    // One ~500 kB bundle (React, uPlot, zod) is loaded from the local disk or host, never over a
    // slow network, so splitting it would buy nothing; warn only if it grows well past that.
    chunkSizeWarningLimit: 800,
  },
});
