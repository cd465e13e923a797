/**
 * The bridge the renderer sees as window.factorybrain, generated from the contract: one IPC
 * channel per call name, nothing else of Electron is exposed.
 */
import { EVENT_NAMES, ipcChannel, ipcEventChannel, isCallName, type Bridge, type CallResult, type EventName } from '../common/contract';

/** The slice of ipcRenderer the bridge needs; injected so the bridge is testable without Electron. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

export function createBridge(ipc: IpcRendererLike): Bridge {
  return {
    invoke(name, request) {
      if (!isCallName(name)) return Promise.resolve({ ok: false, error: { code: 'unknown_call', message: `unknown call ${String(name)}` } });
      return ipc.invoke(ipcChannel(name), request) as Promise<CallResult<never>>;
    },
    onEvent(listener) {
      const forward = (_event: unknown, name: unknown, payload: unknown) => {
        if (EVENT_NAMES.includes(name as EventName)) listener(name as EventName, payload);
      };
      ipc.on(ipcEventChannel, forward as (event: unknown, ...args: unknown[]) => void);
      return () => void ipc.removeListener(ipcEventChannel, forward as (event: unknown, ...args: unknown[]) => void);
    },
  };
}
