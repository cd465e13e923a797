import { describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => ({}));
const { secureWindowOptions, isOwnUrl, lockDownContents, APP_ORIGIN } = await import('./secure-window');

describe('secure window options', () => {
  it('isolates the renderer after the Electron security checklist', () => {
    const web = secureWindowOptions('/app/preload.cjs', true).webPreferences!;
    expect(web).toMatchObject({
      preload: '/app/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      devTools: false,
      autoplayPolicy: 'no-user-gesture-required',
    });
  });

  it('keeps DevTools for development builds only', () => {
    expect(secureWindowOptions('/p', false).webPreferences!.devTools).toBe(true);
  });
});

describe('isOwnUrl', () => {
  it('accepts our protocol and the dev server, nothing else', () => {
    expect(isOwnUrl(`${APP_ORIGIN}/index.html`, undefined)).toBe(true);
    expect(isOwnUrl('http://localhost:5173/', 'http://localhost:5173')).toBe(true);
    expect(isOwnUrl('http://localhost:5173/', undefined)).toBe(false);
    expect(isOwnUrl('https://evil.example/', 'http://localhost:5173')).toBe(false);
    expect(isOwnUrl('app://other/index.html', undefined)).toBe(false);
    expect(isOwnUrl('not a url', undefined)).toBe(false);
  });
});

describe('lockDownContents', () => {
  function fakeContents() {
    const handlers = new Map<string, (...args: unknown[]) => void>();
    const session = { setPermissionRequestHandler: vi.fn(), setPermissionCheckHandler: vi.fn() };
    const contents = { on: (name: string, h: (...args: unknown[]) => void) => handlers.set(name, h), setWindowOpenHandler: vi.fn(), session };
    return { contents, handlers, session };
  }

  it('denies foreign navigation, redirects, new windows, webviews and permissions', () => {
    const { contents, handlers, session } = fakeContents();
    lockDownContents(contents as never, undefined);
    for (const name of ['will-navigate', 'will-redirect']) {
      const foreign = { preventDefault: vi.fn() };
      handlers.get(name)!(foreign, 'https://evil.example/');
      expect(foreign.preventDefault).toHaveBeenCalled();
      const own = { preventDefault: vi.fn() };
      handlers.get(name)!(own, `${APP_ORIGIN}/index.html`);
      expect(own.preventDefault).not.toHaveBeenCalled();
    }
    const webview = { preventDefault: vi.fn() };
    handlers.get('will-attach-webview')!(webview);
    expect(webview.preventDefault).toHaveBeenCalled();
    expect(contents.setWindowOpenHandler.mock.calls[0]![0]()).toEqual({ action: 'deny' });
    const callback = vi.fn();
    session.setPermissionRequestHandler.mock.calls[0]![0]({}, 'media', callback);
    expect(callback).toHaveBeenCalledWith(false);
    expect(session.setPermissionCheckHandler.mock.calls[0]![0]()).toBe(false);
  });
});
