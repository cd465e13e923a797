/**
 * The Electron host: windows, the app:// protocol and IPC around the same runtime the headless host
 * runs. Everything that is not about Electron lives in main/runtime.ts.
 */
import { app, BrowserWindow, ipcMain, powerSaveBlocker, protocol, safeStorage, screen } from 'electron';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../config';
import { guardProcess } from '../process-guards';
import { startRuntime, type Runtime } from '../runtime';
import { CONTENT_SECURITY_POLICY } from '../server/security-headers';
import { readStatic } from '../server/static-files';
import { jsFlagsToRelaunchWith } from '../v8-flags';
import { DisplayWindows, windowPlacement, type PlannedWindow } from './displays';
import { registerIpcBridge } from './ipc-bridge';
import { safeStorageKeystore } from './keystore';
import { BROKER_PASSWORD, createSecretStore } from './secret-store';
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
  // The runtime's V8 flags reach the main process only from its own command line: a packaged app
  // started without them starts once more with them (npm start passes them).
  const jsFlags = jsFlagsToRelaunchWith(app.commandLine.getSwitchValue('js-flags'));
  if (jsFlags !== null) {
    app.relaunch({ args: [...process.argv.slice(1), `--js-flags=${jsFlags}`] });
    app.exit(0);
    return;
  }
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  app.enableSandbox();
  guardProcess((message) => console.log(message));
  // Every webContents, whatever created it, gets the same lock-down before it can load anything.
  app.on('web-contents-created', (_event, contents) => lockDownContents(contents, devServerUrl));
  await app.whenReady();

  const secrets = createSecretStore(safeStorage, join(app.getPath('userData'), 'secrets.json'));
  const config = loadConfig({
    overrides: {
      dataDir: process.env['FACTORYBRAIN_DATA_DIR'] ?? join(app.getPath('userData'), 'data'),
      broker: { password: secrets.get(BROKER_PASSWORD) ?? undefined },
    },
  });
  const runtime: Runtime = await startRuntime(config, {
    log: (message) => console.log(message),
    sqliteBinding: electronSqliteBinding(),
    secrets,
    // The audit and sync key files are encrypted with it where the OS offers a keystore.
    keystore: safeStorageKeystore(safeStorage),
    versions: { electron: process.versions.electron ?? 'unknown', chrome: process.versions.chrome ?? 'unknown' },
  });

  protocol.handle(APP_SCHEME, async (request) => {
    const file = await readStatic(rendererDir, new URL(request.url).pathname);
    if (!file) return new Response('not found', { status: 404 });
    return new Response(new Uint8Array(file.body), { headers: { 'content-type': file.type, 'content-security-policy': CONTENT_SECURITY_POLICY } });
  });

  // Set once the display windows exist; voice events before that go to the first logged-in window.
  let desk: () => BrowserWindow | undefined = () => undefined;
  const bridge = registerIpcBridge({
    ipcMain,
    dispatch: runtime.dispatch,
    isOwnUrl: (url) => isOwnUrl(url, devServerUrl),
    sessionLive: runtime.sessionLive,
    speaker: () => desk()?.webContents,
  });
  const unsubscribe = runtime.subscribe((name, payload) => bridge.broadcast(name, payload));
  // A control-room screen must never go dark on its own.
  const sleepBlocker = powerSaveBlocker.start('prevent-display-sleep');

  const createWindow = (plan: PlannedWindow, url: string) => {
    // The scanner cannot follow options built by a function; secure-window.test.ts and main.test.ts check each
    // setting, and lockDownContents denies navigation (middle-click included).
    const win = new BrowserWindow({ ...secureWindowOptions(preloadPath, app.isPackaged), ...windowPlacement(plan) }); // eng-disable CONTEXT_ISOLATION_JS_CHECK SANDBOX_JS_CHECK AUXCLICK_JS_CHECK
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
    void win.loadURL(url);
    return win;
  };

  const layoutsPath = join(app.getPath('userData'), 'displays.json');
  const displays = new DisplayWindows({
    screen,
    file: { read: () => (existsSync(layoutsPath) ? readFileSync(layoutsPath, 'utf8') : null), write: (text) => writeFileSync(layoutsPath, text) },
    origin: (devServerUrl ?? APP_ORIGIN).replace(/\/$/, ''),
    open: createWindow,
    log: (message) => console.log(message),
  });
  desk = () => displays.desk() as BrowserWindow | undefined;
  displays.start();
  app.on('second-instance', () => (displays.desk() as BrowserWindow | undefined)?.focus());
  app.on('activate', () => BrowserWindow.getAllWindows().length === 0 && displays.sync());
  app.on('window-all-closed', () => app.quit());
  app.on('will-quit', (event) => {
    event.preventDefault();
    unsubscribe();
    displays.stop();
    bridge.dispose();
    powerSaveBlocker.stop(sleepBlocker);
    void runtime.stop().finally(() => app.exit(0));
  });
}

main().catch((err) => {
  console.error(`FactoryBrain could not start: ${(err as Error).message}`);
  app.exit(1);
});
