import { describe, expect, it, vi } from 'vitest';
import type { Bridge, EventName } from '../../../common/contract';
import { CallError, createCaller, subscribeEvents } from './client';

const bridgeAnswering = (answer: () => Promise<unknown>): Bridge => ({
  invoke: (() => answer()) as Bridge['invoke'],
  onEvent: () => () => undefined,
});

describe('createCaller', () => {
  it('returns the data parsed by the call schema', async () => {
    const call = createCaller(bridgeAnswering(async () => ({ ok: true, data: { needsSetup: true, user: null, locked: false } })));
    await expect(call('auth.state', {})).resolves.toEqual({ needsSetup: true, user: null, locked: false });
  });

  it('throws the host error as a typed CallError', async () => {
    const call = createCaller(bridgeAnswering(async () => ({ ok: false, error: { code: 'unauthenticated', message: 'bad password' } })));
    const failure = await call('auth.login', { username: 'a', password: 'b' }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(CallError);
    expect(failure).toMatchObject({ call: 'auth.login', code: 'unauthenticated', message: 'bad password' });
  });

  it('refuses data that does not match the contract', async () => {
    const call = createCaller(bridgeAnswering(async () => ({ ok: true, data: { needsSetup: 'yes' } })));
    await expect(call('auth.state', {})).rejects.toMatchObject({ code: 'invalid_response' });
  });

  it('turns a transport rejection into a disconnected failure', async () => {
    const call = createCaller(bridgeAnswering(() => Promise.reject(new Error('socket gone'))));
    await expect(call('health.get', {})).rejects.toMatchObject({ code: 'disconnected', message: 'socket gone' });
  });
});

describe('subscribeEvents', () => {
  it('delivers parsed payloads and drops malformed ones', () => {
    let emit: (name: EventName, payload: unknown) => void = () => undefined;
    const bridge: Bridge = { invoke: vi.fn() as Bridge['invoke'], onEvent: (listener) => ((emit = listener), () => undefined) };
    const telemetry = vi.fn();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    subscribeEvents(bridge, { telemetry });
    emit('telemetry', { readings: [{ machineId: 'm1', ts: 1, metrics: { t: 2 } }] });
    emit('telemetry', { readings: [{ machineId: 'm1', ts: 'soon', metrics: {} }] });
    emit('machines', { machines: [] });
    expect(telemetry).toHaveBeenCalledTimes(1);
    expect(telemetry).toHaveBeenCalledWith({ readings: [{ machineId: 'm1', ts: 1, metrics: { t: 2 } }] });
    expect(warn).toHaveBeenCalledTimes(1);
    warn.mockRestore();
  });
});
