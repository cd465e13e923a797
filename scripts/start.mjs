// npm start: the Electron app where Electron's runtime is installed, else the headless host.
import { spawn, execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { findElectron } from './electron-runtime.mjs';
import { prepareElectronNative } from './prepare-electron-native.mjs';
import { register } from 'tsx/esm/api';

register();
const { RUNTIME_V8_FLAGS } = await import('../main/v8-flags.ts');

const root = join(import.meta.dirname, '..');
const bin = (name) => join(root, 'node_modules/.bin', name);
const extraArgs = process.argv.slice(2);
const electron = findElectron();

function run(command, args, env = process.env) {
  const child = spawn(command, args, { cwd: root, stdio: 'inherit', env });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code) => process.exit(code ?? 1));
}

if (electron) {
  prepareElectronNative(electron.version);
  execFileSync(bin('electron-vite'), ['build'], { cwd: root, stdio: 'inherit' });
  // Given here, the main process need not start itself again to get them (main/v8-flags.ts).
  run(electron.binary, ['.', `--js-flags=${RUNTIME_V8_FLAGS.join(' ')}`, ...extraArgs], { ...process.env, FACTORYBRAIN_SQLITE_BINDING: join(root, '.cache/electron-native/better_sqlite3.node') });
} else {
  console.log('Electron runtime is not installed on this machine (node_modules/electron has no binary); starting the headless host instead.');
  execFileSync(bin('vite'), ['build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
  run(process.execPath, [...RUNTIME_V8_FLAGS, join(root, 'bin/factorybrain.mjs'), 'serve', ...extraArgs]);
}
