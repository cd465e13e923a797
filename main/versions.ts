import { createRequire } from 'node:module';
import pkg from '../package.json' with { type: 'json' };

// Not named `require`: electron-vite's ESM shim declares a top-level `require` in the bundled main.
const requireHere = createRequire(import.meta.url);

function packageVersion(name: string): string {
  try {
    return (requireHere(`${name}/package.json`) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

let cached: Record<string, string> | undefined;
/** Versions for the about screen and /api/health; read once, they do not change while running. */
export function versions(): Record<string, string> {
  cached ??= {
    app: pkg.version,
    node: process.versions.node,
    'better-sqlite3': packageVersion('better-sqlite3'),
    mqtt: packageVersion('mqtt'),
    'onnxruntime-node': packageVersion('onnxruntime-node'),
  };
  return cached;
}
