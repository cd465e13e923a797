import { describe, expect, it, vi } from 'vitest';
import { CALL_NAMES, ipcChannel, ipcEventChannel } from '../common/contract';
import { createBridge, type IpcRendererLike } from './bridge';

function fakeIpc() {
  const listeners = new Map<string, ((event: unknown, ...args: unknown[]) => void)[]>();
  const ipc: IpcRendererLike & { emit(channel: string, ...args: unknown[]): void } = {
    invoke: vi.fn(async () => ({ ok: true, data: null })),
    on: (channel, l) => listeners.set(channel, [...(listeners.get(channel) ?? []), l]),
    removeListener: (channel, l) => listeners.set(channel, (listeners.get(channel) ?? []).filter((x) => x !== l)),
    emit: (channel, ...args) => listeners.get(channel)?.forEach((l) => l({}, ...args)),
  };
  return ipc;
}

describe('preload bridge', () => {
  it('sends every contract call on its own channel', async () => {
    const ipc = fakeIpc();
    const bridge = createBridge(ipc);
    for (const name of CALL_NAMES) await bridge.invoke(name, {} as never);
    expect((ipc.invoke as ReturnType<typeof vi.fn>).mock.calls.map((c) => c[0])).toEqual(CALL_NAMES.map(ipcChannel));
  });

  it('refuses names outside the contract without touching IPC', async () => {
    const ipc = fakeIpc();
    const result = await createBridge(ipc).invoke('fs.readFile' as never, {} as never);
    expect(result).toMatchObject({ ok: false, error: { code: 'unknown_call' } });
    expect(ipc.invoke).not.toHaveBeenCalled();
  });

  it('forwards contract events only, and unsubscribes', () => {
    const ipc = fakeIpc();
    const seen: unknown[] = [];
    const off = createBridge(ipc).onEvent((name, payload) => seen.push([name, payload]));
    ipc.emit(ipcEventChannel, 'telemetry', { readings: [] });
    ipc.emit(ipcEventChannel, 'not-an-event', {});
    off();
    ipc.emit(ipcEventChannel, 'telemetry', { readings: [] });
    expect(seen).toEqual([['telemetry', { readings: [] }]]);
  });
});
