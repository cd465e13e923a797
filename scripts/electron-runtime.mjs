// Where the Electron binary is, without requiring the electron package (whose require downloads it).
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/**
 * @param {string} [pkgDir] the electron package folder; by default the one node_modules resolves
 * @returns {{ binary: string, version: string } | null}
 */
export function findElectron(pkgDir) {
  if (pkgDir === undefined) {
    try {
      pkgDir = dirname(require.resolve('electron/package.json'));
    } catch {
      return null;
    }
  }
  const pathFile = join(pkgDir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = join(pkgDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  if (!existsSync(binary)) return null;
  return { binary, version: JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).version };
}
