/**
 * The Electron host: windows, the app:// protocol and IPC around the same runtime the headless host
 * runs. Everything that is not about Electron lives in main/runtime.ts.
 */
import { app, BrowserWindow, ipcMain, powerSaveBlocker, protocol } from 'electron';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../config';
import { startRuntime, type Runtime } from '../runtime';
import { CONTENT_SECURITY_POLICY } from '../server/security-headers';
import { readStatic } from '../server/static-files';
import { registerIpcBridge } from './ipc-bridge';
import { APP_ORIGIN, APP_SCHEME, isOwnUrl, lockDownContents, secureWindowOptions } from './secure-window';

protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

const devServerUrl = app.isPackaged ? undefined : process.env['ELECTRON_RENDERER_URL'];
const rendererDir = join(import.meta.dirname, '../renderer');
const preloadPath = join(import.meta.dirname, '../preload/index.cjs');

/** Where `npm start` put a better-sqlite3 build for Electron's ABI (the Node build stays for the tests). */
function electronSqliteBinding(): string | undefined {
  const candidate = process.env['FACTORYBRAIN_SQLITE_BINDING'] ?? join(app.getAppPath(), '.cache/electron-native/better_sqlite3.node');
  return !app.isPackaged && existsSync(candidate) ? candidate : undefined;
}

async function main() {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  app.enableSandbox();
  await app.whenReady();

  const config = loadConfig({ overrides: { dataDir: process.env['FACTORYBRAIN_DATA_DIR'] ?? join(app.getPath('userData'), 'data') } });
  const runtime: Runtime = await startRuntime(config, {
    log: (message) => console.log(message),
    sqliteBinding: electronSqliteBinding(),
    versions: { electron: process.versions.electron ?? 'unknown', chrome: process.versions.chrome ?? 'unknown' },
  });

  protocol.handle(APP_SCHEME, async (request) => {
    const file = await readStatic(rendererDir, new URL(request.url).pathname);
    if (!file) return new Response('not found', { status: 404 });
    return new Response(new Uint8Array(file.body), { headers: { 'content-type': file.type, 'content-security-policy': CONTENT_SECURITY_POLICY } });
  });

  const bridge = registerIpcBridge({
    ipcMain,
    dispatch: runtime.dispatch,
    isOwnUrl: (url) => isOwnUrl(url, devServerUrl),
    sessionLive: runtime.sessionLive,
  });
  const unsubscribe = runtime.subscribe((name, payload) => bridge.broadcast(name, payload));
  // A control-room screen must never go dark on its own.
  const sleepBlocker = powerSaveBlocker.start('prevent-display-sleep');

  const createWindow = () => {
    const win = new BrowserWindow(secureWindowOptions(preloadPath, app.isPackaged));
    lockDownContents(win.webContents, devServerUrl);
    win.webContents.on('render-process-gone', (_event, details) => {
      console.log(`renderer gone (${details.reason}); reloading`);
      bridge.forget(win.webContents);
      if (!win.isDestroyed()) win.webContents.reload();
    });
    win.on('unresponsive', () => {
      console.log('renderer unresponsive; reloading');
      bridge.forget(win.webContents);
      win.webContents.forcefullyCrashRenderer();
    });
    win.once('ready-to-show', () => win.show());
    void win.loadURL(devServerUrl ?? `${APP_ORIGIN}/index.html`);
    return win;
  };

  createWindow();
  app.on('second-instance', () => BrowserWindow.getAllWindows()[0]?.focus());
  app.on('activate', () => BrowserWindow.getAllWindows().length === 0 && createWindow());
  app.on('window-all-closed', () => app.quit());
  app.on('will-quit', (event) => {
    event.preventDefault();
    unsubscribe();
    bridge.dispose();
    powerSaveBlocker.stop(sleepBlocker);
    void runtime.stop().finally(() => app.exit(0));
  });
}

main().catch((err) => {
  console.error(`FactoryBrain could not start: ${(err as Error).message}`);
  app.exit(1);
});
