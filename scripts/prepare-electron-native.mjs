// Builds better-sqlite3 for Electron's ABI into .cache/electron-native, leaving node_modules (the Node
// build that the tests and the CLI use) untouched. The Electron main process loads it through
// better-sqlite3's nativeBinding option.
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync, mkdirSync, copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { execFileSync } from 'node:child_process';

const require = createRequire(import.meta.url);
const root = join(import.meta.dirname, '..');
const outDir = join(root, '.cache/electron-native');
const stamp = join(outDir, 'stamp.json');

export function prepareElectronNative(electronVersion) {
  const sqliteDir = dirname(require.resolve('better-sqlite3/package.json'));
  const sqliteVersion = JSON.parse(readFileSync(join(sqliteDir, 'package.json'), 'utf8')).version;
  const want = JSON.stringify({ electronVersion, sqliteVersion, arch: process.arch, platform: process.platform });
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === want && existsSync(join(outDir, 'better_sqlite3.node'))) return;

  const nodeGyp = process.env.npm_config_node_gyp;
  if (!nodeGyp) throw new Error('run this through npm (npm start) so that npm provides node-gyp');
  const work = join(outDir, 'better-sqlite3');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  cpSync(sqliteDir, work, { recursive: true, filter: (src) => !src.includes(`${join(sqliteDir, 'build')}`) });
  console.log(`building better-sqlite3 ${sqliteVersion} for Electron ${electronVersion} (once)...`);
  execFileSync(process.execPath, [nodeGyp, 'rebuild', '--release', `--target=${electronVersion}`, '--runtime=electron', '--dist-url=https://electronjs.org/headers'], {
    cwd: work,
    stdio: 'inherit',
  });
  copyFileSync(join(work, 'build/Release/better_sqlite3.node'), join(outDir, 'better_sqlite3.node'));
  writeFileSync(stamp, want);
}
