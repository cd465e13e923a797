import { describe, expect, it, vi } from 'vitest';
import { CALL_NAMES, ipcChannel, ipcEventChannel } from '../../common/contract';

vi.mock('electron', () => ({}));
const { registerIpcBridge } = await import('./ipc-bridge');

function setup(speaker?: () => { id: number } | undefined) {
  const handlers = new Map<string, (event: unknown, request: unknown) => Promise<unknown>>();
  const ipcMain = { handle: vi.fn((ch: string, h) => handlers.set(ch, h)), removeHandler: vi.fn((ch: string) => handlers.delete(ch)) };
  const dispatch = vi.fn(async (connection: { token: string | null }, name: unknown) => {
    if (name === 'auth.login') connection.token = 'tok';
    return { ok: true as const, data: name };
  });
  const bridge = registerIpcBridge({ ipcMain: ipcMain as never, dispatch, isOwnUrl: (url) => url.startsWith('app://factorybrain/'), sessionLive: (t) => t === 'tok', speaker });
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

  it('sends a voice event to the speaker window only, or to the first logged-in window without one', async () => {
    let speaker: { id: number } | undefined = { id: 2 };
    const { handlers, bridge, contents, event } = setup(() => speaker);
    const [a, b, c] = [contents(1), contents(2), contents(3)];
    for (const w of [a, b, c]) await handlers.get(ipcChannel('auth.login'))!(event(w), {});
    bridge.broadcast('voice', { kind: 'x' });
    expect(b.send).toHaveBeenCalledWith(ipcEventChannel, 'voice', { kind: 'x' });
    expect(a.send).not.toHaveBeenCalled();
    expect(c.send).not.toHaveBeenCalled();
    speaker = { id: 9 };
    bridge.broadcast('voice', { kind: 'y' });
    expect(a.send).toHaveBeenCalledWith(ipcEventChannel, 'voice', { kind: 'y' });
    expect(c.send).not.toHaveBeenCalled();
    bridge.broadcast('alarms', { alarms: [] });
    for (const w of [a, b, c]) expect(w.send).toHaveBeenCalledWith(ipcEventChannel, 'alarms', { alarms: [] });
  });
});
