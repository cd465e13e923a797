import { describe, expect, it, vi } from 'vitest';
import { CALL_NAMES, ipcChannel, ipcEventChannel } from '../../common/contract';

vi.mock('electron', () => ({}));
const { registerIpcBridge } = await import('./ipc-bridge');

function setup() {
  const handlers = new Map<string, (event: unknown, request: unknown) => Promise<unknown>>();
  const ipcMain = { handle: vi.fn((ch: string, h) => handlers.set(ch, h)), removeHandler: vi.fn((ch: string) => handlers.delete(ch)) };
  const dispatch = vi.fn(async (connection: { token: string | null }, name: unknown) => {
    if (name === 'auth.login') connection.token = 'tok';
    return { ok: true as const, data: name };
  });
  const bridge = registerIpcBridge({ ipcMain: ipcMain as never, dispatch, isOwnUrl: (url) => url.startsWith('app://factorybrain/'), sessionLive: (t) => t === 'tok' });
  const contents = (id: number) => ({ id, once: vi.fn(), send: vi.fn(), isDestroyed: () => false });
  const event = (sender: unknown, url = 'app://factorybrain/index.html', parent: unknown = null) => ({ sender, senderFrame: { url, parent } });
  return { handlers, ipcMain, dispatch, bridge, contents, event };
}

describe('registerIpcBridge', () => {
  it('registers one handler per contract call and removes them all', () => {
    const { handlers, bridge } = setup();
    expect([...handlers.keys()]).toEqual(CALL_NAMES.map(ipcChannel));
    bridge.dispose();
    expect(handlers.size).toBe(0);
  });

  it('refuses calls from foreign pages and subframes before dispatching', async () => {
    const { handlers, dispatch, contents, event } = setup();
    const handler = handlers.get(ipcChannel('machines.list'))!;
    expect(await handler(event(contents(1), 'https://evil.example/'), {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await handler(event(contents(1), 'app://factorybrain/index.html', {}), {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(dispatch).not.toHaveBeenCalled();
  });

  it('keeps one session per window and pushes events only to logged-in windows', async () => {
    const { handlers, bridge, contents, event } = setup();
    const a = contents(1);
    const b = contents(2);
    await handlers.get(ipcChannel('auth.login'))!(event(a), {});
    await handlers.get(ipcChannel('auth.state'))!(event(b), {});
    bridge.broadcast('telemetry', { readings: [] });
    expect(a.send).toHaveBeenCalledWith(ipcEventChannel, 'telemetry', { readings: [] });
    expect(b.send).not.toHaveBeenCalled();
  });
});
