import type { Bridge } from '../../../common/contract';
import type { TokenStore } from './session-token';
import { WsBridge } from './ws-bridge';

declare global {
  interface Window {
    /** Set by the Electron preload through contextBridge; absent in a plain browser. */
    factorybrain?: Bridge;
  }
}

/** The Electron bridge when the preload put one on the window, else the headless host's WebSocket. */
export function selectBridge(win: Window, tokens: TokenStore): Bridge {
  if (win.factorybrain) return win.factorybrain;
  const scheme = win.location.protocol === 'https:' ? 'wss' : 'ws';
  return new WsBridge({ url: `${scheme}://${win.location.host}/ws`, tokens });
}
