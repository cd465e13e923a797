/**
 * Window settings after the Electron security checklist. Kept as data so a unit test can check
 * every setting without starting Electron.
 */
import type { BrowserWindowConstructorOptions, WebContents } from 'electron';

export const APP_SCHEME = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://factorybrain`;

export function secureWindowOptions(preloadPath: string, isProduction: boolean): BrowserWindowConstructorOptions {
  return {
    width: 1600,
    height: 900,
    backgroundColor: '#d6d6d6',
    show: false,
    autoHideMenuBar: true,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      devTools: !isProduction,
      // Voice alerts must play without a click: the control room may be unattended when they fire.
      autoplayPolicy: 'no-user-gesture-required',
      backgroundThrottling: false,
    },
  };
}

/** Whether a URL belongs to our renderer (custom protocol in production, the dev server in development). */
export function isOwnUrl(url: string, devServerUrl: string | undefined): boolean {
  try {
    const u = new URL(url);
    if (`${u.protocol}//${u.host}` === APP_ORIGIN) return true;
    return devServerUrl !== undefined && u.origin === new URL(devServerUrl).origin;
  } catch {
    return false;
  }
}

/** Denies navigation, redirects, new windows and every permission request that is not ours. */
export function lockDownContents(contents: WebContents, devServerUrl: string | undefined): void {
  contents.on('will-navigate', (event, url) => {
    if (!isOwnUrl(url, devServerUrl)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isOwnUrl(url, devServerUrl)) event.preventDefault();
  });
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  contents.session.setPermissionCheckHandler(() => false);
}
