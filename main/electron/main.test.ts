/**
 * The Electron entry under a full mock of the electron module: main.ts is imported as the app would
 * load it, and every app-level call and window setting is checked against the mock.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { CALL_NAMES, ipcChannel } from '../../common/contract';
import { CONTENT_SECURITY_POLICY } from '../server/security-headers';
import { RUNTIME_V8_FLAGS } from '../v8-flags';

const userData = mkdtempSync(join(tmpdir(), 'fb-electron-'));
afterAll(() => rmSync(userData, { recursive: true, force: true }));

const h = vi.hoisted(() => {
  const on = () => {
    const handlers = new Map<string, ((...args: unknown[]) => unknown)[]>();
    return {
      handlers,
      on: (name: string, fn: (...args: unknown[]) => unknown) => void handlers.set(name, [...(handlers.get(name) ?? []), fn]),
      emit: (name: string, ...args: unknown[]) => (handlers.get(name) ?? []).forEach((fn) => fn(...args)),
    };
  };
  const appEvents = on();
  const runtime = { dispatch: vi.fn(), sessionLive: vi.fn(), subscribe: vi.fn(() => () => {}), stop: vi.fn(async () => {}) };
  const windows: { options: unknown; webContents: ReturnType<typeof on> & Record<string, unknown>; events: ReturnType<typeof on> & Record<string, unknown> }[] = [];
  const display = { id: 1, bounds: { x: 0, y: 0, width: 1920, height: 1080 } };
  return { on, appEvents, runtime, windows, display, lock: { value: true }, ready: { resolve: () => {} }, jsFlags: { value: '--max-semi-space-size=64' } };
});

vi.mock('electron', () => {
  const contentsFor = (id: number) => {
    const events = h.on();
    return {
      ...events,
      id,
      once: events.on,
      reload: vi.fn(),
      forcefullyCrashRenderer: vi.fn(),
      setWindowOpenHandler: vi.fn(),
      session: { setPermissionRequestHandler: vi.fn(), setPermissionCheckHandler: vi.fn() },
    };
  };
  class BrowserWindow {
    static getAllWindows = () => h.windows;
    webContents: ReturnType<typeof contentsFor>;
    events = h.on();
    constructor(readonly options: unknown) {
      this.webContents = contentsFor(h.windows.length + 1);
      // Electron announces the new webContents during construction, before anything loads.
      h.appEvents.emit('web-contents-created', {}, this.webContents);
      h.windows.push(this as never);
    }
    on = this.events.on;
    once = this.events.on;
    loadURL = vi.fn(async () => {});
    isDestroyed = () => false;
    show = vi.fn();
    focus = vi.fn();
  }
  return {
    app: {
      isPackaged: true,
      commandLine: { getSwitchValue: vi.fn((name: string) => (name === 'js-flags' ? h.jsFlags.value : '')) },
      relaunch: vi.fn(),
      requestSingleInstanceLock: vi.fn(() => h.lock.value),
      enableSandbox: vi.fn(),
      whenReady: vi.fn(() => new Promise<void>((resolve) => (h.ready.resolve = resolve))),
      getPath: vi.fn(() => userData),
      getAppPath: vi.fn(() => userData),
      on: vi.fn(h.appEvents.on),
      quit: vi.fn(),
      exit: vi.fn(),
    },
    BrowserWindow,
    ipcMain: { handle: vi.fn(), removeHandler: vi.fn() },
    powerSaveBlocker: { start: vi.fn(() => 7), stop: vi.fn() },
    screen: { getAllDisplays: () => [h.display], getPrimaryDisplay: () => h.display, on: vi.fn(), removeListener: vi.fn() },
    protocol: { registerSchemesAsPrivileged: vi.fn(), handle: vi.fn() },
    safeStorage: {
      isEncryptionAvailable: () => true,
      getSelectedStorageBackend: () => 'gnome_libsecret',
      encryptString: (s: string) => Buffer.from(`enc:${s}`),
      decryptString: (b: Buffer) => b.toString().slice(4),
    },
  };
});
vi.mock('../runtime', () => ({ startRuntime: vi.fn(async () => h.runtime) }));
vi.mock('../server/static-files', () => ({
  readStatic: vi.fn(async (_dir: string, path: string) => (path === '/index.html' ? { body: Buffer.from('<!doctype html>'), type: 'text/html' } : null)),
}));

const electron = await import('electron');
const { startRuntime } = await import('../runtime');
const { createSecretStore, BROKER_PASSWORD } = await import('./secret-store');
const { app, ipcMain, powerSaveBlocker, protocol } = vi.mocked(electron);

async function until(check: () => boolean) {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(check()).toBe(true);
}

async function startMain() {
  vi.resetModules();
  process.env['FACTORYBRAIN_DATA_DIR'] = join(userData, 'data');
  await import('./main');
}

describe('Electron main process', () => {
  beforeEach(() => {
    vi.clearAllMocks();
    h.appEvents.handlers.clear();
    h.windows.length = 0;
    h.lock.value = true;
    h.jsFlags.value = RUNTIME_V8_FLAGS.join(' ');
  });

  it('started without the runtime\'s V8 flags, starts itself again with them (and its own) before anything else', async () => {
    h.jsFlags.value = '--expose-gc';
    const argv = process.argv;
    process.argv = ['/opt/FactoryBrain/factorybrain', '--kiosk'];
    try {
      await startMain();
    } finally {
      process.argv = argv;
    }
    expect(app.relaunch).toHaveBeenCalledWith({ args: ['--kiosk', `--js-flags=--expose-gc ${RUNTIME_V8_FLAGS.join(' ')}`] });
    expect(app.exit).toHaveBeenCalledWith(0);
    expect(app.requestSingleInstanceLock).not.toHaveBeenCalled();
    expect(startRuntime).not.toHaveBeenCalled();
  });

  it('quits at once when another instance holds the single-instance lock', async () => {
    h.lock.value = false;
    await startMain();
    expect(app.requestSingleInstanceLock).toHaveBeenCalled();
    expect(app.relaunch).not.toHaveBeenCalled();
    expect(app.quit).toHaveBeenCalled();
    expect(app.enableSandbox).not.toHaveBeenCalled();
    expect(startRuntime).not.toHaveBeenCalled();
  });

  it('locks down the app, the protocol, every window and the IPC before the renderer loads', async () => {
    createSecretStore(electron.safeStorage, join(userData, 'secrets.json')).set(BROKER_PASSWORD, 'broker-secret');
    await startMain();
    expect(protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
    expect(app.requestSingleInstanceLock).toHaveBeenCalled();
    // the sandbox must be on for every renderer before the app is ready
    expect(app.enableSandbox).toHaveBeenCalled();
    expect(h.appEvents.handlers.has('web-contents-created')).toBe(true);
    expect(startRuntime).not.toHaveBeenCalled();
    h.ready.resolve();
    await until(() => h.windows.length === 1);

    // the broker password comes from safeStorage, not from a plain file
    expect(vi.mocked(startRuntime).mock.calls[0]![0].broker.password).toBe('broker-secret');
    // the audit and sync key files are encrypted with safeStorage
    const keystore = vi.mocked(startRuntime).mock.calls[0]![1].keystore!;
    expect(keystore.available()).toBe(true);
    const sealed = keystore.encrypt(Buffer.from('audit key'));
    expect(sealed.toString()).toMatch(/^enc:/);
    expect(keystore.decrypt(sealed).toString()).toBe('audit key');

    expect(protocol.handle).toHaveBeenCalledWith('app', expect.any(Function));
    const serve = vi.mocked(protocol.handle).mock.calls[0]![1] as (r: Request) => Promise<Response>;
    const page = await serve(new Request('app://factorybrain/index.html'));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).toMatch(/script-src 'self';/);
    expect((await serve(new Request('app://factorybrain/missing.js'))).status).toBe(404);

    expect(vi.mocked(ipcMain.handle).mock.calls.map((c) => c[0])).toEqual(CALL_NAMES.map(ipcChannel));
    expect(powerSaveBlocker.start).toHaveBeenCalledWith('prevent-display-sleep');

    const win = h.windows[0]! as unknown as { options: { webPreferences: Record<string, unknown> }; loadURL: ReturnType<typeof vi.fn>; webContents: Record<string, ReturnType<typeof vi.fn>> & { session: Record<string, ReturnType<typeof vi.fn>> } };
    expect(win.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      webviewTag: false,
      devTools: false,
      autoplayPolicy: 'no-user-gesture-required',
    });
    expect(String(win.options.webPreferences['preload'])).toMatch(/preload[/\\]index\.cjs$/);
    expect(win.loadURL).toHaveBeenCalledWith('app://factorybrain/index.html');
    // lockDownContents ran on the window's contents through web-contents-created
    expect(win.webContents.setWindowOpenHandler).toHaveBeenCalled();
    expect(win.webContents.session.setPermissionRequestHandler).toHaveBeenCalled();
  });

  it('reloads a crashed renderer and crashes a hung one so that it reloads', async () => {
    await startMain();
    h.ready.resolve();
    await until(() => h.windows.length === 1);
    const win = h.windows[0]!;
    win.webContents.emit('render-process-gone', {}, { reason: 'crashed' });
    expect(win.webContents['reload']).toHaveBeenCalled();
    win.events.emit('unresponsive');
    expect(win.webContents['forcefullyCrashRenderer']).toHaveBeenCalled();
  });

  it('quits with the last window and stops the runtime and the sleep blocker on the way out', async () => {
    await startMain();
    h.ready.resolve();
    await until(() => h.windows.length === 1);
    h.appEvents.emit('window-all-closed');
    expect(app.quit).toHaveBeenCalled();
    const event = { preventDefault: vi.fn() };
    h.appEvents.emit('will-quit', event);
    expect(event.preventDefault).toHaveBeenCalled();
    expect(powerSaveBlocker.stop).toHaveBeenCalledWith(7);
    expect(ipcMain.removeHandler).toHaveBeenCalledTimes(CALL_NAMES.length);
    await until(() => vi.mocked(app.exit).mock.calls.length === 1);
    expect(h.runtime.stop).toHaveBeenCalled();
    expect(app.exit).toHaveBeenCalledWith(0);
  });
});
