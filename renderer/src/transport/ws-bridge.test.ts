import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TokenStore } from './session-token';
import { HostDisconnectedError } from './client';
import { WsBridge, type SocketLike } from './ws-bridge';

class FakeSocket {
  sent: unknown[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: (() => void) | null = null;
  constructor(readonly url: string) {}
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.onclose?.();
  }
  open() {
    this.onopen?.();
  }
  receive(frame: unknown) {
    this.onmessage?.({ data: typeof frame === 'string' ? frame : JSON.stringify(frame) });
  }
}

function memoryTokens(initial: string | null = null): TokenStore & { value: string | null } {
  return {
    value: initial,
    get() {
      return this.value;
    },
    set(token) {
      this.value = token;
    },
    clear() {
      this.value = null;
    },
  };
}

const session = { user: { id: 1, username: 'ada', role: 'admin' }, token: 'tok-1' };

describe('WsBridge', () => {
  let sockets: FakeSocket[];
  let bridge: WsBridge | undefined;
  const make = (tokens: TokenStore) =>
    (bridge = new WsBridge({
      url: 'ws://host/ws',
      tokens,
      backoff: { initialMs: 100, maxMs: 400 },
      createSocket: (url) => {
        const socket = new FakeSocket(url);
        sockets.push(socket);
        return socket as unknown as SocketLike;
      },
    }));
  const last = () => sockets.at(-1)!;

  beforeEach(() => {
    sockets = [];
    vi.useFakeTimers();
  });
  afterEach(() => {
    bridge?.close();
    vi.useRealTimers();
  });

  it('frames calls as {id, call, request} once open and resolves them by id', async () => {
    const b = make(memoryTokens());
    const first = b.invoke('auth.state', {});
    const second = b.invoke('machines.list', {});
    expect(last().url).toBe('ws://host/ws');
    expect(last().sent).toEqual([]);

    last().open();
    expect(last().sent).toEqual([
      { id: 1, call: 'auth.state', request: {} },
      { id: 2, call: 'machines.list', request: {} },
    ]);
    last().receive({ id: 2, result: { ok: true, data: [] } });
    last().receive({ id: 1, result: { ok: false, error: { code: 'internal', message: 'boom' } } });
    await expect(second).resolves.toEqual({ ok: true, data: [] });
    await expect(first).resolves.toEqual({ ok: false, error: { code: 'internal', message: 'boom' } });
  });

  it('hands contract events to listeners and ignores junk and unknown events', () => {
    const b = make(memoryTokens());
    const seen: unknown[] = [];
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const stop = b.onEvent((name, payload) => seen.push([name, payload]));
    last().open();
    last().receive('not json');
    last().receive({ nonsense: true });
    last().receive({ event: 'no.such.event', payload: {} });
    last().receive({ id: 99, result: { ok: true, data: 1 } });
    last().receive({ event: 'telemetry', payload: { readings: [] } });
    stop();
    last().receive({ event: 'telemetry', payload: { readings: [1] } });
    expect(seen).toEqual([['telemetry', { readings: [] }]]);
    expect(warn).toHaveBeenCalledTimes(2);
    warn.mockRestore();
  });

  it('rejects calls in flight and queued calls with a clear error when the socket closes', async () => {
    const b = make(memoryTokens());
    last().open();
    const inFlight = b.invoke('health.get', {});
    last().close();
    const queued = b.invoke('machines.list', {});
    await expect(inFlight).rejects.toThrow(HostDisconnectedError);
    await expect(inFlight).rejects.toThrow(/lost before "health.get" was answered/);

    vi.advanceTimersByTime(100);
    expect(sockets).toHaveLength(2);
    last().close();
    await expect(queued).rejects.toThrow(/"machines.list"/);
  });

  it('reconnects with doubling back-off and resumes the session before sending anything else', async () => {
    const tokens = memoryTokens('tok-1');
    const b = make(tokens);
    last().open();
    expect(last().sent).toEqual([{ id: 1, call: 'auth.resume', request: { token: 'tok-1' } }]);
    last().receive({ id: 1, result: { ok: true, data: session } });

    last().close();
    vi.advanceTimersByTime(99);
    expect(sockets).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(2);
    last().close();
    vi.advanceTimersByTime(199);
    expect(sockets).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(3);

    const call = b.invoke('health.get', {});
    last().open();
    expect(last().sent).toEqual([{ id: 3, call: 'auth.resume', request: { token: 'tok-1' } }]);
    last().receive({ id: 3, result: { ok: true, data: session } });
    expect(last().sent).toEqual([
      { id: 3, call: 'auth.resume', request: { token: 'tok-1' } },
      { id: 2, call: 'health.get', request: {} },
    ]);
    last().receive({ id: 2, result: { ok: true, data: 'h' } });
    await expect(call).resolves.toEqual({ ok: true, data: 'h' });
    expect(tokens.value).toBe('tok-1');

    // A successful open resets the back-off.
    last().close();
    vi.advanceTimersByTime(100);
    expect(sockets).toHaveLength(4);
  });

  it('forgets a token the host no longer accepts and still sends the queued calls', async () => {
    const tokens = memoryTokens('expired');
    const b = make(tokens);
    const state = b.invoke('auth.state', {});
    last().open();
    last().receive({ id: 2, result: { ok: false, error: { code: 'unauthenticated', message: 'expired' } } });
    expect(tokens.value).toBeNull();
    expect(last().sent.at(-1)).toEqual({ id: 1, call: 'auth.state', request: {} });
    last().receive({ id: 1, result: { ok: true, data: { needsSetup: false, user: null } } });
    await expect(state).resolves.toMatchObject({ ok: true });
  });

  it('stops for good on close()', async () => {
    const b = make(memoryTokens());
    last().open();
    const pending = b.invoke('health.get', {});
    b.close();
    await expect(pending).rejects.toThrow(HostDisconnectedError);
    await expect(b.invoke('health.get', {})).rejects.toThrow(/closed/);
    vi.advanceTimersByTime(10_000);
    expect(sockets).toHaveLength(1);
  });
});
